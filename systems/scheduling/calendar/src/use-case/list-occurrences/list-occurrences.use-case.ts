import { expandOccurrences, parseInstant, ScheduleError, type FieldProblem } from '@archipelago/util-calendar';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { scheduleOfEvent } from '../../entity/event/calendar-event.decider.js';
import { EVENT_READ_MODEL, type EventReadModelPort } from '../port/event.read-model.port.js';
import { ListOccurrencesQuery } from './list-occurrences.query.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { requireMember } from '../workspace-access.js';

/** The longest window one request may expand. */
export const MAX_WINDOW_DAYS = 366;
/** The most occurrences one answer holds (over all events). */
export const MAX_ITEMS = 5000;

/** One occurrence in the answer: timed ones as UTC instants, all-day ones as dates (`end` exclusive). */
export interface OccurrenceItem {
  readonly eventId: string;
  readonly recurrenceId: string;
  readonly title: string;
  /** The occurrence's description and location: its override's own, else the series' (null: none). */
  readonly description: string | null;
  readonly location: string | null;
  readonly start: string;
  readonly end: string;
  readonly allDay: boolean;
  readonly overridden: boolean;
}

/** The window or the viewer zone is not acceptable (400, problems by field). */
export class InvalidOccurrenceQueryError extends Error {
  readonly code = 'OCCURRENCES.INVALID_QUERY';
  /** The problems as the RFC 9457 answer's `details` (the platform's problem mapping reads it). */
  readonly details: { readonly problems: readonly FieldProblem[] };
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field} ${p.message}`).join('; '));
    this.details = { problems };
  }
}

/**
 * Expands every event of a workspace into the occurrences overlapping `[from, to)`, each in its own
 * zone (util-calendar), sorted by start then event id. The window is at most 366 days and the answer
 * at most 5 000 items.
 * @throws WorkspaceNotFoundError (404: the caller is not a member), InvalidOccurrenceQueryError for a missing, malformed, reversed or too long window, an unknown zone, or too many items
 */
@QueryHandler(ListOccurrencesQuery)
export class ListOccurrencesUseCase implements IQueryHandler<ListOccurrencesQuery, { items: OccurrenceItem[] }> {
  constructor(
    @Inject(EVENT_READ_MODEL) private readonly readModel: EventReadModelPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
  ) {}

  async execute({
    workspaceId,
    from,
    to,
    viewerTimeZone,
    actorId,
  }: ListOccurrencesQuery): Promise<{ items: OccurrenceItem[] }> {
    if (actorId !== undefined) await requireMember(this.memberships, workspaceId, actorId);
    const problems: FieldProblem[] = [];
    const start = parseInstant(from);
    const end = parseInstant(to);
    if (!start) problems.push({ field: 'from', message: 'must be an RFC 3339 instant, e.g. 2026-03-01T00:00:00Z' });
    if (!end) problems.push({ field: 'to', message: 'must be an RFC 3339 instant, e.g. 2026-04-01T00:00:00Z' });
    if (start && end) {
      const days = (end.epochMilliseconds - start.epochMilliseconds) / 86_400_000;
      if (days <= 0) problems.push({ field: 'to', message: 'must be after from' });
      else if (days > MAX_WINDOW_DAYS)
        problems.push({ field: 'to', message: `the window is at most ${MAX_WINDOW_DAYS} days` });
    }
    if (problems.length > 0) throw new InvalidOccurrenceQueryError(problems);
    const window = { from: start!.toString(), to: end!.toString() };
    const items: OccurrenceItem[] = [];
    for (const { eventId, fields } of await this.readModel.candidates(workspaceId, window.from, window.to)) {
      try {
        for (const o of expandOccurrences(scheduleOfEvent(fields), window, viewerTimeZone)) {
          items.push({
            eventId,
            recurrenceId: o.recurrenceId,
            title: o.title ?? fields.title,
            description: o.description ?? fields.description,
            location: o.location ?? fields.location,
            start: o.start,
            end: o.end,
            allDay: o.allDay,
            overridden: o.overridden,
          });
        }
      } catch (error) {
        // Stored schedules were valid when decided, so what fails here is the query (zone, window size).
        if (error instanceof ScheduleError) throw new InvalidOccurrenceQueryError(error.problems);
        throw error;
      }
      if (items.length > MAX_ITEMS)
        throw new InvalidOccurrenceQueryError([
          { field: 'to', message: `more than ${MAX_ITEMS} occurrences: narrow the window` },
        ]);
    }
    // Timed starts are UTC instants, all-day starts dates: as strings, a date sorts before the timed occurrences that start on it.
    items.sort(
      (a, b) =>
        a.start.localeCompare(b.start) ||
        a.eventId.localeCompare(b.eventId) ||
        a.recurrenceId.localeCompare(b.recurrenceId),
    );
    return { items };
  }
}
