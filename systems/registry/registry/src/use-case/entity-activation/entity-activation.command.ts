import { IN_PROCESS_CALLER, type EntityCaller } from '../../entity/registry-entity/field-access.js';
import type { CommandContext } from '../port/command-context.js';

/**
 * Deactivate (`active`/`invited` → `deactivated`) or reactivate (`deactivated` → `active`) an
 * entity of `type`; `expectedVersion` is the If-Match version, if one was sent.
 */
export class EntityActivationCommand {
  constructor(
    readonly transition: 'DeactivateEntity' | 'ReactivateEntity',
    readonly type: string,
    readonly id: string,
    readonly expectedVersion: number | undefined,
    readonly context: CommandContext,
    /** Who asks (only a manager of the type may); in-process callers default to {@link IN_PROCESS_CALLER}. */
    readonly caller: EntityCaller = IN_PROCESS_CALLER,
  ) {}
}
