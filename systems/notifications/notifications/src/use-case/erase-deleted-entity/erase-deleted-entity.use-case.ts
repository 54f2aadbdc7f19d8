import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { eraseEntityPersonalData } from '../../entity/notification/entity-erasure.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { NOTIFICATION_REPOSITORY, type NotificationRepositoryPort } from '../port/notification.repository.port.js';
import { EraseDeletedEntityCommand } from './erase-deleted-entity.command.js';

/** The last error of a delivery cancelled by an erasure (what an operator reads). */
export const CANCELLED_BY_ERASURE = 'cancelled: the registry entity was deleted (EntityDeletedV1)';

/** What one erasure changed (all zero for a duplicate event). */
export interface EntityErasureResult {
  /** Notifications about the entity whose content or recipient was rewritten. */
  readonly erased: number;
  /** Pending or dead deliveries of its invitations that will never be sent now. */
  readonly cancelled: number;
}

/**
 * Erases the personal data this service derived from a registry entity that was deleted
 * (`EntityDeletedV1`; the registry crypto-shreds the entity): a tombstone of the entity id is kept
 * (a later invitation of it is dropped by `HandleEventUseCase`), the deliveries of its
 * invitations that were not sent are cancelled, every notification about it loses what
 * `eraseEntityPersonalData` deems personal (the invitee's address, the text of the invitation, an
 * attestor's note), and the consumer's dead-lettered copies of its invitations are deleted. One
 * transaction with the inbox record: a duplicate event is a no-op.
 */
@CommandHandler(EraseDeletedEntityCommand)
export class EraseDeletedEntityUseCase implements ICommandHandler<EraseDeletedEntityCommand, EntityErasureResult> {
  constructor(
    @Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ eventId, topic, entityId }: EraseDeletedEntityCommand): Promise<EntityErasureResult> {
    let result: EntityErasureResult = { erased: 0, cancelled: 0 };
    await this.repository.eraseOnce({ id: eventId, topic }, async (tx) => {
      await tx.markEntityDeleted(entityId, { sourceEventId: eventId, at: this.clock.now() });
      const erasures = (await tx.notificationsAbout(entityId)).flatMap((notification) => {
        const erasure = eraseEntityPersonalData(notification);
        return erasure ? [{ notification, erasure }] : [];
      });
      // Deliveries first: once cancelled (and locked), no delivery round can claim one while the
      // notifications are rewritten.
      const withdrawn = erasures.filter((e) => e.erasure.withdrawn).map((e) => e.notification.id);
      const cancelled = await tx.cancelDeliveries(withdrawn, CANCELLED_BY_ERASURE);
      for (const { notification, erasure } of erasures) await tx.eraseNotification(notification, erasure);
      await tx.forgetInvitationMessages(entityId);
      result = { erased: erasures.length, cancelled };
    });
    return result;
  }
}
