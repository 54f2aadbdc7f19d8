import { z } from 'zod';
import type { EdgeService } from './edge-config.model.js';

/** `host:port` as written in kong.yml → the base URL to use instead (local runs). */
export type UpstreamMap = ReadonlyMap<string, URL>;

/** Where requests for one service go. */
export interface UpstreamTarget {
  /** `scheme://host:port` actually connected to. */
  readonly origin: string;
  /** Path prefix of the mapped base URL ('' when none); comes before the service path. */
  readonly basePath: string;
  /** Host header Kong would send upstream when `preserve_host` is false. */
  readonly hostHeader: string;
}

const upstreamMapSchema = z.record(z.string().min(1), z.url({ protocol: /^https?$/ }));

/**
 * Parses EDGE_UPSTREAMS: a JSON object such as `{"catalog.commerce:8080":"http://127.0.0.1:3101"}`.
 * Keys are `host:port` (or a bare `host`) as written in kong.yml; values are http(s) base URLs.
 * @throws Error naming the variable and the problem when the JSON or a value is invalid.
 */
export function parseUpstreamMap(json: string | undefined, variable = 'EDGE_UPSTREAMS'): UpstreamMap {
  if (json === undefined || json.trim() === '') return new Map();
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`${variable} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = upstreamMapSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${variable} must map "host:port" to an http(s) base URL: ${problems}`);
  }
  return new Map(Object.entries(parsed.data).map(([key, url]) => [key.toLowerCase(), new URL(url)]));
}

function isDefaultPort(protocol: string, port: number): boolean {
  return (protocol === 'http' && port === 80) || (protocol === 'https' && port === 443);
}

/** Resolves a service to the address the edge connects to; unmapped hosts are used as written. */
export function resolveUpstreamTarget(service: EdgeService, upstreams: UpstreamMap): UpstreamTarget {
  const hostHeader = isDefaultPort(service.protocol, service.port) ? service.host : `${service.host}:${service.port}`;
  const mapped =
    upstreams.get(`${service.host}:${service.port}`.toLowerCase()) ?? upstreams.get(service.host.toLowerCase());
  if (mapped === undefined) {
    return { origin: `${service.protocol}://${hostHeader}`, basePath: '', hostHeader };
  }
  return { origin: mapped.origin, basePath: mapped.pathname.replace(/\/+$/, ''), hostHeader };
}
