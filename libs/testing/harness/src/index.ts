export * from './databases.js';
export * from './processes.js';
export * from './kafka.js';
export * from './event-schemas.js';
export * from './edge-upstreams.js';
export * from './mail.js';
export * from './push.js';
export * from './outbox-faults.js';
