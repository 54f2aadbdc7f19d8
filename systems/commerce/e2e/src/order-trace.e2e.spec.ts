import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@archipelago/platform-local-postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// `npm start -- --observe` for real (the launcher, every service, the edge, Zipkin from Maven
// Central), an order placed through the edge as in the README, then its trace read back from
// Zipkin's API. A mistake in the telemetry bootstrap (libs/platform/telemetry) or in the trace
// continuation through the outbox shows here as missing services, several traces or orphan spans.

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const launcher = join(root, 'apps/devstack/devstack.mjs');

interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  timestamp: number;
  localEndpoint: { serviceName: string };
  tags?: Record<string, string>;
}

let child: ChildProcess;
let exited: Promise<number | null>;
let dataDir: string;
let output = '';
let edge: string;
let zipkin: string;
const servicePorts = new Map<string, number>();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'trace-e2e-'));
  chmodSync(dataDir, 0o755); // Postgres runs as the `postgres` user when we are root
  // The real stack, on free ports (another stack may hold the usual ones).
  const stack = JSON.parse(readFileSync(join(root, 'infra/local/stack.json'), 'utf8')) as {
    systems: { services: { name: string; httpPort: number; grpcPort?: number }[] }[];
  };
  for (const service of stack.systems.flatMap((s) => s.services)) {
    service.httpPort = await freePort();
    servicePorts.set(service.name, service.httpPort);
    if (service.grpcPort) service.grpcPort = await freePort();
  }
  const stackFile = join(dataDir, 'stack.json');
  writeFileSync(stackFile, JSON.stringify(stack));
  const edgePort = await freePort();
  child = spawn(process.execPath, [launcher, '--observe'], {
    cwd: root,
    env: {
      ...process.env,
      STACK_FILE: stackFile,
      DEVSTACK_DATA_DIR: dataDir,
      PGPORT_LOCAL: '0',
      EDGE_PORT: String(edgePort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  await vi.waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      if (!output.includes('Press Ctrl-C to stop')) throw new Error(`not up yet:\n${output.slice(-3000)}`);
    },
    { timeout: 420_000, interval: 500 },
  );
  edge = `http://127.0.0.1:${edgePort}`;
  zipkin = /^Traces\s+(http:\/\/127\.0\.0\.1:\d+)\/zipkin\//m.exec(output)![1]!;
}, 450_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
  await exited;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function json<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function token(username: string, password: string): Promise<string> {
  const { body } = await json<{ access_token: string }>(`${edge}/identity/v1/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', username, password }),
  });
  return body.access_token;
}

const post = (url: string, bearer: string, body: unknown, headers: Record<string, string> = {}) =>
  json<{ id: string; status?: string }>(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('one trace per order (npm start -- --observe, Zipkin)', () => {
  it('prints the trace viewer, whose UI answers', async () => {
    expect(output).toMatch(/^Traces\s+http:\/\/127\.0\.0\.1:\d+\/zipkin\//m);
    expect((await fetch(`${zipkin}/zipkin/`)).status).toBe(200);
  });

  it('places an order through the edge and finds its whole saga as one trace: edge, ordering, catalog (gRPC and consumer), payments', async () => {
    const email = `trace-${Date.now()}@example.com`;
    const password = 'correct horse battery';
    expect((await post(`${edge}/identity/v1/users`, '', { email, password, displayName: 'Trace' })).status).toBe(202);
    const admin = await token('admin@archipelago.local', 'archipelago-admin');
    const customer = await token(email, password);
    const product = await post(`${edge}/commerce/v1/products`, admin, {
      sku: `TRACE-${Date.now()}`,
      name: 'Kettle',
      price: { amount: 2999, currency: 'USD' },
      initialStock: 5,
    });
    expect(product.status).toBe(201);
    const deposit = await post(
      `${edge}/commerce/v1/wallet/deposits`,
      customer,
      { amount: { amount: 10_000, currency: 'USD' } },
      {
        'idempotency-key': `trace-${Date.now()}`,
      },
    );
    expect(deposit.status).toBeLessThan(300);
    const order = await post(`${edge}/commerce/v1/orders`, customer, {
      items: [{ productId: product.body.id, quantity: 2 }],
    });
    expect(order.status).toBe(202);
    const orderId = order.body.id;
    await vi.waitFor(
      async () => {
        const { body } = await json<{ status: string }>(`${edge}/commerce/v1/orders/${orderId}`, {
          headers: { authorization: `Bearer ${customer}` },
        });
        expect(body.status).toBe('confirmed');
      },
      { timeout: 60_000, interval: 500 },
    );

    // Spans leave each process in batches (up to 5 s): wait until the saga's last step is there.
    let traces: ZipkinSpan[][] = [];
    await vi.waitFor(
      async () => {
        const query = new URLSearchParams({
          annotationQuery: `archipelago.aggregate_id=${orderId}`,
          limit: '10',
          lookback: '3600000',
        });
        traces = (await json<ZipkinSpan[][]>(`${zipkin}/api/v2/traces?${query}`)).body;
        expect(traces).toHaveLength(1);
        const names = traces[0]!.map((s) => `${s.localEndpoint.serviceName} ${s.kind ?? ''} ${s.name}`);
        // the confirmation: ordering handles the payment result and tells catalog to commit the stock
        expect(names).toContain('ordering CONSUMER process commerce.payments.payments.v1');
        expect(names.filter((n) => n === 'catalog CONSUMER process commerce.ordering.stock-commands.v1')).toHaveLength(
          2,
        );
        // … and the edge's batch, which may leave later than the services' on a busy machine
        expect(names).toContain('edge SERVER post');
      },
      { timeout: 60_000, interval: 1000 },
    );
    const spans = traces[0]!;
    const byId = new Map(spans.map((s) => [s.id, s]));
    const services = new Set(spans.map((s) => s.localEndpoint.serviceName));
    expect([...services]).toEqual(expect.arrayContaining(['edge', 'ordering', 'catalog', 'payments']));

    // One root: the edge's server span of POST /commerce/v1/orders; every other span has its parent in the trace.
    const roots = spans.filter((s) => !s.parentId);
    expect(roots.map((s) => `${s.localEndpoint.serviceName} ${s.kind}`)).toEqual(['edge SERVER']);
    expect(spans.filter((s) => s.parentId && !byId.has(s.parentId))).toEqual([]);

    const find = (service: string, kind: ZipkinSpan['kind'], name: RegExp) =>
      spans.filter((s) => s.localEndpoint.serviceName === service && s.kind === kind && name.test(s.name ?? ''));
    const parentOf = (s: ZipkinSpan) => byId.get(s.parentId!)!;

    // edge → ordering over HTTP
    const placed = find('ordering', 'SERVER', /^post \/commerce\/v1\/orders$/);
    expect(placed).toHaveLength(1);
    expect(parentOf(placed[0]!)).toMatchObject({ kind: 'CLIENT', localEndpoint: { serviceName: 'edge' } });
    // ordering → catalog over gRPC
    const grpc = find('catalog', 'SERVER', /catalogservice\/getproducts$/);
    expect(grpc.length).toBeGreaterThan(0);
    expect(parentOf(grpc[0]!)).toMatchObject({ kind: 'CLIENT', localEndpoint: { serviceName: 'ordering' } });
    // ordering's outbox → catalog's reservation consumer: the consumer's parent is the message's create span
    const reserve = find('catalog', 'CONSUMER', /^process commerce\.ordering\.stock-commands\.v1$/)[0]!;
    expect(parentOf(reserve)).toMatchObject({
      kind: 'PRODUCER',
      name: 'create commerce.ordering.stock-commands.v1',
      localEndpoint: { serviceName: 'ordering' },
    });
    expect(reserve.tags).toMatchObject({
      'messaging.consumer.group.name': expect.stringMatching(/catalog/),
      'archipelago.aggregate_id': orderId,
    });
    // … and payments, from ordering's payment command
    const pay = find('payments', 'CONSUMER', /^process commerce\.ordering\.payment-commands\.v1$/);
    expect(pay).toHaveLength(1);
    expect(parentOf(pay[0]!)).toMatchObject({ kind: 'PRODUCER', localEndpoint: { serviceName: 'ordering' } });
    // the event store appends carry the stream id (the order's stream holds its id)
    expect(
      find('ordering', undefined, /^event-store append$/).some((s) =>
        s.tags?.['archipelago.stream_id']?.includes(orderId),
      ),
    ).toBe(true);
  });

  it('serves the RED and event-sourcing metrics on every service’s /metrics after the order', async () => {
    const metrics = async (name: string) => (await fetch(`http://127.0.0.1:${servicePorts.get(name)}/metrics`)).text();
    for (const name of ['catalog', 'ordering', 'payments']) {
      const text = await metrics(name);
      // every series also carries the registry's default label service="<name>"
      expect(text, name).toMatch(
        /^http_server_request_duration_seconds_count\{service="\w+",method="[A-Z]+",route="[^"]+",status="\d{3}"\} \d+/m,
      );
      expect(text, name).toMatch(/^event_store_append_duration_seconds_count\{service="\w+",outcome="ok"\} [1-9]/m);
      expect(text, name).toMatch(/^event_store_append_conflicts_total\{service="\w+"\} \d+/m);
      expect(text, name).toMatch(/^outbox_oldest_unpublished_age_seconds\{service="\w+"\} \d/m);
      expect(text, name).toContain('# TYPE dead_letters gauge');
    }
    // ordering's saga consumers read catalog's and payments' outboxes (postgres transport): caught up
    expect(await metrics('ordering')).toMatch(
      /^consumer_lag_messages\{consumer_group="commerce\.ordering",source="catalog\.outbox",service="ordering"\} 0$/m,
    );
    // ordering asked catalog for prices over gRPC
    expect(await metrics('catalog')).toMatch(
      /^rpc_server_call_duration_seconds_count\{service="catalog",rpc_service="archipelago\.commerce\.catalog\.v1\.CatalogService",rpc_method="GetProducts",rpc_grpc_status_code="OK"\} [1-9]/m,
    );
  });

  // The systems built after issue 13 inherit it: a flow of theirs through the edge is one trace too.
  // The test is the caller: it sends its own W3C traceparent, so the trace id is known and the edge's
  // server span is the only span whose parent (the test's) is not in the trace.
  const traced = () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
  };
  const traceOf = async (traceId: string) => {
    const res = await fetch(`${zipkin}/api/v2/trace/${traceId}`);
    return res.status === 200 ? ((await res.json()) as ZipkinSpan[]) : [];
  };
  const expectWhole = (spans: ZipkinSpan[], parentId: string) => {
    const ids = new Set(spans.map((s) => s.id));
    const entered = spans.filter((s) => s.parentId === parentId);
    expect(entered.map((s) => `${s.localEndpoint.serviceName} ${s.kind}`)).toEqual(['edge SERVER']);
    expect(spans.filter((s) => s.parentId !== parentId && (!s.parentId || !ids.has(s.parentId)))).toEqual([]);
  };
  const label = (s: ZipkinSpan) => `${s.localEndpoint.serviceName} ${s.kind ?? ''} ${s.name}`;

  it('follows a scheduling flow (a task created through the edge) as one trace: edge, tasks, its event-store append and outbox', async () => {
    const customer = await token('admin@archipelago.local', 'archipelago-admin');
    const { traceId, parentId, traceparent } = traced();
    const task = await post(
      `${edge}/scheduling/v1/tasks`,
      customer,
      { title: 'Trace the task', priority: 2 },
      { traceparent },
    );
    expect(task.status).toBe(201);
    let spans: ZipkinSpan[] = [];
    await vi.waitFor(
      async () => {
        spans = await traceOf(traceId);
        // the outbox write of TaskCreatedV1, in the transaction of the append
        expect(
          spans.filter((s) => /^tasks/.test(s.localEndpoint.serviceName) && s.kind === 'PRODUCER').map(label),
        ).not.toEqual([]);
      },
      { timeout: 30_000, interval: 1000 },
    );
    expectWhole(spans, parentId);
    const server = spans.filter(
      (s) =>
        /^tasks/.test(s.localEndpoint.serviceName) &&
        s.kind === 'SERVER' &&
        /\/scheduling\/v1\/tasks$/.test(s.name ?? ''),
    );
    expect(server).toHaveLength(1);
    expect(spans.find((s) => s.id === server[0]!.parentId)).toMatchObject({
      kind: 'CLIENT',
      localEndpoint: { serviceName: 'edge' },
    });
    expect(
      spans.some((s) => s.name === 'event-store append' && s.tags?.['archipelago.stream_id']?.includes(task.body.id)),
    ).toBe(true);
  });

  it('follows a registry flow (a claim attested through the edge) as one trace: edge, registry, its outbox, and the credentials service issuing the credential', async () => {
    // (before the edge dropped the client's traceparent, upstreams got two and started a new trace)
    const admin = await token('admin@archipelago.local', 'archipelago-admin');
    // The owner requests the attestation, an admin attests it (never one's own claim).
    const email = `trace-owner-${Date.now()}@example.com`;
    expect(
      (await post(`${edge}/identity/v1/users`, '', { email, password: 'correct horse battery', displayName: 'Owner' }))
        .status,
    ).toBe(202);
    const owner = await token(email, 'correct horse battery');
    const me = (
      await json<{ id: string }>(`${edge}/identity/v1/users/me`, { headers: { authorization: `Bearer ${owner}` } })
    ).body.id;
    const title = `TraceStudent${Date.now()}`;
    const schema = await post(`${edge}/registry/v1/schema/create_def`, admin, {
      title,
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, userId: { type: 'string' } },
      _osConfig: {
        ownershipAttributes: [{ userId: '/userId' }],
        attestationPolicies: [
          {
            name: 'enrolment',
            properties: ['$.name'],
            attestorRoles: ['admin'],
            credentialTemplate: { type: ['EnrolmentCredential'], credentialSubject: { name: '{{name}}' } },
          },
        ],
      },
    });
    expect(schema.status).toBeLessThan(300);
    for (const step of ['validate_def', 'activate_def']) {
      expect((await post(`${edge}/registry/v1/schema/${step}`, admin, { id: schema.body.id })).status).toBeLessThan(
        300,
      );
    }
    const entity = await post(`${edge}/registry/v1/entity/${title}`, admin, { name: 'Asha', userId: me });
    expect(entity.status).toBeLessThan(300);
    const claim = await post(`${edge}/registry/v1/entity/${title}/${entity.body.id}/attestations`, owner, {
      policy: 'enrolment',
    });
    expect(claim.status).toBeLessThan(300);
    // The attestor's inbox is a read model: attest once the claim is there.
    const { traceId, parentId, traceparent } = traced();
    await vi.waitFor(
      async () => {
        const attest = await post(
          `${edge}/registry/v1/claims/${claim.body.id}/attest`,
          admin,
          { note: 'trace' },
          { traceparent },
        );
        expect(attest.status).toBeLessThan(300);
      },
      { timeout: 30_000, interval: 1000 },
    );
    let spans: ZipkinSpan[] = [];
    await vi.waitFor(
      async () => {
        spans = await traceOf(traceId);
        // the credentials service consumed the attestation and announced the credential it issued
        expect(spans.some((s) => /^credentials/.test(s.localEndpoint.serviceName) && s.kind === 'CONSUMER')).toBe(true);
        expect(spans.some((s) => /^credentials/.test(s.localEndpoint.serviceName) && s.kind === 'PRODUCER')).toBe(true);
      },
      { timeout: 60_000, interval: 1000 },
    );
    expectWhole(spans, parentId);
    const consumer = spans.find((s) => /^credentials/.test(s.localEndpoint.serviceName) && s.kind === 'CONSUMER')!;
    expect(spans.find((s) => s.id === consumer.parentId)).toMatchObject({
      kind: 'PRODUCER',
      localEndpoint: { serviceName: expect.stringMatching(/^registry/) },
    });
    expect(spans.some((s) => /^registry/.test(s.localEndpoint.serviceName) && s.kind === 'SERVER')).toBe(true);
  });

  it('serves the RED and platform metrics on /metrics of the services built after issue 13 too', async () => {
    for (const name of ['tasks', 'calendar', 'registry', 'credentials', 'notifications']) {
      const res = await fetch(`http://127.0.0.1:${servicePorts.get(name)}/metrics`);
      expect(res.status, name).toBe(200);
      const text = await res.text();
      for (const family of [
        'http_server_request_duration_seconds histogram',
        'event_store_append_duration_seconds histogram',
        'outbox_oldest_unpublished_age_seconds gauge',
        'consumer_lag_messages gauge',
        'dead_letters gauge',
        'db_client_connection_count gauge',
        'process_resident_memory_bytes gauge',
      ]) {
        expect(text, `${name}: ${family}`).toContain(`# TYPE ${family}`);
      }
    }
    // the flows above went through tasks and registry: their routes are counted
    for (const name of ['tasks', 'registry']) {
      const text = await (await fetch(`http://127.0.0.1:${servicePorts.get(name)}/metrics`)).text();
      expect(text, name).toMatch(
        /^http_server_request_duration_seconds_count\{service="[\w-]+",method="POST",route="[^"]+",status="2\d\d"\} [1-9]/m,
      );
    }
  });
});
