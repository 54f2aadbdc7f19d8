import { v7 } from 'uuid';
import type { EntityIdPort } from '../use-case/port/entity-id.port.js';

/** New entity ids: UUIDv7 (RFC 9562 §5.7, time-ordered, from the `uuid` package). */
export class UuidV7EntityIdGateway implements EntityIdPort {
  next(): string {
    return v7();
  }
}
