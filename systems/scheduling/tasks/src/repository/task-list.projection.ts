import {
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import type { DataSource, Repository } from 'typeorm';
import type { TaskEvent } from '../entity/task/task.events.js';
import type { TaskStatus } from '../entity/task/task.model.js';
import {
  InvalidCursorError,
  type TaskFilter,
  type TaskPage,
  type TaskReadModelPort,
  type TaskView,
} from '../use-case/port/task.read-model.port.js';
import { TaskRecord } from './task.record.js';

/** A task's due as an instant: its local date-time in its own zone (null for a date or no due). */
const DUE_INSTANT = `(CASE WHEN t.fields->'due'->>'dateTime' IS NOT NULL
  THEN (t.fields->'due'->>'dateTime')::timestamp AT TIME ZONE (t.fields->'due'->>'timeZone') END)`;

/** What full-text search reads: title and description, `simple` dictionary (no language stemming); indexed (GIN). */
export const TASK_TEXT = `to_tsvector('simple', coalesce(t.fields->>'title', '') || ' ' || coalesce(t.fields->>'description', ''))`;

/**
 * The `task_list` projection: one row per live task (deleted tasks are removed), written in the same
 * transaction as the projection checkpoint (the runner's). `version` is the stream version of the
 * last event applied, so `?minVersion=` can wait for it.
 */
export class TaskListProjection implements Projection {
  readonly name = 'task_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as TaskEvent;
    const table = `"${this.schema}".task_list`;
    switch (event.type) {
      case 'TaskCreated': {
        const { taskId, previousTaskId: _p, createdBy: _c, at, ...fields } = event.data;
        await client.query(
          `INSERT INTO ${table} (id, seq, workspace_id, status, priority, tags, parent_id, fields, version, created_at, updated_at)
           VALUES ($1, $2, $3, 'todo', $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (id) DO NOTHING`,
          [
            taskId,
            recorded.globalPosition,
            fields.workspaceId,
            fields.priority,
            fields.tags,
            fields.parentId,
            JSON.stringify(fields),
            recorded.streamVersion,
            at,
          ],
        );
        return;
      }
      case 'TaskUpdated': {
        const { status, ...changes } = event.data.changes;
        await client.query(
          `UPDATE ${table} SET fields = fields || $2::jsonb, status = coalesce($3, status),
             completed_at = CASE WHEN $3::text IS NULL THEN completed_at ELSE NULL END,
             priority = ((fields || $2::jsonb)->>'priority')::int,
             tags = ARRAY(SELECT jsonb_array_elements_text((fields || $2::jsonb)->'tags')),
             parent_id = (fields || $2::jsonb)->>'parentId',
             version = $4, updated_at = $5
           WHERE id = $1 AND version < $4`,
          [event.data.taskId, JSON.stringify(changes), status ?? null, recorded.streamVersion, event.data.at],
        );
        return;
      }
      case 'TaskCompleted':
        await client.query(
          `UPDATE ${table} SET status = 'done', completed_at = $2, version = $3, updated_at = $2 WHERE id = $1 AND version < $3`,
          [event.data.taskId, event.data.at, recorded.streamVersion],
        );
        return;
      case 'TaskDeleted':
        await client.query(`DELETE FROM ${table} WHERE id = $1`, [event.data.taskId]);
        return;
      case 'TaskAttachmentAdded':
        await client.query(
          `UPDATE ${table} SET fields = jsonb_set(fields, '{attachments}', coalesce(fields->'attachments', '[]'::jsonb) || $2::jsonb),
             version = $3, updated_at = $4 WHERE id = $1 AND version < $3`,
          [event.data.taskId, JSON.stringify([event.data.attachment]), recorded.streamVersion, event.data.at],
        );
        return;
      case 'TaskAttachmentRemoved':
        await client.query(
          `UPDATE ${table} SET fields = jsonb_set(fields, '{attachments}', coalesce(
               (SELECT jsonb_agg(a ORDER BY i) FROM jsonb_array_elements(fields->'attachments') WITH ORDINALITY AS x(a, i)
                 WHERE a->>'id' <> $2), '[]'::jsonb)),
             version = $3, updated_at = $4 WHERE id = $1 AND version < $3`,
          [event.data.taskId, event.data.attachmentId, recorded.streamVersion, event.data.at],
        );
        return;
    }
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".task_list`); // readers keep the old rows until the rebuild commits
  }
}

