import { IDENTITY_EVENTS, type UserRegisteredV1, type UserRolesChangedV1 } from '@archipelago/identity-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { UserEvent } from '../entity/user/user.events.js';

/**
 * Maps domain events to the integration events other systems may rely on (identity-contracts).
 * Display-name changes and e-mail verification stay private. No payload carries credentials.
 */
export function toIntegrationEvents(events: readonly UserEvent[], traceparent?: string): OutgoingMessage[] {
  return events.flatMap((event): OutgoingMessage[] => {
    switch (event.type) {
      case 'UserRegistered': {
        const { userId, email, displayName, roles, at } = event.data;
        const payload: UserRegisteredV1 = { id: userId, email, displayName, roles: [...roles], occurredAt: at };
        const { topic, type } = IDENTITY_EVENTS.UserRegisteredV1;
        return [{ topic, type, key: userId, payload, traceparent }];
      }
      case 'UserRolesChanged': {
        const { userId, roles, at } = event.data;
        const payload: UserRolesChangedV1 = { id: userId, roles: [...roles], occurredAt: at };
        const { topic, type } = IDENTITY_EVENTS.UserRolesChangedV1;
        return [{ topic, type, key: userId, payload, traceparent }];
      }
      case 'UserDisabled':
      case 'UserEnabled': {
        const { userId, at } = event.data;
        const { topic, type } = IDENTITY_EVENTS[event.type === 'UserDisabled' ? 'UserDisabledV1' : 'UserEnabledV1'];
        return [{ topic, type, key: userId, payload: { id: userId, occurredAt: at }, traceparent }];
      }
      case 'TotpEnabled':
      case 'TotpDisabled': {
        // A security message for the user (notifications); no secret, no recovery code.
        const { userId, at } = event.data;
        const { topic, type } = IDENTITY_EVENTS[event.type === 'TotpEnabled' ? 'TotpEnabledV1' : 'TotpDisabledV1'];
        return [{ topic, type, key: userId, payload: { id: userId, occurredAt: at }, traceparent }];
      }
      case 'UserDisplayNameChanged':
      case 'UserEmailVerified':
        return [];
    }
  });
}
