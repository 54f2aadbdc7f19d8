import { describe, expect, it } from 'vitest';
import { calendarEventDecider, type CalendarEventState } from '../../entity/event/calendar-event.decider.js';
import {
  EventNotFoundError,
  EventValidationError,
  EventVersionConflictError,
} from '../../entity/event/calendar-event.errors.js';
import type { CalendarEventEvent } from '../../entity/event/calendar-event.events.js';
import { ChangeOccurrenceCommand } from '../change-occurrence/change-occurrence.command.js';
import { ChangeOccurrenceUseCase } from '../change-occurrence/change-occurrence.use-case.js';
import { DeleteEventCommand } from '../delete-event/delete-event.command.js';
import { DeleteEventUseCase } from '../delete-event/delete-event.use-case.js';
import {
  type CalendarEventRepositoryPort,
  ConcurrencyConflictError,
  type LoadedCalendarEvent,
} from '../port/calendar-event.repository.port.js';
import type { WorkspaceMembershipPort, WorkspaceRole } from '../port/workspace-membership.port.js';
import { WorkspaceForbiddenError } from '../workspace-access.js';
import { UpdateEventCommand } from './update-event.command.js';
import { UpdateEventUseCase } from './update-event.use-case.js';

/** Event streams in memory, with optimistic concurrency; `interleave` appends another writer's event once before the next save. */
class InMemoryEvents implements CalendarEventRepositoryPort {
  readonly streams = new Map<string, CalendarEventEvent[]>();
  readonly saves: { events: readonly CalendarEventEvent[]; before?: CalendarEventState }[] = [];
  interleave: CalendarEventEvent | null = null;
  async load(eventId: string): Promise<LoadedCalendarEvent> {
    const events = this.streams.get(eventId) ?? [];
    return {
      state: events.reduce(calendarEventDecider.evolve, calendarEventDecider.initialState()),
      version: events.length,
    };
  }
  async save(
    eventId: string,
    events: readonly CalendarEventEvent[],
    expectedVersion: number,
    _context: unknown,
    before?: CalendarEventState,
  ): Promise<void> {
    const stream = this.streams.get(eventId) ?? [];
    if (this.interleave) {
      stream.push(this.interleave);
      this.interleave = null;
    }
    if (stream.length !== expectedVersion) throw new ConcurrencyConflictError(eventId);
    stream.push(...events);
    this.streams.set(eventId, stream);
    this.saves.push({ events, before });
  }
}

class InMemoryMemberships implements WorkspaceMembershipPort {
  readonly roles = new Map<string, WorkspaceRole>();
  async roleOf(workspaceId: string, userId: string) {
    return this.roles.get(`${workspaceId}|${userId}`) ?? null;
  }
  async owners(workspaceId: string) {
    return [...this.roles]
      .filter(([key, role]) => key.startsWith(`${workspaceId}|`) && role === 'owner')
      .map(([key]) => key.slice(workspaceId.length + 1))
      .sort();
  }
  async apply() {
    return true;
  }
}

const ANN = 'ann';
const EVENT = '0c9e7d1a-2b3c-4d5e-8f6a-7b8c9d0e1f2a';
const clock = { now: () => '2026-03-01T10:00:00Z' };
const ctx = {};

function given(workspaceId = 'team') {
  const events = new InMemoryEvents();
  const memberships = new InMemoryMemberships();
  memberships.roles.set(`team|${ANN}`, 'editor');
  memberships.roles.set('team|vic', 'viewer');
  events.streams.set(
    EVENT,
    calendarEventDecider.decide(
      {
        type: 'CreateEvent',
        data: {
          eventId: EVENT,
          now: '2026-03-01T09:00:00Z',
          createdBy: ANN,
          input: {
            workspaceId,
            title: 'Stand-up',
            start: '2026-03-27T09:00:00',
            end: '2026-03-27T09:15:00',
            timeZone: 'Europe/Berlin',
            rrule: 'FREQ=DAILY;COUNT=4',
          },
        },
      },
      calendarEventDecider.initialState(),
    ),
  );
  return {
    events,
    memberships,
    update: new UpdateEventUseCase(events, clock, memberships),
    remove: new DeleteEventUseCase(events, clock, memberships),
    occurrence: new ChangeOccurrenceUseCase(events, clock, memberships),
  };
}

