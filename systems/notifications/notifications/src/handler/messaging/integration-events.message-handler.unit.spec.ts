import { ORDERING_EVENTS, PAYMENTS_EVENTS } from '@archipelago/commerce-contracts';
import { CREDENTIALS_EVENTS, REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { CALENDAR_EVENTS } from '@archipelago/scheduling-contracts';
import type { CommandBus } from '@nestjs/cqrs';
import { describe, expect, it } from 'vitest';
import { CONSUMED_TOPICS } from '../../repository/notifications.infrastructure.js';
import { EraseDeletedEntityCommand } from '../../use-case/erase-deleted-entity/erase-deleted-entity.command.js';
import { HandleEventCommand } from '../../use-case/handle-event/handle-event.command.js';
import { HANDLED_EVENTS, IntegrationEventsMessageHandler } from './integration-events.message-handler.js';

describe('notifications: the integration events consumed', () => {
  it('subscribes the topic of every event it translates (else the event never arrives)', () => {
    expect(HANDLED_EVENTS.length).toBeGreaterThan(20);
    const missing = HANDLED_EVENTS.filter((e) => !CONSUMED_TOPICS.includes(e.topic));
    expect(missing).toEqual([]);
  });

  it('subscribes no topic that carries none of the events it translates', () => {
    const handledTopics = new Set(HANDLED_EVENTS.map((e) => e.topic));
    expect(CONSUMED_TOPICS.filter((topic) => !handledTopics.has(topic))).toEqual([]);
  });

  it('translates the commerce, scheduling and registry events the docs list', () => {
    const types = HANDLED_EVENTS.map((e) => e.type);
    for (const event of [
      ORDERING_EVENTS.OrderShippedV1,
      ORDERING_EVENTS.OrderDeliveredV1,
      ORDERING_EVENTS.OrderReturnedV1,
      PAYMENTS_EVENTS.PaymentRefundedV1,
      CALENDAR_EVENTS.ReminderDueV1,
      REGISTRY_EVENTS.ClaimAttestedV1,
      REGISTRY_EVENTS.ClaimRejectedV1,
      REGISTRY_EVENTS.EntityInvitedV1,
      REGISTRY_EVENTS.EntityDeletedV1,
      CREDENTIALS_EVENTS.CredentialIssuedV1,
      CREDENTIALS_EVENTS.CredentialRevokedV1,
    ]) {
      expect(types, event.type).toContain(event.type);
    }
  });

  it('sends the credential events with their entity id (the record the credential is about)', async () => {
    const sent: HandleEventCommand[] = [];
    const handler = new IntegrationEventsMessageHandler({
      execute: async (command: HandleEventCommand) => void sent.push(command),
    } as unknown as CommandBus);
    const entityId = '0193f1c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f';
    await handler.handle({
      id: 'e1',
      topic: CREDENTIALS_EVENTS.CredentialRevokedV1.topic,
      key: 'k',
      type: CREDENTIALS_EVENTS.CredentialRevokedV1.type,
      source: '/test',
      time: '2026-12-07T06:00:00.000Z',
      payload: {
        credentialId: '0193f1c4-5a6b-7c8d-9e0f-1a2b3c4d5e70',
        entityType: 'Teacher',
        entityId,
        reason: 'manager',
        holder: 'ann',
        occurredAt: '2026-12-07T06:00:00.000Z',
      },
      headers: {},
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.fact).toMatchObject({ kind: 'credential-revoked', entityId, holder: 'ann' });
  });

  it("sends a registry entity's deletion to the erasure, with the event's id and topic", async () => {
    const sent: unknown[] = [];
    const handler = new IntegrationEventsMessageHandler({
      execute: async (command: unknown) => void sent.push(command),
    } as unknown as CommandBus);
    const entityId = '0193f1c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f';
    const { topic, type } = REGISTRY_EVENTS.EntityDeletedV1;
    await handler.handle({
      id: 'd1',
      topic,
      key: entityId,
      type,
      source: '/registry/registry',
      time: '2026-12-07T06:00:00.000Z',
      payload: {
        entityId,
        entityType: 'Student',
        definitionId: '1bd23c91-3379-b65b-11cc-64984050e35c',
        version: 3,
        actor: 'admin-1',
        occurredAt: '2026-12-07T06:00:00.000Z',
      },
      headers: {},
    });
    expect(sent).toEqual([new EraseDeletedEntityCommand('d1', topic, entityId)]);
  });
});
