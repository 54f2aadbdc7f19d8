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
  ) {}
}
