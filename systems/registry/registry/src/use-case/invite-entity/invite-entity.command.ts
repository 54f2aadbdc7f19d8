import type { EntityReader } from '../get-entity/get-entity.query.js';
import type { CommandContext } from '../port/command-context.js';

/**
 * Invite someone into `type`: create an entity in status `invited`, owned by the person its
 * `ownershipAttributes` name. `inviter` is the caller (`authenticated: false` without a valid token).
 */
export class InviteEntityCommand {
  constructor(
    readonly type: string,
    readonly body: unknown,
    readonly inviter: EntityReader & { readonly authenticated: boolean },
    readonly context: CommandContext,
  ) {}
}
