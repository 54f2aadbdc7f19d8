import { z } from 'zod';

// Environment variables arrive as strings. These builders parse them into typed values and word
// their errors as "must …", so `loadConfig` can print "HTTP_PORT must be an integer between 1 and 65535".
// Messages never repeat the offending value: a variable may hold a secret (DATABASE_URL has a password).

/** A string variable holding an integer in `[min, max]`, parsed to a `number`. */
export function envInteger(min: number, max: number): z.ZodType<number, string> {
  const message = `must be an integer between ${min} and ${max}`;
  return z
    .string({ error: message })
    .trim()
    .regex(/^-?\d+$/, { error: message })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: message }).max(max, { error: message }));
}

/** A TCP port number, 1–65535. */
export function envPort(): z.ZodType<number, string> {
  return envInteger(1, 65535);
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`, case-insensitive), parsed to a `boolean`. */
export function envBoolean(): z.ZodType<boolean, string> {
  const message = 'must be true or false';
  return z
    .string({ error: message })
    .trim()
    .toLowerCase()
    .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), { error: message })
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
}

/** A URL (WHATWG parse) whose scheme is one of `protocols` (given without the colon, e.g. `postgres`). */
export function envUrl(protocols: readonly string[]): z.ZodType<string, string> {
  const message = `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`;
  return z.string({ error: message }).refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { error: message },
  );
}

/** A comma-separated list of non-empty items, parsed to `string[]` (blank items are an error). */
export function envList(): z.ZodType<string[], string> {
  const message = 'must be a comma-separated list of non-empty values';
  return z
    .string({ error: message })
    .transform((v) => v.split(',').map((item) => item.trim()))
    .pipe(z.array(z.string().min(1, { error: message })).min(1, { error: message }));
}

/** A comma-separated list of `host:port` pairs (Kafka bootstrap servers), parsed to `string[]`. */
export function envHostPortList(): z.ZodType<string[], string> {
  const message = 'must be a comma-separated list of host:port pairs';
  return z
    .string({ error: message })
    .transform((v) => v.split(',').map((item) => item.trim()))
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, { error: message })).min(1, { error: message }));
}

/** A lower-case Postgres identifier (`[a-z_][a-z0-9_]*`, at most 63 bytes), e.g. a schema name. */
export function envIdentifier(): z.ZodType<string, string> {
  const message = 'must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)';
  return z.string({ error: message }).regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: message });
}

/** One of `values`. */
export function envEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

/** A lower-case kebab-case name (`[a-z][a-z0-9-]*`), e.g. a service or system name. */
export function envName(): z.ZodType<string, string> {
  const message = 'must be a lower-case name ([a-z][a-z0-9-]*)';
  return z.string({ error: message }).regex(/^[a-z][a-z0-9-]{0,62}$/, { error: message });
}
