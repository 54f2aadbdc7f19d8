import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KongConfigError, loadKongConfig, parseKongConfig, renameJwtCredentialKeys } from './kong-config.loader.js';

const FILE = 'test/kong.yml';

function issuesOf(text: string) {
  try {
    parseKongConfig(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(KongConfigError);
    return (error as KongConfigError).issues;
  }
  throw new Error('expected the config to be rejected');
}

const service = `
services:
  - name: catalog
    url: http://catalog.commerce:8080
    routes:
      - name: products
        paths: [/commerce/v1/products]
`;

describe('kong.yml loading', () => {
  it('loads the repository kong.yml: public identity routes without jwt, every other route with it', () => {
    const file = fileURLToPath(new URL('../../../infra/kong/kong.yml', import.meta.url));
    const config = loadKongConfig(file);
    // Generated services (docs/adding-a-service.md) append theirs; these must stay.
    expect(config.services.map((s) => [s.name, s.host, s.port, s.path])).toEqual(
      expect.arrayContaining([
        ['identity', 'identity.identity', 8080, undefined],
        ['commerce-catalog', 'catalog.commerce', 8080, undefined],
        ['commerce-ordering', 'ordering.commerce', 8080, undefined],
        ['commerce-payments', 'payments.commerce', 8080, undefined],
      ]),
    );
    const plugins = (label: string) => {
      const route = config.routes.find((r) => r.label === label);
      if (route === undefined) throw new Error(`no route ${label}`);
      return route.plugins;
    };
    for (const label of [
      'identity-register',
      'identity-token',
      'identity-revoke',
      'identity-oidc',
      'identity-well-known',
      'identity-account-email',
    ]) {
      expect(plugins(label).has('jwt')).toBe(false);
      expect(plugins(label).get('rate-limiting')).toMatchObject({ limit_by: 'ip' });
    }
    expect(plugins('identity-token').get('rate-limiting')).toMatchObject({ minute: 60, limit_by: 'ip' });
    // Registration has a per-IP limit of its own (each one costs a password hash).
    expect(plugins('identity-register').get('rate-limiting')).toMatchObject({ minute: 60, limit_by: 'ip' });
    for (const label of [
      'identity-users',
      'commerce-catalog-products',
      'commerce-ordering-orders',
      'commerce-ordering-reports',
      'commerce-payments-wallet',
    ]) {
      expect(plugins(label).get('jwt')).toMatchObject({ claims_to_verify: ['exp'], key_claim_name: 'iss' });
      expect(plugins(label).get('rate-limiting')).toMatchObject({
        limit_by: 'header',
        header_name: 'X-Authenticated-Userid',
      });
    }
    expect([...plugins('commerce-catalog-products').keys()].sort()).toEqual([
      'correlation-id',
      'cors',
      'jwt',
      'prometheus',
      'rate-limiting',
      'request-size-limiting',
    ]);
    expect(plugins('commerce-catalog-products').get('correlation-id')).toEqual({
      header_name: 'X-Request-Id',
      generator: 'uuid',
      echo_downstream: true,
    });
    expect(config.jwtCredentials.get('http://localhost:8000/identity/v1')).toMatchObject({
      algorithm: 'ES256',
      rsaPublicKey: '{vault://env/identity-jwt-public-key}',
      consumer: { username: 'identity-issuer' },
    });
  });

  it('reads consumers with jwt_secrets and rejects duplicate keys and credentials without key material', () => {
    const config = parseKongConfig(
      `_format_version: "3.0"\n${service}\nconsumers:\n  - username: issuer\n    jwt_secrets:\n      - { key: https://issuer.example, algorithm: HS256, secret: s3cret }\n`,
      FILE,
    );
    const credential = config.jwtCredentials.get('https://issuer.example');
    expect(credential).toMatchObject({ algorithm: 'HS256', secret: 's3cret', consumer: { username: 'issuer' } });
    expect(credential?.consumer.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const issues = issuesOf(`_format_version: "3.0"
consumers:
  - username: a
    jwt_secrets:
      - { key: k1, algorithm: ES256 }
      - { key: k2, algorithm: RS256, rsa_public_key: not-a-key }
  - username: b
    jwt_secrets:
      - { key: k3, algorithm: HS256, secret: x }
      - { key: k3, algorithm: HS256, secret: y }
  - tags: [nameless]
`);
    expect(issues.map((i) => i.path)).toEqual([
      'consumers[0].jwt_secrets[0].rsa_public_key',
      'consumers[0].jwt_secrets[1].rsa_public_key',
      'consumers[2].username',
    ]);
    expect(
      issuesOf(`_format_version: "3.0"
consumers:
  - username: b
    jwt_secrets:
      - { key: k3, algorithm: HS256, secret: x }
      - { key: k3, algorithm: HS256, secret: y }
`),
    ).toEqual([
      expect.objectContaining({ path: 'consumers[0].jwt_secrets[1].key', message: 'duplicate jwt_secrets key "k3"' }),
    ]);
  });

  it('validates jwt and rate-limiting configs as Kong does', () => {
    const issues = issuesOf(`_format_version: "3.0"
${service}
plugins:
  - name: jwt
    config: { maximum_expiration: 60 }
  - name: rate-limiting
    config: { second: 10, minute: 5, limit_by: header, policy: redis }
`);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['plugins[0].config.claims_to_verify', 'maximum_expiration needs "exp" in claims_to_verify (as in Kong)'],
      [
        'plugins[1].config.policy',
        'the local edge supports policy "local" only (cluster and redis need a shared store)',
      ],
    ]);
    const more = issuesOf(
      `_format_version: "3.0"\n${service}\nplugins:\n  - name: rate-limiting\n    config: { second: 10, minute: 5, limit_by: header }\n`,
    );
    expect(more.map((i) => i.message)).toEqual([
      'The limit for minute(5) cannot be lower than the limit for second(10)',
      'limit_by "header" needs header_name',
    ]);
    expect(
      issuesOf(
        `_format_version: "3.0"\n${service}\nplugins:\n  - name: rate-limiting\n    config: { limit_by: ip }\n`,
      )[0]?.message,
    ).toBe('set at least one of second, minute, hour, day, month, year');
  });

  it('applies Kong defaults (strip_path true, port 80, plugin config defaults)', () => {
    const config = parseKongConfig(
      `_format_version: "3.0"\n${service}\nplugins:\n  - name: request-size-limiting\n`,
      FILE,
    );
    expect(config.routes[0]?.stripPath).toBe(true);
    expect(config.services[0]?.port).toBe(8080);
    expect(config.routes[0]?.plugins.get('request-size-limiting')).toEqual({
      allowed_payload_size: 128,
      size_unit: 'megabytes',
      require_content_length: false,
    });
  });

  it('reports a YAML syntax error with its line', () => {
    const issues = issuesOf('_format_version: "3.0"\nservices:\n  - name: [unclosed\n');
    expect(issues[0]?.path).toBe('(document)');
    expect(issues[0]?.message).toMatch(/YAML syntax error/);
    expect(issues[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects an unknown _format_version and a missing one', () => {
    expect(issuesOf(`_format_version: "2.1"\n${service}`)).toEqual([
      { path: '_format_version', line: 1, message: 'unknown _format_version "2.1": the local edge reads format "3.0"' },
    ]);
    expect(issuesOf(service)[0]).toMatchObject({ path: '_format_version', message: expect.stringMatching(/missing/) });
  });

  it('rejects an unknown plugin, naming its path and the supported plugins', () => {
    const issues = issuesOf(`_format_version: "3.0"\n${service}\nplugins:\n  - name: key-auth\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'plugins[0].name', line: 11 });
    expect(issues[0]?.message).toMatch(
      /unknown plugin "key-auth".*correlation-id, cors, jwt, prometheus, rate-limiting, request-size-limiting/,
    );
  });

  it('rejects a bad plugin config at the path of the bad field', () => {
    const issues = issuesOf(
      `_format_version: "3.0"\n${service}\nplugins:\n  - name: request-size-limiting\n    config:\n      size_unit: gigabytes\n`,
    );
    expect(issues.map((i) => i.path)).toEqual(['plugins[0].config.size_unit']);
    expect(issues[0]?.line).toBe(13);
  });

  it('rejects unknown config fields of a plugin nested in a route', () => {
    const text = `_format_version: "3.0"
services:
  - name: catalog
    url: http://catalog.commerce:8080
    routes:
      - name: products
        paths: [/p]
        plugins:
          - name: correlation-id
            config: { header: X-Id }
`;
    const issues = issuesOf(text);
    expect(issues[0]?.path).toBe('services[0].routes[0].plugins[0].config');
    expect(issues[0]?.message).toMatch(/header/);
  });

  it('rejects fields Kong does not have or the edge does not support', () => {
    const issues = issuesOf(`_format_version: "3.0"\n${service}        headers: { x-version: ["1"] }\n`);
    expect(issues[0]?.path).toBe('services[0].routes[0]');
    expect(issues[0]?.message).toMatch(/unknown field "headers" on a route/);
  });

  it('rejects invalid route paths and regexes', () => {
    const issues = issuesOf(`_format_version: "3.0"
services:
  - name: catalog
    url: http://catalog.commerce:8080
    routes:
      - paths: ["products", "~/p/(unclosed"]
`);
    expect(issues.map((i) => i.path)).toEqual(['services[0].routes[0].paths[0]', 'services[0].routes[0].paths[1]']);
    expect(issues[1]?.message).toMatch(/invalid regex/);
  });

  it('rejects dangling references and duplicate plugins in one scope', () => {
    const issues = issuesOf(`_format_version: "3.0"
${service}
routes:
  - name: orphan
    service: nowhere
    paths: [/o]
plugins:
  - name: cors
    route: missing
  - name: cors
  - name: cors
`);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['routes[0].service', 'route refers to unknown service "nowhere"'],
      ['plugins[0].route', 'plugin refers to unknown route "missing"'],
      ['plugins', 'plugin "cors" is configured twice for the global scope'],
    ]);
  });

  it('scopes plugins with Kong precedence: route over service over global', () => {
    const config = parseKongConfig(
      `_format_version: "3.0"
services:
  - name: catalog
    url: http://catalog.commerce:8080
    plugins:
      - name: request-size-limiting
        config: { allowed_payload_size: 2 }
    routes:
      - name: products
        paths: [/products]
        plugins:
          - name: request-size-limiting
            config: { allowed_payload_size: 3 }
      - name: stock
        paths: [/stock]
  - name: other
    url: http://other.commerce:8080
    routes:
      - name: other
        paths: [/other]
plugins:
  - name: request-size-limiting
    config: { allowed_payload_size: 1 }
  - name: cors
    enabled: false
`,
      FILE,
    );
    const size = (label: string) =>
      (
        config.routes.find((r) => r.label === label)?.plugins.get('request-size-limiting') as {
          allowed_payload_size: number;
        }
      ).allowed_payload_size;
    expect([size('products'), size('stock'), size('other')]).toEqual([3, 2, 1]);
    expect(config.pluginsInUse.has('cors')).toBe(false);
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadKongConfig('/nonexistent/kong.yml')).toThrow(/\/nonexistent\/kong\.yml[\s\S]*cannot read file/);
  });
});

describe('renameJwtCredentialKeys (EDGE_JWT_KEYS)', () => {
  const consumers = `
_format_version: '3.0'
consumers:
  - username: identity-issuer
    jwt_secrets:
      - key: http://localhost:8000/identity/v1
        algorithm: ES256
        rsa_public_key: '{vault://env/identity-jwt-public-key}'
      - key: other
        algorithm: HS256
        secret: '<secret>'
`;

  it('gives a credential the stack issuer as key, for the same consumer', () => {
    const config = parseKongConfig(consumers, FILE);
    const renamed = renameJwtCredentialKeys(config, {
      'http://localhost:8000/identity/v1': 'http://localhost:18500/identity/v1',
    });
    expect([...renamed.jwtCredentials.keys()].sort()).toEqual(['http://localhost:18500/identity/v1', 'other']);
    const credential = renamed.jwtCredentials.get('http://localhost:18500/identity/v1')!;
    expect(credential.key).toBe('http://localhost:18500/identity/v1');
    expect(credential.consumer.username).toBe('identity-issuer');
    expect(credential.rsaPublicKey).toBe('{vault://env/identity-jwt-public-key}');
    expect(config.jwtCredentials.has('http://localhost:8000/identity/v1')).toBe(true); // the original is unchanged
  });

  it('skips a key that is not in kong.yml, and rejects a new key that is taken', () => {
    const config = parseKongConfig(consumers, FILE);
    const renamed = renameJwtCredentialKeys(config, { 'http://localhost:9/x': 'y' });
    expect([...renamed.jwtCredentials.keys()].sort()).toEqual(['http://localhost:8000/identity/v1', 'other']);
    expect(() => renameJwtCredentialKeys(config, { 'http://localhost:8000/identity/v1': 'other' })).toThrow(/"other" .* already taken/);
  });
});
