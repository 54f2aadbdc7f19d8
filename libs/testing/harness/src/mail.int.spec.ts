import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailSink, type MailSink } from './mail.js';

describe('startMailSink (Mailpit)', () => {
  let sink: MailSink;
  beforeAll(async () => {
    sink = await startMailSink();
  }, 180_000);
  afterAll(async () => {
    await sink?.stop();
  });

  const transport = () => createTransport({ host: sink.smtpHost, port: sink.smtpPort, secure: false, ignoreTLS: true });

  it('catches a message sent over SMTP with nodemailer and gives back its parts', async () => {
    await transport().sendMail({
      from: '"Archipelago" <no-reply@archipelago.test>',
      to: 'ada@example.test',
      cc: 'bob@example.test',
      subject: 'Order 42 confirmed',
      text: 'Your order 42 is confirmed.',
      html: '<p>Your order <b>42</b> is confirmed.</p>',
    });
    const mail = await sink.waitFor((m) => m.subject === 'Order 42 confirmed');
    expect(mail.from).toEqual({ name: 'Archipelago', address: 'no-reply@archipelago.test' });
    expect(mail.to).toEqual([{ name: '', address: 'ada@example.test' }]);
    expect(mail.cc.map((a) => a.address)).toEqual(['bob@example.test']);
    expect(mail.text.trim()).toBe('Your order 42 is confirmed.');
    expect(mail.html).toContain('<b>42</b>');
    expect(mail.messageId).not.toBe('');
  });

  it('lists messages oldest first and clear() empties the sink', async () => {
    await sink.clear();
    for (const n of [1, 2, 3])
      await transport().sendMail({ from: 'a@example.test', to: 'b@example.test', subject: `n${n}`, text: 'x' });
    await sink.waitFor((m) => m.subject === 'n3');
    expect((await sink.messages()).map((m) => m.subject)).toEqual(['n1', 'n2', 'n3']);
    await sink.clear();
    expect(await sink.messages()).toEqual([]);
  });

  it('serves its web UI: the page is HTML and every script it loads is there (the UI bundle was built in)', async () => {
    const page = await fetch(`${sink.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    // The page's `<script src>`s (Mailpit's index is one template; a regex over it, not a DOM).
    const scripts = [...html.matchAll(/<script\b[^>]*?\ssrc=["']?([^"'\s>]+)/gi)].map((m) => new URL(m[1], page.url));
    expect(scripts.map((u) => u.pathname)).toContain('/dist/app.js');
    for (const src of scripts) {
      const asset = await fetch(src);
      expect(asset.status, `${src}`).toBe(200);
      expect(asset.headers.get('content-type'), `${src}`).toMatch(/javascript/);
      // A `go install`ed Mailpit (no UI bundle) has nothing here; the built bundle is the whole app.
      expect((await asset.text()).length, `${src}`).toBeGreaterThan(10_000);
    }
  });

  it('waitFor fails with what was caught when nothing matches', async () => {
    await transport().sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'other', text: 'x' });
    await sink.waitFor((m) => m.subject === 'other');
    await expect(sink.waitFor((m) => m.subject === 'never', { timeoutMs: 300 })).rejects.toThrow(/"other"/);
  });
});
