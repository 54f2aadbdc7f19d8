import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { WORKSPACE_ROOT } from './processes.js';

/**
 * EDGE_UPSTREAMS for an edge started by a test: every service `host:port` of `infra/kong/kong.yml`
 * maps to `standIn` (e.g. a test issuer, which answers `/health/ready`) unless `started` maps it
 * to a process the test runs. The edge reports healthy only when every upstream answers, so a
 * test that lists the upstreams by hand breaks whenever a service is added; this does not.
 *
 * @param started `host:port` as written in kong.yml → base URL of the test's own process
 * @param standIn base URL answering for every other upstream
 * @returns the JSON object to pass as EDGE_UPSTREAMS (stringify it)
 * @throws Error when `started` names a host:port that kong.yml does not have
 */
export function edgeUpstreams(started: Record<string, string>, standIn: string): Record<string, string> {
  const kong = parse(readFileSync(join(WORKSPACE_ROOT, 'infra/kong/kong.yml'), 'utf8'), { merge: true }) as {
    services?: { url: string }[];
  };
  const hosts = (kong.services ?? []).map((s) => new URL(s.url).host);
  for (const key of Object.keys(started)) {
    if (!hosts.includes(key))
      throw new Error(`${key} is not a service host:port of infra/kong/kong.yml (${hosts.join(', ')})`);
  }
  return Object.fromEntries(hosts.map((host) => [host, started[host] ?? standIn]));
}
