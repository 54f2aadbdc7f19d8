import { IN_PROCESS_CALLER, type EntityCaller } from '../../entity/registry-entity/field-access.js';
import type { CommandContext } from '../port/command-context.js';

/**
 * Replace (`mode: 'replace'`, PUT) or merge-patch (`mode: 'merge-patch'`, PATCH, RFC 7396) an entity.
 * `expectedVersion` is the If-Match version, if one was sent.
 */
export class UpdateEntityCommand {
  constructor(
    readonly type: string,
    readonly id: string,
    readonly mode: 'replace' | 'merge-patch',
    readonly document: unknown,
    readonly expectedVersion: number | undefined,
    readonly context: CommandContext,
    /** Who asks (decides manager / owner / neither); in-process callers default to {@link IN_PROCESS_CALLER}. */
    readonly caller: EntityCaller = IN_PROCESS_CALLER,
  ) {}
}
