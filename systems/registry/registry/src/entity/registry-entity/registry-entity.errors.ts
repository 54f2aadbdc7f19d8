import { DomainError } from '@archipelago/util-decider';
import type { JsonSchemaIssue } from '@archipelago/util-json-schema';
import type { RegistryEntityStatus } from './registry-entity.state.js';

/** No live entity of this type has this id (404): unknown, of another type, or deleted. */
export class EntityNotFoundError extends DomainError {
  readonly code = 'ENTITY.NOT_FOUND';
  constructor(
    readonly type: string,
    readonly id: string,
  ) {
    super(`no ${type} ${id}`, { type, id });
  }
}

/** An entity with this id exists already (409); ids are fresh UUIDv7s, so only a replayed command meets it. */
export class EntityAlreadyExistsError extends DomainError {
  readonly code = 'ENTITY.ALREADY_EXISTS';
  constructor(readonly id: string) {
    super(`entity ${id} exists already`, { id });
  }
}

/** The body breaks the type's schema; each issue names the field by JSON Pointer (400). */
export class EntityValidationError extends DomainError {
  readonly code = 'ENTITY.INVALID';
  constructor(readonly issues: readonly JsonSchemaIssue[]) {
    super(`the entity is not valid: ${issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}`, { issues });
  }
}

/** If-Match named another version than the current one (412). */
export class EntityVersionConflictError extends DomainError {
  readonly code = 'ENTITY.VERSION_CONFLICT';
  constructor(
    readonly id: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`entity ${id} is at version ${actual}, not ${expected}`, { id, expected, actual });
  }
}

/** The action is not allowed in the entity's current status (409), which the message names. */
export class EntityTransitionNotAllowedError extends DomainError {
  readonly code = 'ENTITY.TRANSITION_NOT_ALLOWED';
  constructor(
    readonly action: 'acceptInvitation' | 'deactivate' | 'reactivate' | 'modify',
    readonly status: RegistryEntityStatus,
  ) {
    super(`cannot ${action} an entity whose status is ${status}`, { action, status });
  }
}

/** No definition has this title: the entity type is unknown (404). */
export class EntityTypeNotFoundError extends DomainError {
  readonly code = 'ENTITY.TYPE_NOT_FOUND';
  constructor(readonly type: string) {
    super(`no entity type ${type}`, { type });
  }
}

/** The type's definition serves no version (never activated, deactivated, or marked for deletion) (409). */
export class EntityTypeNotActiveError extends DomainError {
  readonly code = 'ENTITY.TYPE_NOT_ACTIVE';
  constructor(
    readonly type: string,
    readonly status: string,
  ) {
    super(`entity type ${type} takes no new entities: its definition's status is ${status}`, { type, status });
  }
}

/** Inviting into this type needs a role in its `_osConfig.inviteRoles` (or `admin`), which the caller lacks (403). */
export class EntityInviteForbiddenError extends DomainError {
  readonly code = 'ENTITY.INVITE_FORBIDDEN';
  constructor(readonly type: string) {
    super(`inviting into ${type} needs a role in its inviteRoles`, { type });
  }
}

/** Inviting into this type needs a bearer token: its `inviteRoles` does not hold `anonymous` (401). */
export class EntityInviteUnauthenticatedError extends DomainError {
  readonly code = 'ENTITY.INVITE_UNAUTHENTICATED';
  constructor(readonly type: string) {
    super(`inviting into ${type} needs a bearer access token`, { type });
  }
}

/** An invitation names its invitee by e-mail: the body must hold one where `ownershipAttributes` point (400). */
export class InviteeEmailRequiredError extends DomainError {
  readonly code = 'ENTITY.INVITEE_EMAIL_REQUIRED';
  constructor(readonly type: string) {
    super(`an invitation to ${type} needs the invitee's e-mail where its ownershipAttributes point`, { type });
  }
}

/**
 * Writing this type's entities needs a bearer token: the caller sent none (or an invalid one) and
 * its `_osConfig.roles` does not hold `anonymous` (401).
 */
export class EntityWriteUnauthenticatedError extends DomainError {
  readonly code = 'ENTITY.WRITE_UNAUTHENTICATED';
  constructor(readonly type: string) {
    super(`writing ${type} entities needs a bearer access token`, { type });
  }
}

/**
 * Reading (by id, listing, searching) this type's entities needs a bearer token: the caller sent
 * none (or an invalid one) and its `_osConfig.roles` does not hold `anonymous` (401). Also the
 * answer to a token-less read of an unknown type: without a token, only public types answer.
 */
export class EntityReadUnauthenticatedError extends DomainError {
  readonly code = 'ENTITY.READ_UNAUTHENTICATED';
  constructor(readonly type: string) {
    super(`reading ${type} entities needs a bearer access token`, { type });
  }
}

/** Creating (or importing) entities of this type needs `admin` or a role in its `_osConfig.roles` (403). */
export class EntityCreateForbiddenError extends DomainError {
  readonly code = 'ENTITY.CREATE_FORBIDDEN';
  constructor(readonly type: string) {
    super(`creating ${type} entities needs admin or a role in its _osConfig.roles`, { type });
  }
}

/**
 * An owner (not a manager) wrote fields only managers write: `internalFields` (which owners cannot
 * even read) or a changed `systemFields` value; `pointers` name them (RFC 6901, `*` for every item) (403).
 */
export class EntityFieldWriteForbiddenError extends DomainError {
  readonly code = 'ENTITY.FIELD_WRITE_FORBIDDEN';
  constructor(readonly pointers: readonly string[]) {
    super(`only a manager may write ${pointers.join(', ')}`, { pointers });
  }
}

/** An owner (not a manager) tried to change the fields that make them owner (`ownershipAttributes`) (403). */
export class EntityOwnershipChangeForbiddenError extends DomainError {
  readonly code = 'ENTITY.OWNERSHIP_CHANGE_FORBIDDEN';
  constructor() {
    super('only a manager may change the fields named by ownershipAttributes');
  }
}
