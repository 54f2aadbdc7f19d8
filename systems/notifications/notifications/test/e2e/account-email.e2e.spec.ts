import { freePort } from '@archipelago/platform-local-postgres';
import {
  createTestDatabase,
  edgeUpstreams,
  kafkaBrokers,
  startMailSink,
  startWorkspaceProcess,
  type CaughtMail,
  type MailSink,
  type RunningProcess,
} from '@archipelago/testing-harness';
import { decodeJwt } from 'jose';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 12 §3 end to end: identity and notifications as real processes behind the edge, Kafka
// between them, e-mail to the harness's Mailpit. A reader registers, finds the verification
// e-mail, opens its link and presses the button; asks for a password reset and uses that link.
// The events cross systems over Kafka only (the postgres transport reads a system's outbox from
// its fixed database name): with TEST_KAFKA=off this file is skipped.
const IDENTITY = 'systems/identity/identity/src/main.ts';
const NOTIFICATIONS = 'systems/notifications/notifications/src/main.ts';
const processes: RunningProcess[] = [];
let sink: MailSink;
let edgeUrl: string;

const http = (path: string, init?: RequestInit) => fetch(`${edgeUrl}${path}`, init);
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const form = (params: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(params).toString(),
});
const signIn = (username: string, password: string) =>
  http('/identity/v1/token', form({ grant_type: 'password', username, password }));
const accessToken = async (username: string, password: string) =>
  ((await (await signIn(username, password)).json()) as { access_token: string }).access_token;
const mailTo = (address: string, subject: string) =>
  sink.waitFor((m: CaughtMail) => m.subject === subject && m.to.some((t) => t.address === address), {
    timeoutMs: 60_000,
  });
/** The link of an e-mail (the text part), on our edge. */
function linkIn(mail: CaughtMail): URL {
  const match = /https?:\/\/\S+\/identity\/v1\/\S+\?token=[A-Za-z0-9_-]+/.exec(mail.text);
  if (!match) throw new Error(`no link in:\n${mail.text}`);
  return new URL(match[0]);
}

