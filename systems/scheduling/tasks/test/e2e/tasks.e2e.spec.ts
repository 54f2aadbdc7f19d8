import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import {
  createTestDatabase,
  startSplitServiceBehindEdge,
  type RunningProcess,
  type TestEdge,
} from '@archipelago/testing-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// End to end, split mode: the compiled tasks service as two processes (ROLE=command and ROLE=query)
// and the edge, on real Postgres (and Kafka unless TEST_KAFKA=off); every request goes through the
// edge, which routes by method as kong.yml says (writes to tasks.scheduling, reads to
// tasks-query.scheduling). A read reaching the command role, or a write the query role, would get
// 404/405 from that process and fail the test. A test issuer stands in for identity.
let command: RunningProcess;
let query: RunningProcess;
let edge: TestEdge;
let edgeUrl: string;
let issuer: TestIssuer;
let ann: string;
let bob: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
const http = (path: string, init?: RequestInit) => fetch(`${edgeUrl}${path}`, init) as Promise<JsonResponse>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  issuer = await startTestIssuer();
  ann = await issuer.issue({
    sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f',
    roles: ['customer'],
    email: 'ann@example.com',
    expiresInSec: 900,
  });
  bob = await issuer.issue({
    sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
    roles: ['customer'],
    email: 'bob@example.com',
    expiresInSec: 900,
  });
  ({ command, query, edge } = await startSplitServiceBehindEdge({
    system: 'scheduling',
    service: 'tasks',
    databaseUrl: await createTestDatabase('scheduling_e2e'),
    auth: issuer,
  }));
  edgeUrl = edge.url;
});

afterAll(async () => {
  await edge?.stop();
  await command?.stop();
  await query?.stop();
  await issuer?.close();
});

const send = (method: string, path: string, body: unknown, token = ann) =>
  http(path, {
    method,
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body: JSON.stringify(body),
  });

describe('scheduling/tasks through the edge, command and query roles apart', () => {
  it('creates, changes, completes (writes: command role) and reads its own writes (reads: query role)', async () => {
    const created = await send('POST', '/scheduling/v1/tasks', { title: 'Through the edge', priority: 2 });
    expect(created.status).toBe(201);
    const task = await created.json();
    expect(task).toMatchObject({ version: 1, title: 'Through the edge', status: 'todo' });
    expect(created.headers.get('location')).toBe(`/scheduling/v1/tasks/${task.id}`);
    expect(created.headers.get('x-request-id')).toBeTruthy();
    const read = await http(`/scheduling/v1/tasks/${task.id}?minVersion=1`, { headers: bearer(ann) });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: task.id, version: 1, priority: 2 });
    const patched = await send('PATCH', `/scheduling/v1/tasks/${task.id}`, { priority: 1 });
    expect(await patched.json()).toMatchObject({ version: 2, priority: 1 });
    const conditional = await http(`/scheduling/v1/tasks/${task.id}`, {
      headers: { ...bearer(ann), 'if-none-match': patched.headers.get('etag')! },
    });
    expect([conditional.status, conditional.headers.get('etag')]).toEqual([304, '"2"']);
    const done = await send('POST', `/scheduling/v1/tasks/${task.id}/complete`, {});
    expect(await done.json()).toMatchObject({ version: 3, status: 'done' });
    const after = await http(`/scheduling/v1/tasks/${task.id}?minVersion=3`, { headers: bearer(ann) });
    expect(await after.json()).toMatchObject({ status: 'done', priority: 1 });
    const page = await (await http('/scheduling/v1/tasks?status=done', { headers: bearer(ann) })).json();
    expect(page.items.map((i: { id: string }) => i.id)).toContain(task.id);
    expect(page).toHaveProperty('nextCursor');
  });

  it('keeps custom fields and attachments across the roles: written on the command role, read and filtered on the query role', async () => {
    const created = await send('POST', '/scheduling/v1/tasks', {
      title: 'Invoice ACME',
      customFields: { client: 'ACME-e2e', hours: 3, billable: true },
    });
    expect(created.status).toBe(201);
    const task = await created.json();
    const pdf = {
      name: 'invoice.pdf',
      mediaType: 'application/pdf',
      size: 48213,
      url: 'https://files.example.com/i.pdf',
    };
    const attached = await send('POST', `/scheduling/v1/tasks/${task.id}/attachments`, pdf);
    expect(attached.status).toBe(201);
    const attachment = await attached.json();
    expect(attachment).toMatchObject({ ...pdf, version: 2 });
    const read = await http(`/scheduling/v1/tasks/${task.id}?minVersion=2`, { headers: bearer(ann) });
    expect(await read.json()).toMatchObject({
      customFields: { billable: true, client: 'ACME-e2e', hours: 3 },
      attachments: [{ id: attachment.id, ...pdf }],
    });
    const page = await (
      await http('/scheduling/v1/tasks?cf.client=ACME-e2e&cf.hours=3', { headers: bearer(ann) })
    ).json();
    expect(page.items.map((i: { id: string }) => i.id)).toEqual([task.id]);
    const removed = await http(`/scheduling/v1/tasks/${task.id}/attachments/${attachment.id}`, {
      method: 'DELETE',
      headers: bearer(ann),
    });
    expect(removed.status).toBe(204);
    const after = await http(`/scheduling/v1/tasks/${task.id}?minVersion=3`, { headers: bearer(ann) });
    expect((await after.json()).attachments).toEqual([]);
  });

  it('hides another user’s task (404) and refuses requests without a token at the edge (401)', async () => {
    const task = await (await send('POST', '/scheduling/v1/tasks', { title: 'Ann only' })).json();
    await http(`/scheduling/v1/tasks/${task.id}?minVersion=1`, { headers: bearer(ann) });
    expect((await http(`/scheduling/v1/tasks/${task.id}`, { headers: bearer(bob) })).status).toBe(404);
    expect((await send('PATCH', `/scheduling/v1/tasks/${task.id}`, { title: 'x' }, bob)).status).toBe(404);
    expect((await http('/scheduling/v1/tasks')).status).toBe(401);
    const bad = await send('POST', '/scheduling/v1/tasks', { title: '', priority: 9 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('shares a workspace through the edge: writes reach the command role, reads the query role; a viewer gets 403', async () => {
    const made = await send('POST', '/scheduling/v1/workspaces', { name: 'Edge crew' });
    expect(made.status).toBe(201);
    const ws = await made.json();
    expect((await http(`/scheduling/v1/workspaces/${ws.id}?minVersion=2`, { headers: bearer(bob) })).status).toBe(404);
    const added = await send('POST', `/scheduling/v1/workspaces/${ws.id}/members`, {
      userId: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
      role: 'viewer',
    });
    expect(added.status).toBe(200);
    const read = await http(`/scheduling/v1/workspaces/${ws.id}?minVersion=3`, { headers: bearer(bob) });
    expect(read.status).toBe(200);
    expect((await read.json()).members).toHaveLength(2);
    expect((await send('POST', '/scheduling/v1/tasks', { workspaceId: ws.id, title: 'x' }, bob)).status).toBe(403);
    expect((await send('POST', '/scheduling/v1/tasks', { workspaceId: ws.id, title: 'Shared' })).status).toBe(201);
  });
});
