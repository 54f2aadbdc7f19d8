import type { Reminder } from '@archipelago/util-calendar';
import { describe, expect, it } from 'vitest';
import { taskDecider } from '../../entity/task/task.decider.js';
import { TaskValidationError } from '../../entity/task/task.errors.js';
import type { TaskCreated, TaskEvent } from '../../entity/task/task.events.js';
import type { WorkspaceState } from '../../entity/workspace/workspace.decider.js';
import type {
  InboxEntry,
  MemberReminderDefaults,
  MemberReminderDefaultsPort,
} from '../port/member-reminder-defaults.port.js';
import type { TaskReadModelPort } from '../port/task.read-model.port.js';
import { ConcurrencyConflictError, type TaskRepositoryPort } from '../port/task.repository.port.js';
import type { WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { CreateTaskCommand } from './create-task.command.js';
import { CreateTaskUseCase } from './create-task.use-case.js';

const WS = 'team';
const AT = { at: '2026-03-09T08:00:00Z' };

class InMemoryTasks implements TaskRepositoryPort {
  readonly streams = new Map<string, TaskEvent[]>();
  async load(taskId: string) {
    const events = this.streams.get(taskId) ?? [];
    return { state: events.reduce(taskDecider.evolve, taskDecider.initialState()), version: events.length };
  }
  async save(taskId: string, events: readonly TaskEvent[], expected: number) {
    const current = this.streams.get(taskId) ?? [];
    if (current.length !== expected) throw new ConcurrencyConflictError(taskId);
    this.streams.set(taskId, [...current, ...events]);
  }
  async openSubtaskIds() {
    return [];
  }
}

/** The read model of defaults as calendar left it: per (workspace, user), the highest version wins. */
class InMemoryDefaults implements MemberReminderDefaultsPort {
  readonly rows = new Map<string, MemberReminderDefaults>();
  async defaultsOf(workspaceId: string, userId: string) {
    return this.rows.get(`${workspaceId}|${userId}`)?.defaultReminders ?? [];
  }
  async record(defaults: MemberReminderDefaults, _inbox: InboxEntry) {
    this.rows.set(`${defaults.workspaceId}|${defaults.userId}`, defaults);
    return true;
  }
}

const team: WorkspaceState = {
  kind: 'live',
  workspaceId: WS,
  name: 'Team',
  members: { ann: 'owner', bob: 'editor' },
  version: 3,
};
const workspaces: WorkspaceRepositoryPort = {
  load: async (id) => (id === WS ? { state: team, version: 3 } : { state: { kind: 'absent', version: 0 }, version: 0 }),
  save: () => Promise.reject(new Error('not used')),
};
const readModel = { refresh: () => undefined } as unknown as TaskReadModelPort;

function given(defaults: Record<string, readonly Reminder[]>) {
  const tasks = new InMemoryTasks();
  const store = new InMemoryDefaults();
  let version = 0;
  for (const [key, defaultReminders] of Object.entries(defaults)) {
    const [workspaceId, userId] = key.split('|') as [string, string];
    store.rows.set(key, { workspaceId, userId, defaultReminders, version: ++version, updatedAt: AT.at });
  }
  const useCase = new CreateTaskUseCase(tasks, readModel, { now: () => '2026-03-01T09:00:00Z' }, workspaces, store);
  const create = async (actor: string, input: Record<string, unknown>) => {
    const { events } = await useCase.execute(new CreateTaskCommand(input, actor, {}));
    const created = events.find((e): e is TaskCreated => e.type === 'TaskCreated')!;
    expect(tasks.streams.get(created.data.taskId)).toEqual(events);
    return created.data.reminders;
  };
  return { create, tasks };
}

describe('CreateTaskUseCase: the creator’s default reminders', () => {
  const mine = { 'team|ann': [{ offset: '-PT15M' }, AT], 'team|bob': [{ offset: '-P1D' }] };

  it('given the creator’s defaults in the workspace, when a task with a due names no reminders, then it gets them', async () => {
    const { create } = given(mine);
    expect(await create('ann', { workspaceId: WS, title: 'Report', due: '2026-03-10' })).toEqual([
      { offset: '-PT15M' },
      AT,
    ]);
    // Each member's own list: bob's, not ann's.
    expect(await create('bob', { workspaceId: WS, title: 'Review', due: '2026-03-10' })).toEqual([{ offset: '-P1D' }]);
  });

  it('an explicit list wins, even an empty one', async () => {
    const { create } = given(mine);
    expect(await create('ann', { workspaceId: WS, title: 'A', due: '2026-03-10', reminders: [] })).toEqual([]);
    expect(
      await create('ann', { workspaceId: WS, title: 'B', due: '2026-03-10', reminders: [{ offset: '-PT5M' }] }),
    ).toEqual([{ offset: '-PT5M' }]);
  });

  it('a task without a due gets only the absolute defaults (none when all are relative), not a 400', async () => {
    const { create } = given(mine);
    expect(await create('ann', { workspaceId: WS, title: 'Someday' })).toEqual([AT]);
    expect(await create('bob', { workspaceId: WS, title: 'Someday', due: null })).toEqual([]);
  });

  it('uses the personal workspace’s defaults when workspaceId is left out; none known → none', async () => {
    const { create } = given({ 'personal:ann|ann': [{ offset: '-PT30M' }] });
    expect(await create('ann', { title: 'Mine', due: '2026-03-10' })).toEqual([{ offset: '-PT30M' }]);
    expect(await create('bob', { title: 'His', due: '2026-03-10' })).toEqual([]);
  });

  it('still refuses explicit relative reminders without a due (400 by field)', async () => {
    const { create } = given(mine);
    await expect(
      create('ann', { workspaceId: WS, title: 'X', reminders: [{ offset: '-PT5M' }] }),
    ).rejects.toBeInstanceOf(TaskValidationError);
  });
});
