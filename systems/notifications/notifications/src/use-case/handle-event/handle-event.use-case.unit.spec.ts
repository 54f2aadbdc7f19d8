import { describe, expect, it } from 'vitest';
import type { Notification, NotificationDraft, Preferences } from '../../entity/notification/notification.js';
import type { SourceFact } from '../../entity/notification/source-fact.js';
import type { KnownUser, NotificationRepositoryPort, NotificationWork } from '../port/notification.repository.port.js';
import { HandleEventCommand } from './handle-event.command.js';
import { HandleEventUseCase } from './handle-event.use-case.js';

/** In-memory repository: just what handling an event touches. */
class InMemory {
  inbox = new Set<string>();
  users = new Map<string, KnownUser>();
  orders = new Map<string, string>();
  prefs = new Map<string, Preferences>();
  notifications: Notification[] = [];
  deliveries: Array<{ notificationId: string; channel: string }> = [];
  /** Tombstones of the registry entities whose deletion was handled. */
  deletedEntities = new Set<string>();

  repository = {
    handleOnce: async (event: { id: string }, work: (tx: NotificationWork) => Promise<void>) => {
      if (this.inbox.has(event.id)) return false;
      this.inbox.add(event.id);
      await work(this.work);
      return true;
    },
  } as unknown as NotificationRepositoryPort;

  work: NotificationWork = {
    upsertUser: async (u) => void this.users.set(u.id, { ...this.users.get(u.id), ...u }),
    recordOrder: async (o, c) => void this.orders.set(o, c),
    orderCustomer: async (o) => this.orders.get(o) ?? null,
    usersWithAnyRole: async (roles) =>
      [...this.users.values()].filter((u) => u.roles?.some((r) => roles.includes(r))).map((u) => u.id),
    userWithEmail: async (email) =>
      [...this.users.values()].find((u) => u.email?.toLowerCase() === email.toLowerCase())?.id ?? null,
    preferencesOf: async (id) => this.prefs.get(id) ?? {},
    entityDeleted: async (entityId) => this.deletedEntities.has(entityId),
    addNotification: async (d: NotificationDraft, meta) => {
      if (this.notifications.some((n) => n.sourceEventId === meta.sourceEventId && n.recipientId === d.recipientId))
        return null;
      const n: Notification = {
        ...d,
        id: `n${this.notifications.length}`,
        read: false,
        archived: false,
        createdAt: meta.createdAt,
        sourceEventId: meta.sourceEventId,
      };
      this.notifications.push(n);
      return n;
    },
    addDelivery: async (notificationId, channel) => void this.deliveries.push({ notificationId, channel }),
  };
}

const clock = { now: () => '2026-12-06T12:00:00.000Z' };
const setup = () => {
  const db = new InMemory();
  const useCase = new HandleEventUseCase(db.repository, clock);
  const handle = (id: string, fact: SourceFact) => useCase.execute(new HandleEventCommand(id, 't', fact));
  return { db, handle };
};
const register = (id: string, roles: string[]): SourceFact => ({
  kind: 'user-registered',
  userId: id,
  email: `${id}@example.com`,
  displayName: id,
  roles,
});

