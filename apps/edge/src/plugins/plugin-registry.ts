import { correlationIdPlugin } from './correlation-id.plugin.js';
import { corsPlugin } from './cors.plugin.js';
import type { AnyEdgePlugin } from './edge-plugin.js';
import { jwtPlugin } from './jwt.plugin.js';
import { prometheusPlugin } from './prometheus.plugin.js';
import { rateLimitingPlugin } from './rate-limiting.plugin.js';
import { requestSizeLimitingPlugin } from './request-size-limiting.plugin.js';

/**
 * The Kong plugins the local edge implements. kong.yml naming any other plugin fails start-up, so
 * local runs never silently skip a production plugin. Adding one: write `<name>.plugin.ts`
 * exporting a `defineEdgePlugin(...)` and list it here. Order here does not matter: they run by
 * Kong priority (correlation-id 100001, cors 2000, jwt 1450, request-size-limiting 951,
 * rate-limiting 910, prometheus 13).
 */
export const EDGE_PLUGINS: readonly AnyEdgePlugin[] = [
  correlationIdPlugin,
  corsPlugin,
  jwtPlugin,
  requestSizeLimitingPlugin,
  rateLimitingPlugin,
  prometheusPlugin,
];

/** Plugins sorted as Kong runs them: descending priority. */
export function byKongPriority(plugins: readonly AnyEdgePlugin[]): AnyEdgePlugin[] {
  return [...plugins].sort((a, b) => b.priority - a.priority);
}
