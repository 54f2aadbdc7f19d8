import type { Decider } from '@archipelago/util-decider';
import type { JsonSchemaIssue } from '@archipelago/util-json-schema';
import type { OsConfig } from '../definition/os-config.js';
import { ownerWrite } from './field-access.js';
import { applyMergePatch, changedPointers, isJsonObject, type JsonObject, type JsonValue } from './json-merge-patch.js';
import {
  EntityAlreadyExistsError,
  EntityNotFoundError,
  EntityTransitionNotAllowedError,
  EntityValidationError,
  EntityVersionConflictError,
} from './registry-entity.errors.js';
import type { AttestationRecord, RegistryEntityEvent } from './registry-entity.events.js';
import { evolveRegistryEntity, initialRegistryEntityState, type RegistryEntityState } from './registry-entity.state.js';

/**
 * The definition version that serves the type now, with its validator (compiled once per version
 * by the use case: decide stays pure and cheap).
 */
export interface ServingDefinition {
  /** The entity type: the definition's title. */
  readonly type: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly validator: { validate(body: unknown): JsonSchemaIssue[] };
}

interface Stamp {
  readonly id: string;
  /** ISO 8601 instant, from outside. */
  readonly now: string;
  readonly by: string;
}

/** For commands on an existing entity: its type (from the path) and the If-Match version, if any. */
interface Existing extends Stamp {
  readonly type: string;
  readonly expectedVersion?: number;
}

/**
 * On a replace or patch: set when the writer is the entity's owner and not a manager of its type,
 * so the owner rules apply ({@link ownerWrite}) with the serving version's `_osConfig`.
 */
export interface OwnerWriter {
  readonly config: OsConfig;
  /** DefinitionShape.contentPointer of the serving version ('' or '/Student'). */
  readonly contentPointer: string;
}

/** Commands of a registry entity. */
export type RegistryEntityCommand =
  | {
      readonly type: 'CreateEntity';
      readonly data: Stamp & { readonly body: unknown; readonly definition: ServingDefinition };
    }
  | {
      readonly type: 'InviteEntity';
      readonly data: Stamp & { readonly body: unknown; readonly definition: ServingDefinition };
    }
  | {
      readonly type: 'ReplaceEntity';
      readonly data: Existing & {
        readonly body: unknown;
        readonly definition: ServingDefinition;
        readonly owner?: OwnerWriter;
      };
    }
  | {
      /** RFC 7396 JSON Merge Patch of the body. */
      readonly type: 'PatchEntity';
      readonly data: Existing & {
        readonly patch: unknown;
        readonly definition: ServingDefinition;
        readonly owner?: OwnerWriter;
      };
    }
  | {
      /**
       * From the claim process manager: record a claim's progress (idempotent: the same claim in
       * the same state records nothing; a decision on a claim superseded by a newer one neither).
       */
      readonly type: 'RecordAttestation';
      readonly data: Existing & { readonly claimId: string; readonly policy: string } & AttestationRecord;
    }
  | { readonly type: 'AcceptInvitation'; readonly data: Existing }
  | { readonly type: 'DeactivateEntity'; readonly data: Existing }
  | { readonly type: 'ReactivateEntity'; readonly data: Existing }
  | { readonly type: 'DeleteEntity'; readonly data: Existing };

/**
 * Decides the events of an entity command.
 * - create → `active`, invite → `invited`, both at version 1, validated against the serving definition.
 * Bodies must be JSON objects nested at most MAX_BODY_DEPTH deep, without U+0000.
 * - replace (PUT) / merge patch (PATCH, RFC 7396): the new body is validated against the definition
 *   version serving now (recorded in the event); a body equal to the current one changes nothing
 *   (no event, version unchanged); an invited entity may be changed, a deactivated one not. Written
 *   by an owner who is not a manager (`owner` set), the owner rules of {@link ownerWrite} apply.
 * - accept invitation: `invited` → `active`; deactivate: `active`/`invited` → `deactivated`;
 *   reactivate: `deactivated` → `active` (an invitation deactivated before acceptance counts as accepted).
 * - delete → `deleted`; afterwards the entity is not found (a second delete is a 404).
 * Every event advances the version by one. `expectedVersion` (If-Match) must equal the current version.
 * @throws EntityValidationError (issues by JSON Pointer), EntityNotFoundError, EntityAlreadyExistsError,
 *   EntityVersionConflictError, EntityTransitionNotAllowedError, EntityFieldWriteForbiddenError,
 *   EntityOwnershipChangeForbiddenError
 */
