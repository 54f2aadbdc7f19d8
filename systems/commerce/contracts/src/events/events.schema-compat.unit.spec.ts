import { describeEventSchemaCompat } from '@archipelago/testing-harness';
import { fileURLToPath } from 'node:url';
import { CATALOG_EVENTS } from './catalog.events.js';
import { ORDERING_EVENTS } from './ordering.events.js';
import { PAYMENTS_EVENTS } from './payments.events.js';

// The commerce system's published events must stay readable by existing consumers.
describeEventSchemaCompat(
  { ...CATALOG_EVENTS, ...ORDERING_EVENTS, ...PAYMENTS_EVENTS },
  fileURLToPath(new URL('../../schemas', import.meta.url)),
);
