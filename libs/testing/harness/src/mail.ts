import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WORKSPACE_ROOT } from './processes.js';

// The sink script is plain JavaScript outside any Nx project: loaded by URL, typed by its .d.mts.
type MailpitModule = typeof import('../../../../infra/local/mail/mailpit.mjs');

/** An address as Mailpit reports it. */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

/** One message caught by the sink (read from Mailpit's REST API, `GET /api/v1/message/{ID}`). */
export interface CaughtMail {
  /** Mailpit's own id of the message (for its UI / API). */
  readonly id: string;
  /** The `Message-ID` header, without angle brackets. */
  readonly messageId: string;
  readonly from: MailAddress | undefined;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly subject: string;
  /** The text/plain part ('' when none). */
  readonly text: string;
  /** The text/html part ('' when none). */
  readonly html: string;
  /** The message's `Date` header. */
  readonly date: Date;
}

/** A running SMTP sink (Mailpit) of the test's own; messages are kept in memory until {@link MailSink.stop}. */
export interface MailSink {
  /** Plain SMTP on 127.0.0.1 (no TLS; any or no credentials accepted). */
  readonly smtpPort: number;
  readonly smtpHost: '127.0.0.1';
  /** Mailpit's web UI / API base: http://127.0.0.1:<port> */
  readonly url: string;
  /** Every caught message, oldest first. */
  messages(): Promise<CaughtMail[]>;
  /**
   * Resolves with the first caught message matching `predicate`, polling the API until then.
   * @throws {Error} after `timeoutMs` (default 15 000 ms) with the subjects of what was caught.
   */
  waitFor(predicate: (mail: CaughtMail) => boolean, options?: { timeoutMs?: number }): Promise<CaughtMail>;
  /** Deletes every caught message. */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

interface MailpitAddress {
  Name: string;
  Address: string;
}
interface MailpitSummary {
  ID: string;
}
interface MailpitMessage {
  ID: string;
  MessageID: string;
  From: MailpitAddress | null;
  To: MailpitAddress[] | null;
  Cc: MailpitAddress[] | null;
  Subject: string;
  Text: string;
  HTML: string;
  Date: string;
}

const address = (a: MailpitAddress): MailAddress => ({ name: a.Name, address: a.Address });

async function api<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`Mailpit ${init?.method ?? 'GET'} ${url} answered ${res.status}: ${await res.text()}`);
  return (res.headers.get('content-type')?.includes('json') ? res.json() : res.text()) as Promise<T>;
}

/**
 * Starts Mailpit (built once per machine by tools/delivery/install-tools.sh; needs Go) on free loopback ports.
 * @throws {Error} when the binary cannot be built or Mailpit does not come up.
 */
export async function startMailSink(): Promise<MailSink> {
  const { startMailpit } = (await import(
    pathToFileURL(join(WORKSPACE_ROOT, 'infra/local/mail/mailpit.mjs')).href
  )) as MailpitModule;
  const mailpit = await startMailpit({ smtpPort: 0, httpPort: 0 });
  const messages = async (): Promise<CaughtMail[]> => {
    // The list is newest first and paged (50 by default); ask for all of them at once.
    const list = await api<{ messages: MailpitSummary[] }>(`${mailpit.apiUrl}/messages?limit=5000`);
    const full = await Promise.all(list.messages.map((m) => api<MailpitMessage>(`${mailpit.apiUrl}/message/${m.ID}`)));
    return full.reverse().map((m) => ({
      id: m.ID,
      messageId: m.MessageID,
      from: m.From ? address(m.From) : undefined,
      to: (m.To ?? []).map(address),
      cc: (m.Cc ?? []).map(address),
      subject: m.Subject,
      text: m.Text,
      html: m.HTML,
      date: new Date(m.Date),
    }));
  };
  return {
    smtpPort: mailpit.smtpPort,
    smtpHost: '127.0.0.1',
    url: mailpit.url,
    messages,
    async waitFor(predicate, options) {
      const timeoutMs = options?.timeoutMs ?? 15_000;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const caught = await messages();
        const hit = caught.find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline) {
          throw new Error(
            `no caught e-mail matched within ${timeoutMs} ms; caught: ${JSON.stringify(caught.map((m) => m.subject))}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async clear() {
      await api<string>(`${mailpit.apiUrl}/messages`, { method: 'DELETE' });
    },
    stop: () => mailpit.stop(),
  };
}
