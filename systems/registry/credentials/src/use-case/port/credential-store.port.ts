import type { CredentialTemplate } from '../../entity/credential/credential.js';
import type { CommandContext } from './command-context.js';

/** Injection token of {@link CredentialStorePort}. */
export const CREDENTIAL_STORE = Symbol('CREDENTIAL_STORE');

/** What this service knows of a registry entity (from the registry's entity and claim events). */
export interface EntitySnapshot {
  readonly entityType: string;
  readonly entityId: string;
  /** The public body (no private or internal fields). */
  readonly body: Readonly<Record<string, unknown>>;
  /** Values frozen by the last attestation, when any. */
  readonly attestedData?: Readonly<Record<string, unknown>>;
}

/** An issued credential as stored: the compact JWT is the credential. */
export interface StoredCredential {
  readonly id: string;
  readonly entityType: string;
  readonly entityId: string;
  /** User id the credential is about (who may read it besides managers), when known. */
  readonly holder?: string;
  readonly types: readonly string[];
  readonly statusList: number;
  readonly statusIndex: number;
  readonly jwt: string;
  readonly cause: 'on-demand' | 'attestation';
  readonly claimId?: string;
  /** ISO 8601. */
  readonly issuedAt: string;
  /** ISO 8601, when revoked. */
  readonly revokedAt?: string;
}

/** A page of credentials, oldest first; `nextCursor` is null on the last page. */
export interface CredentialPage {
  readonly items: readonly StoredCredential[];
  readonly nextCursor: string | null;
}

/** Filters of a credential list; `holder` restricts to one user's credentials. */
export interface CredentialFilter {
  readonly entityType?: string;
  readonly entityId?: string;
  readonly holder?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** The signed revocation status list as last published. */
export interface PublishedStatusList {
  /** Changes each time a bit of the list flips. */
  readonly revision: number;
  /** The signed status list credential of `revision`, if signed yet. */
  readonly jwt?: string;
}

/**
 * Credentials, the status list's allocation and bits, and the entity snapshots, in Postgres.
 * Every change writes its integration event (outbox) in the same transaction.
 */
export interface CredentialStorePort {
  entity(entityType: string, entityId: string): Promise<EntitySnapshot | undefined>;
  /** Indexes of `list` already allocated. */
  takenIndexes(list: number): Promise<ReadonlySet<number>>;
  /**
   * Stores a new credential and publishes CredentialIssuedV1. Returns false when its
   * (statusList, statusIndex) was taken meanwhile (pick another), or when `claimId` already has a
   * credential (issued once per claim).
   */
  insert(credential: StoredCredential, context: CommandContext): Promise<'inserted' | 'index-taken' | 'claim-issued'>;
  get(id: string): Promise<StoredCredential | undefined>;
  list(filter: CredentialFilter): Promise<CredentialPage>;
  /** Sets `revokedAt` (once) and the status bit; publishes CredentialRevokedV1. Returns the credential after. */
  revoke(
    id: string,
    reason: 'manager' | 'entity-deleted',
    at: string,
    context: CommandContext,
  ): Promise<StoredCredential | undefined>;
  /** Revoked indexes of `list` (its set bits). */
  revokedIndexes(list: number): Promise<readonly number[]>;
  publishedStatusList(list: number): Promise<PublishedStatusList>;
  /** Keeps the signed list of `revision` unless a newer revision was signed meanwhile. */
  savePublishedStatusList(list: number, revision: number, jwt: string): Promise<void>;
}

/** What the registry said about an entity, as the store keeps it. */
export type EntityChange =
  | {
      readonly kind: 'upsert';
      readonly entityType: string;
      readonly entityId: string;
      readonly body: Record<string, unknown>;
    }
  | { readonly kind: 'deleted'; readonly entityType: string; readonly entityId: string }
  | {
      readonly kind: 'attested';
      readonly entityType: string;
      readonly entityId: string;
      readonly attestedData: Record<string, unknown>;
    };

/** Re-export for the use cases. */
export type { CredentialTemplate };

/** The message an entity change came in (inbox key: consumer group + id). */
export interface ChangeMessage {
  readonly id: string;
  readonly topic: string;
}

/** Snapshots of registry entities, each message applied once (inbox). */
export interface EntitySnapshotsPort {
  /** Applies `change` unless `message` was handled before; returns whether it ran. */
  applyEntityChange(message: ChangeMessage, change: EntityChange): Promise<boolean>;
}
