import { describe, expect, it } from 'vitest';
import { taskDecider } from '../../entity/task/task.decider.js';
import { TaskHasOpenSubtasksError } from '../../entity/task/task.errors.js';
import type { TaskCreated, TaskEvent } from '../../entity/task/task.events.js';
import type { TaskFields } from '../../entity/task/task.model.js';
import type { IdempotencyKeyStorePort, KeyedAnswer, RememberedAnswer } from '../port/idempotency-key.port.js';
import { ConcurrencyConflictError, type TaskRepositoryPort } from '../port/task.repository.port.js';
import { IdempotencyKeyReusedError } from '../idempotency-key.errors.js';
import { initialWorkspaceState } from '../../entity/workspace/workspace.decider.js';
import type { WorkspaceRepositoryPort } from '../port/workspace.repository.port.js';
import { CompleteTaskCommand } from './complete-task.command.js';
import { CompleteTaskUseCase, nextOccurrenceId } from './complete-task.use-case.js';

/** No shared workspace exists: the tasks here live in personal workspaces. */
const noSharedWorkspaces: WorkspaceRepositoryPort = {
  load: () => Promise.resolve({ state: initialWorkspaceState(), version: 0 }),
  save: () => Promise.reject(new Error('not used')),
};

/** Idempotency-Keys in memory; answers are stored as JSON, like the real store. */
class InMemoryKeys implements IdempotencyKeyStorePort {
  readonly keys = new Map<string, RememberedAnswer>();
  async find(callerId: string, key: string) {
    return this.keys.get(`${callerId}/${key}`) ?? null;
  }
  async remember(callerId: string, key: string, remembered: RememberedAnswer) {
    return this.insert({ callerId, key, remembered }) ? remembered : this.keys.get(`${callerId}/${key}`)!;
  }
  insert({ callerId, key, remembered }: KeyedAnswer): boolean {
    if (this.keys.has(`${callerId}/${key}`)) return false;
    this.keys.set(`${callerId}/${key}`, { ...remembered, answer: JSON.parse(JSON.stringify(remembered.answer)) });
    return true;
  }
  deleteStoredBefore(): Promise<number> {
    return Promise.reject(new Error('not used'));
  }
}

/**
 * In-memory event streams with optimistic concurrency, like the real store, writing an Idempotency-Key's
 * answer in `keys` with the events (all or nothing); can fail one save on cue.
 */
class InMemoryTasks implements TaskRepositoryPort {
  readonly streams = new Map<string, TaskEvent[]>();
  readonly keys = new InMemoryKeys();
  failNextSaveOf: string | null = null;
  interleave: { taskId: string; events: TaskEvent[] } | null = null;

  async load(taskId: string) {
    const events = this.streams.get(taskId) ?? [];
    return { state: events.reduce(taskDecider.evolve, taskDecider.initialState()), version: events.length };
  }
  async save(taskId: string, events: readonly TaskEvent[], expected: number, _context: unknown, answer?: KeyedAnswer) {
    if (this.failNextSaveOf === taskId) {
      this.failNextSaveOf = null;
      throw new Error('connection lost');
    }
    if (this.interleave?.taskId === taskId) {
      this.streams.set(taskId, [...(this.streams.get(taskId) ?? []), ...this.interleave.events]);
      this.interleave = null;
    }
    const current = this.streams.get(taskId) ?? [];
    if (current.length !== expected) throw new ConcurrencyConflictError(taskId);
    this.streams.set(taskId, [...current, ...events]);
    if (answer) this.keys.insert(answer);
  }
  async openSubtaskIds(taskId: string) {
    const open: string[] = [];
    for (const [id, events] of this.streams) {
      const state = events.reduce(taskDecider.evolve, taskDecider.initialState());
      if (
        state.kind === 'live' &&
        state.fields.parentId === taskId &&
        (state.status === 'todo' || state.status === 'in_progress')
      )
        open.push(id);
    }
    return open;
  }
}

