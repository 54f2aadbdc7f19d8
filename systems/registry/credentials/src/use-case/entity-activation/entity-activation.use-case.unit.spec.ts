import { beforeEach, describe, expect, it } from 'vitest';
import { FakeIssuer, InMemoryCredentialStore } from '../../../test/fakes/in-memory-credential-store.js';
import { SUSPENDED_DETAIL } from '../../entity/credential/credential-status.js';
import { IssueCredentialUseCase } from '../issue-credential/issue-credential.use-case.js';
import type { StoredCredential } from '../port/credential-store.port.js';
import { StatusListUseCase } from '../status-list/status-list.use-case.js';
import { VerifyCredentialUseCase } from '../verify-credential/verify-credential.use-case.js';
import { EntityActivationUseCase } from './entity-activation.use-case.js';

// Suspension of credentials on the registry's EntityDeactivatedV1 / EntityReactivatedV1, through the
// use cases with in-memory fakes of their ports: issue, (de)activate, verify, status lists.
const NOW = '2026-12-07T12:00:00.000Z';
const clock = { now: () => NOW };
const LICENCE = { entityType: 'Licence', entityId: '0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11' };
let store: InMemoryCredentialStore;
let issuer: FakeIssuer;
let activation: EntityActivationUseCase;
let issue: IssueCredentialUseCase;
let verify: VerifyCredentialUseCase;

const change = (deactivated: boolean, version: number) => ({
  ...LICENCE,
  deactivated,
  version,
  occurredAt: `2026-12-07T12:0${version}:00.000Z`,
});
let messages = 0;
const message = () => ({ id: `m${++messages}`, topic: 'registry.registry.entity-deactivated.v1' });
const issued = async (): Promise<StoredCredential> =>
  (await issue.execute({ ...LICENCE, data: { name: 'Asha' } }, {}))!;
const statusOf = async (c: StoredCredential) =>
  (await verify.execute(c.jwt)).checks.find((check) => check.check === 'status');
const legacy = (): StoredCredential => ({
  id: crypto.randomUUID(),
  ...LICENCE,
  types: ['VerifiableCredential'],
  statusList: 1,
  statusIndex: 7,
  jwt: 'x.y.fake-signature',
  cause: 'on-demand',
  issuedAt: NOW,
});

beforeEach(() => {
  store = new InMemoryCredentialStore();
  store.entities.set(`${LICENCE.entityType}/${LICENCE.entityId}`, { ...LICENCE, body: { name: 'Asha' } });
  issuer = new FakeIssuer();
  activation = new EntityActivationUseCase(store);
  issue = new IssueCredentialUseCase(store, issuer, clock);
  verify = new VerifyCredentialUseCase(store, issuer, clock);
});

describe('IssueCredentialUseCase', () => {
  it('gives a new credential an index in the revocation list and another in the suspension list', async () => {
    const c = await issued();
    expect(c).toMatchObject({ statusList: 1, suspensionList: 2 });
    const vc = JSON.parse(Buffer.from(c.jwt.split('.')[1]!, 'base64url').toString()) as {
      credentialStatus: { statusPurpose: string; statusListIndex: string; statusListCredential: string }[];
    };
    expect(vc.credentialStatus).toEqual([
      expect.objectContaining({
        statusPurpose: 'revocation',
        statusListIndex: String(c.statusIndex),
        statusListCredential: issuer.statusListUrl(1),
      }),
      expect.objectContaining({
        statusPurpose: 'suspension',
        statusListIndex: String(c.suspensionIndex),
        statusListCredential: issuer.statusListUrl(2),
      }),
    ]);
    expect(await statusOf(c)).toEqual({ check: 'status', ok: true, detail: 'not revoked, not suspended' });
  });

  it('issues suspended while the entity is deactivated', async () => {
    await activation.execute(message(), change(true, 2));
    const c = await issued();
    expect(c.suspendedAt).toBe(NOW);
    expect(await verify.execute(c.jwt)).toMatchObject({ valid: false });
  });
});

