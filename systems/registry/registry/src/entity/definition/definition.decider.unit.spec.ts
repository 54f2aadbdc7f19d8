import { deciderSpec } from '@archipelago/testing-decider';
import { fold } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { definitionIdOf } from './definition-id.js';
import { definitionDecider, type DefinitionCommand } from './definition.decider.js';
import {
  DefinitionAlreadyExistsError,
  DefinitionIdMismatchError,
  DefinitionNotFoundError,
  DefinitionNotValidError,
  DefinitionTitleImmutableError,
  DefinitionTransitionNotAllowedError,
  InvalidDefinitionDocumentError,
} from './definition.errors.js';
import type { DefinitionEvent } from './definition.events.js';
import type { DefinitionDocument } from './definition-schema.js';
import { servingVersion } from './definition.state.js';

const spec = deciderSpec(definitionDecider);
const id = definitionIdOf('Student');
const at = '2026-12-06T04:00:00.000Z';
const by = 'admin-1';
const stamp = { id, at, by };

const v1 = {
  $schema: 'http://json-schema.org/draft-07/schema',
  title: 'Student',
  type: 'object',
  properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } },
  _osConfig: { privateFields: ['$.email'], ownershipAttributes: [{ email: '/email', userId: '/email' }] },
};
const v2 = { ...v1, properties: { ...v1.properties, grade: { type: 'integer' } } };
// Compiles, but `_osConfig` encrypts a field the schema does not have.
const broken = { ...v1, _osConfig: { privateFields: ['$.identityValue'] } };
const brokenProblems = [
  { pointer: '/_osConfig/privateFields/0', message: '"$.identityValue" names no property of the entity' },
];

const command = <T extends DefinitionCommand['type']>(
  type: T,
  data: Partial<Extract<DefinitionCommand, { type: T }>['data']> = {},
) => ({ type, data: { id, now: at, by, ...data } }) as Extract<DefinitionCommand, { type: T }>;

const created = (schema: DefinitionDocument = v1): DefinitionEvent => ({
  type: 'DefCreated',
  data: { ...stamp, title: 'Student', version: 1, schema },
});
const updated = (version: number, schema: DefinitionDocument = v2): DefinitionEvent => ({
  type: 'DefUpdated',
  data: { ...stamp, version, schema },
});
const validated = (version = 1): DefinitionEvent => ({ type: 'DefValidated', data: { ...stamp, version } });
const activated = (version = 1, schema: DefinitionDocument = v1): DefinitionEvent => ({
  type: 'DefActivated',
  data: { ...stamp, version, schema },
});
const deactivated: DefinitionEvent = { type: 'DefDeactivated', data: stamp };
const deleted: DefinitionEvent = { type: 'DefDeleted', data: stamp };

const notAllowed = (action: string, status: string) => (error: Error) => {
  expect(error).toMatchObject({ action, status, code: 'DEFINITION.TRANSITION_NOT_ALLOWED' });
  expect(error.message).toContain(`whose status is ${status}`);
};

describe('definition lifecycle: create', () => {
  it('given nothing, when created, then it is a draft version 1', () => {
    spec
      .given([])
      .when(command('CreateDefinition', { schema: v1 }))
      .then([created()]);
  });

  it('given a definition, when a schema with the same title in another case or form is created, then 409', () => {
    spec
      .given([created()])
      .when(command('CreateDefinition', { schema: { ...v1, title: ' STUDENT ' } }))
      .thenThrows(DefinitionAlreadyExistsError, (e) => expect(e).toMatchObject({ title: 'Student', id }));
  });

  it('given nothing, when the id is not the one the title derives, then it is refused', () => {
    spec
      .given([])
      .when(command('CreateDefinition', { id: definitionIdOf('Teacher'), schema: v1 }))
      .thenThrows(DefinitionIdMismatchError, (e) => expect(e).toMatchObject({ expected: id }));
  });

  it.each([
    ['no title', { type: 'object' }],
    ['an empty title', { title: ' ', type: 'object' }],
    ['a title that is not a string', { title: ['Student'] }],
    ['not a schema', { title: 'Student', type: 'entity' }],
    ['not an object', 'Student'],
  ])('given nothing, when the body has %s, then it is an invalid document', (_case, schema) => {
    spec.given([]).when(command('CreateDefinition', { schema })).thenThrows(InvalidDefinitionDocumentError);
  });
});

