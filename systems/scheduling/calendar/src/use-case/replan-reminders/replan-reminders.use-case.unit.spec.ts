import { describe, expect, it } from 'vitest';
import type { EventFields } from '../../entity/event/calendar-event.events.js';
import type { PlannedReminder, ReminderChanges } from '../../entity/reminder/reminder-plan.js';
import type { EventRecord } from '../port/event.read-model.port.js';
import type { EventLookupPort, ReminderStorePort } from '../port/reminder-store.port.js';
import type { WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { ReplanRemindersCommand } from './replan-reminders.command.js';
import { ReplanRemindersUseCase } from './replan-reminders.use-case.js';

const fields: EventFields = {
  workspaceId: 'w1',
  title: 'Stand-up',
  description: null,
  location: null,
  timeZone: 'Europe/Berlin',
  allDay: false,
  start: '2026-03-27T09:00:00',
  end: '2026-03-27T09:15:00',
  rrule: 'FREQ=DAILY',
  exdates: [],
  rdates: [],
  overrides: [],
  attendees: ['u1', 'u2'],
  reminders: [{ offset: '-PT15M' }],
};

class InMemoryEvents implements EventLookupPort {
  record: EventRecord | null = { eventId: 'e1', version: 1, fields };
  async find() {
    return this.record;
  }
}
/** The engine's table in memory: rows by key, with a fired flag. */
class InMemoryReminders implements ReminderStorePort {
  readonly rows = new Map<string, PlannedReminder & { fired: boolean }>();
  async pending(eventId: string, from: string, to: string) {
    return [...this.rows.values()].filter((r) => r.eventId === eventId && !r.fired && r.dueAt >= from && r.dueAt < to);
  }
  async firedKeys(eventId: string) {
    return new Set([...this.rows.values()].filter((r) => r.eventId === eventId && r.fired).map((r) => r.key));
  }
  async apply(changes: ReminderChanges) {
    for (const r of [...changes.add, ...changes.move]) this.rows.set(r.key, { ...r, fired: false });
    for (const key of changes.cancel) this.rows.delete(key);
  }
}
/** The membership read model's owners, by workspace. */
class InMemoryOwners implements Pick<WorkspaceMembershipPort, 'owners'> {
  constructor(readonly byWorkspace: Record<string, string[]> = {}) {}
  async owners(workspaceId: string) {
    return this.byWorkspace[workspaceId] ?? [];
  }
}
const replan = (events: EventLookupPort, store: ReminderStorePort, owners = new InMemoryOwners()) =>
  new ReplanRemindersUseCase(events, store, owners as unknown as WorkspaceMembershipPort);
const dueTimes = (store: InMemoryReminders) =>
  [...store.rows.values()].map((r) => [r.key.split('|')[1], r.dueAt, r.fired]).sort();

describe('ReplanRemindersUseCase', () => {
  it('given a daily series, when planned for 48 h, then one reminder per occurrence, each for the attendees', async () => {
    const store = new InMemoryReminders();
    await replan(new InMemoryEvents(), store).execute(new ReplanRemindersCommand('e1', '2026-03-28T00:00:00Z'));
    expect(dueTimes(store)).toEqual([
      ['2026-03-28T09:00:00', '2026-03-28T07:45:00Z', false],
      ['2026-03-29T09:00:00', '2026-03-29T06:45:00Z', false],
    ]);
    expect([...store.rows.values()].every((r) => r.recipients.join() === 'u1,u2')).toBe(true);
  });

  it('given an event without attendees, reminds the user of a personal workspace, and the owners of a shared one', async () => {
    const events = new InMemoryEvents();
    const store = new InMemoryReminders();
    events.record = { eventId: 'e1', version: 1, fields: { ...fields, attendees: [], workspaceId: 'personal:ann' } };
    await replan(events, store).execute(new ReplanRemindersCommand('e1', '2026-03-28T00:00:00Z'));
    expect([...store.rows.values()].map((r) => r.recipients)).toEqual([['ann'], ['ann']]);
    const shared = new InMemoryReminders();
    events.record = { eventId: 'e1', version: 1, fields: { ...fields, attendees: [] } };
    await replan(events, shared, new InMemoryOwners({ w1: ['bob', 'cat'], w2: ['dan'] })).execute(
      new ReplanRemindersCommand('e1', '2026-03-28T00:00:00Z'),
    );
    expect([...shared.rows.values()].map((r) => r.recipients)).toEqual([
      ['bob', 'cat'],
      ['bob', 'cat'],
    ]);
  });

  it('when an occurrence moves and the event is then deleted, then its reminder moves, then all pending ones go; fired ones stay fired', async () => {
    const events = new InMemoryEvents();
    const store = new InMemoryReminders();
    const useCase = replan(events, store);
    await useCase.execute(new ReplanRemindersCommand('e1', '2026-03-28T00:00:00Z'));
    store.rows.get('e1|2026-03-28T09:00:00|offset:-PT15M')!.fired = true;
    events.record = {
      eventId: 'e1',
      version: 2,
      fields: {
        ...fields,
        overrides: [{ recurrenceId: '2026-03-29T09:00:00', start: '2026-03-29T12:00:00', end: '2026-03-29T12:15:00' }],
      },
    };
    const moved = await useCase.execute(new ReplanRemindersCommand('e1', '2026-03-28T00:00:00Z'));
    expect(moved.add).toEqual([]);
    expect(moved.move.map((r) => r.dueAt)).toEqual(['2026-03-29T09:45:00Z']);
    events.record = null;
    const deleted = await useCase.execute(new ReplanRemindersCommand('e1', '2026-03-28T00:00:00Z'));
    expect(deleted.cancel).toEqual(['e1|2026-03-29T09:00:00|offset:-PT15M']);
    expect(dueTimes(store)).toEqual([['2026-03-28T09:00:00', '2026-03-28T07:45:00Z', true]]);
  });
});
