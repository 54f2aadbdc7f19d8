import type { CommandContext } from '../port/command-context.js';

/** Publish a definition: `schema` is the request body as parsed JSON (anything; it is checked). */
export class CreateDefinitionCommand {
  constructor(
    readonly schema: unknown,
    readonly context: CommandContext,
  ) {}
}
