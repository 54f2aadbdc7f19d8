import { describe, expect, it } from 'vitest';
import type { EdgeService } from './edge-config.model.js';
import { parseUpstreamMap, resolveUpstreamTarget } from './upstream-target.js';

const catalog: EdgeService = {
  name: 'catalog',
  protocol: 'http',
  host: 'catalog.commerce',
  port: 8080,
  path: undefined,
  connectTimeoutMs: 1000,
  readTimeoutMs: 1000,
  writeTimeoutMs: 1000,
};

describe('EDGE_UPSTREAMS', () => {
  it('maps host:port to a local base URL and keeps the kong.yml host for the Host header', () => {
    const map = parseUpstreamMap('{"catalog.commerce:8080":"http://127.0.0.1:3101/base/"}');
    expect(resolveUpstreamTarget(catalog, map)).toEqual({
      origin: 'http://127.0.0.1:3101',
      basePath: '/base',
      hostHeader: 'catalog.commerce:8080',
    });
  });

  it('uses unmapped hosts as written, omitting the default port from Host', () => {
    const target = resolveUpstreamTarget({ ...catalog, port: 80 }, parseUpstreamMap(undefined));
    expect(target).toEqual({ origin: 'http://catalog.commerce', basePath: '', hostHeader: 'catalog.commerce' });
  });

  it('rejects malformed JSON and non-URL values with the variable name', () => {
    expect(() => parseUpstreamMap('{bad')).toThrow(/EDGE_UPSTREAMS is not valid JSON/);
    expect(() => parseUpstreamMap('{"catalog.commerce:8080":"127.0.0.1:3101"}')).toThrow(/EDGE_UPSTREAMS must map.*catalog\.commerce:8080/);
  });
});
