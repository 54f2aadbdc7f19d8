import { describe, expect, it } from 'vitest';
import { eraseEntityContent, eraseEntityPersonalData } from './entity-erasure.js';
import type { Notification } from './notification.js';
import { planNotification, type NotificationPlan, type SourceFact } from './source-fact.js';

const ENTITY = '0193f1c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f';
/** The stored notification a fact's plan makes for `recipientId`. */
function stored(fact: SourceFact, recipientId: string): Notification {
  const plan = planNotification(fact) as NotificationPlan;
  return {
    id: 'n-1',
    recipientId,
    category: plan.category,
    title: plan.title,
    body: plan.body,
    link: plan.link,
    data: plan.data,
    read: true,
    archived: false,
    createdAt: '2026-12-07T06:00:00.000Z',
    sourceEventId: 'ev-1',
  };
}
const invitation = (inviter = 'anonymous'): SourceFact => ({
  kind: 'entity-invited',
  entityType: 'Student',
  entityId: ENTITY,
  inviteeEmail: 'kim@example.com',
  inviter,
});

describe('erasure of a deleted registry entity from its notifications', () => {
  it("replaces an invitation's address recipient, text and link; keeps the category and ids", () => {
    const erased = eraseEntityPersonalData(stored(invitation(), 'mailto:kim@example.com'));
    expect(erased).toEqual({
      recipientId: 'erased:n-1',
      title: 'Invitation to the Student registry withdrawn',
      body: 'The Student record this invitation was for was deleted: there is nothing to accept any more.',
      link: null,
      data: { entityType: 'Student', entityId: ENTITY, erased: true },
      withdrawn: true,
    });
    expect(JSON.stringify(erased)).not.toContain('kim@');
  });

  it("keeps a known user's recipient id (their account), and erasing twice changes nothing more", () => {
    const first = eraseEntityPersonalData(stored(invitation('admin-1'), 'ann'))!;
    expect(first).toMatchObject({ recipientId: 'ann', withdrawn: true, link: null });
    const again = eraseEntityPersonalData({ id: 'n-1', category: 'account', ...first });
    expect(again).toEqual(first);
  });

  it("drops an attestor's note from a claim decision, keeps its title, link and ids", () => {
    for (const decision of ['attested', 'rejected'] as const) {
      const fact: SourceFact = {
        kind: 'claim-decided',
        decision,
        claimId: 'c-1',
        entityType: 'Teacher',
        entityId: ENTITY,
        policy: 'degree',
        requester: 'ann',
        note: 'seen passport 12AB34',
      };
      const before = stored(fact, 'ann');
      expect(before.body).toContain('12AB34');
      const erased = eraseEntityPersonalData(before)!;
      expect(erased.body).not.toContain('12AB34');
      expect(erased.body).toContain(decision === 'attested' ? 'approved' : 'rejected');
      expect(erased).toMatchObject({
        recipientId: 'ann',
        title: before.title,
        link: '/registry/v1/claims/c-1',
        data: { claimId: 'c-1', entityId: ENTITY, policy: 'degree', decision, erased: true },
        withdrawn: false,
      });
    }
  });

  it('leaves claims raised and credentials alone: ids and names only, nothing personal', () => {
    const facts: SourceFact[] = [
      {
        kind: 'claim-raised',
        claimId: 'c-1',
        entityType: 'Teacher',
        entityId: ENTITY,
        policy: 'degree',
        requester: 'ann',
        attestorRoles: ['registrar'],
        attestorUserIds: [],
      },
      {
        kind: 'credential-revoked',
        credentialId: 'vc-1',
        entityType: 'Teacher',
        entityId: ENTITY,
        holder: 'ann',
        reason: 'entity-deleted',
      },
      {
        kind: 'credential-issued',
        credentialId: 'vc-1',
        entityType: 'Teacher',
        entityId: ENTITY,
        holder: 'ann',
        types: ['VerifiableCredential', 'TeacherCredential'],
      },
    ];
    for (const fact of facts) expect(eraseEntityContent(stored(fact, 'root')), fact.kind).toBeNull();
  });

  it('a deletion notifies nobody (it only erases)', () => {
    expect(planNotification({ kind: 'entity-deleted', entityType: 'Student', entityId: ENTITY })).toBeNull();
  });
});
