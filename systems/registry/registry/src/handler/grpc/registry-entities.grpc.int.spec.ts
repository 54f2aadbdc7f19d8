import 'reflect-metadata';
import {
  REGISTRY_PROTO_FILE,
  REGISTRY_PROTO_PACKAGE,
  REGISTRY_SERVICE_FQN,
  registryProtoRoot,
  type RegistryServiceClient,
} from '@archipelago/registry-contracts';
import { connectAuthenticatedGrpcServer, TokenVerifier } from '@archipelago/platform-auth';
import { createGrpcClient, GrpcHealthService, type GrpcClient } from '@archipelago/platform-grpc';
import { freePort } from '@archipelago/platform-local-postgres';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase } from '@archipelago/testing-harness';
import { status } from '@grpc/grpc-js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY_DOMAIN_ERRORS, RegistryModule } from '../../registry.module.js';
import { migrateRegistry } from '../../repository/registry.data-source.js';
import { RegistryInfrastructure } from '../../repository/registry.infrastructure.js';

// Component test of the registry's entity gRPC methods on real Postgres, through a real gRPC client
// on an authenticated server (as runServiceMain runs it: every call needs a service token whose
// audience is this service). The calling service is the reader: its roles decide, as over HTTP.
const GRPC_AUDIENCE = 'registry.registry';
const SECRET = 'ID-4711';
let issuer: TestIssuer;
let admin: string;
let app: NestFastifyApplication;
let infrastructure: RegistryInfrastructure;
let root: string;
let grpc: GrpcClient<RegistryServiceClient>;
let managerService: string;
let otherService: string;
let userToken: string;
let entityId: string;

