import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadStackFile,
  parseStackFile,
  resolveServiceEnv,
  StackFileError,
  stackServices,
} from './stack-file.schema.js';

const catalog = {
  name: 'catalog',
  main: 'systems/commerce/catalog/src/main.ts',
  httpPort: 3101,
  grpcPort: 5101,
  upstream: 'catalog.commerce:8080',
  env: { COMMERCE_CURRENCY: 'USD' },
};
const stack = (services: unknown[] = [catalog], edge: unknown = { port: 8000 }) => ({
  edge,
  systems: [{ name: 'commerce', services }],
});

function problems(json: unknown): readonly string[] {
  try {
    parseStackFile(json, 'stack.json');
  } catch (error) {
    if (error instanceof StackFileError) return error.problems;
    throw error;
  }
  throw new Error('expected a StackFileError');
}

describe('stack file', () => {
  it('accepts the repository stack file and fills the defaults', () => {
    const parsed = loadStackFile(new URL('../../../infra/local/stack.json', import.meta.url).pathname);
    expect(parsed.edge).toEqual({ port: 8000, main: 'apps/edge/src/main.ts', healthPath: '/health' });
    const services = stackServices(parsed);
    // Generated services (nx g @archipelago/tools:service) are appended: only the first four are fixed here.
    expect(services.map((s) => `${s.system}/${s.name}`).slice(0, 4)).toEqual([
      'identity/identity',
      'commerce/catalog',
      'commerce/ordering',
      'commerce/payments',
    ]);
    expect(services[1]).toMatchObject({ ...catalog, env: catalog.env, system: 'commerce', readyPath: '/health/ready' });
    // Catalog finds identity's JWKS on whatever port identity really got.
    expect(services[1]!.env.AUTH_JWKS_URL).toBe(
      'http://127.0.0.1:${identity.httpPort}/identity/v1/.well-known/jwks.json',
    );
  });

  it('keeps test fixtures out of the repository stack file', () => {
    expect(readFileSync(new URL('../../../infra/local/stack.json', import.meta.url), 'utf8')).not.toContain('fixtures');
  });

  it('names the field and the rule when a value is wrong', () => {
    expect(problems(stack([{ ...catalog, httpPort: 70000 }]))).toEqual([
      'systems.0.services.0.httpPort: must be a port 1–65535',
    ]);
    expect(problems(stack([{ ...catalog, main: 'main.py' }]))[0]).toMatch(
      /^systems\.0\.services\.0\.main: must be a repository-relative path/,
    );
    expect(problems(stack([{ ...catalog, name: 'Catalog' }]))[0]).toMatch(
      /^systems\.0\.services\.0\.name: must be lower-case/,
    );
  });

  it('reports a missing field and an unknown one (typos do not pass silently)', () => {
    const { httpPort: _, ...noPort } = catalog;
    expect(problems(stack([noPort]))[0]).toMatch(/^systems\.0\.services\.0\.httpPort: /);
    expect(problems(stack([{ ...catalog, htpPort: 1 }]))[0]).toMatch(/^systems\.0\.services\.0: .*htpPort/);
  });

  it('rejects duplicate service names, ports and upstreams, naming who has them', () => {
    const twin = { ...catalog, main: 'x.ts', grpcPort: 5102, upstream: 'other.commerce:8080' };
    expect(problems(stack([catalog, twin]))).toEqual([
      'systems.0.services.1.name: service name catalog is already used by commerce/catalog',
      'systems.0.services.1.httpPort: port 3101 is already used by commerce/catalog',
    ]);
    expect(problems(stack([{ ...catalog, httpPort: 8000 }]))).toEqual([
      'systems.0.services.0.httpPort: port 8000 is already used by the edge',
    ]);
  });

  it('resolves port references to the ports really given, and leaves out values naming an absent sink or edge', () => {
    const env = {
      JWKS: 'http://127.0.0.1:${identity.httpPort}/jwks',
      GRPC: '127.0.0.1:${catalog.grpcPort}',
      SMTP_PORT: '${mail.smtpPort}',
      PUBLIC_BASE_URL: 'http://localhost:${edge.httpPort}',
      PLAIN: 'x',
    };
    const ports = new Map<string, { httpPort?: number; grpcPort?: number; smtpPort?: number }>([
      ['identity', { httpPort: 40_001 }],
      ['catalog', { httpPort: 40_002, grpcPort: 40_003 }],
    ]);
    expect(resolveServiceEnv(env, ports)).toEqual({
      JWKS: 'http://127.0.0.1:40001/jwks',
      GRPC: '127.0.0.1:40003',
      PLAIN: 'x',
    });
    const withEdge = new Map([...ports, ['edge', { httpPort: 18_000 }], ['mail', { smtpPort: 1025 }]]);
    expect(resolveServiceEnv(env, withEdge)).toMatchObject({
      SMTP_PORT: '1025',
      PUBLIC_BASE_URL: 'http://localhost:18000',
    });
  });

  it('rejects a port reference to something that is not in the stack', () => {
    expect(problems(stack([{ ...catalog, env: { X: 'http://127.0.0.1:${catalgo.httpPort}' } }]))).toEqual([
      'systems.0.services.0.env.X: names ${catalgo.…}, which is neither a service of the stack nor mail/edge',
    ]);
    expect(() =>
      parseStackFile(stack([{ ...catalog, env: { X: '${catalog.grpcPort}', Y: '${edge.httpPort}' } }]), 'stack.json'),
    ).not.toThrow();
  });

  it('says when the file is missing or not JSON', () => {
    expect(() => loadStackFile('/nonexistent/stack.json')).toThrow(
      /Invalid stack file \/nonexistent\/stack.json:\n {2}- cannot be read/,
    );
    const notJson = new URL('./stack-file.schema.unit.spec.ts', import.meta.url).pathname;
    expect(() => loadStackFile(notJson)).toThrow(/is not valid JSON/);
  });
});
