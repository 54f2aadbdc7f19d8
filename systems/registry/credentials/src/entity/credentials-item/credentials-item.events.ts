/** A CredentialsItem was created (the first event of its stream). */
export interface CredentialsItemCreated {
  readonly type: 'CredentialsItemCreated';
  readonly data: {
    readonly itemId: string;
    readonly name: string;
    /** ISO 8601 timestamp. */
    readonly at: string;
  };
}

/** Every domain event of the CredentialsItem aggregate. */
export type CredentialsItemEvent = CredentialsItemCreated;
