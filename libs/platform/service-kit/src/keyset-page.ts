import { decodePositionCursor, encodePositionCursor } from '@archipelago/platform-event-store';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** How {@link keysetPageBySeq} pages a projection table. */
export interface SeqPageOptions {
  /** Alias of the table in the query (`createQueryBuilder(alias)`). */
  readonly alias: string;
  /** `ASC`: oldest first, the cursor moves forward; `DESC`: newest first. */
  readonly order: 'ASC' | 'DESC';
  /** Rows per page (≥ 1). */
  readonly limit: number;
  /** Opaque cursor from an earlier page's `nextCursor`, if any. */
  readonly cursor?: string;
  /** The error to throw for a cursor this service did not hand out (each service has its own). */
  readonly invalidCursor: () => Error;
}

/**
 * One page of a projection table ordered by its `seq` column (the global position of the event
 * that created the row, so a rebuild keeps the order and cursors stay valid): keyset pagination,
 * one row more than `limit` is read to know whether a next page exists. Filters already on
 * `query` are kept (the cursor condition is ANDed).
 *
 * @returns the page's rows and the cursor of the next page (`null` on the last page)
 * @throws the error of `options.invalidCursor` for a malformed or foreign cursor
 */
export async function keysetPageBySeq<T extends ObjectLiteral & { seq: string }>(
  query: SelectQueryBuilder<T>,
  options: SeqPageOptions,
): Promise<{ rows: T[]; nextCursor: string | null }> {
  const { alias, order, limit, cursor } = options;
  query.orderBy(`${alias}.seq`, order).take(limit + 1);
  if (cursor) {
    const position = decodePositionCursor(cursor);
    if (position === undefined) throw options.invalidCursor();
    query.andWhere(`${alias}.seq ${order === 'ASC' ? '>' : '<'} :seqCursor`, { seqCursor: position });
  }
  const rows = await query.getMany();
  const page = rows.slice(0, limit);
  return {
    rows: page,
    nextCursor: rows.length > limit ? encodePositionCursor(String(page[page.length - 1]!.seq)) : null,
  };
}
