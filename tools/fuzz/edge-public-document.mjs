// `node --import ./tools/register.mjs tools/fuzz/edge-public-document.mjs <documents.json> <out.json>`
// (run by tools/fuzz/run.mjs): from the services' OpenAPI documents, the operations that are public
// (`security: []`) and that infra/kong/kong.yml (or KONG_CONFIG) routes to a route without jwt,
// matched by the edge's own router (dist/apps/edge), with the other operations of their paths, as
// one OpenAPI 3.1 document (security schemes included, so token endpoints are known as such).
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

// What the edge itself answers, in Kong's format (`{"message": …}` as application/json), besides
// what the service documents: 401 from the jwt plugin, 429 from rate-limiting, 413 from
// request-size-limiting (apps/edge/src/kong-response.ts).
const kongError = (description, headers) => ({
  description: `${description} (answered by the edge)`,
  ...(headers && { headers }),
  content: {
    'application/json': { schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } } },
  },
});
function withEdgeAnswers(operation, document) {
  const security = operation.security ?? document.security ?? [];
  const responses = { ...operation.responses };
  // The edge's answer joins the service's: same media type → either schema (anyOf).
  const merge = (status, answer) => {
    const existing = responses[status];
    if (!existing) return void (responses[status] = answer);
    const content = { ...existing.content };
    for (const [type, media] of Object.entries(answer.content)) {
      content[type] = content[type]?.schema ? { schema: { anyOf: [content[type].schema, media.schema] } } : media;
    }
    responses[status] = { ...existing, content, headers: { ...existing.headers, ...answer.headers } };
  };
  if (security.length > 0) merge('401', kongError('No valid bearer token'));
  merge('429', kongError('Rate limit exceeded', { 'Retry-After': { schema: { type: 'integer' } } }));
  if (operation.requestBody) merge('413', kongError('Request size limit exceeded'));
  return { ...operation, security, responses };
}

const merged = {
  openapi: '3.1.0',
  info: { title: 'Public routes through the edge', version: '1' },
  paths: {},
  components: { schemas: {}, securitySchemes: {} },
};
// A path with a public operation routed without jwt comes with all its operations: the others are
// answered by the edge's jwt plugin (401 without a token), and the path's Allow header lists them.
// Component names are the services' own (two services both have a `Money` or a `Problem409`):
// each document's components get a prefix of their own, and its $refs follow.
const prefixRefs = (node, prefix) =>
  JSON.parse(JSON.stringify(node).replaceAll('"#/components/schemas/', `"#/components/schemas/${prefix}`));
for (const [index, original] of JSON.parse(readFileSync(input, 'utf8')).entries()) {
  const prefix = `s${index}_`;
  const document = prefixRefs(original, prefix);
  document.components = {
    ...document.components,
    schemas: Object.fromEntries(Object.entries(document.components?.schemas ?? {}).map(([name, v]) => [prefix + name, v])),
  };
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const isPublic = METHODS.some((method) => {
      const operation = item[method];
      if (!operation || (operation.security ?? document.security ?? []).length > 0) return false;
      const match = matcher.match({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') });
      return match !== undefined && match.route.plugins.get('jwt') === undefined;
    });
    if (!isPublic) continue;
    const operations = Object.fromEntries(
      METHODS.filter((method) => item[method]).map((method) => [method, withEdgeAnswers(item[method], document)]),
    );
    merged.paths[path] = { ...merged.paths[path], ...operations };
    Object.assign(merged.components.schemas, document.components?.schemas);
    Object.assign(merged.components.securitySchemes, document.components?.securitySchemes);
  }
}
writeFileSync(output, `${JSON.stringify(merged, null, 2)}\n`);
