import { deciderSpec } from '@archipelago/testing-decider';
import { fold } from '@archipelago/util-decider';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definitionIdOf } from '../definition/definition-id.js';
import { compileEntitySchema } from '../definition/definition-schema.js';
import type { JsonObject } from './json-merge-patch.js';
import {
  MAX_BODY_DEPTH,
  registryEntityDecider,
  type RegistryEntityCommand,
  type ServingDefinition,
} from './registry-entity.decider.js';
import {
  EntityAlreadyExistsError,
  EntityNotFoundError,
  EntityTransitionNotAllowedError,
  EntityValidationError,
  EntityVersionConflictError,
} from './registry-entity.errors.js';
import type { RegistryEntityEvent } from './registry-entity.events.js';

const fixtures = new URL('../../../test/fixtures/daksha-rc/rc-web/', import.meta.url);
const consultantSchema = JSON.parse(readFileSync(new URL('consultant_schema.json', fixtures), 'utf8'));
const sarah = JSON.parse(readFileSync(new URL('consultant_sarah.json', fixtures), 'utf8')) as JsonObject;

const spec = deciderSpec(registryEntityDecider);
const id = '0193a0b4-7c2e-7d3f-8a1b-2c3d4e5f6a7b';
const at = '2026-12-06T04:10:00.000Z';
const by = 'user-1';
const type = 'Consultant';
const definitionId = definitionIdOf(type);
const serving = (definitionVersion = 1): ServingDefinition => ({
  type,
  definitionId,
  definitionVersion,
  validator: compileEntitySchema(consultantSchema),
});
const v1 = serving(1);
const v2 = serving(2);

const cmd = <T extends RegistryEntityCommand['type']>(
  kind: T,
  data: Partial<Extract<RegistryEntityCommand, { type: T }>['data']> = {},
) =>
  ({ type: kind, data: { id, now: at, by, type, ...data } }) as unknown as Extract<RegistryEntityCommand, { type: T }>;

const created: RegistryEntityEvent = {
  type: 'EntityCreated',
  data: { id, version: 1, at, by, type, definitionId, definitionVersion: 1, body: sarah },
};
const invited: RegistryEntityEvent = { ...created, type: 'EntityInvited' } as RegistryEntityEvent;
const updatedTo = (
  version: number,
  body: JsonObject,
  changed: string[],
  definitionVersion = 1,
): RegistryEntityEvent => ({
  type: 'EntityUpdated',
  data: { id, version, at, by, type, definitionId, definitionVersion, body, changed },
});

describe('registry entity: create and invite', () => {
  it('given nothing, when a valid body is created, then it is active at version 1, recording the definition version', () => {
    spec
      .given([])
      .when(cmd('CreateEntity', { body: sarah, definition: v1 }))
      .then([created]);
  });

  it('given nothing, when invited, then it is invited at version 1', () => {
    spec
      .given([])
      .when(cmd('InviteEntity', { body: sarah, definition: v1 }))
      .then([invited]);
  });

  it('given nothing, when the body breaks the schema, then every bad field is listed by JSON Pointer', () => {
    const { name: _name, ...withoutName } = sarah;
    const body = { ...withoutName, experienceYears: 'twelve', contactInformation: { email: 'not-an-email' } };
    spec
      .given([])
      .when(cmd('CreateEntity', { body, definition: v1 }))
      .thenThrows(EntityValidationError, (e) => {
        const issues = (e as EntityValidationError).issues.map((i) => `${i.keyword} ${i.pointer}`).sort();
        expect(issues).toEqual(['format /contactInformation/email', 'required /name', 'type /experienceYears']);
      });
  });

  it('given nothing, when the body is not an object or holds U+0000, then it is invalid (never a 500 from Postgres)', () => {
    spec
      .given([])
      .when(cmd('CreateEntity', { body: [sarah], definition: v1 }))
      .thenThrows(EntityValidationError);
    spec
      .given([])
      .when(cmd('CreateEntity', { body: { ...sarah, name: 'Sa\u0000rah' }, definition: v1 }))
      .thenThrows(EntityValidationError, (e) =>
        expect((e as EntityValidationError).issues).toEqual([
          { pointer: '/name', keyword: 'nul', message: 'must not contain the character U+0000' },
        ]),
      );
  });

  it('given nothing, when the body nests deeper than MAX_BODY_DEPTH, then it is invalid before schema validation', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    spec
      .given([])
      .when(cmd('CreateEntity', { body: { ...sarah, extra: deep }, definition: v1 }))
      .thenThrows(EntityValidationError, (e) =>
        expect((e as EntityValidationError).issues).toEqual([
          { pointer: `/extra${'/d'.repeat(MAX_BODY_DEPTH - 1)}`, keyword: 'maxDepth', message: expect.any(String) },
        ]),
      );
  });

  it('given an entity, when created again with its id, then it already exists', () => {
    spec
      .given([created])
      .when(cmd('CreateEntity', { body: sarah, definition: v1 }))
      .thenThrows(EntityAlreadyExistsError);
  });
});

