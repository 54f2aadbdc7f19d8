import { createHash, randomBytes } from 'node:crypto';
import type { TicketSecret, TicketSecretPort } from '../use-case/port/stream.port.js';

/** Stream tickets: 32 bytes from the CSPRNG, base64url; stored as their SHA-256 (hex). */
export class RandomTicketSecretGateway implements TicketSecretPort {
  issue(): TicketSecret {
    const ticket = randomBytes(32).toString('base64url');
    return { ticket, hash: this.hash(ticket) };
  }

  hash(ticket: string): string {
    return createHash('sha256').update(ticket).digest('hex');
  }
}