describe.runIf(kafkaBrokers())('e-mail verification and password reset, end to end through the edge', () => {
  beforeAll(async () => {
    sink = await startMailSink();
    const [identityPort, identityGrpc, notificationsPort, edgePort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    edgeUrl = `http://127.0.0.1:${edgePort}`;
    const identityUrl = `http://127.0.0.1:${identityPort}`;
    const notificationsUrl = `http://127.0.0.1:${notificationsPort}`;
    const kafka = { MESSAGING_TRANSPORT: 'kafka', KAFKA_BROKERS: kafkaBrokers(), LOG_LEVEL: 'warn' };
    const identityEnv = {
      ...kafka,
      SERVICE_NAME: 'identity',
      SYSTEM: 'identity',
      HTTP_PORT: String(identityPort),
      GRPC_PORT: String(identityGrpc),
      DATABASE_URL: await createTestDatabase('identity_mail_e2e'),
      DB_SCHEMA: 'identity',
      IDENTITY_KEYS_DIR: join(await mkdtemp(join(tmpdir(), 'identity-mail-e2e-')), 'keys'),
      NODE_ENV: 'development',
    };
    const notificationsEnv = {
      ...kafka,
      SERVICE_NAME: 'notifications',
      SYSTEM: 'notifications',
      HTTP_PORT: String(notificationsPort),
      DATABASE_URL: await createTestDatabase('notifications_mail_e2e'),
      DB_SCHEMA: 'notifications',
      AUTH_JWKS_URL: `${identityUrl}/identity/v1/.well-known/jwks.json`,
      SMTP_HOST: sink.smtpHost,
      SMTP_PORT: String(sink.smtpPort),
      EMAIL_POLL_MS: '200',
      PUBLIC_BASE_URL: edgeUrl,
    };
    await startWorkspaceProcess({ name: 'identity migrate', entry: IDENTITY, args: ['migrate'], env: identityEnv });
    await startWorkspaceProcess({
      name: 'notifications migrate',
      entry: NOTIFICATIONS,
      args: ['migrate'],
      env: notificationsEnv,
    });
    processes.push(
      await startWorkspaceProcess({
        name: 'identity',
        entry: IDENTITY,
        env: identityEnv,
        readyUrl: `${identityUrl}/health/ready`,
      }),
      await startWorkspaceProcess({
        name: 'notifications',
        entry: NOTIFICATIONS,
        env: notificationsEnv,
        readyUrl: `${notificationsUrl}/health/ready`,
      }),
    );
    processes.push(
      await startWorkspaceProcess({
        name: 'edge',
        entry: 'apps/edge/src/main.ts',
        env: {
          EDGE_PORT: String(edgePort),
          EDGE_STATUS_PORT: '0',
          EDGE_UPSTREAMS: JSON.stringify(
            edgeUpstreams(
              { 'identity.identity:8080': identityUrl, 'notifications.notifications:8080': notificationsUrl },
              identityUrl,
            ),
          ),
          EDGE_JWKS_URL: `${identityUrl}/identity/v1/.well-known/jwks.json`,
          LOG_LEVEL: 'warn',
        },
        readyUrl: `${edgeUrl}/health`,
      }),
    );
  }, 240_000);

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
    await sink?.stop();
  });

  it('register → verification e-mail → its link → email_verified; a second registration tells the owner', async () => {
    const email = `mail-${Date.now()}@example.com`;
    const registered = await http(
      '/identity/v1/users',
      json({ email, password: 'correct horse battery', displayName: 'Mia' }),
    );
    expect(registered.status).toBe(202);
    expect(decodeJwt(await accessToken(email, 'correct horse battery')).email_verified).toBe(false);

    const mail = await mailTo(email, 'Security: Verify your e-mail address');
    const link = linkIn(mail);
    expect(link.origin).toBe(edgeUrl);
    expect(link.pathname).toBe('/identity/v1/email-verification/page');
    const page = await http(`${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    const done = await http('/identity/v1/email-verification/page', form({ token: link.searchParams.get('token')! }));
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Address verified');
    const after = await accessToken(email, 'correct horse battery');
    expect(decodeJwt(after).email_verified).toBe(true);
    // The token link was e-mailed, never put in the inbox.
    const inbox = await (
      await http('/notifications/v1/notifications?limit=100', { headers: { authorization: `Bearer ${after}` } })
    ).json();
    expect(JSON.stringify(inbox)).not.toContain('token=');

    const again = await http('/identity/v1/users', json({ email, password: 'another password 1', displayName: 'Eve' }));
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ status: 'accepted', detail: expect.any(String) });
    const notice = await mailTo(email, 'Security: Someone tried to register with your address');
    expect(notice.text).not.toContain('token=');
  });

  it('password reset: the e-mailed link sets a new password once; the old one stops working', async () => {
    const email = `reset-${Date.now()}@example.com`;
    await http('/identity/v1/users', json({ email, password: 'old password 1', displayName: 'Rob' }));
    const asked = await http('/identity/v1/password-reset', json({ email }));
    expect(asked.status).toBe(202);
    const link = linkIn(await mailTo(email, 'Security: Reset your password'));
    expect(link.pathname).toBe('/identity/v1/password-reset/page');
    const token = link.searchParams.get('token')!;
    const confirm = () => http('/identity/v1/password-reset/confirm', json({ token, newPassword: 'new password 2' }));
    expect((await confirm()).status).toBe(204);
    expect((await confirm()).status).toBe(400);
    expect((await signIn(email, 'old password 1')).status).toBe(400);
    expect((await signIn(email, 'new password 2')).status).toBe(200);
  });

  it('security messages: a password change and a sign-in from a new browser, one e-mail each; a known browser none', async () => {
    const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
    const SAFARI =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
    const email = `security-${Date.now()}@example.com`;
    await http('/identity/v1/users', json({ email, password: 'old password 1', displayName: 'Sam' }));
    const first = await accessToken(email, 'old password 1'); // the first sign-in: never "new"
    const changed = await http('/identity/v1/users/me/password', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first}` },
      body: JSON.stringify({ currentPassword: 'old password 1', newPassword: 'new password 2' }),
    });
    expect(changed.status).toBe(204);
    const mail = await mailTo(email, 'Security: Your password was changed');
    expect(mail.text).toContain(`${edgeUrl}/identity/v1/users/me`);
    expect(mail.text).not.toContain('new password 2');

    const signInWith = (userAgent: string) =>
      http('/identity/v1/token', {
        ...form({ grant_type: 'password', username: email, password: 'new password 2' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent },
      });
    expect((await signInWith(FIREFOX)).status).toBe(200);
    const notice = await mailTo(email, 'Security: New sign-in to your account');
    expect(notice.text).toContain('Firefox on Linux');
    expect(notice.text).toContain(`${edgeUrl}/identity/v1/users/me/sessions`);
    expect((await signInWith(FIREFOX)).status).toBe(200); // known now: no message
    // A later new browser's message comes after anything the repeat could have caused (one topic, keyed by user).
    const bearer = (await (await signInWith(SAFARI)).json()) as { access_token: string };
    await sink.waitFor((m) => m.to.some((t) => t.address === email) && m.text.includes('Safari on iOS'), {
      timeoutMs: 60_000,
    });
    const newSignIns = (await sink.messages()).filter(
      (m) => m.subject === 'Security: New sign-in to your account' && m.to.some((t) => t.address === email),
    );
    expect(newSignIns.map((m) => (m.text.includes('Safari on iOS') ? 'Safari' : 'Firefox')).sort()).toEqual([
      'Firefox',
      'Safari',
    ]);
    const inbox = (await (
      await http('/notifications/v1/notifications?limit=100', {
        headers: { authorization: `Bearer ${bearer.access_token}` },
      })
    ).json()) as { items: Array<{ category: string; title: string; read: boolean }> };
    expect(inbox.items.filter((n) => n.category === 'security').map((n) => [n.title, n.read])).toEqual([
      ['New sign-in to your account', false],
      ['New sign-in to your account', false],
      ['Your password was changed', false],
    ]);
  });
});