describe('registry entity: replace and merge patch', () => {
  it('given version 1, when patched, then version 2 with the merged body and the changed fields (Daksha never advanced the version)', () => {
    const patch = { availability: 'Available', location: { state: null }, portfolio: null };
    const { portfolio: _p, ...rest } = sarah;
    const body = { ...rest, availability: 'Available', location: { city: 'Seattle', country: 'USA' } };
    spec
      .given([created])
      .when(cmd('PatchEntity', { patch, definition: v1 }))
      .then([updatedTo(2, body, ['/portfolio', '/availability', '/location/state'])]);
  });

  it('given successive changes, when folded, then the version counts every event', () => {
    const events = [
      created,
      updatedTo(2, { ...sarah, availability: 'Available' }, ['/availability']),
      updatedTo(3, { ...sarah, availability: 'Limited' }, ['/availability']),
    ];
    expect(fold(registryEntityDecider, events)).toMatchObject({ version: 3, body: { availability: 'Limited' } });
    spec
      .given(events)
      .when(cmd('ReplaceEntity', { body: { ...sarah, experienceYears: 13 }, definition: v1, expectedVersion: 3 }))
      .then([updatedTo(4, { ...sarah, experienceYears: 13 }, ['/experienceYears'])]);
  });

  it('given an entity, when replaced under a newer definition version, then the event records that version', () => {
    spec
      .given([created])
      .when(cmd('ReplaceEntity', { body: { ...sarah, experienceYears: 13 }, definition: v2 }))
      .then([updatedTo(2, { ...sarah, experienceYears: 13 }, ['/experienceYears'], 2)]);
  });

  it('given an entity, when a patch makes it invalid, then refused with the bad fields (a null removes a required one)', () => {
    spec
      .given([created])
      .when(cmd('PatchEntity', { patch: { name: null, experienceYears: 1.5 }, definition: v1 }))
      .thenThrows(EntityValidationError, (e) =>
        expect((e as EntityValidationError).issues.map((i) => i.pointer).sort()).toEqual(['/experienceYears', '/name']),
      );
  });

  it('given an entity, when a merge patch nests deeper than MAX_BODY_DEPTH, then it is refused before being applied', () => {
    let deep: unknown = null;
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    spec
      .given([created])
      .when(cmd('PatchEntity', { patch: { extra: deep }, definition: v1 }))
      .thenThrows(EntityValidationError, (e) =>
        expect((e as EntityValidationError).issues[0]?.keyword).toBe('maxDepth'),
      );
  });

  it('given an entity, when the change is no change, then no event and the version stays', () => {
    spec
      .given([created])
      .when(cmd('PatchEntity', { patch: { name: sarah['name']! }, definition: v1 }))
      .then([]);
    spec
      .given([created])
      .when(cmd('ReplaceEntity', { body: { ...sarah }, definition: v1 }))
      .then([]);
  });

  it('given version 2, when If-Match names version 1, then a version conflict (412)', () => {
    spec
      .given([created, updatedTo(2, { ...sarah, availability: 'Available' }, ['/availability'])])
      .when(cmd('PatchEntity', { patch: { availability: 'Limited' }, definition: v1, expectedVersion: 1 }))
      .thenThrows(EntityVersionConflictError, (e) => expect(e).toMatchObject({ expected: 1, actual: 2 }));
  });

  it('given an invited entity, when patched, then it changes; given a deactivated one, then 409 naming its status', () => {
    spec
      .given([invited])
      .when(cmd('PatchEntity', { patch: { availability: 'Available' }, definition: v1 }))
      .then([updatedTo(2, { ...sarah, availability: 'Available' }, ['/availability'])]);
    spec
      .given([created, { type: 'EntityDeactivated', data: { id, version: 2, at, by } }])
      .when(cmd('PatchEntity', { patch: { availability: 'Available' }, definition: v1 }))
      .thenThrows(EntityTransitionNotAllowedError, (e) => expect(e.message).toContain('status is deactivated'));
  });

  it('given an entity of another type, when patched through this type, then not found', () => {
    spec
      .given([created])
      .when(cmd('PatchEntity', { type: 'Client', patch: {}, definition: v1 }))
      .thenThrows(EntityNotFoundError);
  });
});

