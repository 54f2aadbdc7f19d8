import { describeEventSchemaCompat } from '@archipelago/testing-harness';
import { fileURLToPath } from 'node:url';
import { REGISTRY_EVENTS } from './registry.events.js';

// registry/registry's published events must stay readable by existing consumers.
describeEventSchemaCompat(REGISTRY_EVENTS, fileURLToPath(new URL('../../schemas', import.meta.url)));