describe('HandleEventUseCase', () => {
  it('resolves an order confirmation to the customer of the placed order, once per event', async () => {
    const { db, handle } = setup();
    await handle('e1', {
      kind: 'order-placed',
      orderId: 'o1',
      customerId: 'ann',
      total: { amount: 100, currency: 'EUR' },
    });
    const created = await handle('e2', { kind: 'order-confirmed', orderId: 'o1' });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ recipientId: 'ann', category: 'order', data: { orderId: 'o1' } });
    expect(await handle('e2', { kind: 'order-confirmed', orderId: 'o1' })).toEqual([]);
    expect(db.notifications).toHaveLength(1);
    expect(db.deliveries).toEqual([{ notificationId: created[0]!.id, channel: 'email' }]);
  });

  it('notifies nobody for an order it never saw placed', async () => {
    const { db, handle } = setup();
    expect(await handle('e1', { kind: 'order-confirmed', orderId: 'unknown' })).toEqual([]);
    expect(db.notifications).toEqual([]);
  });

  it('sends low stock to the admins of the users projection, following role changes', async () => {
    const { handle } = setup();
    await handle('u1', register('root', ['admin']));
    await handle('u2', register('ann', ['customer']));
    const low = { kind: 'low-stock', productId: 'p', sku: 'S', available: 1, threshold: 3 } as const;
    expect((await handle('l1', low)).map((n) => n.recipientId)).toEqual(['root']);
    await handle('r1', { kind: 'user-roles-changed', userId: 'ann', roles: ['admin'] });
    expect((await handle('l2', low)).map((n) => n.recipientId).sort()).toEqual(['ann', 'root']);
  });

  it('follows preferences: no e-mail when opted out, nothing when every channel is off', async () => {
    const { db, handle } = setup();
    db.prefs.set('ann', { task: { email: false }, reminder: { in_app: false, email: false } });
    expect(await handle('t1', { kind: 'task-assigned', taskId: 't', assigneeId: 'ann' })).toHaveLength(1);
    expect(db.deliveries).toEqual([]);
    const reminder: SourceFact = {
      kind: 'reminder-due',
      key: 'k',
      eventId: 'ev',
      occurrenceStart: null,
      recipients: ['ann', 'bob'],
    };
    expect((await handle('r1', reminder)).map((n) => n.recipientId)).toEqual(['bob']);
    const dueSoon: SourceFact = {
      kind: 'task-due-soon',
      key: 'k2',
      taskId: 't9',
      title: 'File taxes',
      dueAt: '2026-03-29T07:00:00Z',
      recipients: ['ann', 'bob'],
    };
    const [note] = await handle('d1', dueSoon);
    expect(note).toMatchObject({ recipientId: 'bob', category: 'reminder', link: '/scheduling/v1/tasks/t9' });
  });

  it('queues a push delivery when push is on for the category, even with in-app and e-mail off', async () => {
    const { db, handle } = setup();
    db.prefs.set('ann', { task: { push: true, email: false }, reminder: { in_app: false, email: false, push: true } });
    const [task] = await handle('t1', { kind: 'task-assigned', taskId: 't', assigneeId: 'ann' });
    const reminder: SourceFact = {
      kind: 'reminder-due',
      key: 'k',
      eventId: 'ev',
      occurrenceStart: null,
      recipients: ['ann'],
    };
    const [due] = await handle('r1', reminder);
    expect(db.deliveries).toEqual([
      { notificationId: task!.id, channel: 'push' },
      { notificationId: due!.id, channel: 'push' },
    ]);
    await handle('t2', { kind: 'task-assigned', taskId: 't2', assigneeId: 'bob' });
    expect(db.deliveries.filter((d) => d.channel === 'push')).toHaveLength(2); // push is off by default
  });

  it('skips unassignment and zero-amount refunds', async () => {
    const { handle } = setup();
    expect(await handle('t1', { kind: 'task-assigned', taskId: 't', assigneeId: null })).toEqual([]);
    expect(
      await handle('p1', {
        kind: 'payment-refunded',
        orderId: 'o',
        customerId: 'c',
        amount: { amount: 0, currency: 'EUR' },
      }),
    ).toEqual([]);
  });

  it("tells a claim's requester the attestor's decision, and a credential's holder of its issuance", async () => {
    const { handle, db } = setup();
    const claim = {
      kind: 'claim-decided',
      claimId: 'c1',
      entityType: 'Student',
      entityId: 'e1',
      policy: 'enrolment',
      requester: 'ann',
    } as const;
    const [attested] = await handle('a1', { ...claim, decision: 'attested', note: null });
    expect(attested).toMatchObject({
      recipientId: 'ann',
      category: 'attestation',
      title: 'Attestation approved',
      link: '/registry/v1/claims/c1',
      data: { claimId: 'c1', entityId: 'e1', policy: 'enrolment', decision: 'attested' },
    });
    const [rejected] = await handle('a2', { ...claim, decision: 'rejected', note: 'the register has no such pupil' });
    expect(rejected!.title).toBe('Attestation rejected');
    expect(rejected!.body).toContain('the register has no such pupil');
    const issued = { kind: 'credential-issued', credentialId: 'v1', entityType: 'Student', entityId: 'e1' } as const;
    const [credential] = await handle('i1', {
      ...issued,
      holder: 'ann',
      types: ['VerifiableCredential', 'StudentCredential'],
    });
    expect(credential).toMatchObject({
      recipientId: 'ann',
      category: 'credential',
      link: '/registry/v1/credentials/v1',
      data: { credentialId: 'v1', entityType: 'Student', entityId: 'e1' },
    });
    expect(credential!.body).toContain('StudentCredential');
    expect(await handle('i2', { ...issued, holder: null, types: ['VerifiableCredential'] })).toEqual([]);
    const revoked = { kind: 'credential-revoked', credentialId: 'v1', entityType: 'Student', entityId: 'e1' } as const;
    const [gone] = await handle('r1', { ...revoked, holder: 'ann', reason: 'entity-deleted' });
    expect(gone).toMatchObject({
      recipientId: 'ann',
      category: 'credential',
      title: 'Credential revoked',
      data: { entityId: 'e1', reason: 'entity-deleted' },
    });
    expect(gone!.body).toContain('the record was deleted');
    expect(await handle('r2', { ...revoked, holder: null, reason: 'manager' })).toEqual([]);
    expect(db.notifications.map((n) => n.recipientId)).toEqual(['ann', 'ann', 'ann', 'ann']);
  });

  it("e-mails identity's security messages to the address in the event, token links by e-mail only", async () => {
    const { db, handle } = setup();
    const visibility: boolean[] = [];
    const add = db.work.addNotification;
    db.work.addNotification = async (d, meta) => (visibility.push(meta.visible), add(d, meta));
    // Opt-outs do not apply (security is critical); the projection does not know the user yet.
    db.prefs.set('vera', { security: { email: false, in_app: false } });
    const [verify] = await handle('v1', {
      kind: 'email-verification-requested',
      userId: 'vera',
      email: 'vera@example.com',
      token: 'tok_en-1',
      expiresAt: '2026-12-07T12:00:00.000Z',
    });
    expect(verify).toMatchObject({
      recipientId: 'vera',
      category: 'security',
      link: '/identity/v1/email-verification/page?token=tok_en-1',
    });
    expect(JSON.stringify(verify!.data)).not.toContain('tok_en-1');
    expect(db.users.get('vera')).toMatchObject({ email: 'vera@example.com' });
    const [attempt] = await handle('a1', { kind: 'registration-attempted', userId: 'vera', email: 'vera@example.com' });
    expect(attempt).toMatchObject({
      category: 'security',
      link: null,
      title: expect.stringContaining('tried to register'),
    });
    const [reset] = await handle('p1', {
      kind: 'password-reset-requested',
      userId: 'vera',
      email: 'vera@example.com',
      token: 'reset-1',
      expiresAt: '2026-12-06T12:30:00.000Z',
    });
    expect(reset!.link).toBe('/identity/v1/password-reset/page?token=reset-1');
    expect(reset!.body).toContain('2026-12-06 12:30 UTC');
    expect(visibility).toEqual([false, true, false]);
    // Links with a token go by e-mail only (no push either); the notice without one also by push (critical).
    expect(db.deliveries.filter((d) => d.channel === 'email').map((d) => d.notificationId)).toEqual([
      verify!.id,
      attempt!.id,
      reset!.id,
    ]);
    expect(db.deliveries.filter((d) => d.channel !== 'email').map((d) => d.notificationId)).toEqual([attempt!.id]);
  });

  it('e-mails a sign-in one-time code (the fallback second factor) to the address only, never in the inbox', async () => {
    const { db, handle } = setup();
    const visibility: boolean[] = [];
    const add = db.work.addNotification;
    db.work.addNotification = async (d, meta) => (visibility.push(meta.visible), add(d, meta));
    db.prefs.set('otto', { security: { email: false, in_app: false } }); // critical: opt-outs do not apply
    const [otp] = await handle('o1', {
      kind: 'email-otp-requested',
      userId: 'otto',
      email: 'otto@example.com',
      code: '12345678',
      expiresAt: '2026-12-06T12:10:00.000Z',
    });
    expect(otp).toMatchObject({ recipientId: 'otto', category: 'security', link: null, title: 'Your sign-in code' });
    expect(otp!.body).toContain('12345678');
    expect(otp!.body).toContain('2026-12-06 12:10 UTC');
    expect(JSON.stringify(otp!.data)).not.toContain('12345678');
    expect(visibility).toEqual([false]);
    expect(db.deliveries.map((d) => [d.notificationId, d.channel])).toEqual([[otp!.id, 'email']]);
    expect(db.users.get('otto')).toMatchObject({ email: 'otto@example.com' });
  });

  it("tells the attestors (the policy's roles) of a raised claim, never its requester", async () => {
    const { handle } = setup();
    await handle('u1', register('ann', ['user', 'registrar']));
    await handle('u2', register('bob', ['registrar']));
    await handle('u3', register('cid', ['user']));
    const raised = await handle('c1', {
      kind: 'claim-raised',
      claimId: 'c1',
      entityType: 'Student',
      entityId: 'e1',
      policy: 'enrolment',
      requester: 'ann',
      attestorRoles: ['registrar', 'admin'],
      attestorUserIds: [],
    });
    expect(raised.map((n) => [n.recipientId, n.category, n.title, n.link])).toEqual([
      ['bob', 'attestation', 'Attestation requested', '/registry/v1/claims/c1'],
    ]);
  });

  it("tells the attestor entities' owners of a raised claim too: once each, never the requester, once per event", async () => {
    const { handle } = setup();
    await handle('u2', register('bob', ['registrar']));
    const claim: SourceFact = {
      kind: 'claim-raised',
      claimId: 'c2',
      entityType: 'Teacher',
      entityId: 'e2',
      policy: 'employment',
      requester: 'ann',
      attestorRoles: ['registrar'],
      // 'bob' holds the role and owns an attestor entity; 'pia' is not known to notifications yet.
      attestorUserIds: ['pia', 'bob', 'ann', 'pia'],
    };
    const raised = await handle('c2', claim);
    expect(raised.map((n) => [n.recipientId, n.category, n.data])).toEqual([
      ['bob', 'attestation', { claimId: 'c2', entityType: 'Teacher', entityId: 'e2', policy: 'employment' }],
      ['pia', 'attestation', { claimId: 'c2', entityType: 'Teacher', entityId: 'e2', policy: 'employment' }],
    ]);
    expect(await handle('c2', claim)).toEqual([]);
    const byEntityOnly = await handle('c3', { ...claim, claimId: 'c3', attestorRoles: [], attestorUserIds: ['pia'] });
    expect(byEntityOnly.map((n) => n.recipientId)).toEqual(['pia']);
  });

  it('tells the user when two-step verification is turned on or off, even with e-mail opted out (security)', async () => {
    const { db, handle } = setup();
    db.prefs.set('ann', { security: { email: false, in_app: false } });
    const [on] = await handle('s1', { kind: 'second-factor-changed', userId: 'ann', enabled: true });
    expect(on).toMatchObject({ recipientId: 'ann', category: 'security', title: 'Two-step verification turned on' });
    const [off] = await handle('s2', { kind: 'second-factor-changed', userId: 'ann', enabled: false });
    expect(off!.title).toBe('Two-step verification turned off');
    // Critical: e-mail (and push) despite the opt-out, for each of the two.
    expect(db.deliveries.filter((d) => d.channel === 'email')).toHaveLength(2);
  });

  it('tells the user of a password change and of a new sign-in, whatever their opt-outs (security)', async () => {
    const { db, handle } = setup();
    db.prefs.set('ann', { security: { email: false, in_app: false, push: false } });
    const at = '2026-12-07T10:15:00.000Z';
    const [changed] = await handle('p1', { kind: 'password-changed', userId: 'ann', how: 'change', occurredAt: at });
    expect(changed).toMatchObject({
      recipientId: 'ann',
      category: 'security',
      title: 'Your password was changed',
      link: '/identity/v1/users/me',
      data: { userId: 'ann', how: 'change' },
    });
    const [reset] = await handle('p2', { kind: 'password-changed', userId: 'ann', how: 'reset', occurredAt: at });
    expect(reset!.body).toContain('reset with an e-mailed link on 2026-12-07 10:15 UTC');
    const [signIn] = await handle('n1', {
      kind: 'new-sign-in',
      userId: 'ann',
      sessionId: 's-1',
      clientId: null,
      userAgent: 'curl/8.5.0',
      device: 'curl',
      network: '203.0.113.0/24',
      occurredAt: at,
    });
    expect(signIn).toMatchObject({
      category: 'security',
      title: 'New sign-in to your account',
      link: '/identity/v1/users/me/sessions',
      data: { sessionId: 's-1', device: 'curl', network: '203.0.113.0/24' },
    });
    expect(signIn!.body).toContain('with curl from the network 203.0.113.0/24 (curl/8.5.0)');
    // Critical: one e-mail and one push each despite the opt-outs; a redelivered event changes nothing.
    expect(db.deliveries.filter((d) => d.channel === 'email')).toHaveLength(3);
    expect(db.deliveries.filter((d) => d.channel === 'push')).toHaveLength(3);
    expect(await handle('n1', { kind: 'password-changed', userId: 'ann', how: 'change', occurredAt: at })).toEqual([]);
    expect(db.deliveries.filter((d) => d.channel === 'email')).toHaveLength(3);
  });

  it('invites a bare e-mail address by e-mail only (no inbox), or the known user with that address', async () => {
    const { db, handle } = setup();
    const invited = (email: string) =>
      ({
        kind: 'entity-invited',
        entityType: 'Student',
        entityId: 'e1',
        inviteeEmail: email,
        inviter: 'anonymous',
      }) as const;
    const [toAddress] = await handle('v1', invited('New.Person@Example.com'));
    expect(toAddress).toMatchObject({
      recipientId: 'mailto:new.person@example.com',
      category: 'account',
      link: '/identity/v1/users',
      data: { entityType: 'Student', entityId: 'e1', record: '/registry/v1/entity/Student/e1' },
    });
    expect(db.deliveries).toEqual([{ notificationId: toAddress!.id, channel: 'email' }]);
    await handle('u1', register('ann', ['user']));
    const [toUser] = await handle('v2', invited('ANN@example.com'));
    expect(toUser).toMatchObject({ recipientId: 'ann', category: 'account' });
    expect(await handle('v3', invited('not-an-address'))).toEqual([]);
  });

  it('drops an invitation of an entity whose deletion was handled first (EntityDeletedV1 on another topic)', async () => {
    const { db, handle } = setup();
    db.deletedEntities.add('e1');
    const late = await handle('v1', {
      kind: 'entity-invited',
      entityType: 'Student',
      entityId: 'e1',
      inviteeEmail: 'late@example.com',
      inviter: 'anonymous',
    });
    expect(late).toEqual([]);
    expect(db.notifications).toEqual([]);
    expect(db.deliveries).toEqual([]);
    // Another entity's invitation still goes out.
    expect(
      await handle('v2', {
        kind: 'entity-invited',
        entityType: 'Student',
        entityId: 'e2',
        inviteeEmail: 'late@example.com',
        inviter: 'anonymous',
      }),
    ).toHaveLength(1);
  });

  it("makes a claim decision about a deleted entity without the attestor's note, keeping its ids", async () => {
    const { db, handle } = setup();
    db.deletedEntities.add('e1');
    const [decided] = await handle('c1', {
      kind: 'claim-decided',
      decision: 'rejected',
      claimId: 'c-1',
      entityType: 'Teacher',
      entityId: 'e1',
      policy: 'degree',
      requester: 'ann',
      note: 'Certificate 4711 of Ann Example does not match',
    });
    expect(decided).toMatchObject({
      recipientId: 'ann',
      category: 'attestation',
      title: 'Attestation rejected',
      data: { claimId: 'c-1', entityId: 'e1', decision: 'rejected', erased: true },
    });
    expect(decided!.body).not.toContain('4711');
    expect(decided!.body).toContain('degree attestation of your Teacher record');
  });
});
