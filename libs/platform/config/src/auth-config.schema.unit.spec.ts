import { describe, expect, it } from 'vitest';
import { authConfigSchema } from './auth-config.schema.js';
import { ConfigError, loadConfig } from './load-config.js';

describe('authConfigSchema', () => {
  it('needs AUTH_JWKS_URL and defaults the rest to the local platform', () => {
    expect(
      loadConfig(authConfigSchema, { AUTH_JWKS_URL: 'http://127.0.0.1:3201/identity/v1/.well-known/jwks.json' }),
    ).toEqual({
      AUTH_JWKS_URL: 'http://127.0.0.1:3201/identity/v1/.well-known/jwks.json',
      AUTH_ISSUER: 'http://localhost:8000/identity/v1',
      AUTH_AUDIENCE: 'archipelago',
      AUTH_CLOCK_TOLERANCE_SEC: 5,
      AUTH_JWKS_COOLDOWN_MS: 30_000,
    });
  });

  it('names every bad variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(authConfigSchema, env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ AUTH_JWKS_URL: 'file:///etc/passwd', AUTH_CLOCK_TOLERANCE_SEC: '3600' })).toEqual([
      'AUTH_JWKS_URL must be a URL starting with http:// or https://',
      'AUTH_CLOCK_TOLERANCE_SEC must be an integer between 0 and 300',
    ]);
    expect(problems({})).toEqual(['AUTH_JWKS_URL is required']);
  });
});
