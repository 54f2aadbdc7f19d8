/**
 * Erase what the service derived from a registry entity that was deleted: the `EntityDeletedV1`
 * event's CloudEvents id, its topic and the entity id.
 */
export class EraseDeletedEntityCommand {
  constructor(
    readonly eventId: string,
    readonly topic: string,
    readonly entityId: string,
  ) {}
}
