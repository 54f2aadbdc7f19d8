import 'reflect-metadata';
import { createHttpApp, postgresReadinessCheck } from '@archipelago/platform-service';
import { claimAttestedV1Schema, claimRaisedV1Schema, claimSupersededV1Schema } from '@archipelago/registry-contracts';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY_DOMAIN_ERRORS, RegistryModule } from '../../registry.module.js';
import { migrateRegistry } from '../../repository/registry.data-source.js';
import { RegistryInfrastructure } from '../../repository/registry.infrastructure.js';
import { registryEntityStreamId } from '../../repository/registry-entity.event-store.repository.js';

// Component test of the attestation workflow over HTTP on real Postgres: request → inbox → attest /
// reject → the entity's _osState / _osAttestedData (through the claim process manager), 404 for
// whoever may not see or decide, 409 on a second decision, concurrent decisions, re-attestation,
// and the process manager resuming after a crash between the decision and the entity update.
// The projections are not started: each test runs them explicitly (`settle`), so nothing is timed.
const OWNER = 'b1b1b1b1-0000-4000-8000-000000000003';
let issuer: TestIssuer;
let admin: string;
let owner: string;
let stranger: string;
let registrar: string;
let registrar2: string;
let app: NestFastifyApplication;
let infrastructure: RegistryInfrastructure;
let url: string;
let root: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, token: string, init: RequestInit & { body?: string } = {}) =>
  fetch(`${root}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  }) as Promise<JsonResponse>;
const post = (path: string, token: string, body: unknown) =>
  http(path, token, { method: 'POST', body: JSON.stringify(body) });

/** Runs the claim list and the claim → entity process manager up to the head of the log. */
const settle = async (infra = infrastructure) => {
  await infra.claimProcessRunner.catchUp();
  await infra.claimListRunner.catchUp();
};

beforeAll(async () => {
  issuer = await startTestIssuer();
  const token = (sub: string, roles: string[]) => issuer.issue({ sub, roles, expiresInSec: 900 });
  admin = await token('a0a0a0a0-0000-4000-8000-000000000001', ['admin']);
  owner = await token(OWNER, ['customer']);
  stranger = await token('c0c0c0c0-0000-4000-8000-000000000002', ['customer']);
  registrar = await token('d0d0d0d0-0000-4000-8000-000000000004', ['registrar']);
  registrar2 = await token('e0e0e0e0-0000-4000-8000-000000000005', ['registrar']);
  url = await createTestDatabase('registry_claims_http');
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
  await app.listen(0, '127.0.0.1');
  root = `${await app.getUrl()}/registry/v1`.replace('[::1]', '127.0.0.1');
  const schema = {
    title: 'Graduate',
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1 },
      degree: { type: 'object', properties: { title: { type: 'string' }, year: { type: 'integer' } } },
      phone: { type: 'string' },
      nationalId: { type: 'string' },
      userId: { type: 'string' },
    },
    additionalProperties: false,
    _osConfig: {
      privateFields: ['$.nationalId'],
      ownershipAttributes: [{ userId: '/userId' }],
      attestationPolicies: [
        {
          name: 'degree',
          properties: ['$.name', '$.degree', '$.nationalId'],
          attestorRoles: ['registrar'],
          credentialTemplate: { '@context': ['https://www.w3.org/ns/credentials/v2'], name: '{{name}}' },
        },
      ],
    },
  };
  const { id } = await (await post('/schema/create_def', admin, schema)).json();
  expect((await post('/schema/activate_def', admin, { id })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

const graduate = async () => {
  const res = await post('/entity/Graduate', admin, {
    name: 'Asha',
    degree: { title: 'BSc', year: 2020 },
    phone: '123',
    nationalId: 'ID-1',
    userId: OWNER,
  });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
};
const request = (entityId: string, token = owner, policy = 'degree') =>
  post(`/entity/Graduate/${entityId}/attestations`, token, { policy });
const entity = async (id: string) => (await http(`/entity/Graduate/${id}`, owner)).json();

describe('attestation workflow (/registry/v1/entity/{type}/{id}/attestations, /registry/v1/claims)', () => {
  it('request → inbox → attest: the entity shows ATTESTED and the attested values frozen, without private fields', async () => {
    const id = await graduate();
    const raised = await request(id);
    expect(raised.status).toBe(201);
    const claim = await raised.json();
    expect(raised.headers.get('location')).toBe(`/registry/v1/claims/${claim.id}`);
    expect(claim).toMatchObject({
      status: 'open',
      entityType: 'Graduate',
      entityId: id,
      policy: 'degree',
      requester: OWNER,
      properties: ['/name', '/degree', '/nationalId'],
      values: { name: 'Asha', degree: { title: 'BSc', year: 2020 } },
      issuesCredential: true,
    });
    expect(claim.values).not.toHaveProperty('nationalId');
    await settle();
    expect((await entity(id))._osState).toEqual({ degree: 'PENDING' });

    const inbox = await (await http('/claims?status=open', registrar)).json();
    expect(inbox.items.map((c: { id: string }) => c.id)).toContain(claim.id);
    const strangerInbox = await (await http('/claims?status=open', stranger)).json();
    expect(strangerInbox).toEqual({ totalCount: 0, items: [] });
    expect((await http(`/claims/${claim.id}`, owner)).status).toBe(200);
    expect((await http(`/claims/${claim.id}`, stranger)).status).toBe(404);
    expect((await post(`/claims/${claim.id}/attest`, stranger, {})).status).toBe(404);
    expect((await post(`/claims/${claim.id}/attest`, owner, {})).status).toBe(404);

    const attested = await post(`/claims/${claim.id}/attest`, registrar, { note: 'checked the register' });
    expect(attested.status).toBe(200);
    expect(await attested.json()).toMatchObject({ status: 'attested', note: 'checked the register' });
    expect((await post(`/claims/${claim.id}/reject`, registrar, { note: 'again' })).status).toBe(409);
    await settle();
    const after = await entity(id);
    expect(after._osState).toEqual({ degree: 'ATTESTED' });
    expect(after._osAttestedData).toEqual({ degree: { name: 'Asha', degree: { title: 'BSc', year: 2020 } } });
    expect(
      (await (await http('/claims?status=open', registrar)).json()).items.map((c: { id: string }) => c.id),
    ).not.toContain(claim.id);
    // The attestation moved the entity's version (its ETag): the search read model carries it too.
    await infrastructure.entitySearchRunner.catchUp();
    const etag = (await http(`/entity/Graduate/${id}`, owner)).headers.get('etag');
    const found = await (
      await post('/entity/Graduate/search', admin, { filters: { name: { eq: 'Asha' } }, limit: 500 })
    ).json();
    const item = found.items.find((i: { id: string }) => i.id === id);
    expect(etag).toBe(`"${item.version}"`);

    const { rows } = await infrastructure.pool.query<{ payload: unknown }>(
      `SELECT payload FROM "registry".outbox WHERE message_type = 'archipelago.registry.registry.ClaimAttestedV1' AND message_key = $1`,
      [claim.id],
    );
    expect(rows).toHaveLength(1);
    const event = claimAttestedV1Schema.parse(
      typeof rows[0]!.payload === 'string' ? JSON.parse(rows[0]!.payload) : rows[0]!.payload,
    );
    expect(event).toMatchObject({
      claimId: claim.id,
      attestor: 'd0d0d0d0-0000-4000-8000-000000000004',
      policy: 'degree',
    });
    expect(event.credentialTemplate).toBeDefined();
    const raisedRows = await infrastructure.pool.query<{ payload: unknown }>(
      `SELECT payload FROM "registry".outbox WHERE message_type = 'archipelago.registry.registry.ClaimRaisedV1' AND message_key = $1`,
      [claim.id],
    );
    const raisedEvent = claimRaisedV1Schema.parse(
      typeof raisedRows.rows[0]!.payload === 'string'
        ? JSON.parse(raisedRows.rows[0]!.payload)
        : raisedRows.rows[0]!.payload,
    );
    expect(raisedEvent.attestorRoles).toEqual(['registrar']);
  });

  it('someone else cannot request attestation of the entity (404); an unknown policy is 400', async () => {
    const id = await graduate();
    expect((await request(id, stranger)).status).toBe(404);
    const unknown = await request(id, owner, 'nope');
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).detail).toContain('nope');
  });

  it('rejection needs a note; the entity then shows REJECTED and no attested data', async () => {
    const id = await graduate();
    const claim = await (await request(id)).json();
    expect((await post(`/claims/${claim.id}/reject`, registrar, {})).status).toBe(400);
    const rejected = await post(`/claims/${claim.id}/reject`, registrar, { note: 'no such degree' });
    expect(rejected.status).toBe(200);
    await settle();
    const after = await entity(id);
    expect(after._osState).toEqual({ degree: 'REJECTED' });
    expect(after._osAttestedData).toEqual({});
    expect(
      (await (await http('/claims?status=rejected', registrar)).json()).items.map((c: { id: string }) => c.id),
    ).toContain(claim.id);
  });

  it('a change to an attested property sets NEEDS_REATTESTATION; a change elsewhere does not; a new claim attests again', async () => {
    const id = await graduate();
    const first = await (await request(id)).json();
    await post(`/claims/${first.id}/attest`, registrar, {});
    await settle();
    expect(
      (await http(`/entity/Graduate/${id}`, admin, { method: 'PATCH', body: JSON.stringify({ phone: '9' }) })).status,
    ).toBe(200);
    expect((await entity(id))._osState).toEqual({ degree: 'ATTESTED' });
    await http(`/entity/Graduate/${id}`, admin, { method: 'PATCH', body: JSON.stringify({ degree: { year: 2021 } }) });
    const changed = await entity(id);
    expect(changed._osState).toEqual({ degree: 'NEEDS_REATTESTATION' });
    expect(changed._osAttestedData.degree.degree).toEqual({ title: 'BSc', year: 2020 });
    const second = await (await request(id)).json();
    await post(`/claims/${second.id}/attest`, registrar2, {});
    await settle();
    const again = await entity(id);
    expect(again._osState).toEqual({ degree: 'ATTESTED' });
    expect(again._osAttestedData.degree.degree).toEqual({ title: 'BSc', year: 2021 });
  });

  it('a change to a property between the request and the decision: attested, the entity shows NEEDS_REATTESTATION', async () => {
    const id = await graduate();
    const claim = await (await request(id)).json();
    await settle();
    const patch = (body: object) =>
      http(`/entity/Graduate/${id}`, admin, { method: 'PATCH', body: JSON.stringify(body) });
    expect((await patch({ phone: '7' })).status).toBe(200); // not a property of the policy
    expect((await patch({ degree: { year: 2022 } })).status).toBe(200);
    expect((await post(`/claims/${claim.id}/attest`, registrar, {})).status).toBe(200);
    await settle();
    const stale = await entity(id);
    expect(stale._osState).toEqual({ degree: 'NEEDS_REATTESTATION' });
    // What was attested is kept, as requested; the entity holds another value.
    expect(stale._osAttestedData.degree.degree).toEqual({ title: 'BSc', year: 2020 });
    expect(stale.body.degree.year).toBe(2022);
    await settle(); // replaying records nothing more
    expect((await entity(id))._osState).toEqual({ degree: 'NEEDS_REATTESTATION' });

    // A change elsewhere between request and decision leaves the attestation ATTESTED.
    const other = await graduate();
    const fine = await (await request(other)).json();
    await http(`/entity/Graduate/${other}`, admin, { method: 'PATCH', body: JSON.stringify({ phone: '8' }) });
    await post(`/claims/${fine.id}/attest`, registrar, {});
    await settle();
    expect((await entity(other))._osState).toEqual({ degree: 'ATTESTED' });
  });

  it('a claim raised while another of the same policy is open supersedes it: status, event, 409 naming it', async () => {
    const id = await graduate();
    const older = await (await request(id)).json();
    await settle();
    const newer = await (await request(id)).json();
    await settle();

    const closed = await http(`/claims/${older.id}`, owner);
    expect(await closed.json()).toMatchObject({ status: 'superseded', supersededBy: newer.id });
    const late = await post(`/claims/${older.id}/attest`, registrar, { note: 'too late' });
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toContain('application/problem+json');
    expect(await late.json()).toMatchObject({
      code: 'CLAIM.ALREADY_DECIDED',
      detail: expect.stringContaining('superseded'),
    });

    const open = (await (await http('/claims?status=open&limit=100', registrar)).json()).items.map(
      (c: { id: string }) => c.id,
    );
    expect(open).toContain(newer.id);
    expect(open).not.toContain(older.id);
    const supersededList = await (await http('/claims?status=superseded&limit=100', registrar)).json();
    expect(supersededList.items.map((c: { id: string }) => c.id)).toContain(older.id);

    const { rows } = await infrastructure.pool.query(
      `SELECT payload FROM "registry".outbox WHERE message_type = 'archipelago.registry.registry.ClaimSupersededV1' AND message_key = $1`,
      [older.id],
    );
    expect(rows).toHaveLength(1);
    const payload = typeof rows[0]!.payload === 'string' ? JSON.parse(rows[0]!.payload) : rows[0]!.payload;
    expect(claimSupersededV1Schema.parse(payload)).toMatchObject({
      claimId: older.id,
      supersededBy: newer.id,
      requester: OWNER,
      policy: 'degree',
    });

    expect((await post(`/claims/${newer.id}/attest`, registrar, {})).status).toBe(200);
    await settle();
    expect((await entity(id))._osState).toEqual({ degree: 'ATTESTED' });
    // Settling again (a replayed batch) supersedes nothing more.
    await settle();
    expect((await (await http(`/claims/${newer.id}`, owner)).json()).status).toBe('attested');
  });

  it('a claim decided before a newer one is raised keeps its decision', async () => {
    const id = await graduate();
    const first = await (await request(id)).json();
    await settle();
    expect((await post(`/claims/${first.id}/reject`, registrar, { note: 'blurred scan' })).status).toBe(200);
    const second = await (await request(id)).json();
    await settle();
    expect((await (await http(`/claims/${first.id}`, owner)).json()).status).toBe('rejected');
    expect((await (await http(`/claims/${second.id}`, owner)).json()).status).toBe('open');
    expect((await entity(id))._osState).toEqual({ degree: 'PENDING' });
  });

  it('concurrent decisions on one claim: exactly one wins, the others are 409', async () => {
    const id = await graduate();
    const claim = await (await request(id)).json();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? post(`/claims/${claim.id}/attest`, registrar, {})
          : post(`/claims/${claim.id}/reject`, registrar2, { note: `no ${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
  });

  it('after a crash between the decision and the entity update, a new process resumes and updates the entity exactly once', async () => {
    const id = await graduate();
    const claim = await (await request(id)).json();
    await post(`/claims/${claim.id}/attest`, registrar, {});
    // The decision is committed; this process never ran its process manager. Another process starts on the same database.
    const restarted = await RegistryInfrastructure.open({
      databaseUrl: url,
      schema: 'registry',
      transport: 'postgres',
    });
    try {
      await settle(restarted);
      // And once more from the first event of the log: replaying records nothing twice.
      await restarted.claimProcessRunner.rebuild();
      const events = await restarted.store.readStream(restarted.pool, registryEntityStreamId(id));
      const recorded = events
        .filter((e) => e.type === 'EntityAttestationRecorded')
        .map((e) => (e.data as { state: string }).state);
      expect(recorded).toEqual(['PENDING', 'ATTESTED']);
    } finally {
      await restarted.close();
    }
    expect((await entity(id))._osState).toEqual({ degree: 'ATTESTED' });
  });
});

