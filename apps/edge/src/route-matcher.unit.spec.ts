import { describe, expect, it } from 'vitest';
import type { EdgeRoute, EdgeService } from './edge-config.model.js';
import { buildUpstreamPath, InvalidRequestPathError, normalizeRequestPath, RouteMatcher } from './route-matcher.js';

const service: EdgeService = {
  name: 'catalog',
  protocol: 'http',
  host: 'catalog.commerce',
  port: 8080,
  path: undefined,
  connectTimeoutMs: 1000,
  readTimeoutMs: 1000,
  writeTimeoutMs: 1000,
};

let order = 0;
function route(label: string, fields: Partial<EdgeRoute> = {}): EdgeRoute {
  return {
    label,
    name: label,
    service,
    paths: [],
    methods: undefined,
    hosts: undefined,
    stripPath: false,
    preserveHost: false,
    regexPriority: 0,
    order: order++,
    plugins: new Map(),
    ...fields,
  };
}

const get = (path: string, extra: { method?: string; host?: string } = {}) => ({ method: 'GET', path, ...extra });

describe('RouteMatcher', () => {
  it('matches prefixes as plain string prefixes, longest first', () => {
    const matcher = new RouteMatcher([
      route('short', { paths: ['/commerce'] }),
      route('long', { paths: ['/commerce/v1/products'] }),
    ]);
    expect(matcher.match(get('/commerce/v1/products/42/stock-adjustments'))?.route.label).toBe('long');
    expect(matcher.match(get('/commerce/v1/productsXYZ'))?.route.label).toBe('long');
    expect(matcher.match(get('/commerce/v1/orders'))?.route.label).toBe('short');
    expect(matcher.match(get('/identity/v1/users'))).toBeUndefined();
  });

  it('matches regex paths anchored at the start and prefers them over prefixes', () => {
    const matcher = new RouteMatcher([
      route('prefix', { paths: ['/commerce/v1/products'] }),
      route('regex', { paths: ['~/commerce/v1/products/[0-9]+$'] }),
    ]);
    expect(matcher.match(get('/commerce/v1/products/42'))?.route.label).toBe('regex');
    expect(matcher.match(get('/commerce/v1/products/abc'))?.route.label).toBe('prefix');
    expect(new RouteMatcher([route('r', { paths: ['~/v1/x'] })]).match(get('/api/v1/x'))).toBeUndefined();
  });

  it('orders regex routes by regex_priority', () => {
    const matcher = new RouteMatcher([
      route('low', { paths: ['~/status/\\d+'] }),
      route('high', { paths: ['~/status/\\d+'], regexPriority: 5 }),
    ]);
    expect(matcher.match(get('/status/1'))?.route.label).toBe('high');
  });

  it('filters by method, and a route with methods beats a path-only route', () => {
    const matcher = new RouteMatcher([
      route('any', { paths: ['/orders'] }),
      route('commands', { paths: ['/orders'], methods: ['POST'] }),
    ]);
    expect(matcher.match(get('/orders', { method: 'POST' }))?.route.label).toBe('commands');
    expect(matcher.match(get('/orders'))?.route.label).toBe('any');
    const onlyGet = new RouteMatcher([route('queries', { paths: ['/orders'], methods: ['GET'] })]);
    expect(onlyGet.match(get('/orders', { method: 'DELETE' }))).toBeUndefined();
  });

  it('lists the methods of the routes serving a path, for a 405 Allow header', () => {
    const matcher = new RouteMatcher([
      route('register', { paths: ['~/identity/v1/users$'], methods: ['POST', 'OPTIONS'] }),
      route('users', { paths: ['/identity/v1/users'], methods: ['GET', 'PATCH', 'OPTIONS'] }),
      route('any', { paths: ['/open'] }),
    ]);
    expect(matcher.match(get('/identity/v1/users', { method: 'DELETE' }))).toBeUndefined();
    expect(matcher.allowedMethods({ path: '/identity/v1/users' })).toEqual(['GET', 'OPTIONS', 'PATCH', 'POST']);
    expect(matcher.allowedMethods({ path: '/identity/v1/users/me' })).toEqual(['GET', 'OPTIONS', 'PATCH']);
    expect(matcher.allowedMethods({ path: '/nowhere' })).toEqual([]);
    expect(matcher.allowedMethods({ path: '/open/x' })).toEqual([]);
  });

  it('matches hosts, ignoring the port unless the route host has one, with wildcards', () => {
    const matcher = new RouteMatcher([
      route('api', { hosts: ['api.example.com'], paths: ['/'] }),
      route('wild', { hosts: ['*.example.com'], paths: ['/'] }),
      route('fallback', { paths: ['/'] }),
    ]);
    expect(matcher.match(get('/x', { host: 'api.example.com:8000' }))?.route.label).toBe('api');
    expect(matcher.match(get('/x', { host: 'web.example.com' }))?.route.label).toBe('wild');
    expect(matcher.match(get('/x', { host: 'localhost' }))?.route.label).toBe('fallback');
  });

  it('strips the matched prefix or regex match when strip_path is true', () => {
    const stripped = new RouteMatcher([route('s', { paths: ['/edge'], stripPath: true })]).match(get('/edge/items/1'));
    expect(stripped).toMatchObject({ upstreamPath: '/items/1', strippedPrefix: '/edge' });
    const kept = new RouteMatcher([route('k', { paths: ['/edge'] })]).match(get('/edge/items/1'));
    expect(kept).toMatchObject({ upstreamPath: '/edge/items/1', strippedPrefix: undefined });
    const regex = new RouteMatcher([route('r', { paths: ['~/v[0-9]+'], stripPath: true })]).match(get('/v2/items'));
    expect(regex).toMatchObject({ upstreamPath: '/items', strippedPrefix: '/v2' });
  });

  it('applies the service path (Kong path_handling v0)', () => {
    const withPath = { ...service, path: '/api' };
    const matcher = new RouteMatcher([route('s', { paths: ['/edge'], stripPath: true, service: withPath })]);
    expect(matcher.match(get('/edge/items'))?.upstreamPath).toBe('/api/items');
    expect(matcher.match(get('/edge'))?.upstreamPath).toBe('/api');
    expect(matcher.match(get('/edgeitems'))?.upstreamPath).toBe('/api/items');
  });

  it('routes on the normalized path so dot segments cannot escape a prefix', () => {
    const matcher = new RouteMatcher([
      route('products', { paths: ['/commerce/v1/products'] }),
      route('admin', { paths: ['/admin'] }),
    ]);
    const match = matcher.match(get('/commerce/v1/products/../../../admin/x'));
    expect(match?.route.label).toBe('admin');
    expect(match?.upstreamPath).toBe('/admin/x');
    expect(() => matcher.match(get('/commerce/%zz'))).toThrow(InvalidRequestPathError);
  });
});

describe('normalizeRequestPath', () => {
  it('decodes unreserved escapes, keeps reserved ones upper-cased, merges slashes', () => {
    expect(normalizeRequestPath('/a%2db/%2fc//d/./e/')).toBe('/a-b/%2Fc/d/e/');
  });
});

describe('buildUpstreamPath', () => {
  it('joins service path and request path with one slash', () => {
    expect(buildUpstreamPath(undefined, '/p/1', undefined)).toBe('/p/1');
    expect(buildUpstreamPath('/s/', '/p/1', undefined)).toBe('/s/p/1');
    expect(buildUpstreamPath('/s', '/p/1', '/1')).toBe('/s/1');
    expect(buildUpstreamPath(undefined, '/p', '')).toBe('/');
  });
});