describe('EntityActivationUseCase', () => {
  it('suspends every unrevoked credential of the entity on deactivation and lifts it on reactivation', async () => {
    const [a, b, revoked] = [await issued(), await issued(), await issued()];
    await store.revoke(revoked.id, 'manager', NOW);
    const other = (await issue.execute({ entityType: 'Licence', entityId: crypto.randomUUID(), data: {} }, {}))!;

    expect(await activation.execute(message(), change(true, 2))).toEqual({ outcome: 'applied', credentials: 2 });
    for (const c of [a, b]) {
      expect(store.credentials.get(c.id)!.suspendedAt).toBe('2026-12-07T12:02:00.000Z');
      expect(await verify.execute(c.jwt)).toEqual({
        valid: false,
        checks: expect.arrayContaining([{ check: 'status', ok: false, detail: SUSPENDED_DETAIL }]),
      });
    }
    expect(store.credentials.get(revoked.id)!.suspendedAt).toBeUndefined();
    expect((await verify.execute(other.jwt)).valid).toBe(true);

    expect(await activation.execute(message(), change(false, 3))).toEqual({ outcome: 'applied', credentials: 2 });
    for (const c of [a, b]) {
      expect(store.credentials.get(c.id)!.suspendedAt).toBeUndefined();
      expect(await verify.execute(c.jwt)).toMatchObject({ valid: true });
    }
    expect((await statusOf(revoked))?.detail).toBe('revoked');
  });

  it('does nothing for a message handled before (same id)', async () => {
    const c = await issued();
    const m = message();
    await activation.execute(m, change(true, 2));
    await activation.execute(message(), change(false, 3));
    expect(await activation.execute(m, change(true, 2))).toEqual({ outcome: 'duplicate' });
    expect((await verify.execute(c.jwt)).valid).toBe(true);
  });

  it('ignores a deactivation older than the reactivation applied before it (out of order across the two topics)', async () => {
    const c = await issued();
    expect(await activation.execute(message(), change(false, 3))).toEqual({ outcome: 'applied', credentials: 0 });
    expect(await activation.execute(message(), change(true, 2))).toEqual({ outcome: 'stale', appliedVersion: 3 });
    expect((await verify.execute(c.jwt)).valid).toBe(true);
    // A later deactivation still counts.
    expect(await activation.execute(message(), change(true, 4))).toEqual({ outcome: 'applied', credentials: 1 });
    expect((await verify.execute(c.jwt)).valid).toBe(false);
  });

  it('leaves credentials without a suspension entry (issued before suspension existed) as they are', async () => {
    const old = legacy();
    await store.insert(old);
    expect(await activation.execute(message(), change(true, 2))).toEqual({ outcome: 'applied', credentials: 0 });
    expect(store.credentials.get(old.id)!.suspendedAt).toBeUndefined();
  });
});

describe('StatusListUseCase', () => {
  const encode = async (set: Iterable<number>) => [...set].sort((x, y) => x - y).join(',');
  const decoded = (jwt: string) =>
    JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as {
      id: string;
      credentialSubject: { statusPurpose: string; encodedList: string };
    };

  it('serves list 1 as the revocation list and list 2 as the suspension list, re-signed when a bit flips; no list 3', async () => {
    const lists = new StatusListUseCase(store, issuer, clock, encode);
    const c = await issued();
    expect(decoded(await lists.jwt(2)).credentialSubject).toEqual({
      id: `${issuer.statusListUrl(2)}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'suspension',
      encodedList: '',
    });
    await activation.execute(message(), change(true, 2));
    expect(decoded(await lists.jwt(2)).credentialSubject.encodedList).toBe(String(c.suspensionIndex));
    expect(decoded(await lists.jwt(1)).credentialSubject).toMatchObject({
      statusPurpose: 'revocation',
      encodedList: '',
    });
    await expect(lists.jwt(3)).rejects.toMatchObject({ code: 'CREDENTIAL.NOT_FOUND' });
  });
});