const toView = (r: TaskRecord): TaskView => ({
  ...r.fields,
  // Tasks created before custom fields and attachments existed have neither.
  customFields: r.fields.customFields ?? {},
  attachments: r.fields.attachments ?? [],
  id: r.id,
  status: r.status as TaskStatus,
  version: r.version,
  completedAt: r.completedAt ? r.completedAt.toISOString() : null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Reads of the task list (TypeORM) plus the runner that keeps it current. */
export class TaskListReadModel implements TaskReadModelPort {
  private readonly records: Repository<TaskRecord>;

  constructor(
    dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {
    this.records = dataSource.getRepository(TaskRecord);
  }

  async get(taskId: string): Promise<TaskView | null> {
    const record = await this.records.findOneBy({ id: taskId });
    return record ? toView(record) : null;
  }

  async list(filter: TaskFilter, limit: number, cursor?: string): Promise<TaskPage> {
    const query = this.records.createQueryBuilder('t').where('t.workspace_id = :workspaceId', {
      workspaceId: filter.workspaceId,
    });
    if (filter.status !== undefined) query.andWhere('t.status = :status', { status: filter.status });
    if (filter.priority !== undefined) query.andWhere('t.priority = :priority', { priority: filter.priority });
    if (filter.tag !== undefined) query.andWhere(':tag = ANY(t.tags)', { tag: filter.tag });
    if (filter.parentId !== undefined) query.andWhere('t.parent_id = :parentId', { parentId: filter.parentId });
    if (filter.assigneeId !== undefined)
      query.andWhere("t.fields->>'assigneeId' = :assigneeId", { assigneeId: filter.assigneeId });
    const tz = filter.timeZone ?? 'UTC';
    // The due's day in the caller's zone: a date is its own day; a local date-time in the task's zone
    // is an instant, whose day in the caller's zone counts.
    const dueDay = `CASE WHEN ${DUE_INSTANT} IS NOT NULL THEN (${DUE_INSTANT} AT TIME ZONE :tz)::date
                         ELSE (t.fields->'due'->>'date')::date END`;
    const today = '(now() AT TIME ZONE :tz)::date';
    if (filter.dueBefore !== undefined)
      query.andWhere(`${dueDay} < :dueBefore::date`, { tz, dueBefore: filter.dueBefore });
    if (filter.dueAfter !== undefined) query.andWhere(`${dueDay} > :dueAfter::date`, { tz, dueAfter: filter.dueAfter });
    if (filter.dueToday === true) query.andWhere(`${dueDay} = ${today}`, { tz });
    if (filter.dueToday === false) query.andWhere(`${dueDay} IS DISTINCT FROM ${today}`, { tz });
    const overdue = `(t.status IN ('todo', 'in_progress') AND (${DUE_INSTANT} < now()
                      OR (${DUE_INSTANT} IS NULL AND (t.fields->'due'->>'date')::date < ${today})))`;
    if (filter.overdue === true) query.andWhere(overdue, { tz });
    if (filter.overdue === false) query.andWhere(`NOT COALESCE(${overdue}, false)`, { tz });
    // cf.<key>=<value>: jsonb containment (GIN index task_list_custom_fields); the query string's text
    // matches a string value, and a number or boolean value written the same way.
    Object.entries(filter.customFields ?? {}).forEach(([key, text], i) => {
      const candidates: unknown[] = [text];
      const number = Number(text);
      if (text.trim() !== '' && Number.isFinite(number)) candidates.push(number);
      if (text === 'true' || text === 'false') candidates.push(text === 'true');
      const params: Record<string, string> = {};
      const clauses = candidates.map((value, j) => {
        params[`cf${i}_${j}`] = JSON.stringify({ [key]: value });
        return `t.fields->'customFields' @> :cf${i}_${j}::jsonb`;
      });
      query.andWhere(`(${clauses.join(' OR ')})`, params);
    });
    if (filter.q !== undefined) query.andWhere(`${TASK_TEXT} @@ websearch_to_tsquery('simple', :q)`, { q: filter.q });
    const { rows, nextCursor } = await keysetPageBySeq(query, {
      alias: 't',
      order: 'ASC',
      limit,
      cursor,
      invalidCursor: () => new InvalidCursorError(),
    });
    return { items: rows.map(toView), nextCursor };
  }

  async next(workspaceId: string, limit: number): Promise<TaskView[]> {
    const rows = await this.records
      .createQueryBuilder('t')
      .where('t.workspace_id = :workspaceId', { workspaceId })
      .andWhere("t.status IN ('todo', 'in_progress')")
      .orderBy('t.priority', 'ASC')
      .addOrderBy(
        `CASE WHEN t.fields->'due'->>'dateTime' IS NOT NULL
           THEN (t.fields->'due'->>'dateTime')::timestamp AT TIME ZONE (t.fields->'due'->>'timeZone')
           WHEN t.fields->'due'->>'date' IS NOT NULL
           THEN ((t.fields->'due'->>'date')::date + 1)::timestamp AT TIME ZONE (t.fields->>'timeZone') END`,
        'ASC',
        'NULLS LAST',
      )
      .addOrderBy('t.seq', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map(toView);
  }

  refresh(): void {
    this.runner.poke();
  }
}
