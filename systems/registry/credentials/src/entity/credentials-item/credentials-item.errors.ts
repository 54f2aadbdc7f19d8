import { DomainError } from '@archipelago/util-decider';

/** No CredentialsItem with this id. */
export class CredentialsItemNotFoundError extends DomainError {
  readonly code = 'CREDENTIALS_ITEM.NOT_FOUND';
  constructor(itemId: string) {
    super(`CredentialsItem ${itemId} does not exist`, { itemId });
  }
}

/** The CredentialsItem already exists (same id). */
export class CredentialsItemAlreadyExistsError extends DomainError {
  readonly code = 'CREDENTIALS_ITEM.ALREADY_EXISTS';
  constructor(itemId: string) {
    super(`CredentialsItem ${itemId} already exists`, { itemId });
  }
}

/** A rule on the command's values (an empty name …). */
export class InvalidCredentialsItemCommandError extends DomainError {
  readonly code = 'CREDENTIALS_ITEM.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}
