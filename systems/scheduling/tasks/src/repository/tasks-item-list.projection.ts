import {
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import type { DataSource, Repository } from 'typeorm';
import type { TasksItemEvent } from '../entity/tasks-item/tasks-item.events.js';
import {
  InvalidCursorError,
  type TasksItemPage,
  type TasksItemReadModelPort,
} from '../use-case/port/tasks-item.read-model.port.js';
import { TasksItemRecord } from './tasks-item.record.js';

/**
 * The `tasks_item_list` projection: one row per item, written in the same transaction as the
 * projection checkpoint (the runner's). `seq` is the global position of the created event, so a
 * rebuild reproduces the same order and cursors stay valid.
 */
export class TasksItemListProjection implements Projection {
  readonly name = 'tasks_item_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as TasksItemEvent;
    switch (event.type) {
      case 'TasksItemCreated':
        await client.query(
          `INSERT INTO "${this.schema}".tasks_item_list (id, seq, name, version, created_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
          [event.data.itemId, recorded.globalPosition, event.data.name, recorded.streamVersion, event.data.at],
        );
        return;
      default:
        return;
    }
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`TRUNCATE "${this.schema}".tasks_item_list`);
  }
}

/** Reads of the item list (TypeORM) plus the runner that keeps it current. */
export class TasksItemListReadModel implements TasksItemReadModelPort {
  private readonly records: Repository<TasksItemRecord>;

  constructor(
    dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {
    this.records = dataSource.getRepository(TasksItemRecord);
  }

  async list(limit: number, cursor?: string): Promise<TasksItemPage> {
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
