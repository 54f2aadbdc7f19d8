import { ConfigError, loadConfig } from '@archipelago/platform-config';
import { describe, expect, it } from 'vitest';
import { identityConfigSchema } from './identity.config.js';

const base = {
  SERVICE_NAME: 'identity',
  SYSTEM: 'identity',
  HTTP_PORT: '3201',
  DATABASE_URL: 'postgres://localhost/identity',
  DB_SCHEMA: 'identity',
};
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(identityConfigSchema, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message.split('\n');
  }
};

describe('identity configuration fails closed', () => {
  it('treats a missing NODE_ENV as production: admin and keys are required', () => {
    const found = problems(base).join('\n');
    expect(found).toContain('ADMIN_EMAIL');
    expect(found).toContain('ADMIN_PASSWORD');
    expect(found).toContain('IDENTITY_SIGNING_KEYS');
    expect(found).toContain('IDENTITY_TOTP_ENCRYPTION_KEYS');
  });

  it('is local only when NODE_ENV says development or test', () => {
    expect(problems({ ...base, NODE_ENV: 'development' })).toEqual([]);
    expect(problems({ ...base, NODE_ENV: 'test' })).toEqual([]);
  });

  it.each(['archipelago-admin', 'Password123', 'changeme', 'short-pw1'])(
    'refuses the admin password %s in production',
    (password) => {
      const found = problems({
        ...base,
        NODE_ENV: 'production',
        ADMIN_EMAIL: 'ops@example.com',
        ADMIN_PASSWORD: password,
        IDENTITY_KEYS_DIR: '/keys',
      });
      expect(found.join('\n')).toMatch(/ADMIN_PASSWORD (is a known default password|must have at least 12)/);
    },
  );

  it('accepts a strong admin password in production', () => {
    const env = {
      ...base,
      NODE_ENV: 'production',
      ADMIN_EMAIL: 'ops@example.com',
      IDENTITY_KEYS_DIR: '/keys',
      IDENTITY_TOTP_ENCRYPTION_KEYS: 'k1:<base64 key>',
    };
    expect(problems({ ...env, ADMIN_PASSWORD: 'a long and unusual passphrase' })).toEqual([]);
  });
});

describe('second factor required per role (IDENTITY_MFA_REQUIRED_ROLES)', () => {
  const prod = {
    ...base,
    NODE_ENV: 'production',
    ADMIN_EMAIL: 'root@example.com',
    ADMIN_PASSWORD: 'a long unusual passphrase',
    IDENTITY_KEYS_DIR: '/keys',
    IDENTITY_TOTP_ENCRYPTION_KEYS: 'k1:<base64 key>',
  };
  it('defaults to admin in production and to nobody locally; an explicit value wins', async () => {
    const { identitySettings } = await import('./identity.bootstrap.js');
    const roles = (env: Record<string, string>) =>
      identitySettings(loadConfig(identityConfigSchema, env)).mfaRequiredRoles;
    expect(roles(prod)).toEqual(['admin']);
    expect(roles({ ...base, NODE_ENV: 'development' })).toEqual([]);
    expect(roles({ ...prod, IDENTITY_MFA_REQUIRED_ROLES: 'none' })).toEqual([]);
    expect(roles({ ...base, NODE_ENV: 'test', IDENTITY_MFA_REQUIRED_ROLES: 'admin attestor' })).toEqual([
      'admin',
      'attestor',
    ]);
    expect(problems({ ...base, NODE_ENV: 'test', IDENTITY_MFA_REQUIRED_ROLES: 'Admin;' }).join()).toContain(
      'IDENTITY_MFA_REQUIRED_ROLES',
    );
  });
});
