import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../../entity/claim/claim.decider.js';
import type { ClaimState } from '../../entity/claim/claim.state.js';
import {
  ENTITY_ID_FIELD,
  parseAttestorCondition,
  requesterPointer,
  requesterValuesOf,
  satisfiesCondition,
  type AttestorComparison,
  type ConditionSubject,
} from '../../entity/definition/attestor-condition.js';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { rulesDocument } from '../../entity/definition/definition.state.js';
import { osConfigOf } from '../../entity/definition/definition-schema.js';
import { definitionShape } from '../../entity/definition/os-config.js';
import { isOwnedBy, pointerSegments, provenOwner } from '../../entity/registry-entity/field-access.js';
import type { SearchCondition, SearchQuery } from '../../entity/search/search-query.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { ENTITY_SEARCH, type EntitySearchPort } from '../port/entity-search.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';

/** Most attestor entities a claim names (the condition should pin one; a few share it at most). */
export const MAX_ATTESTOR_ENTITIES = 20;

/** Most entities of one attestor type a caller's inbox looks at. */
export const MAX_OWNED_ATTESTOR_ENTITIES = 100;

const SEARCHABLE_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The entity content at `pointer` ('' or `/Student`, RFC 6901: `/A~1B` is member `A/B`) of a body. */
export function contentAt(body: unknown, pointer: string): unknown {
  let at = body;
  for (const key of pointerSegments(pointer)) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/**
 * Attestor entities (Sunbird RC's `attestorEntity` / `attestorPlugin` with `conditions`): which
 * entities of the attestor type may decide a claim, and which of them a caller owns. Reads the
 * entity streams (consistent) and, to find candidates by a field value, the entity search read
 * model (eventually consistent).
 */
@Injectable()
export class AttestorEntities {
  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
    @Inject(ENTITY_SEARCH) private readonly search: EntitySearchPort,
  ) {}

  /**
   * When a claim is raised: the entities of `type` that satisfy `condition` against the entity to
   * attest (at most {@link MAX_ATTESTOR_ENTITIES}), or undefined when there is no condition (any
   * owner of an entity of the type may decide). A comparison on `$.osid` names the entity by id;
   * otherwise candidates are searched by the first comparison's attestor field, then every
   * comparison is checked on each.
   * @returns ids; empty when none satisfies the condition, or it cannot be read
   */
  async candidates(
    rule: { readonly type: string; readonly condition?: string },
    requester: ConditionSubject,
  ): Promise<string[] | undefined> {
    if (rule.condition === undefined) return undefined;
    const condition = parseAttestorCondition(rule.condition);
    if ('problem' in condition) return [];
    const requesterValues = requesterValuesOf(condition, requester);
    const definitionId = definitionIdOf(rule.type);
    const { state: definition } = await this.definitions.load(definitionId);
    if (definition.status === 'absent') return [];
    const contentPointer = definitionShape(rulesDocument(definition)).contentPointer;

    const byId = condition.comparisons.find((c) => c.attestor.length === 1 && c.attestor[0] === ENTITY_ID_FIELD);
    let found: ConditionSubject[] = [];
    if (byId) {
      const ids = (requesterValues[requesterPointer(byId.requester)] ?? []).filter(
        (v): v is string => typeof v === 'string',
      );
      for (const id of [...new Set(ids)].slice(0, MAX_ATTESTOR_ENTITIES)) {
        const { state } = await this.entities.load(id);
        if (state.status === 'absent' || state.status === 'deleted' || state.definitionId !== definitionId) continue;
        found.push({ id, content: contentAt(state.body, contentPointer) });
      }
    } else {
      const query = searchFor(condition.comparisons[0]!, requesterValues);
      if (!query) return [];
      const page = await this.search.search(definitionId, query, pointerSegments(contentPointer));
      found = page.items.map((item) => ({ id: item.id, content: contentAt(item.body, contentPointer) }));
    }
    return found
      .filter((attestor) => satisfiesCondition(condition, attestor, requesterValues))
      .map((a) => a.id)
      .slice(0, MAX_ATTESTOR_ENTITIES);
  }

  /**
   * The entities of `type` the caller owns: among `ids` (a claim's attestor entities, read from
   * their streams, deleted ones left out), or any of the type when `ids` is undefined.
   */
  async ownedBy(type: string, ids: readonly string[] | undefined, caller: Caller): Promise<string[]> {
    const definitionId = definitionIdOf(type);
    const { state: definition } = await this.definitions.load(definitionId);
    if (definition.status === 'absent') return [];
    const owner = provenOwner(caller);
    if (ids === undefined) {
      return [...(await this.search.list(definitionId, owner, MAX_OWNED_ATTESTOR_ENTITIES, 0)).ids];
    }
    const document = rulesDocument(definition);
    const config = osConfigOf(document);
    const { contentPointer } = definitionShape(document);
    const owned: string[] = [];
    for (const id of ids) {
      const { state } = await this.entities.load(id);
      if (state.status === 'absent' || state.status === 'deleted' || state.definitionId !== definitionId) continue;
      if (isOwnedBy(state.body, config, contentPointer, owner)) {
        owned.push(id);
      }
    }
    return owned;
  }

  /**
   * The caller with `attestorEntities` set to the claim's attestor entities they own (only looked
   * up when the claim has an attestor entity type and their roles do not already decide it).
   */
  async withOwnedAttestorEntities(state: ClaimState, caller: Caller): Promise<Caller> {
    if (state.status === 'absent' || state.attestorEntityType === undefined || caller.id === state.requester) {
      return caller;
    }
    if (state.attestorRoles.some((role) => caller.roles.includes(role))) return caller;
    return {
      ...caller,
      attestorEntities: await this.ownedBy(state.attestorEntityType, state.attestorEntities, caller),
    };
  }

  /** For an inbox: the ids of the entities of each of `types` the caller owns (from the read model). */
  async ownedOfTypes(types: readonly string[], caller: Caller): Promise<{ types: string[]; ids: string[] }> {
    const owner = provenOwner(caller);
    const result = { types: [] as string[], ids: [] as string[] };
    for (const type of types) {
      const page = await this.search.list(definitionIdOf(type), owner, MAX_OWNED_ATTESTOR_ENTITIES, 0);
      if (page.ids.length === 0) continue;
      result.types.push(type);
      result.ids.push(...page.ids);
    }
    return result;
  }
}

