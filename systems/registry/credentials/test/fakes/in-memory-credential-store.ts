import type { AppliedActivation, EntityActivationChange } from '../../src/entity/credential/entity-activation.js';
import type {
  ActivationOutcome,
  ChangeMessage,
  CredentialFilter,
  CredentialPage,
  CredentialStorePort,
  EntityActivationsPort,
  EntitySnapshot,
  InsertOutcome,
  PublishedStatusList,
  StoredCredential,
} from '../../src/use-case/port/credential-store.port.js';
import type { IssuerPort, SignatureCheck } from '../../src/use-case/port/issuer.port.js';

const key = (entityType: string, entityId: string) => `${entityType}/${entityId}`;

/**
 * In-memory {@link CredentialStorePort} and {@link EntityActivationsPort} for use-case unit tests:
 * the same rules as the Postgres store (inbox per message id, suspension of unrevoked credentials
 * with a suspension entry, born-suspended issuance, a list revision per flipped bit).
 */
export class InMemoryCredentialStore implements CredentialStorePort, EntityActivationsPort {
  readonly credentials = new Map<string, StoredCredential>();
  readonly entities = new Map<string, EntitySnapshot>();
  readonly activations = new Map<string, AppliedActivation>();
  readonly handled = new Set<string>();
  readonly lists = new Map<number, { revision: number; signedRevision?: number; jwt?: string }>();

  async entity(entityType: string, entityId: string): Promise<EntitySnapshot | undefined> {
    return this.entities.get(key(entityType, entityId));
  }

  async takenIndexes(list: number): Promise<ReadonlySet<number>> {
    const taken = new Set<number>();
    for (const c of this.credentials.values()) {
      if (c.statusList === list) taken.add(c.statusIndex);
      if (c.suspensionList === list && c.suspensionIndex !== undefined) taken.add(c.suspensionIndex);
    }
    return taken;
  }

  private touch(list: number): void {
    const current = this.lists.get(list) ?? { revision: 0 };
    this.lists.set(list, { ...current, revision: current.revision + 1 });
  }

  async insert(credential: StoredCredential): Promise<InsertOutcome> {
    const all = [...this.credentials.values()];
    if (credential.claimId && all.some((c) => c.claimId === credential.claimId)) return { kind: 'claim-issued' };
    if ((await this.takenIndexes(credential.statusList)).has(credential.statusIndex)) return { kind: 'index-taken' };
    const deactivated = this.activations.get(key(credential.entityType, credential.entityId))?.deactivated;
    const suspendedAt = credential.suspensionList !== undefined && deactivated ? credential.issuedAt : undefined;
    this.credentials.set(credential.id, { ...credential, ...(suspendedAt && { suspendedAt }) });
    if (suspendedAt) this.touch(credential.suspensionList!);
    return suspendedAt ? { kind: 'inserted', suspendedAt } : { kind: 'inserted' };
  }

  async get(id: string): Promise<StoredCredential | undefined> {
    return this.credentials.get(id);
  }

  async list(filter: CredentialFilter): Promise<CredentialPage> {
    const items = [...this.credentials.values()].filter(
      (c) =>
        (filter.entityType === undefined || c.entityType === filter.entityType) &&
        (filter.entityId === undefined || c.entityId === filter.entityId) &&
        (filter.holder === undefined || c.holder === filter.holder),
    );
    return { items: items.slice(0, filter.limit), nextCursor: null };
  }

  async revoke(id: string, _reason: 'manager' | 'entity-deleted', at: string): Promise<StoredCredential | undefined> {
    const c = this.credentials.get(id);
    if (!c || c.revokedAt) return c;
    const after = { ...c, revokedAt: at };
    this.credentials.set(id, after);
    this.touch(c.statusList);
    return after;
  }

  async revokedIndexes(list: number): Promise<readonly number[]> {
    return [...this.credentials.values()].filter((c) => c.statusList === list && c.revokedAt).map((c) => c.statusIndex);
  }

  async suspendedIndexes(list: number): Promise<readonly number[]> {
    return [...this.credentials.values()]
      .filter((c) => c.suspensionList === list && c.suspendedAt)
      .map((c) => c.suspensionIndex!);
  }

  async publishedStatusList(list: number): Promise<PublishedStatusList> {
    const l = this.lists.get(list);
    if (!l) return { revision: 0 };
    return l.jwt && l.signedRevision === l.revision ? { revision: l.revision, jwt: l.jwt } : { revision: l.revision };
  }

  async savePublishedStatusList(list: number, revision: number, jwt: string): Promise<void> {
    const l = this.lists.get(list) ?? { revision };
    if (l.revision === revision) this.lists.set(list, { revision, signedRevision: revision, jwt });
  }

  async applyEntityActivation(
    message: ChangeMessage,
    change: EntityActivationChange,
    decide: (last: AppliedActivation | undefined) => 'apply' | 'stale',
  ): Promise<ActivationOutcome> {
    if (this.handled.has(message.id)) return { outcome: 'duplicate' };
    this.handled.add(message.id);
    const k = key(change.entityType, change.entityId);
    const last = this.activations.get(k);
    if (decide(last) === 'stale') return { outcome: 'stale', appliedVersion: last?.version ?? 0 };
    this.activations.set(k, { version: change.version, deactivated: change.deactivated });
    let flipped = 0;
    for (const c of this.credentials.values()) {
      if (key(c.entityType, c.entityId) !== k || c.suspensionList === undefined) continue;
      if (change.deactivated && !c.revokedAt && !c.suspendedAt) {
        this.credentials.set(c.id, { ...c, suspendedAt: change.occurredAt });
      } else if (!change.deactivated && c.suspendedAt) {
        const { suspendedAt: _s, ...rest } = c;
        this.credentials.set(c.id, rest);
      } else continue;
      this.touch(c.suspensionList);
      flipped++;
    }
    return { outcome: 'applied', credentials: flipped };
  }
}

/**
 * A fake issuer for unit tests: "signs" with the fixed signature `fake-signature` (base64url JSON
 * header and payload, as a compact JWS), which is the only signature it accepts.
 */
export class FakeIssuer implements IssuerPort {
  readonly did = 'did:web:issuer.test';

  verifyUrl(): string {
    return 'http://issuer.test/registry/v1/credentials/verify';
  }

  statusListUrl(list: number): string {
    return `http://issuer.test/registry/v1/credentials/status/${list}`;
  }

  async sign(payload: Readonly<Record<string, unknown>>): Promise<string> {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${part({ alg: 'ES256', typ: 'vc+jwt', kid: `${this.did}#k1` })}.${part(payload)}.fake-signature`;
  }

  didDocument(): never {
    throw new Error('not used by these tests');
  }

  async verifySignature(jws: string): Promise<SignatureCheck> {
    return jws.endsWith('.fake-signature')
      ? { ok: true, kid: `${this.did}#k1`, detail: 'signed by k1' }
      : { ok: false, detail: 'bad signature' };
  }
}