describe('definition lifecycle: validate', () => {
  it('given a draft, when validated, then it is valid', () => {
    spec.given([created()]).when(command('ValidateDefinition')).then([validated()]);
  });

  it('given a draft whose _osConfig names a missing field, when validated, then invalid with the problems listed (Daksha checked only the title)', () => {
    spec
      .given([created(broken)])
      .when(command('ValidateDefinition'))
      .then([{ type: 'DefValidatedFailed', data: { ...stamp, version: 1, problems: brokenProblems } }]);
  });

  it('given a schema using a cross-document $ref, when validated with and without that definition, then valid / invalid', () => {
    const teacher = { title: 'Student', properties: { address: { $ref: 'Common.json/#/definitions/Address' } } };
    const common = { title: 'Common', definitions: { Address: { type: 'object' } } };
    spec
      .given([created(teacher)])
      .when(command('ValidateDefinition', { references: { Common: common } }))
      .then([validated()]);
    spec
      .given([created(teacher)])
      .when(command('ValidateDefinition'))
      .then([
        {
          type: 'DefValidatedFailed',
          data: {
            ...stamp,
            version: 1,
            problems: [{ pointer: '', message: '$ref to "Common.json" names no known schema' }],
          },
        },
      ]);
  });

  it('given an active definition, when validated, then 409 naming "active"', () => {
    spec
      .given([created(), validated(), activated()])
      .when(command('ValidateDefinition'))
      .thenThrows(DefinitionTransitionNotAllowedError, notAllowed('validate', 'active'));
  });
});

describe('definition lifecycle: activate', () => {
  it('given a valid definition, when activated, then it is active', () => {
    spec.given([created(), validated()]).when(command('ActivateDefinition')).then([activated()]);
  });

  it('given a draft, when activated, then it is validated first and activated (Daksha activated drafts without validating)', () => {
    spec.given([created()]).when(command('ActivateDefinition')).then([validated(), activated()]);
  });

  it('given an invalid draft, when activated, then it is refused with the problems and nothing is recorded (Daksha activated it)', () => {
    spec
      .given([created(broken)])
      .when(command('ActivateDefinition'))
      .thenThrows(DefinitionNotValidError, (e) => expect(e).toMatchObject({ problems: brokenProblems }));
  });

  it('given an active definition, when activated again, then 409 naming "active" (never a silent no-op)', () => {
    spec
      .given([created(), activated()])
      .when(command('ActivateDefinition'))
      .thenThrows(DefinitionTransitionNotAllowedError, notAllowed('activate', 'active'));
  });

  it('given a deactivated definition, when activated, then it serves again', () => {
    spec.given([created(), activated(), deactivated]).when(command('ActivateDefinition')).then([activated()]);
  });

  it('given a definition marked for deletion, when activated, then 409 naming "markedForDeletion"', () => {
    spec
      .given([created(), deleted])
      .when(command('ActivateDefinition'))
      .thenThrows(DefinitionTransitionNotAllowedError, notAllowed('activate', 'markedForDeletion'));
  });
});

