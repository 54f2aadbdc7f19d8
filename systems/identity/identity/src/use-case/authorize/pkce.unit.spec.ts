import { describe, expect, it } from 'vitest';
import { pkceS256Matches } from './pkce.js';

describe('PKCE S256 (RFC 7636)', () => {
  it('matches the RFC 7636 Appendix B example and nothing else', async () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    expect(await pkceS256Matches(verifier, challenge)).toBe(true);
    expect(await pkceS256Matches(verifier, challenge.replace('E9', 'E8'))).toBe(false);
    expect(await pkceS256Matches(`${verifier}x`, challenge)).toBe(false);
    // plain (verifier = challenge) never passes, nor a verifier outside the syntax.
    expect(await pkceS256Matches(challenge, challenge)).toBe(false);
    expect(await pkceS256Matches('short', challenge)).toBe(false);
  });
});
