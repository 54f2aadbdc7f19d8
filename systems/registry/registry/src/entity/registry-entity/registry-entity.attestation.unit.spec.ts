import { deciderSpec } from '@archipelago/testing-decider';
import { fold } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { compileEntitySchema } from '../definition/definition-schema.js';
import { restrictTo } from './field-access.js';
import { registryEntityDecider, type RegistryEntityCommand } from './registry-entity.decider.js';
import { EntityNotFoundError } from './registry-entity.errors.js';
import type { AttestationRecord, RegistryEntityEvent } from './registry-entity.events.js';

const spec = deciderSpec(registryEntityDecider);
const id = '0193a0b4-7c2e-7d3f-8a1b-2c3d4e5f6a7b';
const claimId = '0193a0b4-0000-7d3f-8a1b-2c3d4e5f6a7b';
const newerClaimId = '0193a0b4-1111-7d3f-8a1b-2c3d4e5f6a7b';
const at = '2026-12-06T04:10:00.000Z';
const type = 'Degree';
const definitionId = '1bd23c91-3379-b65b-11cc-64984050e35c';
const definition = {
  type,
  definitionId,
  definitionVersion: 1,
  validator: compileEntitySchema({
    title: 'Degree',
    type: 'object',
    properties: { name: { type: 'string' }, degree: { type: 'object' }, phone: { type: 'string' } },
  }),
};
const body = { name: 'Alice', degree: { title: 'BSc', year: 2020 }, phone: '123' };
const created: RegistryEntityEvent = {
  type: 'EntityCreated',
  data: { id, version: 1, at, by: 'alice', type, definitionId, definitionVersion: 1, body },
};
const properties = ['/degree/title', '/name'];
const attestedData = { degree: { title: 'BSc' }, name: 'Alice' };
const record = (state: AttestationRecord['state'], claim = claimId): RegistryEntityCommand => ({
  type: 'RecordAttestation',
  data: {
    id,
    now: at,
    by: 'system',
    type,
    claimId: claim,
    policy: 'degree',
    state,
    properties,
    ...(state === 'ATTESTED' ? { attestedData } : {}),
  },
});
const recorded = (version: number, state: AttestationRecord['state'], claim = claimId): RegistryEntityEvent => ({
  type: 'EntityAttestationRecorded',
  data: {
    id,
    version,
    at,
    by: 'system',
    claimId: claim,
    policy: 'degree',
    state,
    properties,
    ...(state === 'ATTESTED' ? { attestedData } : {}),
  },
});
const patch = (p: unknown): RegistryEntityCommand => ({
  type: 'PatchEntity',
  data: { id, now: at, by: 'admin', type, patch: p, definition },
});
const attestationOf = (events: RegistryEntityEvent[]) => {
  const state = fold(registryEntityDecider, events);
  return state.status === 'absent' ? undefined : state.attestations?.['degree'];
};

describe('registry entity: attestation state (_osState / _osAttestedData)', () => {
  it('given a created entity, a raised claim records PENDING', () =>
    spec
      .given([created])
      .when(record('PENDING'))
      .then([recorded(2, 'PENDING')]));

  it('given a pending claim, its attestation records ATTESTED with the values frozen', () => {
    spec
      .given([created, recorded(2, 'PENDING')])
      .when(record('ATTESTED'))
      .then([recorded(3, 'ATTESTED')]);
    expect(attestationOf([created, recorded(2, 'PENDING'), recorded(3, 'ATTESTED')])).toEqual({
      claimId,
      state: 'ATTESTED',
      properties,
      attestedData,
    });
  });

  it('given the decision recorded already, recording it again records nothing (idempotent)', () =>
    spec
      .given([created, recorded(2, 'PENDING'), recorded(3, 'ATTESTED')])
      .when(record('ATTESTED'))
      .then([]));

  it('given a decision recorded, a replayed PENDING of the same claim records nothing', () =>
    spec
      .given([created, recorded(2, 'REJECTED')])
      .when(record('PENDING'))
      .then([]));

  it('given a newer claim pending, a late decision of the older claim records nothing', () =>
    spec
      .given([created, recorded(2, 'PENDING'), recorded(3, 'PENDING', newerClaimId)])
      .when(record('ATTESTED'))
      .then([]));

  it('given an attested policy, a change to an attested property sets NEEDS_REATTESTATION and keeps the frozen values', () => {
    const [updated] = registryEntityDecider.decide(
      patch({ degree: { title: 'MSc' } }),
      fold(registryEntityDecider, [created, recorded(2, 'PENDING'), recorded(3, 'ATTESTED')]),
    );
    expect(attestationOf([created, recorded(2, 'PENDING'), recorded(3, 'ATTESTED'), updated!])).toEqual({
      claimId,
      state: 'NEEDS_REATTESTATION',
      properties,
      attestedData,
    });
  });

  it('given an attested policy, a change to another property keeps ATTESTED', () => {
    const [updated] = registryEntityDecider.decide(
      patch({ phone: '456' }),
      fold(registryEntityDecider, [created, recorded(2, 'ATTESTED')]),
    );
    expect(attestationOf([created, recorded(2, 'ATTESTED'), updated!])?.state).toBe('ATTESTED');
  });

  it('given a deleted entity, recording is not found (the process manager skips it)', () =>
    spec
      .given([created, { type: 'EntityDeleted', data: { id, version: 2, at, by: 'admin' } }])
      .when(record('PENDING'))
      .thenThrows(EntityNotFoundError));

  it('restrictTo keeps only the values at the pointers, same nesting', () => {
    expect(restrictTo(body, properties)).toEqual(attestedData);
    expect(restrictTo({ list: [{ a: 1, b: 2 }] }, ['/list/0/a', '/missing'])).toEqual({ list: { 0: { a: 1 } } });
  });
});
