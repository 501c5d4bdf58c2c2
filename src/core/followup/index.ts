export * from './announcement.ts';
export * from './defaults.ts';
export * from './notify.ts';
export * from './permissions.ts';
export * from './plan.ts';
export * from './routine.ts';
export * from './task.ts';
