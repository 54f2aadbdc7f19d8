export * from './schema-compat.js';