/**
 * A search for the attestor entities one comparison could match (every comparison is checked on
 * each result after): by the attestor field, for each requester value. Undefined when the field
 * cannot be searched (a `*` in it) or there is no requester value.
 */
function searchFor(
  c: AttestorComparison,
  requesterValues: Readonly<Record<string, readonly (string | number | boolean)[]>>,
): SearchQuery | undefined {
  if (!c.attestor.every((s) => SEARCHABLE_SEGMENT.test(s))) return undefined;
  const field = c.attestor.join('.');
  const condition = (
    kind: SearchCondition['kind'],
    op: SearchCondition['op'],
    value: string | number | boolean,
  ): SearchCondition => ({ field, path: [...c.attestor], kind, op, values: [value] });
  const any: SearchCondition[][] = [];
  for (const value of [...new Set(requesterValues[requesterPointer(c.requester)] ?? [])].slice(0, 10)) {
    const scalarKind = typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : 'boolean';
    any.push([condition(scalarKind, 'eq', value)]);
    if (c.op === 'contains' && typeof value !== 'boolean') {
      any.push([condition(typeof value === 'number' ? 'number[]' : 'string[]', 'contains', value)]);
      if (typeof value === 'string') any.push([condition('string', 'contains', value)]);
    }
  }
  return any.length === 0 ? undefined : { all: [], any, limit: MAX_ATTESTOR_ENTITIES, offset: 0 };
}
