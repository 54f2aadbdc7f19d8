import type { CredentialTemplate } from '../../entity/credential/credential.js';
import type { AppliedActivation, EntityActivationChange } from '../../entity/credential/entity-activation.js';
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
  /** Revocation status list and index. */
  readonly statusList: number;
  readonly statusIndex: number;
  /** Suspension status list and index; absent on credentials issued before suspension existed. */
  readonly suspensionList?: number;
  readonly suspensionIndex?: number;
  readonly jwt: string;
  readonly cause: 'on-demand' | 'attestation';
  readonly claimId?: string;
  /** ISO 8601. */
  readonly issuedAt: string;
  /** ISO 8601, when revoked. */
  readonly revokedAt?: string;
  /** ISO 8601, since when suspended (its entity is deactivated); absent when not suspended. */
  readonly suspendedAt?: string;
}

/** How {@link CredentialStorePort.insert} went. */
export type InsertOutcome =
  /** Stored; `suspendedAt` set when the entity was deactivated at that moment (born suspended). */
  | { readonly kind: 'inserted'; readonly suspendedAt?: string }
  /** One of its (list, index) pairs was allocated meanwhile: pick others. */
  | { readonly kind: 'index-taken' }
  /** Its `claimId` already has a credential (issued once per claim). */
  | { readonly kind: 'claim-issued' };

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

/** A signed status list as last published. */
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
  /** Indexes of `list` already allocated (by any credential, whatever the list's purpose). */
  takenIndexes(list: number): Promise<ReadonlySet<number>>;
  /**
   * Stores a new credential and publishes CredentialIssuedV1. A credential with a suspension entry
   * of an entity deactivated at that moment is stored suspended (serialised with
   * {@link EntityActivationsPort.applyEntityActivation} for the same entity).
   */
  insert(credential: StoredCredential, context: CommandContext): Promise<InsertOutcome>;
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
  /** Suspended indexes of suspension list `list` (its set bits). */
  suspendedIndexes(list: number): Promise<readonly number[]>;
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

/** Injection token of {@link EntityActivationsPort}. */
export const ENTITY_ACTIVATIONS = Symbol('ENTITY_ACTIVATIONS');

/** How {@link EntityActivationsPort.applyEntityActivation} went. */
export type ActivationOutcome =
  /** The message was handled before (inbox): nothing done. */
  | { readonly outcome: 'duplicate' }
  /** An equal or newer entity version was applied already: nothing done. */
  | { readonly outcome: 'stale'; readonly appliedVersion: number }
  /** Recorded; `credentials` had their suspension bit set (deactivated) or cleared (reactivated). */
  | { readonly outcome: 'applied'; readonly credentials: number };

/** The entities' activation states and the suspension of their credentials, each message applied once. */
export interface EntityActivationsPort {
  /**
   * In one transaction, once per `message` (inbox), the entity's activation locked: asks `decide`
   * with the last applied activation; on `apply` records `change` and sets (deactivated) the
   * suspension bit of every unrevoked credential of the entity that has a suspension entry, or
   * clears it (reactivated) on every suspended one; the suspension list's revision moves when a bit did.
   */
  applyEntityActivation(
    message: ChangeMessage,
    change: EntityActivationChange,
    decide: (last: AppliedActivation | undefined) => 'apply' | 'stale',
  ): Promise<ActivationOutcome>;
}