describe('attestor entities: attestorEntity + condition decide who may attest', () => {
  const PRINCIPAL = 'f1f1f1f1-0000-4000-8000-000000000006';
  const OTHER_PRINCIPAL = 'f2f2f2f2-0000-4000-8000-000000000007';
  const TEACHER = 'f3f3f3f3-0000-4000-8000-000000000008';
  let principal: string;
  let otherPrincipal: string;
  let teacherToken: string;
  let school: string;

  beforeAll(async () => {
    const token = (sub: string) => issuer.issue({ sub, roles: ['customer'], expiresInSec: 900 });
    [principal, otherPrincipal, teacherToken] = await Promise.all([
      token(PRINCIPAL),
      token(OTHER_PRINCIPAL),
      token(TEACHER),
    ]);
    const define = async (schema: object) => {
      const created = await post('/schema/create_def', admin, schema);
      expect(created.status).toBe(201);
      const { id } = await created.json();
      expect((await post('/schema/activate_def', admin, { id })).status).toBe(200);
    };
    await define({
      title: 'School',
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, code: { type: 'string' }, principalId: { type: 'string' } },
      _osConfig: { ownershipAttributes: [{ userId: '/principalId' }] },
    });
    await define({
      title: 'Teacher',
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string' },
        schoolOSID: { type: 'string' },
        schoolCode: { type: 'string' },
        userId: { type: 'string' },
      },
      _osConfig: {
        ownershipAttributes: [{ userId: '/userId' }],
        attestationPolicies: [
          {
            // Sunbird RC's form: the attestor is the school the teacher names, by its id.
            name: 'employment',
            properties: ['$.name', '$.schoolOSID'],
            attestorPlugin: 'did:internal:ClaimPluginActor?entity=School',
            conditions: '(ATTESTOR#$.osid#.contains(REQUESTER#$.schoolOSID#))',
          },
          {
            // By a field value: the school whose code the teacher names (found through search).
            name: 'code',
            properties: ['$.name'],
            attestorEntity: { type: 'School', condition: 'ATTESTOR#$.code# == REQUESTER#$.schoolCode#' },
          },
          {
            // A condition this registry does not read: no school may attest (fails closed).
            name: 'unreadable',
            properties: ['$.name'],
            attestorEntity: 'School',
            conditions: "(ATTESTOR#$.code#.equalsIgnoreCase('x'))",
          },
        ],
      },
    });
    const create = async (type: string, body: object) => {
      const res = await post(`/entity/${type}`, admin, body);
      expect(res.status).toBe(201);
      return (await res.json()).id as string;
    };
    school = await create('School', { name: 'GHS Mysuru', code: 'GHS-7', principalId: PRINCIPAL });
    await create('School', { name: 'GHS Hassan', code: 'GHS-9', principalId: OTHER_PRINCIPAL });
    await infrastructure.entitySearchRunner.catchUp();
  });

  const teacher = async (body: object = {}) => {
    const res = await post('/entity/Teacher', admin, {
      name: 'Ravi',
      schoolOSID: school,
      schoolCode: 'GHS-7',
      userId: TEACHER,
      ...body,
    });
    expect(res.status).toBe(201);
    return (await res.json()).id as string;
  };
  const ask = (id: string, policy: string) => post(`/entity/Teacher/${id}/attestations`, teacherToken, { policy });
  const inboxIds = async (token: string) =>
    (await (await http('/claims?status=open', token)).json()).items.map((c: { id: string }) => c.id);

  it('only the owner of the school the teacher names may see and decide the claim; others get 404 problem+json', async () => {
    const id = await teacher();
    const raised = await ask(id, 'employment');
    expect(raised.status).toBe(201);
    const claim = await raised.json();
    await settle();
    await infrastructure.entitySearchRunner.catchUp();

    expect(await inboxIds(principal)).toContain(claim.id);
    expect(await inboxIds(otherPrincipal)).not.toContain(claim.id);
    expect(await inboxIds(registrar)).not.toContain(claim.id);
    expect((await http(`/claims/${claim.id}`, principal)).status).toBe(200);
    for (const token of [otherPrincipal, registrar, stranger, teacherToken]) {
      const refused = await post(`/claims/${claim.id}/attest`, token, {});
      expect(refused.status).toBe(404);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    const attested = await post(`/claims/${claim.id}/attest`, principal, { note: 'on our staff' });
    expect(attested.status).toBe(200);
    expect(await attested.json()).toMatchObject({ status: 'attested', attestor: PRINCIPAL });
  });

  it('ClaimRaisedV1 names the owners of the attestor entities (user ids only), so notifications can tell them', async () => {
    const raisedPayload = async (claimId: string) => {
      const { rows } = await infrastructure.pool.query(
        `SELECT payload FROM "registry".outbox WHERE message_type = 'archipelago.registry.registry.ClaimRaisedV1' AND message_key = $1`,
        [claimId],
      );
      expect(rows).toHaveLength(1);
      const payload = rows[0]!.payload;
      return claimRaisedV1Schema.parse(typeof payload === 'string' ? JSON.parse(payload) : payload);
    };
    const byId = await (await ask(await teacher(), 'employment')).json();
    const byIdEvent = await raisedPayload(byId.id);
    expect(byIdEvent.attestorUserIds).toEqual([PRINCIPAL]);
    expect(byIdEvent.attestorRoles).toEqual([]);
    expect(JSON.stringify(byIdEvent)).not.toContain('GHS Mysuru');

    const byCode = await (await ask(await teacher({ schoolCode: 'GHS-9' }), 'code')).json();
    expect((await raisedPayload(byCode.id)).attestorUserIds).toEqual([OTHER_PRINCIPAL]);

    // A principal who teaches at their own school is never told of their own claim.
    const own = await teacher({ userId: PRINCIPAL });
    const ownClaim = await post(`/entity/Teacher/${own}/attestations`, principal, { policy: 'employment' });
    expect(ownClaim.status).toBe(201);
    expect((await raisedPayload((await ownClaim.json()).id)).attestorUserIds).toEqual([]);
  });

  it('a school that changes hands: the new owner decides, the former one no longer may', async () => {
    const id = await teacher();
    const claim = await (await ask(id, 'employment')).json();
    const moved = await http(`/entity/School/${school}`, admin, {
      method: 'PATCH',
      body: JSON.stringify({ principalId: OTHER_PRINCIPAL }),
    });
    expect(moved.status).toBe(200);
    try {
      expect((await post(`/claims/${claim.id}/reject`, principal, { note: 'not ours' })).status).toBe(404);
      expect((await post(`/claims/${claim.id}/reject`, otherPrincipal, { note: 'not on staff' })).status).toBe(200);
    } finally {
      await http(`/entity/School/${school}`, admin, {
        method: 'PATCH',
        body: JSON.stringify({ principalId: PRINCIPAL }),
      });
    }
  });

  it('finds the attestor school by a field value; a condition no school satisfies or one not read is 400', async () => {
    const id = await teacher({ schoolCode: 'GHS-9' });
    const claim = await (await ask(id, 'code')).json();
    expect((await post(`/claims/${claim.id}/attest`, principal, {})).status).toBe(404);
    expect((await post(`/claims/${claim.id}/attest`, otherPrincipal, {})).status).toBe(200);

    const nobody = await teacher({ schoolCode: 'NONE', schoolOSID: crypto.randomUUID() });
    for (const policy of ['employment', 'code', 'unreadable']) {
      const refused = await ask(nobody, policy);
      expect(refused.status).toBe(400);
      expect((await refused.json()).code).toBe('CLAIM.NO_ATTESTOR');
    }
  });
});
