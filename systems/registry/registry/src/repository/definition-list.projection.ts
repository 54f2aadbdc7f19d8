import type { Projection, ProjectionRunner, RecordedEvent, SqlClient } from '@archipelago/platform-event-store';
import type pg from 'pg';
import type { DefinitionEvent } from '../entity/definition/definition.events.js';
import type { DefinitionStatus } from '../entity/definition/definition.state.js';
import type {
  DefinitionListFilter,
  DefinitionPage,
  DefinitionReadModelPort,
} from '../use-case/port/definition.read-model.port.js';

/**
 * The `definition_list` projection: one row per definition (title, status of the latest version,
 * latest and active version), written in the same transaction as the projection checkpoint.
 */
export class DefinitionListProjection implements Projection {
  readonly name = 'definition_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as DefinitionEvent;
    const table = `"${this.schema}".definition_list`;
    const set = (assignments: string, values: unknown[]) =>
      client.query(`UPDATE ${table} SET ${assignments}, updated_at = $2 WHERE id = $1`, [
        event.data.id,
        event.data.at,
        ...values,
      ]);
    switch (event.type) {
      case 'DefCreated':
        await client.query(
          `INSERT INTO ${table} (id, title, status, version, active_version, updated_at)
           VALUES ($1, $2, 'draft', $3, NULL, $4) ON CONFLICT (id) DO NOTHING`,
          [event.data.id, event.data.title, event.data.version, event.data.at],
        );
        return;
      case 'DefUpdated':
        await set(`status = 'draft', version = $3`, [event.data.version]);
        return;
      case 'DefValidated':
        await set(`status = $3`, ['valid' satisfies DefinitionStatus]);
        return;
      case 'DefValidatedFailed':
        await set(`status = $3`, ['invalid' satisfies DefinitionStatus]);
        return;
      case 'DefActivated':
        await set(`status = 'active', active_version = $3`, [event.data.version]);
        return;
      case 'DefDeactivated':
        await set(`status = $3`, ['deactivated' satisfies DefinitionStatus]);
        return;
      case 'DefDeleted':
        await set(`status = $3`, ['markedForDeletion' satisfies DefinitionStatus]);
        return;
      default:
        return;
    }
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".definition_list`); // readers keep the old rows until the rebuild commits
  }
}

interface DefinitionRow {
  id: string;
  title: string;
  status: DefinitionStatus;
  version: number;
  active_version: number | null;
  updated_at: Date;
  total: string;
}

/** Reads of the definition list (bound parameters only) plus the runner that keeps it current. */
export class DefinitionListReadModel implements DefinitionReadModelPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly runner: ProjectionRunner,
  ) {}

  async list(filter: DefinitionListFilter): Promise<DefinitionPage> {
    const { rows } = await this.pool.query<DefinitionRow>(
      `SELECT id, title, status, version, active_version, updated_at, count(*) OVER () AS total
         FROM "${this.schema}".definition_list
        WHERE ($1::text IS NULL OR strpos(lower(title), lower($1)) > 0)
          AND ($2::text IS NULL OR status = $2)
        ORDER BY title, id
        LIMIT $3 OFFSET $4`,
      [filter.title ?? null, filter.status ?? null, filter.limit, filter.offset],
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        title: r.title,
        status: r.status,
        version: r.version,
        activeVersion: r.active_version,
        updatedAt: r.updated_at.toISOString(),
      })),
      total: rows.length > 0 ? Number(rows[0]!.total) : 0,
    };
  }

  refresh(): void {
    this.runner.poke();
  }
}
