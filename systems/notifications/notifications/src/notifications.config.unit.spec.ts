import { describe, expect, it } from 'vitest';
import {
  LOCAL_PUBLIC_BASE_URL,
  notificationsConfigSchema,
  publicBaseUrlOf,
  smtpSettingsOf,
} from './notifications.config.js';

const BASE = {
  SERVICE_NAME: 'notifications',
  SYSTEM: 'notifications',
  HTTP_PORT: '8080',
  DATABASE_URL: 'postgres://localhost:5432/app',
  DB_SCHEMA: 'notifications',
  AUTH_JWKS_URL: 'http://identity.identity:8080/identity/v1/.well-known/jwks.json',
};
const PRODUCTION = {
  ...BASE,
  NODE_ENV: 'production',
  SMTP_HOST: 'smtp.example.org',
  SMTP_PORT: '587',
  PUBLIC_BASE_URL: 'https://api.example.org',
};

const issues = (env: Record<string, string>) =>
  (notificationsConfigSchema.safeParse(env).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('notifications configuration: SMTP and links', () => {
  it('locally falls back to the mail sink on localhost, plain text, and the local edge', () => {
    const config = notificationsConfigSchema.parse(BASE);
    expect(smtpSettingsOf(config)).toEqual({
      url: undefined,
      host: 'localhost',
      port: 1025,
      tls: 'none',
      auth: undefined,
      from: 'Archipelago <notifications@archipelago.local>',
    });
    expect(publicBaseUrlOf(config)).toBe(LOCAL_PUBLIC_BASE_URL);
  });

  it('production refuses to start without PUBLIC_BASE_URL and without an SMTP server, naming both', () => {
    expect(issues({ ...BASE, NODE_ENV: 'production' })).toEqual([
      'PUBLIC_BASE_URL: is required when NODE_ENV is production (the links in e-mails and push messages)',
      'SMTP_HOST: or SMTP_URL is required when NODE_ENV is production and e-mail delivery is on (EMAIL_POLL_MS > 0)',
    ]);
    // SMTP_URL alone names the server; with e-mail delivery off no server is needed.
    const { SMTP_HOST: _host, ...withoutHost } = PRODUCTION;
    expect(issues({ ...withoutHost, SMTP_URL: 'smtps://smtp.example.org:465' })).toEqual([]);
    expect(issues({ ...withoutHost, EMAIL_POLL_MS: '0' })).toEqual([]);
  });

  it('production defaults to STARTTLS (required) and takes the SMTP AUTH login', () => {
    const config = notificationsConfigSchema.parse({
      ...PRODUCTION,
      SMTP_USER: 'mailer',
      SMTP_PASSWORD: 'pw-from-a-secret',
    });
    expect(smtpSettingsOf(config)).toMatchObject({
      host: 'smtp.example.org',
      port: 587,
      tls: 'starttls',
      auth: { user: 'mailer', pass: 'pw-from-a-secret' },
    });
    expect(publicBaseUrlOf(config)).toBe('https://api.example.org');
    expect(smtpSettingsOf(notificationsConfigSchema.parse({ ...PRODUCTION, SMTP_TLS: 'implicit' })).tls).toBe(
      'implicit',
    );
  });

  it('refuses half a login and an unknown TLS mode', () => {
    expect(issues({ ...BASE, SMTP_USER: 'mailer' })).toEqual([
      'SMTP_PASSWORD: SMTP_USER and SMTP_PASSWORD go together: set both or neither',
    ]);
    expect(issues({ ...BASE, SMTP_PASSWORD: 'pw' })).toEqual([
      'SMTP_USER: SMTP_USER and SMTP_PASSWORD go together: set both or neither',
    ]);
    expect(issues({ ...BASE, SMTP_TLS: 'ssl' })).toEqual(['SMTP_TLS: must be one of none, starttls, implicit']);
  });
});
