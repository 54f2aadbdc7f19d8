export * from './databases.js';
export * from './processes.js';
