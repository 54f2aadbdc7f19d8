import { CREDENTIALS_EVENTS, type CredentialIssuedV1, type CredentialRevokedV1 } from '@archipelago/registry-contracts';
import { ident, inTransaction } from '@archipelago/platform-event-store';
import { Inbox, type Messaging } from '@archipelago/platform-messaging';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import type pg from 'pg';
import type { DataSource, Repository } from 'typeorm';
import type { CommandContext } from '../use-case/port/command-context.js';
import type { AppliedActivation, EntityActivationChange } from '../entity/credential/entity-activation.js';
import type {
  ActivationOutcome,
  CredentialFilter,
  CredentialPage,
  ChangeMessage,
  CredentialStorePort,
  EntityActivationsPort,
  EntityChange,
  EntitySnapshotsPort,
  InsertOutcome,
  EntitySnapshot,
  PublishedStatusList,
  StoredCredential,
} from '../use-case/port/credential-store.port.js';
import { CredentialRecord } from './credential.record.js';

/** Consumer group of the credentials service (inbox key of the registry events it handles). */
export const CREDENTIALS_CONSUMER_GROUP = 'registry.credentials';

/** Thrown for a cursor this service did not hand out. */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

interface Row {
  id: string;
  entity_type: string;
  entity_id: string;
  holder: string | null;
  types: string[];
  status_list: number;
  status_index: number;
  suspension_list: number | null;
  suspension_index: number | null;
  jwt: string;
  cause: 'on-demand' | 'attestation';
  claim_id: string | null;
  issued_at: Date;
  revoked_at: Date | null;
  suspended_at: Date | null;
}

function fromRow(r: Row): StoredCredential {
  return {
    id: r.id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    ...(r.holder !== null && { holder: r.holder }),
    types: r.types,
    statusList: r.status_list,
    statusIndex: r.status_index,
    ...(r.suspension_list !== null && { suspensionList: r.suspension_list }),
    ...(r.suspension_index !== null && { suspensionIndex: r.suspension_index }),
    jwt: r.jwt,
    cause: r.cause,
    ...(r.claim_id !== null && { claimId: r.claim_id }),
    issuedAt: r.issued_at.toISOString(),
    ...(r.revoked_at !== null && { revokedAt: r.revoked_at.toISOString() }),
    ...(r.suspended_at !== null && { suspendedAt: r.suspended_at.toISOString() }),
  };
}

function fromRecord(r: CredentialRecord): StoredCredential {
  return fromRow({
    id: r.id,
    entity_type: r.entityType,
    entity_id: r.entityId,
    holder: r.holder,
    types: r.types,
    status_list: r.statusList,
    status_index: r.statusIndex,
    suspension_list: r.suspensionList,
    suspension_index: r.suspensionIndex,
    jwt: r.jwt,
    cause: r.cause,
    claim_id: r.claimId,
    issued_at: r.issuedAt,
    revoked_at: r.revokedAt,
    suspended_at: r.suspendedAt,
  });
}

/**
 * Credentials in Postgres: each change and its integration event (outbox) in ONE transaction; a
 * status list's revision moves with every bit that flips (revocation, suspension) so the signed
 * list is re-signed on change. Issuance and an entity's (de)activation are serialised per entity
 * by a transaction-scoped advisory lock, so a credential issued while its entity is being
 * deactivated cannot escape the suspension.
 */