const fields: TaskFields = {
  workspaceId: 'personal:u1',
  title: 'Water plants',
  description: null,
  priority: 4,
  tags: [],
  due: { date: '2026-03-10' },
  timeZone: 'UTC',
  estimatedMinutes: null,
  assigneeId: null,
  parentId: null,
  recurrence: { afterCompletion: { every: 7, unit: 'day' } },
  reminders: [],
  customFields: {},
  attachments: [],
};
const created = (taskId: string, over: Partial<TaskFields> = {}): TaskCreated => ({
  type: 'TaskCreated',
  data: { taskId, ...fields, ...over, previousTaskId: null, createdBy: 'u1', at: '2026-03-01T00:00:00Z' },
});
const done = '2026-03-14T15:00:00Z';
const complete = (taskId = 't1', cascade = false, key?: string) =>
  new CompleteTaskCommand(taskId, 'u1', cascade, done, {}, key);
const tasksOf = (repo: InMemoryTasks) => [...repo.streams.keys()];
/** Sets t1 back to todo, as a PATCH of its status would. */
const reopen = (repo: InMemoryTasks) =>
  repo.streams.get('t1')!.push({ type: 'TaskUpdated', data: { taskId: 't1', changes: { status: 'todo' }, at: done } });

describe('CompleteTaskUseCase', () => {
  it('given a task repeating 7 days after completion, when completed, then the next occurrence exists once, due 21 March', async () => {
    const repo = new InMemoryTasks();
    repo.streams.set('t1', [created('t1')]);
    const useCase = new CompleteTaskUseCase(repo, noSharedWorkspaces, repo.keys);
    const first = await useCase.execute(complete());
    const again = await useCase.execute(complete());
    expect(first.nextTaskId).toBe(nextOccurrenceId('t1', 1));
    expect(again.nextTaskId).toBe(first.nextTaskId);
    expect(tasksOf(repo)).toEqual(['t1', first.nextTaskId]);
    expect(repo.streams.get('t1')!.map((e) => e.type)).toEqual(['TaskCreated', 'TaskCompleted']);
    expect(repo.streams.get(first.nextTaskId!)).toMatchObject([
      { type: 'TaskCreated', data: { due: { date: '2026-03-21' }, previousTaskId: 't1' } },
    ]);
  });

  it('when the first attempt stopped between the two appends, then the retry creates the next occurrence', async () => {
    const repo = new InMemoryTasks();
    repo.streams.set('t1', [created('t1')]);
    const useCase = new CompleteTaskUseCase(repo, noSharedWorkspaces, repo.keys);
    repo.failNextSaveOf = nextOccurrenceId('t1', 1);
    await expect(useCase.execute(complete())).rejects.toThrow('connection lost');
    expect(tasksOf(repo)).toEqual(['t1']);
    const retry = await useCase.execute(complete());
    expect(tasksOf(repo)).toEqual(['t1', retry.nextTaskId]);
    expect(repo.streams.get('t1')).toHaveLength(2);
  });

  it('when another writer completed it concurrently, then it is decided again and nothing is doubled', async () => {
    const repo = new InMemoryTasks();
    repo.streams.set('t1', [created('t1')]);
    repo.interleave = {
      taskId: 't1',
      events: [
        {
          type: 'TaskCompleted',
          data: {
            taskId: 't1',
            workspaceId: 'personal:u1',
            cascade: false,
            next: { taskId: nextOccurrenceId('t1', 1), due: { date: '2026-03-21' } },
            at: done,
          },
        },
      ],
    };
    const result = await new CompleteTaskUseCase(repo, noSharedWorkspaces, repo.keys).execute(complete());
    expect(repo.streams.get('t1')!.map((e) => e.type)).toEqual(['TaskCreated', 'TaskCompleted']);
    expect(tasksOf(repo)).toEqual(['t1', result.nextTaskId]);
  });

  it('refuses open subtasks without cascade (409), completes them with it', async () => {
    const repo = new InMemoryTasks();
    repo.streams.set('p', [created('p', { recurrence: null })]);
    repo.streams.set('c1', [created('c1', { recurrence: null, parentId: 'p' })]);
    repo.streams.set('c2', [created('c2', { recurrence: null, parentId: 'c1' })]);
    const useCase = new CompleteTaskUseCase(repo, noSharedWorkspaces, repo.keys);
    await expect(useCase.execute(complete('p'))).rejects.toBeInstanceOf(TaskHasOpenSubtasksError);
    const result = await useCase.execute(complete('p', true));
    expect(result).toMatchObject({ state: { status: 'done' }, version: 2, nextTaskId: null });
    for (const id of ['c1', 'c2']) expect(repo.streams.get(id)!.at(-1)!.type).toBe('TaskCompleted');
  });

  it('given an Idempotency-Key, when retried after a reopen, then it answers the first result and spawns nothing more', async () => {
    const repo = new InMemoryTasks();
    repo.streams.set('t1', [created('t1')]);
    const useCase = new CompleteTaskUseCase(repo, noSharedWorkspaces, repo.keys);
    const first = await useCase.execute(complete('t1', false, 'k1'));
    reopen(repo);
    const retry = await useCase.execute(complete('t1', false, 'k1'));
    expect(retry).toEqual({ ...first, replayed: true });
    expect(tasksOf(repo)).toEqual(['t1', first.nextTaskId]);
    expect(repo.streams.get('t1')!.map((e) => e.type)).toEqual(['TaskCreated', 'TaskCompleted', 'TaskUpdated']);
    await expect(useCase.execute(complete('t1', true, 'k1'))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    const fresh = await useCase.execute(complete('t1', false, 'k2'));
    expect(fresh.replayed).toBeUndefined();
    expect(fresh.nextTaskId).toBe(nextOccurrenceId('t1', 3));
  });

  it('given an Idempotency-Key, when the first attempt stopped after the completion but before the next occurrence, then a retry after a reopen answers the first result, completes nothing and creates the next occurrence once', async () => {
    const repo = new InMemoryTasks();
    repo.streams.set('t1', [created('t1')]);
    const useCase = new CompleteTaskUseCase(repo, noSharedWorkspaces, repo.keys);
    repo.failNextSaveOf = nextOccurrenceId('t1', 1);
    await expect(useCase.execute(complete('t1', false, 'k1'))).rejects.toThrow('connection lost');
    // The key was stored with the completion, in its transaction.
    expect(repo.keys.keys.get('u1/k1')).toMatchObject({
      answer: { version: 2, nextTaskId: nextOccurrenceId('t1', 1) },
    });
    reopen(repo);
    const retry = await useCase.execute(complete('t1', false, 'k1'));
    expect(retry).toMatchObject({ replayed: true, version: 2, nextTaskId: nextOccurrenceId('t1', 1) });
    expect(repo.streams.get('t1')!.map((e) => e.type)).toEqual(['TaskCreated', 'TaskCompleted', 'TaskUpdated']);
    expect(tasksOf(repo)).toEqual(['t1', nextOccurrenceId('t1', 1)]);
    expect(repo.streams.get(nextOccurrenceId('t1', 1))).toMatchObject([
      { type: 'TaskCreated', data: { due: { date: '2026-03-21' }, previousTaskId: 't1' } },
    ]);
    await useCase.execute(complete('t1', false, 'k1'));
    expect(repo.streams.get(nextOccurrenceId('t1', 1))).toHaveLength(1);
  });

  it('given an Idempotency-Key, when the task was done already, then the key is stored after the work and a retry replays', async () => {
    const repo = new InMemoryTasks();
    repo.streams.set('t1', [created('t1', { recurrence: null })]);
    const useCase = new CompleteTaskUseCase(repo, noSharedWorkspaces, repo.keys);
    await useCase.execute(complete('t1'));
    const first = await useCase.execute(complete('t1', false, 'k1'));
    expect(first.replayed).toBeUndefined();
    expect(await useCase.execute(complete('t1', false, 'k1'))).toEqual({ ...first, replayed: true });
  });

  it('given two requests racing with one key, then the one that did not store its answer answers the stored one as a replay', async () => {
    const repo = new InMemoryTasks();
    repo.streams.set('t1', [created('t1', { recurrence: null })]);
    const useCase = new CompleteTaskUseCase(repo, noSharedWorkspaces, repo.keys);
    const first = await useCase.execute(complete('t1', false, 'k1'));
    // The second looked the key up before the first stored it: it runs (deciding nothing), then finds the key taken.
    const lookedEarly: IdempotencyKeyStorePort = {
      find: () => Promise.resolve(null),
      remember: (callerId, key, remembered) => repo.keys.remember(callerId, key, remembered),
      deleteStoredBefore: () => Promise.reject(new Error('not used')),
    };
    const second = await new CompleteTaskUseCase(repo, noSharedWorkspaces, lookedEarly).execute(
      complete('t1', false, 'k1'),
    );
    expect(second).toEqual({ ...first, replayed: true });
    expect(repo.streams.get('t1')).toHaveLength(2);
  });
});
