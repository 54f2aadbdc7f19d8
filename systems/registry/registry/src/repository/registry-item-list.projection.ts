import {
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import type { DataSource, Repository } from 'typeorm';
import type { RegistryItemEvent } from '../entity/registry-item/registry-item.events.js';
import {
  InvalidCursorError,
  type RegistryItemPage,
  type RegistryItemReadModelPort,
} from '../use-case/port/registry-item.read-model.port.js';
import { RegistryItemRecord } from './registry-item.record.js';

/**
 * The `registry_item_list` projection: one row per item, written in the same transaction as the
 * projection checkpoint (the runner's). `seq` is the global position of the created event, so a
 * rebuild reproduces the same order and cursors stay valid.
 */
export class RegistryItemListProjection implements Projection {
  readonly name = 'registry_item_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as RegistryItemEvent;
    switch (event.type) {
      case 'RegistryItemCreated':
        await client.query(
          `INSERT INTO "${this.schema}".registry_item_list (id, seq, name, version, created_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
          [event.data.itemId, recorded.globalPosition, event.data.name, recorded.streamVersion, event.data.at],
        );
        return;
      default:
        return;
    }
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".registry_item_list`); // readers keep the old rows until the rebuild commits
  }
}

/** Reads of the item list (TypeORM) plus the runner that keeps it current. */
export class RegistryItemListReadModel implements RegistryItemReadModelPort {
  private readonly records: Repository<RegistryItemRecord>;

  constructor(
    dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {
    this.records = dataSource.getRepository(RegistryItemRecord);
  }

  async list(limit: number, cursor?: string): Promise<RegistryItemPage> {
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
