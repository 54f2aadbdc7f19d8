import { describe, expect, it } from 'vitest';
import { readAttestationPolicies } from './attestation-policy.js';
import { validateDefinitionSchema } from './definition-schema.js';

const definition = (policies: unknown[]) => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Degree',
  type: 'object',
  properties: {
    name: { type: 'string' },
    degree: { type: 'object', properties: { title: { type: 'string' }, year: { type: 'integer' } } },
    courses: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' } } } },
    ownerId: { type: 'string' },
  },
  _osConfig: { ownershipAttributes: [{ userId: '/ownerId' }], attestationPolicies: policies },
});

describe('attestation policies (validate_def)', () => {
  it('given a policy with properties and attestor roles, the definition validates and the paths become JSON Pointers', () => {
    const document = definition([
      { name: 'degree', properties: ['$.degree.title', '/degree/year', 'name'], attestorRoles: ['registrar'] },
    ]);
    expect(validateDefinitionSchema(document)).toEqual([]);
    const { policies } = readAttestationPolicies({
      ...emptyConfig,
      attestationPolicies: document._osConfig.attestationPolicies as never,
    });
    expect(policies).toEqual([
      { name: 'degree', properties: ['/degree/title', '/degree/year', '/name'], attestor: { roles: ['registrar'] } },
    ]);
  });

  it("given Sunbird RC's attestationProperties and attestorPlugin, it reads the labelled paths and the attestor entity type", () => {
    const { policies, problems } = readAttestationPolicies({
      ...emptyConfig,
      attestationPolicies: [
        {
          name: 'nameCheck',
          attestationProperties: { fullName: '$.name' },
          attestorPlugin: 'did:internal:ClaimPluginActor?entity=Institute',
          conditions: '(ATTESTOR#$.osid#.contains(REQUESTER#$.instituteOSID#))',
          credentialTemplate: { '@context': ['https://www.w3.org/ns/credentials/v2'], name: '{{name}}' },
        },
      ],
    });
    expect(problems).toEqual([]);
    expect(policies[0]).toMatchObject({
      properties: ['/name'],
      attestor: {
        roles: [],
        entity: { type: 'Institute', condition: '(ATTESTOR#$.osid#.contains(REQUESTER#$.instituteOSID#))' },
      },
      credentialTemplate: { name: '{{name}}' },
    });
  });

  it('given a policy naming a property that does not exist, validation names it by JSON Pointer', () => {
    expect(
      validateDefinitionSchema(definition([{ name: 'degree', properties: ['$.degree.grade'], attestorRoles: ['r'] }])),
    ).toEqual([
      {
        pointer: '/_osConfig/attestationPolicies/0/properties/0',
        message: '"$.degree.grade" names no property of the entity',
      },
    ]);
  });

  it('given a policy with no attestor rule, validation says so', () => {
    expect(validateDefinitionSchema(definition([{ name: 'degree', properties: ['name'] }]))).toEqual([
      {
        pointer: '/_osConfig/attestationPolicies/0',
        message: 'names no attestor: give attestorRoles [role, …] or attestorEntity { type, condition }',
      },
    ]);
  });

  it('given no name, a duplicate name, no properties, a path through every array item, each is a problem', () => {
    const problems = validateDefinitionSchema(
      definition([
        { properties: ['name'], attestorRoles: ['r'] },
        { name: 'a', properties: ['name'], attestorRoles: ['r'] },
        { name: 'a', properties: ['$.courses[*].code'], attestorRoles: ['r'] },
        { name: 'b', attestorRoles: ['r'] },
      ]),
    ).map((p) => p.pointer);
    expect(problems).toEqual([
      '/_osConfig/attestationPolicies/0/name',
      '/_osConfig/attestationPolicies/2/name',
      '/_osConfig/attestationPolicies/2/properties/0',
      '/_osConfig/attestationPolicies/3',
    ]);
  });
});

const emptyConfig = {
  privateFields: [],
  internalFields: [],
  indexFields: [],
  uniqueIndexFields: [],
  roles: [],
  inviteRoles: [],
  ownershipAttributes: [],
  attestationPolicies: [],
  systemFields: [],
  extensions: {},
};
