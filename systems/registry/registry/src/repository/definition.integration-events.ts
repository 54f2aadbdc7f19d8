import { REGISTRY_EVENTS, type DefinitionActivatedV1 } from '@archipelago/registry-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { DefinitionEvent } from '../entity/definition/definition.events.js';

/**
 * Maps definition events to the integration events other services may rely on: only activation
 * is published (`DefinitionActivatedV1`, key = definition id; the title is the activated schema's,
 * trimmed, as the id derivation reads it).
 */
export function definitionIntegrationEvents(
  events: readonly DefinitionEvent[],
  traceparent?: string,
): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  for (const event of events) {
    if (event.type !== 'DefActivated') continue;
    const title = String(event.data.schema['title']).trim();
    const payload: DefinitionActivatedV1 = {
      definitionId: event.data.id,
      title,
      version: event.data.version,
      activatedBy: event.data.by,
      occurredAt: event.data.at,
    };
    const { topic, type } = REGISTRY_EVENTS.DefinitionActivatedV1;
    messages.push({ topic, type, key: event.data.id, payload, traceparent });
  }
  return messages;
}
