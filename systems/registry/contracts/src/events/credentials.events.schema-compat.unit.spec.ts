import { describeEventSchemaCompat } from '@archipelago/testing-harness';
import { fileURLToPath } from 'node:url';
import { CREDENTIALS_EVENTS } from './credentials.events.js';

// registry/credentials's published events must stay readable by existing consumers.
describeEventSchemaCompat(CREDENTIALS_EVENTS, fileURLToPath(new URL('../../schemas', import.meta.url)));
