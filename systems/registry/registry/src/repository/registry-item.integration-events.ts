import { REGISTRY_EVENTS, type RegistryItemCreatedV1 } from '@archipelago/registry-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { RegistryItemEvent } from '../entity/registry-item/registry-item.events.js';

/**
 * Maps domain events to the integration events other services may rely on (the published
 * language in @archipelago/registry-contracts). Domain events stay private to the service.
 */
export function toIntegrationEvents(events: readonly RegistryItemEvent[], traceparent?: string): OutgoingMessage[] {
  return events.map((event): OutgoingMessage => {
    switch (event.type) {
      case 'RegistryItemCreated': {
        const { itemId, name, at } = event.data;
        const payload: RegistryItemCreatedV1 = { itemId, name, occurredAt: at };
        const { topic, type } = REGISTRY_EVENTS.RegistryItemCreatedV1;
        return { topic, type, key: itemId, payload, traceparent };
      }
    }
  });
}
