import type { CommandContext } from '../port/command-context.js';

/** Deactivates a definition. `id`: the definition id (8-4-4-4-12 hex). */
export class DeactivateDefinitionCommand {
  constructor(
    readonly id: string,
    readonly context: CommandContext,
  ) {}
}
