import type { SourceFact } from '../../entity/notification/source-fact.js';

/** Handle one integration event (CloudEvents `id`, its topic, and what it says). */
export class HandleEventCommand {
  constructor(
    readonly eventId: string,
    readonly topic: string,
    readonly fact: SourceFact,
  ) {}
}
