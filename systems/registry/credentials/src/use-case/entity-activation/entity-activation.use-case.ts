import { Inject, Injectable, Logger } from '@nestjs/common';
import { decideActivation, type EntityActivationChange } from '../../entity/credential/entity-activation.js';
import {
  ENTITY_ACTIVATIONS,
  type ActivationOutcome,
  type ChangeMessage,
  type EntityActivationsPort,
} from '../port/credential-store.port.js';

/**
 * A registry entity was deactivated or reactivated (EntityDeactivatedV1 / EntityReactivatedV1):
 * suspends its credentials (the suspension bit of each unrevoked one with a suspension entry) or
 * lifts their suspension, so that they verify as suspended and then valid again. Idempotent per
 * message (inbox); the two events come on two topics in no particular order, so one older than the
 * last applied entity version is ignored (decideActivation). Credentials without a suspension entry
 * (issued before suspension existed) are left as they are: their status cannot express it.
 */
@Injectable()
export class EntityActivationUseCase {
  private readonly logger = new Logger('EntityActivationUseCase');

  constructor(@Inject(ENTITY_ACTIVATIONS) private readonly activations: EntityActivationsPort) {}

  /** Applies `change` carried by `message`; returns what happened (duplicate, stale, applied with a count). */
  async execute(message: ChangeMessage, change: EntityActivationChange): Promise<ActivationOutcome> {
    const outcome = await this.activations.applyEntityActivation(message, change, (last) =>
      decideActivation(last, change),
    );
    if (outcome.outcome === 'stale') {
      this.logger.log(
        `ignored ${change.deactivated ? 'deactivation' : 'reactivation'} of ${change.entityType} ${change.entityId} at version ${change.version}: version ${outcome.appliedVersion} applied already`,
      );
    }
    return outcome;
  }
}
