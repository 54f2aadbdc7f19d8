import { describeEventSchemaCompat } from '@archipelago/testing-harness';
import { fileURLToPath } from 'node:url';
import { NOTIFICATIONS_EVENTS } from './notifications.events.js';

// notifications/notifications's published events must stay readable by existing consumers.
describeEventSchemaCompat(NOTIFICATIONS_EVENTS, fileURLToPath(new URL('../../schemas', import.meta.url)));
