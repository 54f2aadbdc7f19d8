/** A RegistryItem as the list shows it. */
export interface RegistryItemView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly createdAt: string;
}

/** One page of a keyset-paginated list; `nextCursor` is opaque, `null` on the last page. */
export interface RegistryItemPage {
  readonly items: readonly RegistryItemView[];
  readonly nextCursor: string | null;
}

/** Thrown for a cursor this service did not hand out. */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

/** The registry-item list projection (eventually consistent with the event store). */
export interface RegistryItemReadModelPort {
  /** @throws InvalidCursorError */
  list(limit: number, cursor?: string): Promise<RegistryItemPage>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const REGISTRY_ITEM_READ_MODEL = Symbol('RegistryItemReadModelPort');