describe('registry entity: invitation, deactivation, deletion', () => {
  it('given an invited entity, when its owner accepts, then it is active at version 2', () => {
    spec
      .given([invited])
      .when(cmd('AcceptInvitation'))
      .then([{ type: 'EntityInvitationAccepted', data: { id, version: 2, at, by } }]);
    expect(
      fold(registryEntityDecider, [invited, { type: 'EntityInvitationAccepted', data: { id, version: 2, at, by } }]),
    ).toMatchObject({ status: 'active', version: 2 });
  });

  it('given an active entity, when an invitation is accepted, then 409 naming "active"', () => {
    spec
      .given([created])
      .when(cmd('AcceptInvitation'))
      .thenThrows(EntityTransitionNotAllowedError, (e) => expect(e.message).toContain('status is active'));
  });

  it('given an active entity, when deactivated, then version 2 deactivated; again → 409', () => {
    const deactivated: RegistryEntityEvent = { type: 'EntityDeactivated', data: { id, version: 2, at, by } };
    spec.given([created]).when(cmd('DeactivateEntity')).then([deactivated]);
    spec.given([created, deactivated]).when(cmd('DeactivateEntity')).thenThrows(EntityTransitionNotAllowedError);
  });

  it('given a deactivated entity, when reactivated, then version 3 active; reactivating an active one → 409 naming "active"', () => {
    const deactivated: RegistryEntityEvent = { type: 'EntityDeactivated', data: { id, version: 2, at, by } };
    const reactivated: RegistryEntityEvent = { type: 'EntityReactivated', data: { id, version: 3, at, by } };
    spec.given([created, deactivated]).when(cmd('ReactivateEntity')).then([reactivated]);
    expect(fold(registryEntityDecider, [created, deactivated, reactivated])).toMatchObject({
      status: 'active',
      version: 3,
    });
    spec
      .given([created])
      .when(cmd('ReactivateEntity'))
      .thenThrows(EntityTransitionNotAllowedError, (e) => expect(e.message).toContain('status is active'));
  });

  it("given an entity, when deleted, then deleted with its private fields erased (crypto-shredding), and folding EntityDeleted leaves it deleted, not active (Daksha's RegistryResource::mutate ignores EntityDeleted: a deleted entity stays Active); afterwards reads, changes and a second delete are not found", () => {
    const deleted: RegistryEntityEvent = {
      type: 'EntityDeleted',
      data: { id, version: 2, at, by, erasure: 'crypto-shredding' },
    };
    spec
      .given([created])
      .when(cmd('DeleteEntity', { expectedVersion: 1 }))
      .then([deleted]);
    expect(fold(registryEntityDecider, [created, deleted])).toMatchObject({ status: 'deleted', version: 2 });
    spec.given([created, deleted]).when(cmd('DeleteEntity')).thenThrows(EntityNotFoundError);
    spec
      .given([created, deleted])
      .when(cmd('ReplaceEntity', { body: sarah, definition: v1 }))
      .thenThrows(EntityNotFoundError);
  });

  it("given a deleted or an unknown entity, when deleted, then not found (404), never an empty success (Daksha's entity DeleteCmd returns Ok(vec![]) when the delete is not allowed: a silent no-op)", () => {
    const deleted: RegistryEntityEvent = {
      type: 'EntityDeleted',
      data: { id, version: 2, at, by, erasure: 'crypto-shredding' },
    };
    for (const history of [[], [created, deleted], [invited, deleted]]) {
      spec
        .given(history)
        .when(cmd('DeleteEntity'))
        .thenThrows(EntityNotFoundError, (e) => expect(e.message).toContain(id));
    }
  });
});
