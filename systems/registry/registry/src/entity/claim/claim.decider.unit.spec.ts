import { deciderSpec } from '@archipelago/testing-decider';
import { describe, expect, it } from 'vitest';
import { claimDecider, mayDecide, type Caller, type ClaimCommand } from './claim.decider.js';
import { ClaimAlreadyDecidedError, ClaimNoteRequiredError, ClaimNotFoundError } from './claim.errors.js';
import type { ClaimEvent, ClaimSubject } from './claim.events.js';

const spec = deciderSpec(claimDecider);
const now = '2026-12-06T10:00:00.000Z';
const id = '01939f4e-1d6f-7c38-9a57-3f2a1c0d9e11';
const subject: ClaimSubject = {
  entityType: 'Degree',
  entityId: '01939f4e-0000-7c38-9a57-3f2a1c0d9e11',
  definitionId: '1bd23c91-3379-b65b-11cc-64984050e35c',
  definitionVersion: 1,
  entityVersion: 2,
  contentPointer: '',
  policy: 'degree',
  properties: ['/degree/title'],
  values: { degree: { title: 'BSc' } },
  attestorRoles: ['registrar'],
};
const raised: ClaimEvent = { type: 'ClaimRaised', data: { id, at: now, by: 'alice', ...subject } };
const registrar = { id: 'rita', roles: ['registrar'] };
const attest = (caller: Caller = registrar, note?: string): ClaimCommand => ({
  type: 'AttestClaim',
  data: { id, now, caller, ...(note === undefined ? {} : { note }) },
});
const reject = (note?: string, caller = registrar): ClaimCommand => ({
  type: 'RejectClaim',
  data: { id, now, caller, ...(note === undefined ? {} : { note }) },
});

const newer = '01939f4e-2222-7c38-9a57-3f2a1c0d9e11';
const supersede: ClaimCommand = {
  type: 'SupersedeClaim',
  data: { id, now, requester: 'alice', supersededBy: newer },
};
const superseded: ClaimEvent = { type: 'ClaimSuperseded', data: { id, at: now, by: 'alice', supersededBy: newer } };

describe('claim decider: a newer claim of the same policy supersedes an open one', () => {
  it('given an open claim, when a newer claim supersedes it, then it is superseded by that claim', () =>
    spec.given([raised]).when(supersede).then([superseded]));

  it('given a superseded claim, superseding it again records nothing', () =>
    spec.given([raised, superseded]).when(supersede).then([]));

  it('given an attested claim (the decision came first), superseding it records nothing', () =>
    spec
      .given([raised, { type: 'ClaimAttested', data: { id, at: now, by: 'rita' } }])
      .when(supersede)
      .then([]));

  it('given a superseded claim, attesting or rejecting it is 409 naming the status superseded', () => {
    spec.given([raised, superseded]).when(attest()).thenThrows(ClaimAlreadyDecidedError);
    const state = [raised, superseded].reduce(claimDecider.evolve, claimDecider.initialState());
    expect(state).toMatchObject({ status: 'superseded', supersededBy: newer });
    expect(() => claimDecider.decide(reject('late'), state)).toThrow(/superseded/);
  });
});

describe('claim decider', () => {
  it('given nothing, when the owner raises a claim, then it is raised by them', () =>
    spec
      .given([])
      .when({ type: 'RaiseClaim', data: { id, now, requester: 'alice', subject } })
      .then([raised]));

  it('given an open claim, when a registrar attests with a note, then it is attested by them with the note', () =>
    spec
      .given([raised])
      .when(attest(registrar, ' checked the diploma '))
      .then([{ type: 'ClaimAttested', data: { id, at: now, by: 'rita', note: 'checked the diploma' } }]));

  it('given an open claim, when a registrar rejects with a note, then it is rejected', () =>
    spec
      .given([raised])
      .when(reject('no such diploma'))
      .then([{ type: 'ClaimRejected', data: { id, at: now, by: 'rita', note: 'no such diploma' } }]));

  it('given an open claim, a rejection without a note is refused', () =>
    spec.given([raised]).when(reject('  ')).thenThrows(ClaimNoteRequiredError));

  it('given an attested claim, deciding again is 409 (already decided)', () =>
    spec
      .given([raised, { type: 'ClaimAttested', data: { id, at: now, by: 'rita' } }])
      .when(reject('changed my mind'))
      .thenThrows(ClaimAlreadyDecidedError));

  it('given an open claim, someone without an attestor role gets not found', () =>
    spec
      .given([raised])
      .when(attest({ id: 'bob', roles: ['admin'] }))
      .thenThrows(ClaimNotFoundError));

  it('given an open claim, the requester may not attest it even with the role', () =>
    spec
      .given([raised])
      .when(attest({ id: 'alice', roles: ['registrar'] }))
      .thenThrows(ClaimNotFoundError));

  it('given no claim, deciding is not found', () => spec.given([]).when(attest()).thenThrows(ClaimNotFoundError));

  it('the state after a decision names the attestor, the note and the status', () => {
    const state = [
      raised,
      { type: 'ClaimRejected', data: { id, at: now, by: 'rita', note: 'no' } } as ClaimEvent,
    ].reduce(claimDecider.evolve, claimDecider.initialState());
    expect(state).toMatchObject({ status: 'rejected', attestor: 'rita', note: 'no', requester: 'alice' });
    expect(mayDecide(state, registrar)).toBe(true);
  });
});

describe('claim decider: attestor entities (attestorEntity + condition)', () => {
  const byEntity: ClaimEvent = {
    type: 'ClaimRaised',
    data: {
      id,
      at: now,
      by: 'alice',
      ...subject,
      attestorRoles: [],
      attestorEntityType: 'Institute',
      attestorEntities: ['inst-1'],
    },
  };
  const anyOwner: ClaimEvent = {
    type: 'ClaimRaised',
    data: { id, at: now, by: 'alice', ...subject, attestorRoles: [], attestorEntityType: 'Institute' },
  };
  const state = (e: ClaimEvent) => claimDecider.evolve(claimDecider.initialState(), e);
  const principal = { id: 'pat', roles: ['user'], attestorEntities: ['inst-1'] };

  it('given a claim naming attestor entities, only an owner of one of them may decide', () => {
    expect(mayDecide(state(byEntity), principal)).toBe(true);
    expect(mayDecide(state(byEntity), { ...principal, attestorEntities: ['inst-2'] })).toBe(false);
    expect(mayDecide(state(byEntity), { id: 'pat', roles: ['user'] })).toBe(false);
    // A role the policy does not name does not help.
    expect(mayDecide(state(byEntity), { id: 'rita', roles: ['registrar'] })).toBe(false);
    // Nobody decides their own claim, even owning the attestor entity.
    expect(mayDecide(state(byEntity), { ...principal, id: 'alice' })).toBe(false);
  });

  it('given a policy without a condition, any owner of an entity of the type may decide', () => {
    expect(mayDecide(state(anyOwner), { ...principal, attestorEntities: ['inst-7'] })).toBe(true);
    expect(mayDecide(state(anyOwner), { ...principal, attestorEntities: [] })).toBe(false);
  });

  it('given a claim naming attestor entities, when someone owning none attests, then it is not found for them', () =>
    spec
      .given([byEntity])
      .when(attest({ ...principal, attestorEntities: ['inst-2'] }))
      .thenThrows(ClaimNotFoundError));

  it('given a claim naming attestor entities, when the owner of one attests, then it is attested by them', () =>
    spec
      .given([byEntity])
      .when(attest(principal))
      .then([{ type: 'ClaimAttested', data: { id, at: now, by: 'pat' } }]));
});
