export * from './sql.js';
export * from './event-store.types.js';
export * from './event-store.js';
export * from './event-store.schema.js';
export * from './upcasters.js';
export * from './projection-runner.js';
export * from './position-cursor.js';
export * from './stream-state-cache.js';
