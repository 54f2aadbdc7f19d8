import type { EntityReader } from '../get-entity/get-entity.query.js';
import type { CommandContext } from '../port/command-context.js';

/** The reader of an invited entity accepts it, if they are its owner. */
export class AcceptInvitationCommand {
  constructor(
    readonly type: string,
    readonly id: string,
    readonly reader: EntityReader,
    readonly context: CommandContext,
  ) {}
}
