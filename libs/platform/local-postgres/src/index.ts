export * from './local-postgres.js';
