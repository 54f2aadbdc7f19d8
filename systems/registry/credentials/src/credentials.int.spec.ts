import 'reflect-metadata';
import { Bitstring } from '@digitalbazaar/bitstring';
import { CREDENTIALS_EVENTS, REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { Messaging, type IncomingMessage, type TransportKind } from '@archipelago/platform-messaging';
import { createHttpApp, openApiGaps, postgresReadinessCheck } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Resolver, type DIDResolutionResult } from 'did-resolver';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import QRCode from 'qrcode';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CREDENTIALS_DOMAIN_ERRORS, CredentialsModule } from './credentials.module.js';
import { loadIssuerKeys } from './gateway/issuer-keys.js';
import { JoseIssuer } from './gateway/jose.issuer.js';
import { RegistryEventsMessageHandler } from './handler/messaging/registry-events.message-handler.js';
import { refineCredentialsOpenApi } from './handler/http/credentials.openapi.js';
import { migrateCredentials } from './repository/credentials.data-source.js';
import { CredentialsInfrastructure } from './repository/credentials.infrastructure.js';

// Component test: the real credentials module over HTTP on real Postgres, publishing through the
// outbox (Kafka, or the postgres transport with TEST_KAFKA=off); access tokens from a test issuer.
// The round trip is checked by an independent verifier built from libraries only (jose,
// did-resolver, @digitalbazaar/bitstring): none of this service's code verifies its own output.
const transport: TransportKind = kafkaBrokers() ? 'kafka' : 'postgres';
const ADMIN = { sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f', roles: ['admin'], email: 'admin@archipelago.local' };
const HOLDER = { sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', roles: ['user'], email: 'asha@example.com' };
const OTHER = { sub: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', roles: ['user'], email: 'ravi@example.com' };
// The deployment's public host as credentials name it; the test "network" maps it to the app.
const PUBLIC = 'http://credentials.test';
const DID = 'did:web:credentials.test';
let tokens: TestIssuer;
let admin: string;
let holder: string;
let other: string;
let app: NestFastifyApplication;
let infrastructure: CredentialsInfrastructure;
let listener: Messaging;
let root: string;
let base: string;
const received: IncomingMessage[] = [];
const teacherId = '5e0c3b8a-2f4d-4c6e-9a1b-7d8e9f0a1b2c';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (url: string, init?: RequestInit) => fetch(url, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const postJson = (url: string, body: unknown, headers: Record<string, string> = bearer(admin)) =>
  http(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const net = (url: string) => fetch(url.replace(PUBLIC, root));

function registryMessage(
  name: 'EntityCreatedV1' | 'EntityDeletedV1' | 'ClaimAttestedV1' | 'EntityDeactivatedV1' | 'EntityReactivatedV1',
  payload: object,
  id = crypto.randomUUID(),
  key = teacherId,
): IncomingMessage {
  const event = REGISTRY_EVENTS[name];
  return {
    id,
    topic: event.topic,
    key,
    type: event.type,
    source: 'test',
    time: new Date().toISOString(),
    payload,
    headers: {},
  };
}

/** The independent verifier: did:web resolution, JOSE signature, validity, Bitstring status list. */
const resolver = new Resolver({
  web: async (did): Promise<DIDResolutionResult> => {
    const host = decodeURIComponent(did.split(':')[2]!);
    const didDocument = (await (
      await net(`http://${host}/.well-known/did.json`)
    ).json()) as DIDResolutionResult['didDocument'];
    return { didDocument, didDocumentMetadata: {}, didResolutionMetadata: { contentType: 'application/did+json' } };
  },
});
async function independentVerify(jwt: string): Promise<{ signature: boolean; revoked: boolean; suspended: boolean }> {
  const { kid } = decodeProtectedHeader(jwt);
  const { didDocument } = await resolver.resolve(String(kid).split('#')[0]!);
  const keys = {
    keys: didDocument!.verificationMethod!.map((m) => ({ ...m.publicKeyJwk, kid: m.id })),
  } as JSONWebKeySet;
  let signature = true;
  try {
    await compactVerify(jwt, createLocalJWKSet(keys));
  } catch {
    signature = false;
  }
  type Entry = { statusPurpose: string; statusListCredential: string; statusListIndex: string };
  const { credentialStatus } = decodeJwt(jwt) as { credentialStatus: Entry | Entry[] };
  const entries = Array.isArray(credentialStatus) ? credentialStatus : [credentialStatus];
  // Bitstring Status List v1.0 §3.2: the list's statusPurpose must be the entry's.
  const bitOf = async (purpose: string): Promise<boolean> => {
    const entry = entries.find((e) => e.statusPurpose === purpose);
    if (!entry) return false;
    const listJwt = await (await net(entry.statusListCredential)).text();
    await compactVerify(listJwt, createLocalJWKSet(keys));
    const list = decodeJwt(listJwt) as { credentialSubject: { encodedList: string; statusPurpose: string } };
    expect(list.credentialSubject.statusPurpose).toBe(purpose);
    expect(list.credentialSubject.encodedList.startsWith('u')).toBe(true);
    const buffer = await Bitstring.decodeBits({ encoded: list.credentialSubject.encodedList.slice(1) });
    const bits = new Bitstring({ buffer });
    expect(bits.length).toBeGreaterThanOrEqual(131_072);
    return bits.get(Number(entry.statusListIndex));
  };
  return { signature, revoked: await bitOf('revocation'), suspended: await bitOf('suspension') };
}

beforeAll(async () => {
  tokens = await startTestIssuer();
  admin = await tokens.issue({ ...ADMIN, expiresInSec: 900 });
  holder = await tokens.issue({ ...HOLDER, expiresInSec: 900 });
  other = await tokens.issue({ ...OTHER, expiresInSec: 900 });
  const url = await createTestDatabase('credentials');
  await migrateCredentials(url, 'credentials');
  const brokers = transport === 'kafka' ? [kafkaBrokers()] : undefined;
  infrastructure = await CredentialsInfrastructure.open({
    databaseUrl: url,
    schema: 'credentials',
    transport,
    kafkaBrokers: brokers,
  });
  const topics = Object.values(CREDENTIALS_EVENTS).map((e) => e.topic);
  await infrastructure.messaging.ensureTopics(topics);
  const keys = await loadIssuerKeys({ production: false, keysDir: await mkdtemp(join(tmpdir(), 'issuer-keys-')) });
  const auth = { jwksUrl: tokens.jwksUrl, issuer: tokens.issuer, audience: tokens.audience, jwksCooldownMs: 0 };
  app = await createHttpApp(CredentialsModule.forRoot(infrastructure, auth, new JoseIssuer(DID, PUBLIC, keys)), {
    serviceName: 'credentials',
    config: { SERVICE_NAME: 'credentials', SYSTEM: 'registry', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'warn' },
    domainErrors: CREDENTIALS_DOMAIN_ERRORS,
    readinessChecks: { postgres: postgresReadinessCheck(infrastructure.pool) },
    openapi: { title: 'credentials', version: '1', refine: refineCredentialsOpenApi },
  });
  await infrastructure.start();
  await app.listen(0, '127.0.0.1');
  root = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  base = `${root}/registry/v1/credentials`;
  listener = new Messaging({
    transport,
    kafkaBrokers: brokers,
    system: 'registry',
    service: 'listener',
    schema: 'credentials',
    pool: infrastructure.pool,
    databaseUrl: url,
  });
  await listener.subscribe('registry.test-listener', topics, async (m) => {
    received.push(m);
  });
  // The registry said the entity exists (delivered twice: the inbox keeps it once).
  const created = registryMessage('EntityCreatedV1', {
    entityId: teacherId,
    entityType: 'Teacher',
    definitionId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
    version: 1,
    actor: ADMIN.sub,
    occurredAt: new Date().toISOString(),
    definitionVersion: 1,
    body: { name: 'Asha Rao', school: { name: 'GHS Mysuru' } },
  });
  const consumer = app.get(RegistryEventsMessageHandler);
  await consumer.handle(created);
  await consumer.handle(created);
}, 120_000);

afterAll(async () => {
  await listener?.close();
  await app?.close();
  await tokens?.close();
});

const template = { type: ['TeacherCredential'], credentialSubject: { name: '{{name}}', school: '{{school.name}}' } };

describe('registry/credentials over HTTP', () => {
  it('issues a VC-JOSE credential an independent verifier accepts; tampering fails; revocation flips the bit', async () => {
    const res = await postJson(base, { entityType: 'Teacher', entityId: teacherId, holder: HOLDER.sub, template });
    expect(res.status).toBe(201);
    const issued = await res.json();
    expect(res.headers.get('location')).toBe(`/registry/v1/credentials/${issued.id}`);
    expect(issued).toMatchObject({
      entityType: 'Teacher',
      entityId: teacherId,
      status: 'active',
      types: ['VerifiableCredential', 'TeacherCredential'],
    });

    const header = decodeProtectedHeader(issued.jwt);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'vc+jwt', cty: 'vc' });
    expect(header.kid).toMatch(new RegExp(`^${DID}#`));
    const vc = decodeJwt(issued.jwt);
    expect(vc).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: `urn:uuid:${issued.id}`,
      issuer: DID,
      credentialSubject: { id: `urn:uuid:${teacherId}`, name: 'Asha Rao', school: 'GHS Mysuru' },
      credentialStatus: [
        {
          type: 'BitstringStatusListEntry',
          statusPurpose: 'revocation',
          statusListCredential: `${PUBLIC}/registry/v1/credentials/status/1`,
        },
        {
          type: 'BitstringStatusListEntry',
          statusPurpose: 'suspension',
          statusListCredential: `${PUBLIC}/registry/v1/credentials/status/2`,
        },
      ],
    });
    expect(vc).not.toHaveProperty('vc');
    expect(await independentVerify(issued.jwt)).toEqual({ signature: true, revoked: false, suspended: false });

    // Tamper one character of the signature: the independent verifier and ours both refuse it.
    const sig = issued.jwt.split('.')[2];
    const i = Math.floor(sig.length / 2);
    const tampered = `${issued.jwt.slice(0, issued.jwt.length - sig.length)}${sig.slice(0, i)}${sig[i] === 'A' ? 'B' : 'A'}${sig.slice(i + 1)}`;
    expect((await independentVerify(tampered)).signature).toBe(false);

    const ours = await (await postJson(`${base}/verify`, { credential: issued.jwt }, {})).json();
    expect(ours).toEqual({
      valid: true,
      checks: [
        expect.objectContaining({ check: 'signature', ok: true }),
        expect.objectContaining({ check: 'validity', ok: true }),
        expect.objectContaining({ check: 'status', ok: true }),
      ],
    });
    const bad = await postJson(`${base}/verify`, { credential: tampered }, {});
    expect(bad.status).toBe(200);
    expect(await bad.json()).toMatchObject({
      valid: false,
      checks: expect.arrayContaining([expect.objectContaining({ check: 'signature', ok: false })]),
    });

    const revoked = await postJson(`${base}/${issued.id}/revoke`, {});
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).status).toBe('revoked');
    const again = await postJson(`${base}/${issued.id}/revoke`, {});
    expect((await again.json()).revokedAt).toBeDefined();
    expect(await independentVerify(issued.jwt)).toEqual({ signature: true, revoked: true, suspended: false });
    const asJwt = await http(`${base}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/vc+jwt' },
      body: issued.jwt,
    });
    expect(asJwt.status).toBe(200);
    expect(await asJwt.json()).toMatchObject({
      valid: false,
      checks: expect.arrayContaining([{ check: 'status', ok: false, detail: 'revoked' }]),
    });

    await vi.waitFor(
      () =>
        expect(
          received
            .filter((m) => m.key === issued.id)
            .map((m) => m.type)
            .sort(),
        ).toEqual([CREDENTIALS_EVENTS.CredentialIssuedV1.type, CREDENTIALS_EVENTS.CredentialRevokedV1.type].sort()),
      { timeout: 30_000, interval: 100 },
    );
    const issuedEvent = received.find(
      (m) => m.type === CREDENTIALS_EVENTS.CredentialIssuedV1.type && m.key === issued.id,
    )!;
    expect(CREDENTIALS_EVENTS.CredentialIssuedV1.schema.parse(issuedEvent.payload)).toMatchObject({
      credentialId: issued.id,
      cause: 'on-demand',
      holder: HOLDER.sub,
    });
    const revokedEvent = received.find(
      (m) => m.type === CREDENTIALS_EVENTS.CredentialRevokedV1.type && m.key === issued.id,
    )!;
    expect(CREDENTIALS_EVENTS.CredentialRevokedV1.schema.parse(revokedEvent.payload)).toMatchObject({
      credentialId: issued.id,
      reason: 'manager',
      holder: HOLDER.sub,
    });
  });

  it('serves the credential as vc+jwt or decoded JSON to its holder and managers, 404 to others', async () => {
    const issued = await (
      await postJson(base, { entityType: 'Teacher', entityId: teacherId, holder: HOLDER.sub })
    ).json();
    const jwt = await http(`${base}/${issued.id}`, { headers: { ...bearer(holder), accept: 'application/vc+jwt' } });
    expect(jwt.status).toBe(200);
    expect(jwt.headers.get('content-type')).toContain('application/vc+jwt');
    expect(await jwt.text()).toBe(issued.jwt);
    const json = await http(`${base}/${issued.id}`, { headers: { ...bearer(admin), accept: 'application/json' } });
    expect((await json.json()).credentialSubject).toEqual({
      id: `urn:uuid:${teacherId}`,
      name: 'Asha Rao',
      school: { name: 'GHS Mysuru' },
    });
    expect((await http(`${base}/${issued.id}`, { headers: bearer(other) })).status).toBe(404);
    const mine = await (await http(`${base}?limit=100`, { headers: bearer(holder) })).json();
    expect(mine.items.map((c: { id: string }) => c.id)).toContain(issued.id);
    expect((await (await http(`${base}?limit=100`, { headers: bearer(other) })).json()).items).toEqual([]);
  });

  it('renders a printable HTML certificate (escaped values, QR code of the compact credential), 406 for other media types', async () => {
    const hostile = '<script>alert("x")</script>';
    const issued = await (
      await postJson(base, {
        entityType: 'Teacher',
        entityId: teacherId,
        holder: HOLDER.sub,
        template: { type: ['TeacherCredential'], credentialSubject: { name: hostile, school: '{{school.name}}' } },
      })
    ).json();
    // A browser's Accept header: HTML wins.
    const page = await http(`${base}/${issued.id}`, {
      headers: { ...bearer(holder), accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('vary')).toContain('Accept');
    const html = await page.text();
    expect(html).not.toContain('<script');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('<title>Teacher Certificate</title>');
    expect(html).toContain('GHS Mysuru');
    expect(html).toContain(DID);
    expect(html).toContain('data-status="active"');
    // The QR code is the one of the compact credential itself (same modules as the library draws for it).
    const modules = (svg: string) => /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1];
    const expected = await QRCode.toString(issued.jwt, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    expect(modules(html)).toBeDefined();
    expect(modules(html)).toBe(modules(expected));

    await postJson(`${base}/${issued.id}/revoke`, {});
    const revoked = await (
      await http(`${base}/${issued.id}`, { headers: { ...bearer(admin), accept: 'text/html' } })
    ).text();
    expect(revoked).toContain('data-status="revoked"');

    // q-values decide; */* and no Accept give JSON; nothing acceptable is 406 problem+json.
    const jwtFirst = await http(`${base}/${issued.id}`, {
      headers: { ...bearer(holder), accept: 'text/html;q=0.5, application/vc+jwt' },
    });
    expect(jwtFirst.headers.get('content-type')).toContain('application/vc+jwt');
    for (const accept of ['*/*', undefined]) {
      const res = await http(`${base}/${issued.id}`, { headers: { ...bearer(holder), ...(accept && { accept }) } });
      expect(res.headers.get('content-type')).toContain('application/json');
    }
    const refused = await http(`${base}/${issued.id}`, { headers: { ...bearer(holder), accept: 'application/pdf' } });
    expect(refused.status).toBe(406);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await refused.json()).detail).toContain('text/html');
    // Someone else's credential stays 404 in every media type.
    expect((await http(`${base}/${issued.id}`, { headers: { ...bearer(other), accept: 'text/html' } })).status).toBe(
      404,
    );
  });

  it('issues once per attested claim whose policy has a credential template (ClaimAttestedV1), to the requester', async () => {
    const listMine = async () =>
      (await (await http(`${base}?entityId=${teacherId}&limit=100`, { headers: bearer(holder) })).json())
        .items as Array<{
        id: string;
        types: string[];
      }>;
    const before = (await listMine()).length;
    const attested = registryMessage('ClaimAttestedV1', {
      claimId: crypto.randomUUID(),
      entityType: 'Teacher',
      entityId: teacherId,
      definitionId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
      policy: 'employment',
      requester: HOLDER.sub,
      properties: ['/name', '/school/name'],
      occurredAt: new Date().toISOString(),
      entityVersion: 1,
      attestor: ADMIN.sub,
      attestedData: { name: 'Asha Rao', school: { name: 'GHS Mysuru' } },
      credentialTemplate: {
        type: ['EmploymentCredential'],
        credentialSubject: { name: '{{name}}', school: '{{school.name}}' },
      },
    });
    const consumer = app.get(RegistryEventsMessageHandler);
    await consumer.handle(attested);
    await consumer.handle({ ...attested, id: crypto.randomUUID() }); // the same claim again: no second credential
    const after = await listMine();
    expect(after.length).toBe(before + 1);
    const issued = after.find((c) => c.types.includes('EmploymentCredential'));
    expect(issued).toBeDefined();
    const jwt = await (
      await http(`${base}/${issued!.id}`, { headers: { ...bearer(holder), accept: 'application/vc+jwt' } })
    ).text();
    expect(decodeJwt(jwt).credentialSubject).toEqual({
      id: `urn:uuid:${teacherId}`,
      name: 'Asha Rao',
      school: 'GHS Mysuru',
    });
    expect(await independentVerify(jwt)).toEqual({ signature: true, revoked: false, suspended: false });

    // An attested claim without a template issues nothing.
    await consumer.handle(
      registryMessage('ClaimAttestedV1', {
        ...(attested.payload as object),
        claimId: crypto.randomUUID(),
        credentialTemplate: undefined,
      }),
    );
    expect((await listMine()).length).toBe(before + 1);
  });

  it('revokes the credentials of a deleted entity', async () => {
    const issued = await (await postJson(base, { entityType: 'Teacher', entityId: teacherId })).json();
    await app.get(RegistryEventsMessageHandler).handle(
      registryMessage('EntityDeletedV1', {
        entityId: teacherId,
        entityType: 'Teacher',
        definitionId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
        version: 2,
        actor: ADMIN.sub,
        occurredAt: new Date().toISOString(),
      }),
    );
    expect(await (await http(`${base}/${issued.id}`, { headers: bearer(admin) })).status).toBe(200);
    const listed = await (await http(`${base}?entityId=${teacherId}&limit=100`, { headers: bearer(admin) })).json();
    expect(listed.items.every((c: { status: string }) => c.status === 'revoked')).toBe(true);
    expect(await independentVerify(issued.jwt)).toEqual({ signature: true, revoked: true, suspended: false });
    const gone = await postJson(base, { entityType: 'Teacher', entityId: teacherId });
    expect(gone.status).toBe(404);
    expect((await gone.json()).code).toBe('CREDENTIAL.ENTITY_UNKNOWN');
  });

  it('answers 400 for what is not a credential, 401/403 for issuing without the role', async () => {
    for (const body of [{ credential: 'not-a-jwt' }, { credential: 'a.b.c' }, { other: 1 }, []]) {
      const res = await postJson(`${base}/verify`, body, {});
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await postJson(base, { entityType: 'Teacher', entityId: teacherId }, {})).status).toBe(401);
    expect((await postJson(base, { entityType: 'Teacher', entityId: teacherId }, bearer(holder))).status).toBe(403);
    expect((await postJson(base, { entityType: 'Teacher', entityId: 'nope' })).status).toBe(400);
    expect((await http(`${base}/status/3`)).status).toBe(404);
  });

  it('serves the DID document and an OpenAPI document with no gaps', async () => {
    const did = await (await http(`${root}/.well-known/did.json`)).json();
    expect(did.id).toBe(DID);
    expect(did.verificationMethod[0]).toMatchObject({
      type: 'JsonWebKey',
      controller: DID,
      publicKeyJwk: { kty: 'EC', crv: 'P-256' },
    });
    expect(did.verificationMethod[0].publicKeyJwk).not.toHaveProperty('d');
    const doc = await (await http(`${root}/docs/openapi.json`)).json();
    expect(openApiGaps(doc)).toEqual([]);
    expect(Object.keys(doc.paths['/registry/v1/credentials/verify'].post.requestBody.content)).toEqual([
      'application/json',
      'application/vc+jwt',
    ]);
  });
});

// Suspension (Bitstring Status List v1.0 statusPurpose "suspension") driven by the registry's
// EntityDeactivatedV1 / EntityReactivatedV1: each test has its own licence entity.
describe('suspension on entity deactivation', () => {
  const consumer = () => app.get(RegistryEventsMessageHandler);
  const licence = async () => {
    const entityId = crypto.randomUUID();
    await consumer().handle(
      registryMessage(
        'EntityCreatedV1',
        {
          entityId,
          entityType: 'Licence',
          definitionId: '2b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
          version: 1,
          actor: ADMIN.sub,
          occurredAt: new Date().toISOString(),
          definitionVersion: 1,
          body: { name: 'Asha Rao', number: 'L-1' },
        },
        undefined,
        entityId,
      ),
    );
    return entityId;
  };
  const activation = (
    name: 'EntityDeactivatedV1' | 'EntityReactivatedV1',
    entityId: string,
    version: number,
    id = crypto.randomUUID(),
  ) =>
    registryMessage(
      name,
      {
        entityId,
        entityType: 'Licence',
        definitionId: '2b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
        version,
        actor: ADMIN.sub,
        occurredAt: new Date().toISOString(),
      },
      id,
      entityId,
    );
  const issue = async (entityId: string) => {
    const res = await postJson(base, { entityType: 'Licence', entityId, holder: HOLDER.sub });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; jwt: string; status: string; suspensionListIndex: number };
  };
  const verify = async (jwt: string) =>
    (await (await postJson(`${base}/verify`, { credential: jwt }, {})).json()) as {
      valid: boolean;
      checks: { check: string; ok: boolean; detail: string }[];
    };
  const statusDetail = async (jwt: string) => (await verify(jwt)).checks.find((c) => c.check === 'status')!;
  const listed = async (entityId: string) =>
    (
      (await (await http(`${base}?entityId=${entityId}&limit=100`, { headers: bearer(admin) })).json()).items as {
        id: string;
        status: string;
        suspendedAt?: string;
      }[]
    ).sort((a, b) => a.id.localeCompare(b.id));

  it('deactivate → suspended (not valid, a clear reason; the independent verifier sees the suspension bit) → reactivate → valid', async () => {
    const entityId = await licence();
    const [a, b, revoked] = [await issue(entityId), await issue(entityId), await issue(entityId)];
    expect(a.suspensionListIndex).toEqual(expect.any(Number));
    await postJson(`${base}/${revoked.id}/revoke`, {});

    await consumer().handle(activation('EntityDeactivatedV1', entityId, 2));
    for (const c of [a, b]) {
      expect(await verify(c.jwt)).toEqual({
        valid: false,
        checks: [
          expect.objectContaining({ check: 'signature', ok: true }),
          expect.objectContaining({ check: 'validity', ok: true }),
          { check: 'status', ok: false, detail: 'suspended: the registry entity it was issued for is deactivated' },
        ],
      });
      expect(await independentVerify(c.jwt)).toEqual({ signature: true, revoked: false, suspended: true });
    }
    // A revoked credential is not suspended on top: it stays revoked.
    expect(await independentVerify(revoked.jwt)).toEqual({ signature: true, revoked: true, suspended: false });
    expect((await listed(entityId)).map((c) => c.status).sort()).toEqual(['revoked', 'suspended', 'suspended']);
    const page = await (await http(`${base}/${a.id}`, { headers: { ...bearer(holder), accept: 'text/html' } })).text();
    expect(page).toContain('data-status="suspended"');
    const list2 = await http(`${base}/status/2`, { headers: { accept: 'application/json' } });
    expect(list2.status).toBe(200);
    expect((await list2.json()).credentialSubject).toMatchObject({ statusPurpose: 'suspension' });

    await consumer().handle(activation('EntityReactivatedV1', entityId, 3));
    for (const c of [a, b]) {
      expect(await statusDetail(c.jwt)).toEqual({ check: 'status', ok: true, detail: 'not revoked, not suspended' });
      expect((await verify(c.jwt)).valid).toBe(true);
      expect(await independentVerify(c.jwt)).toEqual({ signature: true, revoked: false, suspended: false });
    }
    expect((await listed(entityId)).map((c) => c.status).sort()).toEqual(['active', 'active', 'revoked']);
  });

  it('applies a redelivered message once and ignores an event older than the last applied version, whatever the topic order', async () => {
    const entityId = await licence();
    const c = await issue(entityId);
    // The reactivation (version 3) overtakes the deactivation (version 2) on the other topic.
    const deactivation = activation('EntityDeactivatedV1', entityId, 2);
    await consumer().handle(activation('EntityReactivatedV1', entityId, 3));
    await consumer().handle(deactivation);
    expect((await verify(c.jwt)).valid).toBe(true);
    expect(await independentVerify(c.jwt)).toMatchObject({ suspended: false });

    // A later deactivation counts; delivered twice (same id), it is applied once.
    const later = activation('EntityDeactivatedV1', entityId, 4);
    await consumer().handle(later);
    await consumer().handle(later);
    expect(await statusDetail(c.jwt)).toMatchObject({ ok: false, detail: expect.stringMatching(/^suspended/) });
    await consumer().handle(activation('EntityReactivatedV1', entityId, 5));
    expect((await verify(c.jwt)).valid).toBe(true);
    // The same deactivation redelivered (same id) or re-published (new id) after the reactivation changes nothing.
    await consumer().handle(later);
    await consumer().handle(activation('EntityDeactivatedV1', entityId, 4));
    expect((await verify(c.jwt)).valid).toBe(true);
    const { rows } = await infrastructure.pool.query(
      `SELECT version, deactivated FROM credentials.entity_activation WHERE entity_id = $1`,
      [entityId],
    );
    expect(rows).toEqual([{ version: 5, deactivated: false }]);
  });

  it('issues a credential of a deactivated entity suspended, valid once the entity is reactivated', async () => {
    const entityId = await licence();
    await consumer().handle(activation('EntityDeactivatedV1', entityId, 2));
    const c = await issue(entityId);
    expect(c.status).toBe('suspended');
    expect(await independentVerify(c.jwt)).toMatchObject({ suspended: true });
    await consumer().handle(activation('EntityReactivatedV1', entityId, 3));
    expect((await verify(c.jwt)).valid).toBe(true);
  });

  it('skips a malformed activation event (no version) without failing', async () => {
    const entityId = await licence();
    const c = await issue(entityId);
    const bad = activation('EntityDeactivatedV1', entityId, 2);
    await consumer().handle({ ...bad, payload: { ...(bad.payload as object), version: 'two' } });
    expect((await verify(c.jwt)).valid).toBe(true);
  });
});
