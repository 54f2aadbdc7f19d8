import { describe, expect, it } from 'vitest';
import type { DefinitionDocument } from '../../entity/definition/definition-schema.js';
import type { ExistingDefinition } from '../../entity/definition/definition.state.js';
import { relationOf } from './get-entity.use-case.js';

// Which _osConfig decides who may read and write an existing entity: the version in force (the
// active one), never a revision still in draft — a new version takes effect when it is activated.

const schema = (osConfig: Record<string, unknown>): DefinitionDocument => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Student',
  type: 'object',
  properties: { name: { type: 'string' }, email: { type: 'string' }, note: { type: 'string' } },
  _osConfig: osConfig,
});
const v1 = schema({ roles: ['registrar'], ownershipAttributes: [{ email: '/email' }], internalFields: ['$.note'] });
const v2 = schema({ roles: ['anonymous'], ownershipAttributes: [{ email: '/name' }] });

const entity = {
  status: 'active' as const,
  id: '01930000-0000-7000-8000-000000000001',
  type: 'Student',
  definitionId: '1bd23c91-3379-b65b-11cc-64984050e35c',
  definitionVersion: 1,
  body: { name: 'Asha', email: 'asha@example.com', note: 'internal' },
  version: 1,
};
// The entity was written under version 1; version 2 (same rules as 1) is active; version 3 is the
// revision (a draft, then activated).
const definition = (status: 'draft' | 'active', latest: DefinitionDocument, active: DefinitionDocument) =>
  ({
    status,
    id: entity.definitionId,
    title: 'Student',
    version: 3,
    schema: latest,
    problems: [],
    active: { version: status === 'active' ? 3 : 2, schema: active },
  }) as ExistingDefinition;

const stranger = { id: 'someone', roles: [], authenticated: false };
const owner = { id: 'user-asha', roles: ['customer'], email: 'asha@example.com', emailVerified: true };

describe('relationOf: the rules in force for an entity written under an earlier version', () => {
  it('ignores a pending draft: its roles, ownership and internal fields do not apply yet', () => {
    const pending = definition('draft', v2, v1);
    expect(relationOf(entity, pending, stranger)).toMatchObject({ manager: false, owner: false });
    expect(relationOf(entity, pending, owner)).toMatchObject({ manager: false, owner: true });
    expect(relationOf(entity, pending, owner).config.internalFields).toEqual(['$.note']);
  });

  it('applies the new version once it is active', () => {
    const activated = definition('active', v2, v2);
    expect(relationOf(entity, activated, stranger)).toMatchObject({ manager: true });
    expect(relationOf(entity, activated, owner)).toMatchObject({ owner: false });
    expect(relationOf(entity, activated, owner).config.internalFields).toEqual([]);
  });
});
