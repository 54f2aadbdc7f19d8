// `node --import ./tools/register.mjs tools/fuzz/edge-public-document.mjs <documents.json> <out.json>`
// (run by tools/fuzz/run.mjs): from the services' OpenAPI documents, the operations that are public
// (`security: []`) and that infra/kong/kong.yml (or KONG_CONFIG) routes to a route without jwt,
// matched by the edge's own router (dist/apps/edge), as one OpenAPI 3.1 document.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [input, output] = process.argv.slice(2);
const edge = (file) => import(pathToFileURL(join(root, 'dist', 'apps', 'edge', 'src', file)).href);
const { loadKongConfig } = await edge('kong-config.loader.js');
const { RouteMatcher } = await edge('route-matcher.js');
const config = loadKongConfig(process.env.KONG_CONFIG || join(root, 'infra', 'kong', 'kong.yml'));
const matcher = new RouteMatcher(config.routes);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

const merged = {
  openapi: '3.1.0',
  info: { title: 'Public routes through the edge', version: '1' },
  paths: {},
  components: { schemas: {} },
};
for (const document of JSON.parse(readFileSync(input, 'utf8'))) {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      const security = operation?.security ?? document.security ?? [];
      if (!operation || security.length > 0) continue;
      const match = matcher.match({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') });
      if (!match || match.route.plugins.get('jwt') !== undefined) continue;
      merged.paths[path] = { ...merged.paths[path], [method]: operation };
      Object.assign(merged.components.schemas, document.components?.schemas);
    }
  }
}
writeFileSync(output, `${JSON.stringify(merged, null, 2)}\n`);
