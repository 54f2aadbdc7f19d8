import { IN_PROCESS_CALLER, type EntityCaller } from '../../entity/registry-entity/field-access.js';
import type { CommandContext } from '../port/command-context.js';

/** Create (`invite: false`) or invite (`invite: true`) an entity of `type`; `body` is the parsed JSON body. */
export class CreateEntityCommand {
  constructor(
    readonly type: string,
    readonly body: unknown,
    readonly invite: boolean,
    readonly context: CommandContext,
    /** Who asks (decides manager / owner / neither); in-process callers default to {@link IN_PROCESS_CALLER}. */
    readonly caller: EntityCaller = IN_PROCESS_CALLER,
  ) {}
}
