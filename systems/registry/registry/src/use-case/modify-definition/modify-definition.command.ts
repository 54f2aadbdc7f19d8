import type { CommandContext } from '../port/command-context.js';

/** Revise a definition: `schema` becomes its next version, in draft. */
export class ModifyDefinitionCommand {
  constructor(
    readonly id: string,
    readonly schema: unknown,
    readonly context: CommandContext,
  ) {}
}
