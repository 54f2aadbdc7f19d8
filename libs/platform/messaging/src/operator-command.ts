import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where an operator command writes: `out` for results, `err` for usage and errors. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Writes results to stdout, usage and errors to stderr. */
export const CONSOLE_OUTPUT: CommandOutput = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Option values as `node:util` `parseArgs` gives them (`multiple` options as arrays). */
export type OptionValues = Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>;

/** What {@link parseOperatorCommand} found: the action and the option values, or the exit code to return now. */
export type ParsedOperatorCommand =
  { readonly action: string; readonly values: OptionValues } | { readonly exit: number };

/**
 * Parses `<action> [--option …]` of an operator command (`dead-letters`, `dead-deliveries`):
 * `--help`/`-h` prints `usage` on `out` (exit 0); an unknown option, a missing value, no action,
 * an action not in `actions` or extra words print the reason and `usage` on `err` (exit 2).
 * Never throws on bad arguments. `name` is the command's name in messages.
 */
export function parseOperatorCommand(
  argv: readonly string[],
  spec: {
    readonly name: string;
    readonly usage: string;
    readonly actions: readonly string[];
    readonly options: NonNullable<ParseArgsConfig['options']>;
  },
  output: CommandOutput,
): ParsedOperatorCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    output.err(`${(error as Error).message}\n${spec.usage}`);
    return { exit: 2 };
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(spec.usage);
    return { exit: 0 };
  }
  const [action, ...rest] = positionals;
  if (!action || !spec.actions.includes(action) || rest.length > 0) {
    const reason = action ? `unknown ${spec.name} action: ${positionals.join(' ')}` : `${spec.name} needs an action`;
    output.err(`${reason}\n${spec.usage}`);
    return { exit: 2 };
  }
  return { action, values };
}
