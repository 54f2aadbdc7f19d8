import { parseFieldPath } from './os-config.js';

/**
 * Attestor conditions of attestation policies, in Sunbird RC's notation: a comparison of a field of
 * the attestor's entity (`ATTESTOR#<path>#`) with a field of the entity to attest (`REQUESTER#<path>#`).
 * Read here, joined by `&&`, each optionally in parentheses:
 * - `ATTESTOR#<a>#.contains(REQUESTER#<r>#)`: an attestor value is an array holding a requester
 *   value, a string containing it, or equal to it;
 * - `ATTESTOR#<a>#.equals(REQUESTER#<r>#)` and `ATTESTOR#<a># == REQUESTER#<r>#`: equal values.
 * Paths are written as elsewhere in `_osConfig` (`$.a.b`, `/a/b`, `a.b`), `[*]`, `.[*]` or `.*` for
 * every item of an array (then any item may match); `$.osid` is the entity id. Anything else
 * (literals, JSONPath filters, other methods) is not read, and such a condition admits no attestor
 * entity: enforcement fails closed. No expression language runs.
 */

/** One comparison: attestor path, operator, requester path (segments, `*` for every array item). */
export interface AttestorComparison {
  readonly attestor: readonly string[];
  readonly op: 'contains' | 'equals';
  readonly requester: readonly string[];
}

/** A parsed condition: every comparison must hold. */
export interface AttestorCondition {
  readonly comparisons: readonly AttestorComparison[];
}

/** The path segment that names the entity id (Sunbird RC's `osid`). */
export const ENTITY_ID_FIELD = 'osid';

const COMPARISON = /^ATTESTOR#([^#]+)#\s*(?:\.(contains|equals)\(\s*REQUESTER#([^#]+)#\s*\)|==\s*REQUESTER#([^#]+)#)$/;

const count = (text: string, c: string) => text.split(c).length - 1;

/** Drops the grouping parentheses around one comparison: unmatched ones at its ends, then wrapping pairs. */
function unwrap(part: string): string {
  let p = part.trim();
  while (p.startsWith('(') && count(p, '(') > count(p, ')')) p = p.slice(1).trim();
  while (p.endsWith(')') && count(p, ')') > count(p, '(')) p = p.slice(0, -1).trim();
  while (p.startsWith('(') && p.endsWith(')')) {
    const inner = p.slice(1, -1).trim();
    if (!inner.startsWith('ATTESTOR') && !inner.startsWith('(')) break;
    p = inner;
  }
  return p;
}

function pathOf(written: string): string[] | undefined {
  return parseFieldPath(
    written
      .trim()
      .replace(/\.\[\*\]/g, '[*]')
      .replace(/\.\*(?=\.|$)/g, '[*]'),
  );
}

/**
 * Parses a condition.
 * @returns the condition, or the reason it is not one this registry can enforce
 */
export function parseAttestorCondition(text: string): AttestorCondition | { readonly problem: string } {
  const comparisons: AttestorComparison[] = [];
  for (const part of text.split('&&').map(unwrap)) {
    const match = COMPARISON.exec(part);
    if (!match) {
      return {
        problem: `"${part}" is not ATTESTOR#<path>#.contains(REQUESTER#<path>#), .equals(…) or ATTESTOR#<path># == REQUESTER#<path>#`,
      };
    }
    const attestor = pathOf(match[1]!);
    const requester = pathOf((match[3] ?? match[4])!);
    if (!attestor || !requester) return { problem: `"${part}": a path is not $.a.b, /a/b or a.b` };
    comparisons.push({ attestor, op: match[2] === 'contains' ? 'contains' : 'equals', requester });
  }
  return { comparisons };
}

/** An entity as a condition reads it: its id (`$.osid`) and its content. */
export interface ConditionSubject {
  readonly id: string;
  readonly content: unknown;
}

/** The values at `path` in a subject (`['osid']` → the id; `*` expands arrays); empty when absent. */
export function conditionValues(subject: ConditionSubject, path: readonly string[]): unknown[] {
  if (path.length === 1 && path[0] === ENTITY_ID_FIELD) return [subject.id];
  let at: unknown[] = [subject.content];
  for (const key of path) {
    const next: unknown[] = [];
    for (const v of at) {
      if (key === '*') {
        if (Array.isArray(v)) next.push(...v);
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, key)) {
        next.push((v as Record<string, unknown>)[key]);
      }
    }
    at = next;
  }
  return at.filter((v) => v !== undefined);
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Whether one comparison holds for an attestor value and a requester value (scalars only on the requester side). */
export function compare(op: AttestorComparison['op'], attestorValue: unknown, requesterValue: unknown): boolean {
  if (!isScalar(requesterValue)) return false;
  if (attestorValue === requesterValue) return true;
  if (op === 'equals') return false;
  if (Array.isArray(attestorValue)) return attestorValue.some((v) => v === requesterValue);
  return typeof attestorValue === 'string' && attestorValue.includes(String(requesterValue));
}

/** RFC 6901 pointer of a requester path (the key of its values; `*` stays a segment). */
export function requesterPointer(path: readonly string[]): string {
  return path.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The requester-side scalar values a condition reads, from the entity to attest, by pointer. */
export function requesterValuesOf(condition: AttestorCondition, requester: ConditionSubject): Record<string, Scalar[]> {
  const values: Record<string, Scalar[]> = {};
  for (const c of condition.comparisons) {
    values[requesterPointer(c.requester)] = conditionValues(requester, c.requester).filter(isScalar);
  }
  return values;
}

/**
 * Whether the attestor entity satisfies every comparison: some attestor value and some requester
 * value compare true (a missing field never matches).
 */
export function satisfiesCondition(
  condition: AttestorCondition,
  attestor: ConditionSubject,
  requesterValues: Readonly<Record<string, readonly Scalar[]>>,
): boolean {
  return condition.comparisons.every((c) => {
    const wanted = requesterValues[requesterPointer(c.requester)] ?? [];
    const have = conditionValues(attestor, c.attestor);
    return wanted.some((r) => have.some((a) => compare(c.op, a, r)));
  });
}
