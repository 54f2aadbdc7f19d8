import { correlationIdPlugin } from './correlation-id.plugin.js';
import { corsPlugin } from './cors.plugin.js';
import type { AnyEdgePlugin } from './edge-plugin.js';
import { prometheusPlugin } from './prometheus.plugin.js';
import { requestSizeLimitingPlugin } from './request-size-limiting.plugin.js';

/**
 * The Kong plugins the local edge implements. kong.yml naming any other plugin fails start-up, so
 * local runs never silently skip a production plugin. Adding one (jwt, rate-limiting): write
 * `<name>.plugin.ts` exporting a `defineEdgePlugin(...)` and list it here.
 */
export const EDGE_PLUGINS: readonly AnyEdgePlugin[] = [
  correlationIdPlugin,
  corsPlugin,
  requestSizeLimitingPlugin,
  prometheusPlugin,
];

/** Plugins sorted as Kong runs them: descending priority. */
export function byKongPriority(plugins: readonly AnyEdgePlugin[]): AnyEdgePlugin[] {
  return [...plugins].sort((a, b) => b.priority - a.priority);
}
