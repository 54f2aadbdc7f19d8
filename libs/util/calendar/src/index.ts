export * from './local-time.js';
export * from './recurrence.js';