export function decideRegistryEntity(
  command: RegistryEntityCommand,
  state: RegistryEntityState,
): RegistryEntityEvent[] {
  const { id, now: at, by } = command.data;
  if (command.type === 'CreateEntity' || command.type === 'InviteEntity') {
    if (state.status !== 'absent') throw new EntityAlreadyExistsError(id);
    const { definition } = command.data;
    const body = validBody(command.data.body, definition);
    const data = { id, version: 1, at, by, ...against(definition), body };
    return [{ type: command.type === 'CreateEntity' ? 'EntityCreated' : 'EntityInvited', data }];
  }
  const { type, expectedVersion } = command.data;
  if (state.status === 'absent' || state.status === 'deleted' || state.type !== type) {
    throw new EntityNotFoundError(type, id);
  }
  if (expectedVersion !== undefined && expectedVersion !== state.version) {
    throw new EntityVersionConflictError(id, expectedVersion, state.version);
  }
  const stamp = { id, version: state.version + 1, at, by };
  switch (command.type) {
    case 'ReplaceEntity':
    case 'PatchEntity': {
      if (state.status === 'deactivated') throw new EntityTransitionNotAllowedError('modify', state.status);
      const { definition } = command.data;
      if (command.type === 'PatchEntity') {
        // Applying the patch recurses: a patch too deep is refused before it is applied.
        const tooDeep = storableIssues(command.data.patch, '', 0).filter((issue) => issue.keyword === 'maxDepth');
        if (tooDeep.length > 0) throw new EntityValidationError(tooDeep);
      }
      const { owner } = command.data;
      const input = (command.type === 'ReplaceEntity' ? command.data.body : command.data.patch) as JsonValue;
      const mode = command.type === 'ReplaceEntity' ? 'replace' : 'merge-patch';
      const proposed = owner
        ? ownerWrite(state.body, input, mode, owner.config, owner.contentPointer)
        : mode === 'replace'
          ? input
          : applyMergePatch(state.body, input);
      const body = validBody(proposed, definition);
      const changed = changedPointers(state.body, body);
      if (changed.length === 0) return [];
      return [{ type: 'EntityUpdated', data: { ...stamp, ...against(definition), body, changed } }];
    }
    case 'RecordAttestation': {
      const { claimId, policy, state: attestationState, properties, attestedData } = command.data;
      const current = state.attestations?.[policy];
      if (current?.claimId === claimId && current.state !== 'NEEDS_REATTESTATION') {
        // Replayed, or the same claim again: nothing new. A decision never moves back to PENDING.
        if (current.state === attestationState || attestationState === 'PENDING') return [];
      }
      if (current && current.claimId !== claimId && attestationState !== 'PENDING') return [];
      if (current?.claimId === claimId && current.state === 'NEEDS_REATTESTATION') return [];
      const record = {
        claimId,
        policy,
        state: attestationState,
        properties,
        ...(attestedData ? { attestedData } : {}),
      };
      return [{ type: 'EntityAttestationRecorded', data: { ...stamp, ...record } }];
    }
    case 'AcceptInvitation':
      if (state.status !== 'invited') throw new EntityTransitionNotAllowedError('acceptInvitation', state.status);
      return [{ type: 'EntityInvitationAccepted', data: stamp }];
    case 'DeactivateEntity':
      if (state.status === 'deactivated') throw new EntityTransitionNotAllowedError('deactivate', state.status);
      return [{ type: 'EntityDeactivated', data: stamp }];
    case 'ReactivateEntity':
      if (state.status !== 'deactivated') throw new EntityTransitionNotAllowedError('reactivate', state.status);
      return [{ type: 'EntityReactivated', data: stamp }];
    case 'DeleteEntity':
      return [{ type: 'EntityDeleted', data: { ...stamp, erasure: 'crypto-shredding' } }];
  }
}

function against(definition: ServingDefinition) {
  const { type, definitionId, definitionVersion } = definition;
  return { type, definitionId, definitionVersion };
}

/** Deepest nesting of objects and arrays a body may have (deeper would only exhaust the stack). */
export const MAX_BODY_DEPTH = 64;

/**
 * The body as a JSON object valid for the definition.
 * @throws EntityValidationError listing every problem by JSON Pointer: not an object, nested deeper
 *   than {@link MAX_BODY_DEPTH}, U+0000 in a string or member name (PostgreSQL's jsonb cannot store
 *   it), and each failed schema constraint
 */
function validBody(body: unknown, definition: ServingDefinition): JsonObject {
  if (!isJsonObject(body)) {
    throw new EntityValidationError([{ pointer: '', keyword: 'type', message: 'must be a JSON object' }]);
  }
  const shapeIssues = storableIssues(body, '', 0);
  // Schema validation recurses too: a body too deep for storage is not handed to it.
  if (shapeIssues.some((issue) => issue.keyword === 'maxDepth')) throw new EntityValidationError(shapeIssues);
  const issues = [...shapeIssues, ...definition.validator.validate(body)];
  if (issues.length > 0) throw new EntityValidationError(issues);
  return body;
}

function storableIssues(value: unknown, pointer: string, depth: number): JsonSchemaIssue[] {
  if (typeof value === 'string') {
    return value.includes('\u0000')
      ? [{ pointer, keyword: 'nul', message: 'must not contain the character U+0000' }]
      : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  if (depth >= MAX_BODY_DEPTH) {
    return [{ pointer, keyword: 'maxDepth', message: `must not nest deeper than ${MAX_BODY_DEPTH} levels` }];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => storableIssues(item, `${pointer}/${i}`, depth + 1));
  return Object.entries(value).flatMap(([key, item]) => {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return key.includes('\u0000')
      ? [{ pointer: at, keyword: 'nul', message: 'must not contain the character U+0000' }]
      : storableIssues(item, at, depth + 1);
  });
}

/** The entity lifecycle as a {@link Decider} (emmett shape). */
export const registryEntityDecider: Decider<RegistryEntityCommand, RegistryEntityEvent, RegistryEntityState> = {
  decide: decideRegistryEntity,
  evolve: evolveRegistryEntity,
  initialState: initialRegistryEntityState,
};