describe('definition lifecycle: modify', () => {
  it('given an active definition, when modified, then version 2 is a draft while version 1 keeps serving (Daksha had no such path)', () => {
    const given = [created(), validated(), activated()];
    spec
      .given(given)
      .when(command('ModifyDefinition', { schema: v2 }))
      .then([updated(2)]);
    const state = fold(definitionDecider, [...given, updated(2)]);
    expect(state).toMatchObject({ status: 'draft', version: 2, schema: v2 });
    expect(servingVersion(state)).toEqual({ version: 1, schema: v1 });
  });

  it('given a pending version 2 over an active version 1, when activated, then version 2 serves', () => {
    const given = [created(), activated(), updated(2)];
    spec
      .given(given)
      .when(command('ActivateDefinition'))
      .then([validated(2), activated(2, v2)]);
    expect(servingVersion(fold(definitionDecider, [...given, validated(2), activated(2, v2)]))).toEqual({
      version: 2,
      schema: v2,
    });
  });

  it('given an invalid pending version 2, when activated, then refused and version 1 still serves', () => {
    const given = [created(), activated(), updated(2, broken)];
    spec.given(given).when(command('ActivateDefinition')).thenThrows(DefinitionNotValidError);
    expect(servingVersion(fold(definitionDecider, given))).toEqual({ version: 1, schema: v1 });
  });

  it('given a draft, when modified, then a new version (Daksha allowed modify only from Active/Modified, and never set Modified)', () => {
    spec
      .given([created()])
      .when(command('ModifyDefinition', { schema: v2 }))
      .then([updated(2)]);
    spec
      .given([created(), updated(2), validated(2)])
      .when(command('ModifyDefinition', { schema: v1 }))
      .then([updated(3, v1)]);
  });

  it('given a definition, when a revision changes the title, then it is refused', () => {
    spec
      .given([created(), activated()])
      .when(command('ModifyDefinition', { schema: { ...v2, title: 'Pupil' } }))
      .thenThrows(DefinitionTitleImmutableError, (e) =>
        expect(e).toMatchObject({ title: 'Student', attempted: 'Pupil' }),
      );
  });

  it('given a definition, when a revision is not a definition, then it is an invalid document', () => {
    spec
      .given([created()])
      .when(command('ModifyDefinition', { schema: { type: 'object' } }))
      .thenThrows(InvalidDefinitionDocumentError);
  });

  it.each([
    ['deactivated', [created(), activated(), deactivated]],
    ['markedForDeletion', [created(), deleted]],
  ])('given a %s definition, when modified, then 409 naming the status', (status, given) => {
    spec
      .given(given)
      .when(command('ModifyDefinition', { schema: v2 }))
      .thenThrows(DefinitionTransitionNotAllowedError, notAllowed('modify', status));
  });
});

describe('definition lifecycle: deactivate and delete', () => {
  it('given an active definition, when deactivated, then no version serves new entities', () => {
    const given = [created(), activated()];
    spec.given(given).when(command('DeactivateDefinition')).then([deactivated]);
    expect(servingVersion(fold(definitionDecider, [...given, deactivated]))).toBeUndefined();
  });

  it('given an active definition with a pending revision, when deactivated, then it is deactivated', () => {
    spec
      .given([created(), activated(), updated(2)])
      .when(command('DeactivateDefinition'))
      .then([deactivated]);
  });

  it.each([
    ['draft', [created()]],
    ['valid', [created(), validated()]],
    ['deactivated', [created(), activated(), deactivated]],
  ])(
    'given a %s definition that never served or no longer serves, when deactivated, then 409 naming it (Daksha returned no event, silently)',
    (status, given) => {
      spec
        .given(given)
        .when(command('DeactivateDefinition'))
        .thenThrows(DefinitionTransitionNotAllowedError, notAllowed('deactivate', status));
    },
  );

  it.each([
    ['draft', [created()]],
    ['active', [created(), activated()]],
    ['deactivated', [created(), activated(), deactivated]],
  ])('given a %s definition, when deleted, then it is marked for deletion', (_status, given) => {
    spec.given(given).when(command('DeleteDefinition')).then([deleted]);
  });

  it('given a definition marked for deletion, when deleted again, then 409 naming "markedForDeletion" (Daksha returned no event, silently)', () => {
    spec
      .given([created(), deleted])
      .when(command('DeleteDefinition'))
      .thenThrows(DefinitionTransitionNotAllowedError, notAllowed('delete', 'markedForDeletion'));
  });

  it.each([
    'ModifyDefinition',
    'ValidateDefinition',
    'ActivateDefinition',
    'DeactivateDefinition',
    'DeleteDefinition',
  ] as const)('given nothing, when %s, then not found', (type) => {
    spec
      .given([])
      .when(command(type, { schema: v1 }))
      .thenThrows(DefinitionNotFoundError);
  });
});
