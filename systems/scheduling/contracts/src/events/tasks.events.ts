import { z } from 'zod';

/**
 * Integration events published by scheduling/tasks (its published language). Topic names
 * follow `<system>.<service>.<event-name>.v<major>`; key = item id; CloudEvents `type` =
 * `archipelago.scheduling.tasks.<Name>`. A breaking change gets a new major (new topic);
 * additive optional fields keep the major. Recorded in ../../schemas/<Name>.json.
 */
export const tasksItemCreatedV1Schema = z.object({
  itemId: z.uuid(),
  name: z.string(),
  occurredAt: z.iso.datetime(),
});
export type TasksItemCreatedV1 = z.infer<typeof tasksItemCreatedV1Schema>;

/** Every integration event of tasks: topic, CloudEvents type and payload schema. */
export const TASKS_EVENTS = {
  TasksItemCreatedV1: {
    topic: 'scheduling.tasks.item-created.v1',
    type: 'archipelago.scheduling.tasks.TasksItemCreatedV1',
    schema: tasksItemCreatedV1Schema,
  },
} as const;
