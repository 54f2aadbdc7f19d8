import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `task_links`: each task's parent and status, written by the task repository in the transaction
 * that appends the task's events, so the open-subtask check of a completion never reads the
 * (asynchronous) `task_list` projection. Filled from the event streams of the tasks that exist: the
 * last event that set `parentId` and the last one that set the status.
 */
export function tasksSubtaskLinksMigration(schema: string): new () => MigrationInterface {
  return class TasksSubtaskLinks1797100000000 implements MigrationInterface {
    name = 'TasksSubtaskLinks1797100000000';

    async up(runner: QueryRunner): Promise<void> {
      const s = `"${schema}"`;
      await runner.query(`
        CREATE TABLE IF NOT EXISTS ${s}.task_links (
          task_id   UUID PRIMARY KEY,
          parent_id UUID,
          status    TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS task_links_open_children ON ${s}.task_links (parent_id)
          WHERE status IN ('todo', 'in_progress');
        INSERT INTO ${s}.task_links (task_id, parent_id, status)
        SELECT substr(c.stream_id, 6)::uuid,
          (SELECT CASE WHEN e.event_type = 'TaskCreated' THEN e.data->>'parentId' ELSE e.data->'changes'->>'parentId' END
             FROM ${s}.events e
            WHERE e.stream_id = c.stream_id
              AND (e.event_type = 'TaskCreated' OR (e.event_type = 'TaskUpdated' AND e.data->'changes' ? 'parentId'))
            ORDER BY e.stream_version DESC LIMIT 1)::uuid,
          (SELECT CASE e.event_type WHEN 'TaskCreated' THEN 'todo' WHEN 'TaskCompleted' THEN 'done'
                    WHEN 'TaskDeleted' THEN 'deleted' ELSE e.data->'changes'->>'status' END
             FROM ${s}.events e
            WHERE e.stream_id = c.stream_id
              AND (e.event_type IN ('TaskCreated', 'TaskCompleted', 'TaskDeleted')
                   OR (e.event_type = 'TaskUpdated' AND e.data->'changes' ? 'status'))
            ORDER BY e.stream_version DESC LIMIT 1)
          FROM ${s}.events c
         WHERE c.event_type = 'TaskCreated' AND c.stream_id LIKE 'task-%'
        ON CONFLICT (task_id) DO NOTHING;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".task_links`);
    }
  };
}
