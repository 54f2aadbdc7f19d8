/**
 * Opaque keyset-pagination cursors over a read model's position column (`seq`, the global
 * position of the event that created the row, so cursors survive a projection rebuild).
 * The cursor is base64url JSON `{ "s": "<decimal position>" }`.
 */
export function encodePositionCursor(position: string): string {
  return Buffer.from(JSON.stringify({ s: position })).toString('base64url');
}

/** The position inside a cursor from {@link encodePositionCursor}, or `undefined` for anything else. */
export function decodePositionCursor(cursor: string): string | undefined {
  try {
    const { s } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s: unknown };
    if (typeof s === 'string' && /^\d{1,19}$/.test(s)) return s;
  } catch {
    /* not a cursor of ours */
  }
  return undefined;
}
