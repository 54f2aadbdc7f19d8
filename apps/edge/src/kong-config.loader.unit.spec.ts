import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KongConfigError, loadKongConfig, parseKongConfig } from './kong-config.loader.js';

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
  it('loads the repository kong.yml with its route and global plugins', () => {
    const file = fileURLToPath(new URL('../../../infra/kong/kong.yml', import.meta.url));
    const config = loadKongConfig(file);
    expect(config.services.map((s) => [s.name, s.host, s.port, s.path])).toEqual([['commerce-catalog', 'catalog.commerce', 8080, undefined]]);
    const [route] = config.routes;
    expect(route?.label).toBe('commerce-catalog-products');
    expect(route?.methods).toEqual(['GET', 'POST', 'OPTIONS']);
    expect(route?.stripPath).toBe(false);
    expect([...route!.plugins.keys()].sort()).toEqual(['correlation-id', 'cors', 'prometheus', 'request-size-limiting']);
    expect(route?.plugins.get('correlation-id')).toEqual({ header_name: 'X-Request-Id', generator: 'uuid', echo_downstream: true });
  });

  it('applies Kong defaults (strip_path true, port 80, plugin config defaults)', () => {
    const config = parseKongConfig(`_format_version: "3.0"\n${service}\nplugins:\n  - name: request-size-limiting\n`, FILE);
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
    const issues = issuesOf(`_format_version: "3.0"\n${service}\nplugins:\n  - name: jwt\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'plugins[0].name', line: 11 });
    expect(issues[0]?.message).toMatch(/unknown plugin "jwt".*correlation-id, cors, prometheus, request-size-limiting/);
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
      (config.routes.find((r) => r.label === label)?.plugins.get('request-size-limiting') as { allowed_payload_size: number })
        .allowed_payload_size;
    expect([size('products'), size('stock'), size('other')]).toEqual([3, 2, 1]);
    expect(config.pluginsInUse.has('cors')).toBe(false);
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadKongConfig('/nonexistent/kong.yml')).toThrow(/\/nonexistent\/kong\.yml[\s\S]*cannot read file/);
  });
});