describe('UpdateEvent (merge patch) with If-Match', () => {
  it('given a live event at version 1, when an editor patches the title with If-Match "1", then EventUpdated is saved at version 2 on the loaded state', async () => {
    const { events, update } = given();
    const result = await update.execute(new UpdateEventCommand(EVENT, { title: 'Team stand-up' }, [1], ANN, ctx));
    expect(result.version).toBe(2);
    expect(result.state.kind === 'live' && result.state.fields.title).toBe('Team stand-up');
    expect(events.saves).toHaveLength(1);
    expect(events.saves[0]!.events.map((e) => e.type)).toEqual(['EventUpdated']);
    expect(events.saves[0]!.before?.version).toBe(1);
  });

  it('when If-Match names another version, then 412 EventVersionConflictError and nothing is saved', async () => {
    const { events, update } = given();
    await expect(update.execute(new UpdateEventCommand(EVENT, { title: 'x' }, [7], ANN, ctx))).rejects.toBeInstanceOf(
      EventVersionConflictError,
    );
    expect(events.saves).toHaveLength(0);
  });

  it('when another writer appends between load and save, then without If-Match it decides again on fresh state; with If-Match it is a 412', async () => {
    const moved: CalendarEventEvent = {
      type: 'OccurrenceCancelled',
      data: { eventId: EVENT, recurrenceId: '2026-03-28T09:00:00', at: '2026-03-01T09:30:00Z' },
    };
    const a = given();
    a.events.interleave = moved;
    const result = await a.update.execute(new UpdateEventCommand(EVENT, { location: 'Room 1' }, undefined, ANN, ctx));
    expect(result.version).toBe(3);
    const b = given();
    b.events.interleave = moved;
    await expect(
      b.update.execute(new UpdateEventCommand(EVENT, { location: 'Room 1' }, [1], ANN, ctx)),
    ).rejects.toBeInstanceOf(EventVersionConflictError);
  });

  it('when the patch changes nothing, then nothing is saved and the version stays', async () => {
    const { events, update } = given();
    const result = await update.execute(new UpdateEventCommand(EVENT, { title: 'Stand-up' }, undefined, ANN, ctx));
    expect(result.version).toBe(1);
    expect(events.saves).toHaveLength(0);
  });

  it('a non-member gets 404 (even with a stale If-Match), a viewer 403, a non-member attendee 400 by field', async () => {
    const { update } = given();
    await expect(update.execute(new UpdateEventCommand(EVENT, { title: 'x' }, [9], 'eve', ctx))).rejects.toBeInstanceOf(
      EventNotFoundError,
    );
    await expect(update.execute(new UpdateEventCommand(EVENT, { title: 'x' }, [1], 'vic', ctx))).rejects.toBeInstanceOf(
      WorkspaceForbiddenError,
    );
    const error = await update
      .execute(new UpdateEventCommand(EVENT, { attendees: ['vic', 'eve'] }, [1], ANN, ctx))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).problems).toEqual([
      { field: 'attendees/1', message: 'is not a member of the workspace' },
    ]);
  });
});

describe('DeleteEvent', () => {
  it('given a live event, when deleted, then EventDeleted; a second delete and a later patch are 404', async () => {
    const { events, remove, update } = given();
    const result = await remove.execute(new DeleteEventCommand(EVENT, [1], ANN, ctx));
    expect(result.version).toBe(2);
    expect(result.state.kind).toBe('deleted');
    expect(events.streams.get(EVENT)!.map((e) => e.type)).toEqual(['EventCreated', 'EventDeleted']);
    await expect(remove.execute(new DeleteEventCommand(EVENT, undefined, ANN, ctx))).rejects.toBeInstanceOf(
      EventNotFoundError,
    );
    await expect(
      update.execute(new UpdateEventCommand(EVENT, { title: 'x' }, undefined, ANN, ctx)),
    ).rejects.toBeInstanceOf(EventNotFoundError);
  });
});

describe('ChangeOccurrence (RECURRENCE-ID overrides)', () => {
  it('moves an occurrence named by its UTC instant (as GET …/occurrences lists it) to its local RECURRENCE-ID', async () => {
    const { events, occurrence } = given();
    const result = await occurrence.execute(
      new ChangeOccurrenceCommand(
        EVENT,
        '2026-03-30T07:00:00Z',
        { start: '2026-03-30T10:00:00', end: '2026-03-30T10:30:00' },
        undefined,
        ANN,
        ctx,
      ),
    );
    expect(result.state.kind === 'live' && result.state.fields.overrides).toEqual([
      { recurrenceId: '2026-03-30T09:00:00', start: '2026-03-30T10:00:00', end: '2026-03-30T10:30:00' },
    ]);
    expect(events.saves[0]!.events.map((e) => e.type)).toEqual(['OccurrenceMoved']);
  });

  it('retitles one occurrence: a repeat keeps the version, an empty title is 400 by field', async () => {
    const { events, occurrence } = given();
    const retitle = (title: unknown) =>
      occurrence.execute(
        new ChangeOccurrenceCommand(
          EVENT,
          '2026-03-28T09:00:00',
          { start: '2026-03-28T09:00:00', end: '2026-03-28T09:15:00', title },
          undefined,
          ANN,
          ctx,
        ),
      );
    expect((await retitle(' Demo ')).version).toBe(2);
    expect((await retitle('Demo')).version).toBe(2);
    expect(events.saves).toHaveLength(1);
    expect(events.saves[0]!.events[0]!.data).toMatchObject({ recurrenceId: '2026-03-28T09:00:00', title: 'Demo' });
    const error = await retitle('').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).problems.map((p) => p.field)).toEqual(['title']);
  });

  it('cancels an occurrence once: the repeat keeps the version; a RECURRENCE-ID outside the series is 400', async () => {
    const { events, occurrence } = given();
    const first = await occurrence.execute(
      new ChangeOccurrenceCommand(EVENT, '2026-03-28T09:00:00', 'cancel', undefined, ANN, ctx),
    );
    const again = await occurrence.execute(
      new ChangeOccurrenceCommand(EVENT, '2026-03-28T09:00', 'cancel', undefined, ANN, ctx),
    );
    expect([first.version, again.version]).toEqual([2, 2]);
    expect(events.saves).toHaveLength(1);
    await expect(
      occurrence.execute(new ChangeOccurrenceCommand(EVENT, '2026-04-28T09:00:00', 'cancel', undefined, ANN, ctx)),
    ).rejects.toBeInstanceOf(EventValidationError);
  });
});
