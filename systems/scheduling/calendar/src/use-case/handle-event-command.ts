import {
  calendarEventDecider,
  type CalendarEventCommand,
  type CalendarEventState,
} from '../entity/event/calendar-event.decider.js';
import { EventNotFoundError, EventVersionConflictError } from '../entity/event/calendar-event.errors.js';
import type { CalendarEventEvent } from '../entity/event/calendar-event.events.js';
import type { CommandContext } from './port/command-context.js';
import { type CalendarEventRepositoryPort, ConcurrencyConflictError } from './port/calendar-event.repository.port.js';
import type { WorkspaceMembershipPort } from './port/workspace-membership.port.js';
import { roleOf, WorkspaceForbiddenError } from './workspace-access.js';

/** Attempts of load → decide → save before a concurrency conflict is given up. */
export const MAX_ATTEMPTS = 5;

/** What one command on an existing event did: the state after it, its version, the events appended (none when nothing changed). */
export interface EventCommandResult {
  readonly state: CalendarEventState;
  readonly version: number;
  readonly events: readonly CalendarEventEvent[];
}

/**
 * Load → check access → check `If-Match` → decide → save for a command on an existing event, decided
 * again on fresh state when another writer appended first (optimistic concurrency; with
 * `expectedVersions` — the versions an `If-Match` accepts, possibly none — the second round then fails
 * the version check, as it should). Saves nothing when the decider decides nothing. An event the caller
 * cannot see (absent, deleted, or in a workspace they are not a member of) is 404 whatever
 * `expectedVersions` says.
 * @throws EventNotFoundError (404), WorkspaceForbiddenError (403: a viewer), EventVersionConflictError (412), and the decider's errors
 */
export async function handleEventCommand(
  ports: { readonly repository: CalendarEventRepositoryPort; readonly memberships: WorkspaceMembershipPort },
  eventId: string,
  actorId: string,
  expectedVersions: readonly number[] | undefined,
  build: (state: CalendarEventState & { kind: 'live' }) => Promise<CalendarEventCommand> | CalendarEventCommand,
  context: CommandContext,
): Promise<EventCommandResult> {
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await ports.repository.load(eventId);
    if (state.kind !== 'live') throw new EventNotFoundError(eventId);
    const role = await roleOf(ports.memberships, state.fields.workspaceId, actorId);
    if (role === null) throw new EventNotFoundError(eventId);
    if (role === 'viewer') throw new WorkspaceForbiddenError(state.fields.workspaceId, role);
    if (expectedVersions !== undefined && !expectedVersions.includes(version))
      throw new EventVersionConflictError(eventId, expectedVersions, version);
    const events = calendarEventDecider.decide(await build(state), state);
    try {
      if (events.length > 0) await ports.repository.save(eventId, events, version, context, state);
      return { state: events.reduce(calendarEventDecider.evolve, state), version: version + events.length, events };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** The attendees in `patch.attendees` (if any) that are not members of `workspaceId`. */
export async function nonMemberAttendees(
  memberships: WorkspaceMembershipPort,
  workspaceId: string,
  attendees: unknown,
): Promise<string[]> {
  if (!Array.isArray(attendees)) return [];
  const outsiders: string[] = [];
  for (const a of attendees.slice(0, 101))
    if (typeof a === 'string' && (await roleOf(memberships, workspaceId, a)) === null) outsiders.push(a);
  return outsiders;
}
