/** State of a RegistryItem stream: nothing before `RegistryItemCreated`. */
export type RegistryItemState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly id: string;
      readonly name: string;
      readonly createdAt: string;
    };

/** An existing RegistryItem. */
export type ActiveRegistryItem = Extract<RegistryItemState, { status: 'active' }>;

export const initialRegistryItemState = (): RegistryItemState => ({ status: 'absent' });
