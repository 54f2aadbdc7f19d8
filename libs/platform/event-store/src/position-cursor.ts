/**
 * Opaque keyset-pagination cursors over a read model's position column (`seq`, the global
 * position of the event that created the row, so cursors survive a projection rebuild).
 * The cursor is `p` and the decimal position (`p1234`): short, and exactly described by
 * {@link POSITION_CURSOR_PATTERN}, so an API document can say which cursors are valid. Positions
 * have at most 18 digits (below 2^63, Postgres `bigint`).
 */
export function encodePositionCursor(position: string): string {
  return `p${position}`;
}

/** Every cursor {@link decodePositionCursor} accepts, and nothing else (ECMA-262 and Python `re`). */
export const POSITION_CURSOR_PATTERN = '^p[0-9]{1,18}$';

const CURSOR = new RegExp(POSITION_CURSOR_PATTERN);

/** The position inside a cursor from {@link encodePositionCursor}, or `undefined` for anything else. */
export function decodePositionCursor(cursor: string): string | undefined {
  return CURSOR.test(cursor) ? cursor.slice(1) : undefined;
}
