import {
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import type { DataSource, Repository } from 'typeorm';
import type { CredentialsItemEvent } from '../entity/credentials-item/credentials-item.events.js';
import {
  InvalidCursorError,
  type CredentialsItemPage,
  type CredentialsItemReadModelPort,
} from '../use-case/port/credentials-item.read-model.port.js';
import { CredentialsItemRecord } from './credentials-item.record.js';

/**
 * The `credentials_item_list` projection: one row per item, written in the same transaction as the
 * projection checkpoint (the runner's). `seq` is the global position of the created event, so a
 * rebuild reproduces the same order and cursors stay valid.
 */
export class CredentialsItemListProjection implements Projection {
  readonly name = 'credentials_item_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as CredentialsItemEvent;
    switch (event.type) {
      case 'CredentialsItemCreated':
        await client.query(
          `INSERT INTO "${this.schema}".credentials_item_list (id, seq, name, version, created_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
          [event.data.itemId, recorded.globalPosition, event.data.name, recorded.streamVersion, event.data.at],
        );
        return;
      default:
        return;
    }
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`TRUNCATE "${this.schema}".credentials_item_list`);
  }
}

/** Reads of the item list (TypeORM) plus the runner that keeps it current. */
export class CredentialsItemListReadModel implements CredentialsItemReadModelPort {
  private readonly records: Repository<CredentialsItemRecord>;

  constructor(
    dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {
    this.records = dataSource.getRepository(CredentialsItemRecord);
  }

  async list(limit: number, cursor?: string): Promise<CredentialsItemPage> {
    const { rows, nextCursor } = await keysetPageBySeq(this.records.createQueryBuilder('i'), {
      alias: 'i',
      order: 'ASC',
      limit,
      cursor,
      invalidCursor: () => new InvalidCursorError(),
    });
    return {
      items: rows.map((r) => ({ id: r.id, name: r.name, version: r.version, createdAt: r.createdAt.toISOString() })),
      nextCursor,
    };
  }

  refresh(): void {
    this.runner.poke();
  }
}
