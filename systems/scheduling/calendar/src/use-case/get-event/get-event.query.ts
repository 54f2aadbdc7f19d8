/** One event from the query side (`GET /scheduling/v1/events/{id}?minVersion=`). */
export class GetEventQuery {
  constructor(
    readonly eventId: string,
    readonly actorId: string,
    readonly minVersion?: number,
  ) {}
}
