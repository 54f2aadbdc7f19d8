import { deciderSpec } from '@archipelago/testing-decider';
import { describe, it } from 'vitest';
import { definitionIdOf } from '../definition/definition-id.js';
import { compileEntitySchema } from '../definition/definition-schema.js';
import { definitionShape, extractOsConfig } from '../definition/os-config.js';
import { registryEntityDecider, type OwnerWriter, type ServingDefinition } from './registry-entity.decider.js';
import { EntityFieldWriteForbiddenError, EntityOwnershipChangeForbiddenError } from './registry-entity.errors.js';
import type { JsonObject } from './json-merge-patch.js';
import type { RegistryEntityEvent } from './registry-entity.events.js';

// The decider applies the owner rules (field-access.ts ownerWrite) when a replace or patch comes
// from the entity's owner rather than a manager (issue 14 §5).
const schema = {
  title: 'Lease',
  type: 'object',
  required: ['flat', 'email'],
  properties: {
    flat: { type: 'string' },
    email: { type: 'string' },
    rent: { type: 'integer' },
    note: { type: 'string' },
  },
  _osConfig: { internalFields: ['$.note'], ownershipAttributes: [{ email: '/email' }] },
};
const spec = deciderSpec(registryEntityDecider);
const id = '0193a0b4-7c2e-7d3f-8a1b-2c3d4e5f6a7b';
const at = '2026-12-07T03:00:00.000Z';
const by = 'u-ann';
const type = 'Lease';
const definitionId = definitionIdOf(type);
const definition: ServingDefinition = {
  type,
  definitionId,
  definitionVersion: 1,
  validator: compileEntitySchema(schema),
};
const owner: OwnerWriter = {
  config: extractOsConfig(schema).config,
  contentPointer: definitionShape(schema).contentPointer,
};
const body = { flat: '1A', email: 'ann@example.com', rent: 900, note: 'pays late' };
const created: RegistryEntityEvent = {
  type: 'EntityCreated',
  data: { id, version: 1, at, by: 'u-clerk', type, definitionId, definitionVersion: 1, body },
};
const common = { id, now: at, by, type, definition };
const updated = (newBody: JsonObject, changed: string[]): RegistryEntityEvent => ({
  type: 'EntityUpdated',
  data: { id, version: 2, at, by, type, definitionId, definitionVersion: 1, body: newBody, changed },
});

describe('registry entity: writes by the owner', () => {
  it('given an entity, when its owner replaces it without the internal field, then the internal field is kept', () => {
    spec
      .given([created])
      .when({
        type: 'ReplaceEntity',
        data: { ...common, owner, body: { flat: '1A', email: 'ann@example.com', rent: 950 } },
      })
      .then([updated({ ...body, rent: 950 }, ['/rent'])]);
  });

  it('given an entity, when its owner patches the ownership e-mail, then it is refused; a manager may', () => {
    const patch = { email: 'bob@example.com' };
    spec
      .given([created])
      .when({ type: 'PatchEntity', data: { ...common, owner, patch } })
      .thenThrows(EntityOwnershipChangeForbiddenError);
    spec
      .given([created])
      .when({ type: 'PatchEntity', data: { ...common, patch } })
      .then([updated({ ...body, ...patch }, ['/email'])]);
  });

  it('given an entity, when its owner patches an internal field, then it is refused', () => {
    spec
      .given([created])
      .when({ type: 'PatchEntity', data: { ...common, owner, patch: { note: null } } })
      .thenThrows(EntityFieldWriteForbiddenError);
  });
});
