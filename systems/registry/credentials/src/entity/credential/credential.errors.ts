import { DomainError } from '@archipelago/util-decider';

/** No credential with this id, or the caller may not see it (404 either way). */
export class CredentialNotFoundError extends DomainError {
  readonly code = 'CREDENTIAL.NOT_FOUND';
  constructor(credentialId: string) {
    super(`Credential ${credentialId} does not exist`, { credentialId });
  }
}

/** The registry entity to issue for is unknown to this service (never created, or deleted). */
export class EntityUnknownError extends DomainError {
  readonly code = 'CREDENTIAL.ENTITY_UNKNOWN';
  constructor(entityType: string, entityId: string) {
    super(`No ${entityType} entity ${entityId} is known to the credentials service`, { entityType, entityId });
  }
}

/** A rule on the request's values (a template placeholder naming no value …). */
export class InvalidCredentialRequestError extends DomainError {
  readonly code = 'CREDENTIAL.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}

/** What was sent for verification is not a credential (not a compact JWS with a JSON object payload). */
export class NotACredentialError extends DomainError {
  readonly code = 'CREDENTIAL.NOT_A_CREDENTIAL';
  constructor(detail: string) {
    super(detail);
  }
}

/** Every index of a status list (revocation or suspension) is taken. */
export class StatusListFullError extends DomainError {
  readonly code = 'CREDENTIAL.STATUS_LIST_FULL';
  constructor() {
    super('A status list has no free index');
  }
}
