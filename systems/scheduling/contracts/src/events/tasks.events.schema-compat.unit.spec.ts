import { describeEventSchemaCompat } from '@archipelago/testing-harness';
import { fileURLToPath } from 'node:url';
import { TASKS_EVENTS } from './tasks.events.js';

// scheduling/tasks's published events must stay readable by existing consumers.
describeEventSchemaCompat(TASKS_EVENTS, fileURLToPath(new URL('../../schemas', import.meta.url)));
