import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodemailerEmailGateway, type SmtpSettings } from './nodemailer-email.gateway.js';

/**
 * A minimal SMTP server on loopback (RFC 5321) that offers AUTH PLAIN and, unlike a real submission
 * server, no STARTTLS: it records the commands it gets.
 */
async function plainSmtpServer(): Promise<{ server: Server; port: number; commands: string[] }> {
  const commands: string[] = [];
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.write('220 fake.local ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 queued\r\n');
          }
          continue;
        }
        commands.push(line);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') socket.write('250-fake.local\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n');
        else if (verb === 'AUTH') socket.write('235 authenticated\r\n');
        else if (verb === 'STARTTLS') socket.write('502 5.5.1 STARTTLS not offered\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, commands };
}

const EMAIL = {
  to: 'ada@example.org',
  subject: 'Hello',
  text: 'Hi',
  html: '<p>Hi</p>',
  messageId: '<notification.1@archipelago.local>',
};
let server: Server | undefined;
afterEach(() => {
  server?.close();
});

describe('NodemailerEmailGateway: TLS mode and SMTP AUTH', () => {
  const settings = (port: number, more: Partial<SmtpSettings>): SmtpSettings => ({
    host: '127.0.0.1',
    port,
    tls: 'none',
    from: 'Archipelago <notifications@archipelago.local>',
    ...more,
  });

  it('logs in with SMTP AUTH (RFC 4954) when given a login, then sends', async () => {
    const fake = await plainSmtpServer();
    server = fake.server;
    const gateway = new NodemailerEmailGateway(settings(fake.port, { auth: { user: 'mailer', pass: 's3cret' } }));
    await gateway.send(EMAIL);
    gateway.close();
    const auth = fake.commands.find((c) => c.startsWith('AUTH PLAIN'));
    expect(Buffer.from(auth!.split(' ')[2]!, 'base64').toString('utf8')).toBe('\0mailer\0s3cret');
    expect(fake.commands).toContain('RCPT TO:<ada@example.org>');
  });

  it('without a login sends without AUTH', async () => {
    const fake = await plainSmtpServer();
    server = fake.server;
    const gateway = new NodemailerEmailGateway(settings(fake.port, {}));
    await gateway.send(EMAIL);
    gateway.close();
    expect(fake.commands.some((c) => c.startsWith('AUTH'))).toBe(false);
  });

  it('starttls refuses a server that does not offer STARTTLS: neither the login nor the mail goes out in clear', async () => {
    const fake = await plainSmtpServer();
    server = fake.server;
    const gateway = new NodemailerEmailGateway(
      settings(fake.port, { tls: 'starttls', auth: { user: 'mailer', pass: 's3cret' } }),
    );
    await expect(gateway.send(EMAIL)).rejects.toThrow(/STARTTLS/);
    gateway.close();
    expect(fake.commands.some((c) => c.startsWith('AUTH') || c.startsWith('MAIL FROM'))).toBe(false);
  });
});
