import { describe, expect, it } from 'vitest';
import type { Notification } from '../../entity/notification/notification.js';
import type { EntityErasureWork, NotificationRepositoryPort } from '../port/notification.repository.port.js';
import { EraseDeletedEntityCommand } from './erase-deleted-entity.command.js';
import { CANCELLED_BY_ERASURE, EraseDeletedEntityUseCase } from './erase-deleted-entity.use-case.js';

interface Delivery {
  notificationId: string;
  status: 'pending' | 'sent' | 'dead' | 'gone' | 'cancelled';
  lastError: string | null;
  deadLetter: boolean;
}

/** In-memory store of what an erasure touches, with the port's semantics. */
class InMemory {
  inbox = new Set<string>();
  tombstones = new Map<string, { sourceEventId: string; at: string }>();
  notifications: Notification[] = [];
  deliveries: Delivery[] = [];
  /** The consumer's dead-lettered messages: type and key. */
  deadLetters: Array<{ type: string; key: string }> = [];

  work: EntityErasureWork = {
    markEntityDeleted: async (entityId, meta) => {
      if (!this.tombstones.has(entityId)) this.tombstones.set(entityId, meta);
    },
    notificationsAbout: async (entityId) => this.notifications.filter((n) => n.data.entityId === entityId),
    cancelDeliveries: async (ids, reason) => {
      let cancelled = 0;
      for (const d of this.deliveries.filter((x) => ids.includes(x.notificationId))) {
        const end = d.status === 'pending' || d.status === 'dead';
        if (end) cancelled++;
        const lastError = end ? reason : d.status === 'cancelled' ? d.lastError : null;
        Object.assign(d, { status: end ? 'cancelled' : d.status, lastError, deadLetter: false });
      }
      return cancelled;
    },
    eraseNotification: async (notification, { recipientId, title, body, link, data }) => {
      const i = this.notifications.findIndex((n) => n.id === notification.id);
      this.notifications[i] = { ...this.notifications[i]!, recipientId, title, body, link, data };
    },
    forgetInvitationMessages: async (entityId) => {
      const before = this.deadLetters.length;
      this.deadLetters = this.deadLetters.filter((m) => !(m.type.endsWith('EntityInvitedV1') && m.key === entityId));
      return before - this.deadLetters.length;
    },
  };

  repository = {
    eraseOnce: async (event: { id: string }, work: (tx: EntityErasureWork) => Promise<void>) => {
      if (this.inbox.has(event.id)) return false;
      this.inbox.add(event.id);
      await work(this.work);
      return true;
    },
  } as unknown as NotificationRepositoryPort;
}

const AT = '2026-12-07T12:00:00.000Z';
const notification = (id: string, recipientId: string, fields: Partial<Notification>): Notification => ({
  id,
  recipientId,
  category: 'account',
  title: 'You are invited to the Student registry',
  body: 'You were invited to the Student registry.',
  link: '/identity/v1/users',
  data: {},
  read: false,
  archived: false,
  createdAt: AT,
  sourceEventId: `ev-${id}`,
  ...fields,
});
const invitation = (id: string, recipientId: string, entityId: string) =>
  notification(id, recipientId, {
    data: { entityType: 'Student', entityId, record: `/registry/v1/entity/Student/${entityId}` },
  });

