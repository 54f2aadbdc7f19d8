import { describe, expect, it } from 'vitest';
import { edgeIssuerEnv, issuerEnv, stackPublicUrls } from './devstack.js';

describe('the stack issuer follows the edge port', () => {
  it('derives the public base URL and the issuer from the edge port the stack got', () => {
    expect(stackPublicUrls(18500)).toEqual({
      baseUrl: 'http://localhost:18500',
      issuer: 'http://localhost:18500/identity/v1',
    });
    expect(issuerEnv(18500)).toEqual({
      IDENTITY_ISSUER: 'http://localhost:18500/identity/v1',
      AUTH_ISSUER: 'http://localhost:18500/identity/v1',
    });
  });

  it("has the edge key kong.yml's issuer consumer by the stack issuer, unless it is the default one", () => {
    expect(JSON.parse(edgeIssuerEnv(18500).EDGE_JWT_KEYS!)).toEqual({
      'http://localhost:8000/identity/v1': 'http://localhost:18500/identity/v1',
    });
    expect(edgeIssuerEnv(8000)).toEqual({});
  });
});
