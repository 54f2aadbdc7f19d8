import type { CommandContext } from '../port/command-context.js';

/** Marks a definition for deletion. `id`: the definition id (8-4-4-4-12 hex). */
export class DeleteDefinitionCommand {
  constructor(
    readonly id: string,
    readonly context: CommandContext,
  ) {}
}
