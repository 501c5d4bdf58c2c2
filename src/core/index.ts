// Zod's own messages in bokmål for every schema (a side effect: sets zod's global config).
import './validation-messages.ts';

export * from './access.ts';
export * from './audit.ts';
export * from './collation.ts';
export * from './contract.ts';
export * from './dates.ts';
export * from './errors.ts';
export * from './options.ts';
export * from './orgnr.ts';
export * from './status.ts';
export * from './users.ts';
