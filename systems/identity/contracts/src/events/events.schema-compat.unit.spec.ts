import { describeEventSchemaCompat } from '@archipelago/testing-harness';
import { fileURLToPath } from 'node:url';
import { IDENTITY_EVENTS } from './identity.events.js';

// The identity system's published events must stay readable by existing consumers.
describeEventSchemaCompat(IDENTITY_EVENTS, fileURLToPath(new URL('../../schemas', import.meta.url)));
