import { toICalendar } from '@archipelago/util-calendar';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { scheduleOfEvent } from '../../entity/event/calendar-event.decider.js';
import { EVENT_READ_MODEL, type EventReadModelPort } from '../port/event.read-model.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { FEED_TOKENS, type FeedTokenPort } from '../port/feed-token.port.js';
import { requireMember, WorkspaceNotFoundError } from '../workspace-access.js';
import { ExportCalendarQuery } from './export-calendar.query.js';

/** Far bounds for "every event of the workspace" (the read model's candidates are a superset anyway). */
const ALL = { from: '1900-01-01T00:00:00Z', to: '2200-01-01T00:00:00Z' };

/**
 * Every event of a workspace as one iCalendar document (RFC 5545, util-calendar `toICalendar`): UID =
 * event id, SEQUENCE = version, VTIMEZONE per zone, RRULE/EXDATE/RDATE and overrides (RECURRENCE-ID)
 * preserved, each reminder as a VALARM (`ACTION:DISPLAY`, RFC 5545 §3.6.6; relative ones also on moved
 * occurrences).
 * @throws WorkspaceNotFoundError (404) when the caller (or the feed token's owner) is not a member, or the token is not the current one
 */
@QueryHandler(ExportCalendarQuery)
export class ExportCalendarUseCase implements IQueryHandler<ExportCalendarQuery, string> {
  constructor(
    @Inject(EVENT_READ_MODEL) private readonly readModel: EventReadModelPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
    @Inject(FEED_TOKENS) private readonly tokens: FeedTokenPort,
  ) {}

  async execute({ workspaceId, actorId, feedToken }: ExportCalendarQuery): Promise<string> {
    const reader = feedToken === undefined ? actorId : await this.tokens.userOf(workspaceId, feedToken);
    if (reader === null) throw new WorkspaceNotFoundError(workspaceId);
    // A member who left loses the feed too, whatever token they kept.
    await requireMember(this.memberships, workspaceId, reader);
    const records = await this.readModel.candidates(workspaceId, ALL.from, ALL.to);
    const now = new Date().toISOString();
    return toICalendar({
      name: 'Archipelago',
      events: records.map(({ eventId, version, fields }) => ({
        uid: eventId,
        title: fields.title,
        description: fields.description,
        location: fields.location,
        schedule: scheduleOfEvent(fields),
        reminders: fields.reminders,
        sequence: version,
        updatedAt: now,
      })),
    });
  }
}
