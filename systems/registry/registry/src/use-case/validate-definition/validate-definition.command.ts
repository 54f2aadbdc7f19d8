import type { CommandContext } from '../port/command-context.js';

/** Validates the latest version of a definition. `id`: the definition id (8-4-4-4-12 hex). */
export class ValidateDefinitionCommand {
  constructor(
    readonly id: string,
    readonly context: CommandContext,
  ) {}
}
