export * from './arkivmelding.ts';
export * from './codelists.ts';
export * from './document.ts';
export * from './filename.ts';
export * from './mapping.ts';
export * from './xml.ts';
