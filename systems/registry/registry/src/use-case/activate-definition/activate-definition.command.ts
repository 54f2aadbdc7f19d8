import type { CommandContext } from '../port/command-context.js';

/** Activates the latest version (validating it first unless it is `valid`). `id`: the definition id (8-4-4-4-12 hex). */
export class ActivateDefinitionCommand {
  constructor(
    readonly id: string,
    readonly context: CommandContext,
  ) {}
}
