import { Inject, Injectable } from '@nestjs/common';
import { CredentialNotFoundError } from '../../entity/credential/credential.errors.js';
import { decideRevocation } from '../../entity/credential/credential.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import type { CommandContext } from '../port/command-context.js';
import { CREDENTIAL_STORE, type CredentialStorePort, type StoredCredential } from '../port/credential-store.port.js';

/**
 * Revokes a credential: sets its bit in the revocation status list (re-signed on the next read).
 * Idempotent: revoking a revoked credential returns it unchanged.
 * @throws CredentialNotFoundError (404)
 */
@Injectable()
export class RevokeCredentialUseCase {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStorePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute(id: string, reason: 'manager' | 'entity-deleted', context: CommandContext): Promise<StoredCredential> {
    const existing = await this.store.get(id);
    if (!existing) throw new CredentialNotFoundError(id);
    if (decideRevocation(existing.revokedAt) === 'already-revoked') return existing;
    const after = await this.store.revoke(id, reason, this.clock.now(), context);
    if (!after) throw new CredentialNotFoundError(id);
    return after;
  }
}
