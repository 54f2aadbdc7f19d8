import { DomainError } from '@archipelago/util-decider';

/** No RegistryItem with this id. */
export class RegistryItemNotFoundError extends DomainError {
  readonly code = 'REGISTRY_ITEM.NOT_FOUND';
  constructor(itemId: string) {
    super(`RegistryItem ${itemId} does not exist`, { itemId });
  }
}

/** The RegistryItem already exists (same id). */
export class RegistryItemAlreadyExistsError extends DomainError {
  readonly code = 'REGISTRY_ITEM.ALREADY_EXISTS';
  constructor(itemId: string) {
    super(`RegistryItem ${itemId} already exists`, { itemId });
  }
}

/** A rule on the command's values (an empty name …). */
export class InvalidRegistryItemCommandError extends DomainError {
  readonly code = 'REGISTRY_ITEM.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}
