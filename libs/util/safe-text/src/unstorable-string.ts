/** Why a string cannot be stored: it contains U+0000, or a UTF-16 surrogate without its pair. */
export type UnstorableReason = 'nul' | 'unpaired-surrogate';

/** Where an unstorable string was found: an RFC 6901 JSON Pointer into the value, and why. */
export interface UnstorableString {
  /** RFC 6901 JSON Pointer to the member (`/items/0/name`); a bad object key points at its member. */
  readonly pointer: string;
  readonly reason: UnstorableReason;
  /** `"must not contain the NUL character (U+0000)"` or `"must be well-formed Unicode (unpaired surrogate)"`. */
  readonly message: string;
}

const MESSAGES: Readonly<Record<UnstorableReason, string>> = {
  nul: 'must not contain the NUL character (U+0000)',
  'unpaired-surrogate': 'must be well-formed Unicode (unpaired surrogate)',
};

// A high surrogate not followed by a low one, or a low one not preceded by a high one (code units).
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `text` cannot be stored as text, or `undefined` when it can. Postgres `text` and `jsonb`
 * refuse U+0000 (SQLSTATE 22P05 / 22021), and a lone UTF-16 surrogate has no UTF-8 encoding
 * (Node would silently turn it into U+FFFD): neither is a valid character string for storage or
 * for JSON that other parties parse (RFC 8259 §8.1, RFC 3629).
 */
export function unstorableReason(text: string): UnstorableReason | undefined {
  if (text.includes('\u0000')) return 'nul';
  if (UNPAIRED_SURROGATE.test(text)) return 'unpaired-surrogate';
  return undefined;
}

/**
 * Finds the first string in `value` (itself, or any array element, object key or member, at any
 * depth) that cannot be stored (see {@link unstorableReason}). Walks iteratively, so a deeply
 * nested body cannot overflow the stack; visits each node once (shared references and cycles are
 * not followed twice). Objects are walked by their own enumerable members (a query object without
 * a prototype too); binary data (Buffers, typed arrays) and Dates are skipped.
 *
 * @param value a parsed JSON document, query object, path parameters, headers, or a message payload.
 * @param base pointer segments to prefix, e.g. `['query']`; default none.
 * @returns the first offending member, or `undefined` when every string is storable.
 */
export function findUnstorableString(value: unknown, base: readonly string[] = []): UnstorableString | undefined {
  // Paths as parent links, built into arrays only for the offending member: a deep document
  // costs O(nodes), not O(nodes × depth).
  const root: PathNode | undefined = base.reduce<PathNode | undefined>((parent, segment) => ({ segment, parent }), undefined);
  const stack: Array<{ value: unknown; path: PathNode | undefined }> = [{ value, path: root }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const reason = unstorableReason(current);
      if (reason) return found(path, reason);
      continue;
    }
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: { segment: String(i), parent: path } });
      continue;
    }
    if (ArrayBuffer.isView(current) || current instanceof ArrayBuffer || current instanceof Date) continue;
    const entries = Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, member] = entries[i]!;
      const reason = unstorableReason(key);
      const child = { segment: key, parent: path };
      if (reason) return found(child, reason);
      stack.push({ value: member, path: child });
    }
  }
  return undefined;
}

interface PathNode {
  readonly segment: string;
  readonly parent: PathNode | undefined;
}

function found(node: PathNode | undefined, reason: UnstorableReason): UnstorableString {
  const path: string[] = [];
  for (let n = node; n; n = n.parent) path.push(n.segment);
  return { pointer: toPointer(path.reverse()), reason, message: MESSAGES[reason] };
}

function toPointer(path: readonly string[]): string {
  // Escaped per RFC 6901, and with the offending characters themselves shown as escapes so the
  // pointer can be logged and sent back as JSON without carrying them.
  return path
    .map((segment) => '/' + visible(segment.replace(/~/g, '~0').replace(/\//g, '~1')))
    .join('');
}

function visible(segment: string): string {
  // eslint-disable-next-line no-control-regex -- U+0000 is exactly what is being escaped
  return segment.replace(/[\u0000\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
