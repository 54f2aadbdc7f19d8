import { describeEventSchemaCompat } from '@archipelago/testing-harness';
import { fileURLToPath } from 'node:url';
import { CALENDAR_EVENTS } from './calendar.events.js';

// scheduling/calendar's published events must stay readable by existing consumers.
describeEventSchemaCompat(CALENDAR_EVENTS, fileURLToPath(new URL('../../schemas', import.meta.url)));
