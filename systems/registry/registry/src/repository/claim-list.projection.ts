import type { Projection, ProjectionRunner, RecordedEvent, SqlClient } from '@archipelago/platform-event-store';
import type pg from 'pg';
import type { ClaimEvent } from '../entity/claim/claim.events.js';
import { claimViewOf, type ClaimView } from '../entity/claim/claim.state.js';
import type { ClaimInboxQuery, ClaimPage, ClaimReadModelPort } from '../use-case/port/claim.read-model.port.js';
import { foldClaim } from './claim.event-store.repository.js';

/**
 * The `claim_list` projection: one row per claim (status, attestor roles, requester, the claim's
 * view as jsonb), written in the same transaction as the projection checkpoint. Backs the
 * attestors' inbox `GET /registry/v1/claims`.
 */
export class ClaimListProjection implements Projection {
  readonly name = 'claim_list';

  constructor(
    private readonly schema: string,
    private readonly readStream: (client: SqlClient, streamId: string) => Promise<RecordedEvent[]>,
  ) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const type = recorded.type as ClaimEvent['type'];
    if (type !== 'ClaimRaised' && type !== 'ClaimAttested' && type !== 'ClaimRejected' && type !== 'ClaimSuperseded') {
      return;
    }
    // The stream up to this event: the row is the claim's view at that point.
    const events = (await this.readStream(client, recorded.streamId)).filter(
      (e) => e.streamVersion <= recorded.streamVersion,
    );
    const state = foldClaim(events);
    if (state.status === 'absent') return;
    await client.query(
      `INSERT INTO "${this.schema}".claim_list
         (id, status, attestor_roles, requester, raised_at, view, attestor_entity_type, attestor_entities)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET status = $2, view = $6`,
      [
        state.id,
        state.status,
        [...state.attestorRoles],
        state.requester,
        state.raisedAt,
        JSON.stringify(claimViewOf(state)),
        state.attestorEntityType ?? null,
        [...(state.attestorEntities ?? [])],
      ],
    );
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".claim_list`); // readers keep the old rows until the rebuild commits
  }
}

/** The attestor inbox over `claim_list`, oldest first. */
export class ClaimListReadModel implements ClaimReadModelPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    readonly runner: ProjectionRunner,
  ) {}

  async inbox(query: ClaimInboxQuery): Promise<ClaimPage> {
    const { rows } = await this.pool.query<{ view: ClaimView; total: string }>(
      `SELECT view, count(*) OVER () AS total
         FROM "${this.schema}".claim_list
        WHERE (attestor_roles && $1::text[]
               OR (attestor_entity_type = ANY($6::text[])
                   AND (cardinality(attestor_entities) = 0 OR attestor_entities && $7::text[])))
          AND requester <> $2 AND ($3::text IS NULL OR status = $3)
        ORDER BY raised_at, id
        LIMIT $4 OFFSET $5`,
      [
        [...query.roles],
        query.attestor,
        query.status ?? null,
        query.limit,
        query.offset,
        [...(query.attestorEntityTypes ?? [])],
        [...(query.attestorEntities ?? [])],
      ],
    );
    return { totalCount: rows.length > 0 ? Number(rows[0]!.total) : 0, items: rows.map((r) => r.view) };
  }

  async attestorEntityTypes(): Promise<string[]> {
    const { rows } = await this.pool.query<{ type: string }>(
      `SELECT DISTINCT attestor_entity_type AS type FROM "${this.schema}".claim_list
        WHERE attestor_entity_type IS NOT NULL`,
    );
    return rows.map((r) => r.type);
  }
}
