import { CREDENTIALS_EVENTS, type CredentialsItemCreatedV1 } from '@archipelago/registry-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { CredentialsItemEvent } from '../entity/credentials-item/credentials-item.events.js';

/**
 * Maps domain events to the integration events other services may rely on (the published
 * language in @archipelago/registry-contracts). Domain events stay private to the service.
 */
export function toIntegrationEvents(events: readonly CredentialsItemEvent[], traceparent?: string): OutgoingMessage[] {
  return events.map((event): OutgoingMessage => {
    switch (event.type) {
      case 'CredentialsItemCreated': {
        const { itemId, name, at } = event.data;
        const payload: CredentialsItemCreatedV1 = { itemId, name, occurredAt: at };
        const { topic, type } = CREDENTIALS_EVENTS.CredentialsItemCreatedV1;
        return { topic, type, key: itemId, payload, traceparent };
      }
    }
  });
}
