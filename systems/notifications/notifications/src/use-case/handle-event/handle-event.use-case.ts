import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { channelEnabled, type Notification } from '../../entity/notification/notification.js';
import { planNotification, type RecipientSpec, type SourceFact } from '../../entity/notification/source-fact.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import {
  NOTIFICATION_REPOSITORY,
  type NotificationRepositoryPort,
  type NotificationWork,
} from '../port/notification.repository.port.js';
import { HandleEventCommand } from './handle-event.command.js';

/**
 * Turns one integration event into notifications, exactly once: the projections (users, orders)
 * are updated, the recipients resolved, one notification per recipient added (per the recipient's
 * preferences), and an e-mail delivery queued when the e-mail channel is on. Everything happens in
 * the inbox transaction, so a duplicate delivery of the event is a no-op.
 * Returns the notifications created (empty for a duplicate or a fact that notifies nobody).
 */
@CommandHandler(HandleEventCommand)
export class HandleEventUseCase implements ICommandHandler<HandleEventCommand, Notification[]> {
  constructor(
    @Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ eventId, topic, fact }: HandleEventCommand): Promise<Notification[]> {
    const created: Notification[] = [];
    await this.repository.handleOnce({ id: eventId, topic }, async (tx) => {
      await project(fact, tx);
      const plan = planNotification(fact);
      if (!plan) return;
      const createdAt = this.clock.now();
      for (const recipientId of await resolve(plan.recipients, tx)) {
        const preferences = await tx.preferencesOf(recipientId);
        const visible = channelEnabled(preferences, plan.category, 'in_app');
        const email = channelEnabled(preferences, plan.category, 'email');
        if (!visible && !email) continue;
        const notification = await tx.addNotification(
          {
            recipientId,
            category: plan.category,
            title: plan.title,
            body: plan.body,
            link: plan.link,
            data: plan.data,
          },
          { sourceEventId: eventId, createdAt, visible },
        );
        if (!notification) continue;
        created.push(notification);
        if (email) await tx.addDelivery(notification.id, 'email');
      }
    });
    return created;
  }
}

/** Feeds the users and orders projections the recipients are resolved from. */
async function project(fact: SourceFact, tx: NotificationWork): Promise<void> {
  switch (fact.kind) {
    case 'user-registered':
      return tx.upsertUser({ id: fact.userId, email: fact.email, displayName: fact.displayName, roles: fact.roles });
    case 'user-roles-changed':
      return tx.upsertUser({ id: fact.userId, roles: fact.roles });
    case 'order-placed':
      return tx.recordOrder(fact.orderId, fact.customerId);
    default:
      return;
  }
}

async function resolve(spec: RecipientSpec, tx: NotificationWork): Promise<string[]> {
  switch (spec.kind) {
    case 'users':
      return [...new Set(spec.userIds)];
    case 'order-customer': {
      const customer = await tx.orderCustomer(spec.orderId);
      return customer ? [customer] : [];
    }
    case 'admins':
      return tx.usersWithAnyRole(['admin']);
    case 'roles': {
      const except = new Set(spec.except);
      return (await tx.usersWithAnyRole(spec.roles)).filter((id) => !except.has(id));
    }
  }
}