function setup() {
  const db = new InMemory();
  db.notifications = [
    invitation('n1', 'mailto:kim@example.com', 'e1'),
    invitation('n2', 'ann', 'e1'),
    notification('n3', 'ann', {
      category: 'attestation',
      title: 'Attestation rejected',
      body: 'An attestor rejected the degree attestation of your Student record: passport 12AB34 expired.',
      link: '/registry/v1/claims/c1',
      data: { claimId: 'c1', entityType: 'Student', entityId: 'e1', policy: 'degree', decision: 'rejected' },
    }),
    notification('n4', 'ann', {
      category: 'credential',
      title: 'Credential revoked',
      data: { credentialId: 'vc1', entityType: 'Student', entityId: 'e1', reason: 'entity-deleted' },
    }),
    invitation('n5', 'mailto:kim@example.com', 'e2'),
  ];
  db.deliveries = [
    { notificationId: 'n1', status: 'pending', lastError: null, deadLetter: false },
    { notificationId: 'n2', status: 'sent', lastError: null, deadLetter: true },
    { notificationId: 'n2', status: 'dead', lastError: '550 <ann@example.com> mailbox full', deadLetter: true },
    { notificationId: 'n3', status: 'pending', lastError: null, deadLetter: false },
    { notificationId: 'n5', status: 'pending', lastError: null, deadLetter: false },
  ];
  db.deadLetters = [
    { type: 'archipelago.registry.registry.EntityInvitedV1', key: 'e1' },
    { type: 'archipelago.registry.registry.EntityInvitedV1', key: 'e2' },
  ];
  const useCase = new EraseDeletedEntityUseCase(db.repository, { now: () => AT });
  const erase = (eventId: string, entityId: string) =>
    useCase.execute(new EraseDeletedEntityCommand(eventId, 'registry.registry.entity-deleted.v1', entityId));
  return { db, erase };
}

describe('EraseDeletedEntityUseCase', () => {
  it("erases the invitee's address, cancels the unsent invitations, keeps sent ones sent", async () => {
    const { db, erase } = setup();
    expect(await erase('d1', 'e1')).toEqual({ erased: 3, cancelled: 2 });
    const [n1, n2, n3, n4, n5] = db.notifications;
    expect(n1).toMatchObject({ recipientId: 'erased:n1', category: 'account', link: null, sourceEventId: 'ev-n1' });
    expect(n1!.data).toEqual({ entityType: 'Student', entityId: 'e1', erased: true });
    expect(n2).toMatchObject({ recipientId: 'ann', title: 'Invitation to the Student registry withdrawn' });
    expect(n3!.body).not.toContain('12AB34');
    expect(n3!.data).toMatchObject({ claimId: 'c1', erased: true });
    expect(n4!.data).not.toHaveProperty('erased'); // nothing personal in it
    expect(n5).toEqual(invitation('n5', 'mailto:kim@example.com', 'e2')); // another entity: untouched
    expect(db.deliveries).toEqual([
      { notificationId: 'n1', status: 'cancelled', lastError: CANCELLED_BY_ERASURE, deadLetter: false },
      { notificationId: 'n2', status: 'sent', lastError: null, deadLetter: false },
      { notificationId: 'n2', status: 'cancelled', lastError: CANCELLED_BY_ERASURE, deadLetter: false },
      // The claim decision is still told (without the note): its delivery goes on.
      { notificationId: 'n3', status: 'pending', lastError: null, deadLetter: false },
      { notificationId: 'n5', status: 'pending', lastError: null, deadLetter: false },
    ]);
    expect(db.deadLetters).toEqual([{ type: 'archipelago.registry.registry.EntityInvitedV1', key: 'e2' }]);
    expect(db.tombstones.get('e1')).toEqual({ sourceEventId: 'd1', at: AT });
    expect(JSON.stringify(db.notifications.slice(0, 4))).not.toMatch(/kim@|ann@/);
  });

  it('is a no-op for a redelivered event; another deletion event of the same entity changes nothing more', async () => {
    const { db, erase } = setup();
    await erase('d1', 'e1');
    const after = structuredClone({ n: db.notifications, d: db.deliveries, t: [...db.tombstones] });
    expect(await erase('d1', 'e1')).toEqual({ erased: 0, cancelled: 0 });
    expect(await erase('d2', 'e1')).toEqual({ erased: 3, cancelled: 0 });
    expect({ n: db.notifications, d: db.deliveries, t: [...db.tombstones] }).toEqual(after);
  });

  it('keeps a tombstone even when nothing was derived from the entity yet (the invitation comes later)', async () => {
    const { db, erase } = setup();
    expect(await erase('d1', 'e9')).toEqual({ erased: 0, cancelled: 0 });
    expect(db.tombstones.has('e9')).toBe(true);
  });
});
