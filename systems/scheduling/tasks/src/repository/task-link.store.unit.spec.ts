import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../entity/task/task.events.js';
import { taskLinkChange } from './task-link.store.js';

const at = '2026-03-14T15:00:00Z';
const created = (parentId: string | null): TaskEvent =>
  ({ type: 'TaskCreated', data: { taskId: 't', parentId, previousTaskId: null, createdBy: 'u', at } }) as unknown as TaskEvent;
const updated = (changes: Record<string, unknown>): TaskEvent =>
  ({ type: 'TaskUpdated', data: { taskId: 't', changes, at } }) as TaskEvent;

describe('taskLinkChange', () => {
  it('a created task is a todo row under its parent', () => {
    expect(taskLinkChange([created('p')])).toEqual({ created: true, parentId: 'p', status: 'todo' });
  });

  it('an update changes only the parent and status it names; other fields change nothing', () => {
    expect(taskLinkChange([updated({ parentId: null })])).toEqual({ created: false, parentId: null });
    expect(taskLinkChange([updated({ status: 'cancelled' })])).toEqual({ created: false, status: 'cancelled' });
    expect(taskLinkChange([updated({ title: 'x' })])).toBeNull();
    expect(taskLinkChange([])).toBeNull();
  });

  it('completion makes it done, deletion deleted; the last event of a batch wins', () => {
    const completed = { type: 'TaskCompleted', data: { taskId: 't', workspaceId: 'w', cascade: false, next: null, at } };
    expect(taskLinkChange([completed as TaskEvent])).toEqual({ created: false, status: 'done' });
    expect(taskLinkChange([created('p'), { type: 'TaskDeleted', data: { taskId: 't', workspaceId: 'w', at } }])).toEqual({
      created: true,
      parentId: 'p',
      status: 'deleted',
    });
  });
});