export class CredentialPgStore implements CredentialStorePort, EntitySnapshotsPort, EntityActivationsPort {
  private readonly s: string;
  private readonly records: Repository<CredentialRecord>;
  private readonly inbox: Inbox;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    private readonly messaging: Messaging,
    dataSource: DataSource,
  ) {
    this.s = ident(schema);
    this.records = dataSource.getRepository(CredentialRecord);
    this.inbox = new Inbox(pool, schema, CREDENTIALS_CONSUMER_GROUP);
  }

  async entity(entityType: string, entityId: string): Promise<EntitySnapshot | undefined> {
    const { rows } = await this.pool.query<{
      body: Record<string, unknown>;
      attested_data: Record<string, unknown> | null;
    }>(`SELECT body, attested_data FROM ${this.s}.entity_snapshot WHERE entity_type = $1 AND entity_id = $2`, [
      entityType,
      entityId,
    ]);
    const row = rows[0];
    if (!row) return undefined;
    return { entityType, entityId, body: row.body, ...(row.attested_data && { attestedData: row.attested_data }) };
  }

  /**
   * Applies one registry event to the entity snapshots, once per message (inbox). Returns false
   * for a message already handled.
   */
  applyEntityChange(message: ChangeMessage, change: EntityChange): Promise<boolean> {
    return this.inbox.handleOnce(message, async (client) => {
      switch (change.kind) {
        case 'upsert':
          await client.query(
            `INSERT INTO ${this.s}.entity_snapshot (entity_type, entity_id, body) VALUES ($1, $2, $3)
             ON CONFLICT (entity_type, entity_id) DO UPDATE SET body = EXCLUDED.body`,
            [change.entityType, change.entityId, JSON.stringify(change.body)],
          );
          return;
        case 'attested':
          await client.query(
            `INSERT INTO ${this.s}.entity_snapshot (entity_type, entity_id, body, attested_data) VALUES ($1, $2, '{}', $3)
             ON CONFLICT (entity_type, entity_id) DO UPDATE SET attested_data = EXCLUDED.attested_data`,
            [change.entityType, change.entityId, JSON.stringify(change.attestedData)],
          );
          return;
        case 'deleted':
          await client.query(`DELETE FROM ${this.s}.entity_snapshot WHERE entity_type = $1 AND entity_id = $2`, [
            change.entityType,
            change.entityId,
          ]);
          return;
      }
    });
  }

  async takenIndexes(list: number): Promise<ReadonlySet<number>> {
    const { rows } = await this.pool.query<{ status_index: number }>(
      `SELECT status_index FROM ${this.s}.credential WHERE status_list = $1
       UNION ALL SELECT suspension_index FROM ${this.s}.credential WHERE suspension_list = $1`,
      [list],
    );
    return new Set(rows.map((r) => r.status_index));
  }

  /** Serialises, until the transaction ends, issuance and (de)activation of one entity. */
  private async lockEntity(client: pg.PoolClient, entityType: string, entityId: string): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `registry.credentials entity ${entityType} ${entityId}`,
    ]);
  }

  /** Moves the revision of each of `lists` (their signed copies are stale). */
  private async touchStatusLists(client: pg.PoolClient, lists: readonly number[]): Promise<void> {
    for (const list of new Set(lists)) {
      await client.query(
        `INSERT INTO ${this.s}.status_list (id, revision) VALUES ($1, 1)
         ON CONFLICT (id) DO UPDATE SET revision = ${this.s}.status_list.revision + 1`,
        [list],
      );
    }
  }

  async insert(c: StoredCredential, context: CommandContext): Promise<InsertOutcome> {
    try {
      return await inTransaction(this.pool, async (client): Promise<InsertOutcome> => {
        await this.lockEntity(client, c.entityType, c.entityId);
        const { rows: activation } = await client.query<{ deactivated: boolean }>(
          `SELECT deactivated FROM ${this.s}.entity_activation WHERE entity_type = $1 AND entity_id = $2`,
          [c.entityType, c.entityId],
        );
        const suspendedAt = c.suspensionList !== undefined && activation[0]?.deactivated ? c.issuedAt : undefined;
        await client.query(
          `INSERT INTO ${this.s}.credential
             (id, entity_type, entity_id, holder, types, status_list, status_index, jwt, cause, claim_id, issued_at,
              suspension_list, suspension_index, suspended_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [
            c.id,
            c.entityType,
            c.entityId,
            c.holder ?? null,
            c.types,
            c.statusList,
            c.statusIndex,
            c.jwt,
            c.cause,
            c.claimId ?? null,
            c.issuedAt,
            c.suspensionList ?? null,
            c.suspensionIndex ?? null,
            suspendedAt ?? null,
          ],
        );
        if (suspendedAt && c.suspensionList !== undefined) await this.touchStatusLists(client, [c.suspensionList]);
        const payload: CredentialIssuedV1 = {
          credentialId: c.id,
          entityType: c.entityType,
          entityId: c.entityId,
          ...(c.holder && { holder: c.holder }),
          types: [...c.types],
          cause: c.cause,
          ...(c.claimId && { claimId: c.claimId }),
          occurredAt: c.issuedAt,
        };
        const event = CREDENTIALS_EVENTS.CredentialIssuedV1;
        await this.messaging.outbox.add(client, [
          {
            topic: event.topic,
            type: event.type,
            key: c.id,
            payload,
            ...(context.traceparent && { traceparent: context.traceparent }),
          },
        ]);
        return suspendedAt ? { kind: 'inserted', suspendedAt } : { kind: 'inserted' };
      });
    } catch (error) {
      const constraint =
        (error as { code?: string; constraint?: string }).code === '23505'
          ? ((error as { constraint?: string }).constraint ?? '')
          : undefined;
      if (constraint === undefined) throw error;
      return constraint.includes('claim') ? { kind: 'claim-issued' } : { kind: 'index-taken' };
    }
  }

  async get(id: string): Promise<StoredCredential | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM ${this.s}.credential WHERE id = $1`, [id]);
    return rows[0] && fromRow(rows[0]);
  }

  async list(filter: CredentialFilter): Promise<CredentialPage> {
    const query = this.records.createQueryBuilder('c');
    if (filter.entityType !== undefined)
      query.andWhere('c.entity_type = :entityType', { entityType: filter.entityType });
    if (filter.entityId !== undefined) query.andWhere('c.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.holder !== undefined) query.andWhere('c.holder = :holder', { holder: filter.holder });
    const { rows, nextCursor } = await keysetPageBySeq(query, {
      alias: 'c',
      order: 'ASC',
      limit: filter.limit,
      ...(filter.cursor && { cursor: filter.cursor }),
      invalidCursor: () => new InvalidCursorError(),
    });
    return { items: rows.map(fromRecord), nextCursor };
  }

  async revoke(
    id: string,
    reason: 'manager' | 'entity-deleted',
    at: string,
    context: CommandContext,
  ): Promise<StoredCredential | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<Row>(
        `UPDATE ${this.s}.credential SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING *`,
        [id, at],
      );
      const row = rows[0];
      if (!row) {
        const again = await client.query<Row>(`SELECT * FROM ${this.s}.credential WHERE id = $1`, [id]);
        return again.rows[0] && fromRow(again.rows[0]);
      }
      await this.touchStatusLists(client, [row.status_list]);
      const payload: CredentialRevokedV1 = {
        credentialId: row.id,
        entityType: row.entity_type,
        entityId: row.entity_id,
        reason,
        ...(row.holder !== null && { holder: row.holder }),
        occurredAt: at,
      };
      const event = CREDENTIALS_EVENTS.CredentialRevokedV1;
      await this.messaging.outbox.add(client, [
        {
          topic: event.topic,
          type: event.type,
          key: row.id,
          payload,
          ...(context.traceparent && { traceparent: context.traceparent }),
        },
      ]);
      return fromRow(row);
    });
  }

  async revokedIndexes(list: number): Promise<readonly number[]> {
    const { rows } = await this.pool.query<{ status_index: number }>(
      `SELECT status_index FROM ${this.s}.credential WHERE status_list = $1 AND revoked_at IS NOT NULL`,
      [list],
    );
    return rows.map((r) => r.status_index);
  }

  async suspendedIndexes(list: number): Promise<readonly number[]> {
    const { rows } = await this.pool.query<{ suspension_index: number }>(
      `SELECT suspension_index FROM ${this.s}.credential WHERE suspension_list = $1 AND suspended_at IS NOT NULL`,
      [list],
    );
    return rows.map((r) => r.suspension_index);
  }

  async applyEntityActivation(
    message: ChangeMessage,
    change: EntityActivationChange,
    decide: (last: AppliedActivation | undefined) => 'apply' | 'stale',
  ): Promise<ActivationOutcome> {
    let outcome: ActivationOutcome = { outcome: 'duplicate' };
    await this.inbox.handleOnce(message, async (client) => {
      await this.lockEntity(client, change.entityType, change.entityId);
      const { rows } = await client.query<AppliedActivation>(
        `SELECT version, deactivated FROM ${this.s}.entity_activation WHERE entity_type = $1 AND entity_id = $2`,
        [change.entityType, change.entityId],
      );
      const last = rows[0];
      if (decide(last) === 'stale') {
        outcome = { outcome: 'stale', appliedVersion: last?.version ?? 0 };
        return;
      }
      await client.query(
        `INSERT INTO ${this.s}.entity_activation (entity_type, entity_id, version, deactivated, changed_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (entity_type, entity_id)
         DO UPDATE SET version = EXCLUDED.version, deactivated = EXCLUDED.deactivated, changed_at = EXCLUDED.changed_at`,
        [change.entityType, change.entityId, change.version, change.deactivated, change.occurredAt],
      );
      const { rows: flipped } = await client.query<{ suspension_list: number }>(
        change.deactivated
          ? `UPDATE ${this.s}.credential SET suspended_at = $3
              WHERE entity_type = $1 AND entity_id = $2 AND suspension_list IS NOT NULL
                AND revoked_at IS NULL AND suspended_at IS NULL
              RETURNING suspension_list`
          : `UPDATE ${this.s}.credential SET suspended_at = NULL
              WHERE entity_type = $1 AND entity_id = $2 AND suspended_at IS NOT NULL
              RETURNING suspension_list`,
        change.deactivated
          ? [change.entityType, change.entityId, change.occurredAt]
          : [change.entityType, change.entityId],
      );
      await this.touchStatusLists(
        client,
        flipped.map((r) => r.suspension_list),
      );
      outcome = { outcome: 'applied', credentials: flipped.length };
    });
    return outcome;
  }

  async publishedStatusList(list: number): Promise<PublishedStatusList> {
    const { rows } = await this.pool.query<{ revision: string; signed_revision: string | null; jwt: string | null }>(
      `SELECT revision, signed_revision, jwt FROM ${this.s}.status_list WHERE id = $1`,
      [list],
    );
    const row = rows[0];
    if (!row) return { revision: 0 };
    const revision = Number(row.revision);
    return row.jwt && Number(row.signed_revision) === revision ? { revision, jwt: row.jwt } : { revision };
  }

  async savePublishedStatusList(list: number, revision: number, jwt: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.s}.status_list (id, revision, signed_revision, jwt) VALUES ($1, $2, $2, $3)
       ON CONFLICT (id) DO UPDATE SET signed_revision = $2, jwt = $3
       WHERE ${this.s}.status_list.revision = $2`,
      [list, revision, jwt],
    );
  }
}
