import { Inject, Injectable } from '@nestjs/common';
import type { CommandContext } from '../port/command-context.js';
import { CREDENTIAL_STORE, type CredentialStorePort } from '../port/credential-store.port.js';
import { RevokeCredentialUseCase } from '../revoke-credential/revoke-credential.use-case.js';

/**
 * Reactions to the registry's entity events beyond keeping the snapshot (done by the store in the
 * inbox transaction): a deleted entity's credentials are revoked.
 */
@Injectable()
export class RegistryEventsUseCase {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStorePort,
    private readonly revoke: RevokeCredentialUseCase,
  ) {}

  /** Revokes every credential of the entity (reason `entity-deleted`); returns how many changed. */
  async entityDeleted(entityType: string, entityId: string, context: CommandContext): Promise<number> {
    let changed = 0;
    let cursor: string | undefined;
    do {
      const page = await this.store.list({ entityType, entityId, limit: 100, ...(cursor && { cursor }) });
      for (const credential of page.items) {
        if (credential.revokedAt) continue;
        await this.revoke.execute(credential.id, 'entity-deleted', context);
        changed++;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return changed;
  }
}
