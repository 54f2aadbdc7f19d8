import type { StatusExtra } from './status-table.js';

/**
 * Sections printed under the status table, in order. The identity system adds the local admin
 * credentials line here (a function of the status view returning lines to print).
 */
export const statusExtras: StatusExtra[] = [];
