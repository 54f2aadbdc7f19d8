import { CREDENTIALS_EVENTS, type CredentialIssuedV1, type CredentialRevokedV1 } from '@archipelago/registry-contracts';
import { ident, inTransaction } from '@archipelago/platform-event-store';
import { Inbox, type IncomingMessage, type Messaging } from '@archipelago/platform-messaging';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import type pg from 'pg';
import type { DataSource, Repository } from 'typeorm';
import type { CommandContext } from '../use-case/port/command-context.js';
import type {
  CredentialFilter,
  CredentialPage,
  ChangeMessage,
  CredentialStorePort,
  EntityChange,
  EntitySnapshotsPort,
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
  jwt: string;
  cause: 'on-demand' | 'attestation';
  claim_id: string | null;
  issued_at: Date;
  revoked_at: Date | null;
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
    jwt: r.jwt,
    cause: r.cause,
    ...(r.claim_id !== null && { claimId: r.claim_id }),
    issuedAt: r.issued_at.toISOString(),
    ...(r.revoked_at !== null && { revokedAt: r.revoked_at.toISOString() }),
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
    jwt: r.jwt,
    cause: r.cause,
    claim_id: r.claimId,
    issued_at: r.issuedAt,
    revoked_at: r.revokedAt,
  });
}

/**
 * Credentials in Postgres: each change and its integration event (outbox) in ONE transaction; the
 * status list's revision moves with every revocation so the signed list is re-signed on change.
 */
export class CredentialPgStore implements CredentialStorePort, EntitySnapshotsPort {
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
    return this.inbox.handleOnce(message as IncomingMessage, async (client) => {
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
      `SELECT status_index FROM ${this.s}.credential WHERE status_list = $1`,
      [list],
    );
    return new Set(rows.map((r) => r.status_index));
  }

  async insert(c: StoredCredential, context: CommandContext): Promise<'inserted' | 'index-taken' | 'claim-issued'> {
    try {
      await inTransaction(this.pool, async (client) => {
        await client.query(
          `INSERT INTO ${this.s}.credential
             (id, entity_type, entity_id, holder, types, status_list, status_index, jwt, cause, claim_id, issued_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
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
          ],
        );
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
      });
      return 'inserted';
    } catch (error) {
      const constraint =
        (error as { code?: string; constraint?: string }).code === '23505'
          ? ((error as { constraint?: string }).constraint ?? '')
          : undefined;
      if (constraint === undefined) throw error;
      return constraint.includes('claim') ? 'claim-issued' : 'index-taken';
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
      await client.query(
        `INSERT INTO ${this.s}.status_list (id, revision) VALUES ($1, 1)
         ON CONFLICT (id) DO UPDATE SET revision = ${this.s}.status_list.revision + 1`,
        [row.status_list],
      );
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
