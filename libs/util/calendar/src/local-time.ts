import { Temporal } from 'temporal-polyfill';

/** A problem with one input field: `field` is a JSON-pointer-like path (`start`, `exdates/2`), `message` says why. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Whether `timeZone` is an IANA time zone name the runtime's tz database knows (aliases such as
 * `Asia/Calcutta` included; `UTC` included). Offsets like `+01:00` are refused: an event needs a
 * zone with rules, not a fixed offset.
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64 || /^[+-]/.test(timeZone))
    return false;
  try {
    Temporal.PlainDate.from('2000-01-01').toZonedDateTime(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Parses a local (floating) date-time `YYYY-MM-DDTHH:mm[:ss]`; undefined when malformed or not a real date. */
export function parseLocalDateTime(value: unknown): Temporal.PlainDateTime | undefined {
  if (typeof value !== 'string' || !LOCAL_DATE_TIME.test(value)) return undefined;
  try {
    return Temporal.PlainDateTime.from(value, { overflow: 'reject' });
  } catch {
    return undefined;
  }
}

/** Parses a calendar date `YYYY-MM-DD`; undefined when malformed or not a real date (2026-02-30). */
export function parseDate(value: unknown): Temporal.PlainDate | undefined {
  if (typeof value !== 'string' || !DATE.test(value)) return undefined;
  try {
    return Temporal.PlainDate.from(value, { overflow: 'reject' });
  } catch {
    return undefined;
  }
}

/** Parses an RFC 3339 instant (with `Z` or an offset); undefined when malformed. */
export function parseInstant(value: unknown): Temporal.Instant | undefined {
  if (typeof value !== 'string' || !INSTANT.test(value)) return undefined;
  try {
    return Temporal.Instant.from(value);
  } catch {
    return undefined;
  }
}

/**
 * The instant of a local date-time in `timeZone`, resolved per RFC 5545 §3.3.5: a time repeated by a
 * backward shift means its first occurrence; a time skipped by a forward shift is read with the UTC
 * offset before the gap (02:30 in a 02:00→03:00 gap is 03:30 of the new offset). This is Temporal's
 * `compatible` disambiguation.
 */
export function zoned(local: Temporal.PlainDateTime, timeZone: string): Temporal.ZonedDateTime {
  return local.toZonedDateTime(timeZone, { disambiguation: 'compatible' });
}

/** `2026-03-27T08:00:00Z`: an instant in UTC with second precision (sub-seconds kept only when present). */
export function formatInstant(instant: Temporal.Instant): string {
  return instant.toString({ smallestUnit: instant.epochMilliseconds % 1000 === 0 ? 'second' : 'millisecond' });
}

/** `2026-03-27T09:00:00`: a local date-time without zone, seconds always shown. */
export function formatLocal(local: Temporal.PlainDateTime): string {
  return local.toString({ smallestUnit: 'second' });
}

export { Temporal };
