/** A RegistryItem was created (the first event of its stream). */
export interface RegistryItemCreated {
  readonly type: 'RegistryItemCreated';
  readonly data: {
    readonly itemId: string;
    readonly name: string;
    /** ISO 8601 timestamp. */
    readonly at: string;
  };
}

/** Every domain event of the RegistryItem aggregate. */
export type RegistryItemEvent = RegistryItemCreated;
