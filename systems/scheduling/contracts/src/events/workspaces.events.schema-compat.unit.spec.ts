import { describeEventSchemaCompat } from '@archipelago/testing-harness';
import { fileURLToPath } from 'node:url';
import { WORKSPACES_EVENTS } from './workspaces.events.js';

// Workspace membership events must stay readable by existing consumers (calendar).
describeEventSchemaCompat(WORKSPACES_EVENTS, fileURLToPath(new URL('../../schemas', import.meta.url)));
