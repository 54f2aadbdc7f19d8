import type { StatusExtra } from './status-table.js';

/** Local identity defaults (systems/identity/identity): overridden by ADMIN_EMAIL / ADMIN_PASSWORD. */
const adminEmail = () => process.env.ADMIN_EMAIL ?? 'admin@archipelago.local';
const adminPassword = () => process.env.ADMIN_PASSWORD ?? 'archipelago-admin';

/** Sections printed under the status table, in order. */
export const statusExtras: StatusExtra[] = [
  (view) =>
    view.rows.some((r) => r.service === 'identity')
      ? [
          '',
          `Local admin  ${adminEmail()} / ${adminPassword()}  (local only; set ADMIN_EMAIL / ADMIN_PASSWORD to change)`,
          `Get a token  curl -s -X POST ${view.edgeUrl}/identity/v1/token -d grant_type=password -d username=${adminEmail()} -d password=${adminPassword()}`,
        ]
      : [],
];
