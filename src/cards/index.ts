/** Adaptive Card templates and builders, shared by the bot and the tab. No bot framework here. */
export * from './actions.ts';
export * from './contracts.ts';
export * from './i18n.ts';
export * from './render.ts';
export * from './simple.ts';
export * from './tasks.ts';