const as = (token: string) => ({ metadata: { authorization: `Bearer ${token}` } });
const http = (path: string, init: RequestInit & { body?: string } = {}) =>
  fetch(`${root}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${admin}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });

beforeAll(async () => {
  issuer = await startTestIssuer();
  admin = await issuer.issue({ sub: 'a0a0a0a0-0000-4000-8000-000000000001', roles: ['admin'], expiresInSec: 900 });
  // Service tokens (client credentials: no e-mail) for this service's gRPC audience.
  managerService = await issuer.issue({ sub: 'svc-notifications', roles: ['registrar'], audience: GRPC_AUDIENCE });
  otherService = await issuer.issue({ sub: 'svc-catalog', roles: [], audience: GRPC_AUDIENCE });
  // A user's token for the HTTP API: refused by the gRPC server.
  userToken = await issuer.issue({
    sub: 'b1b1b1b1-0000-4000-8000-000000000003',
    roles: ['admin'],
    email: 'u@example.com',
  });
  const url = await createTestDatabase('registry_entities_grpc');
  await migrateRegistry(url, 'registry');
  infrastructure = await RegistryInfrastructure.open({ databaseUrl: url, schema: 'registry', transport: 'postgres' });
  const auth = { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, jwksCooldownMs: 0 };
  app = await createHttpApp(RegistryModule.forRoot(infrastructure, auth), {
    serviceName: 'registry',
    config: { SERVICE_NAME: 'registry', SYSTEM: 'registry', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
    domainErrors: REGISTRY_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'registry', version: '1' },
  });
  const grpcPort = await freePort();
  connectAuthenticatedGrpcServer(
    app,
    {
      packages: [REGISTRY_PROTO_PACKAGE],
      protoFiles: [REGISTRY_PROTO_FILE],
      protoRoot: registryProtoRoot(),
      url: `127.0.0.1:${grpcPort}`,
      health: new GrpcHealthService('SERVING'),
    },
    new TokenVerifier({ ...auth, audience: GRPC_AUDIENCE }),
  );
  await app.startAllMicroservices();
  await infrastructure.start();
  await app.listen(0, '127.0.0.1');
  root = `${await app.getUrl()}/registry/v1`.replace('[::1]', '127.0.0.1');
  grpc = createGrpcClient<RegistryServiceClient>({
    address: `127.0.0.1:${grpcPort}`,
    service: REGISTRY_SERVICE_FQN,
    protoRoot: registryProtoRoot(),
    protoFiles: [REGISTRY_PROTO_FILE],
  });
  const schema = {
    title: 'Pupil',
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, grade: { type: 'integer' }, nationalId: { type: 'string' } },
    _osConfig: { privateFields: ['$.nationalId'], roles: ['registrar'] },
  };
  const { id } = (await (
    await http('/schema/create_def', { method: 'POST', body: JSON.stringify(schema) })
  ).json()) as {
    id: string;
  };
  expect((await http('/schema/activate_def', { method: 'POST', body: JSON.stringify({ id }) })).status).toBe(200);
  const created = await http('/entity/Pupil', {
    method: 'POST',
    body: JSON.stringify({ name: 'Ravi', grade: 4, nationalId: SECRET }),
  });
  expect(created.status).toBe(201);
  entityId = ((await created.json()) as { id: string }).id;
}, 120_000);

afterAll(async () => {
  grpc?.close();
  await app?.close();
  await issuer?.close();
});

describe('RegistryService entity methods (gRPC)', () => {
  it('GetEntity: a service that manages the type reads the entity with its private fields', async () => {
    const { entity } = await grpc.getEntity({ type: 'pupil', id: entityId }, as(managerService));
    expect(entity).toMatchObject({ id: entityId, type: 'Pupil', status: 'active', version: 1, definitionVersion: 1 });
    expect(JSON.parse(entity!.bodyJson)).toEqual({ name: 'Ravi', grade: 4, nationalId: SECRET });
  });

  it('GetEntity: a service that neither manages nor owns it gets NOT_FOUND, as over HTTP', async () => {
    await expect(grpc.getEntity({ type: 'Pupil', id: entityId }, as(otherService))).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
  });

  it('GetEntity: bad arguments, unknown type and entity, no or a user token', async () => {
    await expect(grpc.getEntity({ type: 'Pupil', id: 'nope' }, as(managerService))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    await expect(grpc.getEntity({ type: 'Nobody', id: entityId }, as(managerService))).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
    await expect(
      grpc.getEntity({ type: 'Pupil', id: '0190f3a0-0000-7000-8000-000000000000' }, as(managerService)),
    ).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(grpc.getEntity({ type: 'Pupil', id: entityId })).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    await expect(grpc.getEntity({ type: 'Pupil', id: entityId }, as(userToken))).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
  });

  it('SearchEntities: the HTTP search grammar, never private fields; PERMISSION_DENIED for non-managers', async () => {
    // The read model follows the log: wait until it has the entity.
    let page = await grpc.searchEntities({ type: 'Pupil', queryJson: '' }, as(managerService));
    for (let i = 0; i < 100 && page.totalCount === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      page = await grpc.searchEntities({ type: 'Pupil', queryJson: '' }, as(managerService));
    }
    const found = await grpc.searchEntities(
      {
        type: 'Pupil',
        queryJson: JSON.stringify({ filters: { grade: { between: [3, 5] }, name: { startsWith: 'Ra' } } }),
      },
      as(managerService),
    );
    expect(found.totalCount).toBe(1);
    expect(found.items[0]!.id).toBe(entityId);
    expect(JSON.parse(found.items[0]!.bodyJson)).toEqual({ name: 'Ravi', grade: 4 });
    const none = await grpc.searchEntities(
      { type: 'Pupil', queryJson: JSON.stringify({ filters: { name: { eq: "Ravi' OR '1'='1" } } }) },
      as(managerService),
    );
    expect(none.totalCount).toBe(0);
    await expect(
      grpc.searchEntities(
        { type: 'Pupil', queryJson: JSON.stringify({ filters: { nationalId: { eq: SECRET } } }) },
        as(managerService),
      ),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('/filters/nationalId') });
    await expect(grpc.searchEntities({ type: 'Pupil', queryJson: '{' }, as(managerService))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    await expect(grpc.searchEntities({ type: 'Pupil', queryJson: '' }, as(otherService))).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
  });
});
