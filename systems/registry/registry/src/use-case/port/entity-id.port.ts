/**
 * Makes new entity ids: UUIDv7 (RFC 9562 §5.7, time-ordered) in production, bound in the module
 * file; a port so that use cases stay free of I/O and tests choose their ids.
 */
export interface EntityIdPort {
  next(): string;
}

export const ENTITY_ID = Symbol('EntityIdPort');
