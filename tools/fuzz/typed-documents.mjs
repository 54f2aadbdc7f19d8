// Per-type OpenAPI documents for `npm run fuzz` (tools/fuzz/run.mjs).
//
// Some operations take bodies whose schema is data: the registry validates an entity against the
// JSON Schema its type's definition publishes, which the service's own document can only call
// `object`. Such a service serves, per type, a document with the real bodies
// (`GET /registry/v1/entity/{type}/openapi.json`). This module makes sure a type exists to fuzz —
// it publishes and activates tools/fuzz/registry-fuzz-type.json as the admin (idempotent: an
// existing or already active definition is fine) — and writes that type's document next to the
// reports, so that each is fuzzed like a service's with every default check.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const TYPE_DOCUMENT_PATH = '/registry/v1/entity/{type}/openapi.json';

async function call(url, token, { method = 'GET', body } = {}) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body && { 'content-type': 'application/json' }) },
    body: body && JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

/**
 * The per-type documents of `service` (none unless its document has the registry's per-type path):
 * `[{ type, location }]`, each written to `dir`.
 * @param {{ name: string, url: string, document: object }} service
 * @param {{ token: string, dir: string, say: (text: string) => void }} options an admin's token
 * @throws Error when the fuzz type cannot be published, activated or described
 */
export async function typedDocuments(service, { token, dir, say }) {
  if (!service.document?.paths?.[TYPE_DOCUMENT_PATH]) return [];
  const definition = JSON.parse(readFileSync(join(here, 'registry-fuzz-type.json'), 'utf8'));
  const base = `${service.url}/registry/v1`;
  const created = await call(`${base}/schema/create_def`, token, { method: 'POST', body: definition });
  // 409 DEFINITION.ALREADY_EXISTS names the existing definition's id (an earlier run on this stack).
  const id = created.body?.id ?? created.body?.details?.id;
  if ((created.status !== 201 && created.status !== 409) || !id)
    throw new Error(`publishing ${definition.title}: ${created.status} ${JSON.stringify(created.body)}`);
  if (created.status === 409) {
    // Another version of the file was published before: publish this one as the next version.
    const existing = await call(`${base}/schema/${id}`, token);
    if (JSON.stringify(existing.body?.schema) !== JSON.stringify(definition)) {
      const revised = await call(`${base}/schema/${id}`, token, { method: 'PUT', body: definition });
      if (revised.status !== 200)
        throw new Error(`revising ${definition.title}: ${revised.status} ${JSON.stringify(revised.body)}`);
    }
  }
  const activated = await call(`${base}/schema/activate_def`, token, { method: 'POST', body: { id } });
  const state = await call(`${base}/schema/${id}`, token);
  if (state.body?.status !== 'active')
    throw new Error(
      `activating ${definition.title}: ${activated.status} ${JSON.stringify(activated.body)}; now ${JSON.stringify(state.body)}`,
    );
  const described = await call(`${base}/entity/${encodeURIComponent(definition.title)}/openapi.json`, token);
  if (described.status !== 200)
    throw new Error(`${definition.title}'s document: ${described.status} ${JSON.stringify(described.body)}`);
  const location = join(dir, `${service.name}-${definition.title}.openapi.json`);
  writeFileSync(location, `${JSON.stringify(described.body, null, 2)}\n`);
  say(`${service.name}: entity type ${definition.title} active; its document ${location}`);
  return [{ type: definition.title, location }];
}
