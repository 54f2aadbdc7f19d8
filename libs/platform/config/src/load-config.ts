import type { z } from 'zod';

/** Thrown by {@link loadConfig}; `problems` lists one `"<VAR> <reason>"` per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Validates `env` (default `process.env`) against `schema` and returns the typed config.
 *
 * An empty variable (`FOO=`) counts as unset, so defaults apply and required ones are reported
 * missing. Values are never echoed in messages: they may be secrets.
 *
 * @throws {ConfigError} naming every missing or invalid variable and why, e.g.
 *   `Invalid configuration: DATABASE_URL is required; HTTP_PORT must be an integer between 1 and 65535`.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const input = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(issue, input));
  throw new ConfigError([...new Set(problems)]);
}

function describeIssue(issue: z.core.$ZodIssue, input: Env): string {
  const name = issue.path.map(String).join('.') || '(configuration)';
  if (issue.path.length === 1 && input[name] === undefined && issue.code === 'invalid_type')
    return `${name} is required`;
  const reason = issue.message;
  return /^(must|is|should) /.test(reason) ? `${name} ${reason}` : `${name}: ${reason}`;
}

/**
 * {@link loadConfig} for a process entry point (`main.ts`): on a bad configuration it writes the
 * {@link ConfigError} message to stderr and exits the process with code 1, so a misconfigured
 * service stops at once with a message naming each bad variable instead of failing later.
 */
export function configOrExit<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
