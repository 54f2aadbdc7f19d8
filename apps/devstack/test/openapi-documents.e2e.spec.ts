import { freePort } from '@archipelago/platform-local-postgres';
import { openApiGaps } from '@archipelago/platform-service';
import {
  createTestDatabase,
  startWorkspaceProcess,
  WORKSPACE_ROOT,
  type RunningProcess,
} from '@archipelago/testing-harness';
import type { OpenAPIObject } from '@nestjs/swagger';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackFile, resolveServiceEnv, stackServices } from '../src/stack-file.schema.js';

// Every service of infra/local/stack.json (so a service added there later is covered with no edit
// here), compiled and run as `npm start` runs it (migrate, then serve; postgres transport), in file
// order so that `${identity.httpPort}` in a later service's env names a running service. For each,
// its /docs/openapi.json must be complete (openApiGaps: a description on every operation, an example
// on every request and response body) and say the truth about security: an operation that answers
// a request without a token with anything but 401 must be documented public (`security: []`).
const services = stackServices(loadStackFile(join(WORKSPACE_ROOT, 'infra/local/stack.json')));
const running: RunningProcess[] = [];
const documents = new Map<string, { url: string; document: OpenAPIObject }>();
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

beforeAll(async () => {
  const ports = new Map<string, { httpPort: number; grpcPort?: number }>();
  for (const service of services) {
    const httpPort = await freePort();
    const grpcPort = service.grpcPort ? await freePort() : undefined;
    ports.set(service.name, { httpPort, ...(grpcPort && { grpcPort }) });
    const env: Record<string, string> = {
      ...resolveServiceEnv(service.env, ports),
      SERVICE_NAME: service.name,
      SYSTEM: service.system,
      HTTP_PORT: String(httpPort),
      ...(grpcPort && { GRPC_PORT: String(grpcPort) }),
      HOST: '127.0.0.1',
      DATABASE_URL: await createTestDatabase(`openapi_${service.name.replaceAll('-', '_')}`),
      DB_SCHEMA: service.schema ?? service.name.replaceAll('-', '_'),
      MESSAGING_TRANSPORT: 'postgres',
      LOG_LEVEL: 'warn',
    };
    await startWorkspaceProcess({ name: `${service.name} migrate`, entry: service.main, args: ['migrate'], env });
    const url = `http://127.0.0.1:${httpPort}`;
    running.push(
      await startWorkspaceProcess({
        name: service.name,
        entry: service.main,
        env,
        readyUrl: `${url}${service.readyPath}`,
      }),
    );
    const document = (await (await fetch(`${url}/docs/openapi.json`)).json()) as OpenAPIObject;
    documents.set(service.name, { url, document });
  }
});

afterAll(async () => {
  for (const process of running.reverse()) await process.stop();
});

describe.each(services.map((service) => service.name))('the OpenAPI document of %s', (name) => {
  it('describes every operation and carries an example for every request and response body', () => {
    expect(openApiGaps(documents.get(name)!.document)).toEqual([]);
  });

  it('marks every operation that answers without a token `security: []`', async () => {
    const { url, document } = documents.get(name)!;
    const undocumentedPublic: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const security = operation.security ?? document.security ?? [];
        if (security.length === 0) continue;
        // Guards run before validation: a protected route answers 401 whatever the (empty) input.
        const res = await fetch(`${url}${path.replace(/\{[^}]+\}/g, PLACEHOLDER_ID)}`, {
          method: method.toUpperCase(),
          redirect: 'manual',
          ...(method !== 'get' &&
            method !== 'delete' && { headers: { 'content-type': 'application/json' }, body: '{}' }),
        });
        await res.arrayBuffer();
        if (res.status !== 401)
          undocumentedPublic.push(`${method.toUpperCase()} ${path} answered ${res.status} without a token`);
      }
    }
    expect(undocumentedPublic).toEqual([]);
  });
});
