/** State of a CredentialsItem stream: nothing before `CredentialsItemCreated`. */
export type CredentialsItemState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly id: string;
      readonly name: string;
      readonly createdAt: string;
    };

/** An existing CredentialsItem. */
export type ActiveCredentialsItem = Extract<CredentialsItemState, { status: 'active' }>;

export const initialCredentialsItemState = (): CredentialsItemState => ({ status: 'absent' });
