import { DomainError } from '@archipelago/util-decider';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventNotFoundError } from '../../entity/event/calendar-event.errors.js';
import { CALENDAR_EVENT_REPOSITORY, type CalendarEventRepositoryPort } from '../port/calendar-event.repository.port.js';
import type { EventRecord } from '../port/event.read-model.port.js';
import { EVENT_LOOKUP, type EventLookupPort } from '../port/reminder-store.port.js';
import { WORKSPACE_MEMBERSHIP, type WorkspaceMembershipPort } from '../port/workspace-membership.port.js';
import { roleOf } from '../workspace-access.js';
import { GetEventQuery } from './get-event.query.js';

/** How long a read with `minVersion` waits for the projection (ms), and how often it looks. */
export const MIN_VERSION_WAIT_MS = 2000;
const POLL_MS = 20;

/** The read model has not reached the version asked for within 2 s (409; retry). */
export class StaleEventReadError extends DomainError {
  readonly code = 'EVENT.STALE_READ';
  constructor(eventId: string, minVersion: number, seen: number | null) {
    super(`event ${eventId} is not at version ${minVersion} on the query side yet (seen: ${seen ?? 'none'}); retry`, {
      eventId,
      minVersion,
      seen,
    });
  }
}

/**
 * Reads one event from the query side (`calendar_event_list`), for a member of its workspace. With
 * `minVersion` (a version a write answered), waits up to 2 s for the projection to reach it, so a
 * client reads its own write — but only when waiting can help: when the read model is behind, the
 * write side (the event's stream, committed before any write answered) is asked once, and an event it
 * does not have (never created, or deleted) or that is not the caller's to see is 404 at once, and a
 * `minVersion` beyond the stream's version (a version no write answered) is 409 at once.
 * @throws EventNotFoundError (404: absent, deleted, or not the caller's to see), StaleEventReadError (409)
 */
@QueryHandler(GetEventQuery)
export class GetEventUseCase implements IQueryHandler<GetEventQuery, EventRecord> {
  constructor(
    @Inject(EVENT_LOOKUP) private readonly events: EventLookupPort,
    @Inject(WORKSPACE_MEMBERSHIP) private readonly memberships: WorkspaceMembershipPort,
    @Inject(CALENDAR_EVENT_REPOSITORY) private readonly writeSide: CalendarEventRepositoryPort,
  ) {}

  async execute({ eventId, actorId, minVersion }: GetEventQuery): Promise<EventRecord> {
    const deadline = Date.now() + MIN_VERSION_WAIT_MS;
    let checked = false;
    for (;;) {
      const record = await this.events.find(eventId);
      if (record && (await roleOf(this.memberships, record.fields.workspaceId, actorId)) === null)
        throw new EventNotFoundError(eventId);
      if (minVersion === undefined || (record && record.version >= minVersion)) {
        if (!record) throw new EventNotFoundError(eventId);
        return record;
      }
      if (!checked) {
        checked = true;
        const { state, version } = await this.writeSide.load(eventId);
        if (state.kind !== 'live' || (await roleOf(this.memberships, state.fields.workspaceId, actorId)) === null)
          throw new EventNotFoundError(eventId);
        if (version < minVersion) throw new StaleEventReadError(eventId, minVersion, record?.version ?? null);
      }
      if (Date.now() >= deadline) throw new StaleEventReadError(eventId, minVersion, record?.version ?? null);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
