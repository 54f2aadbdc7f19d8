import { CompactSign, compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import type { DidDocument, IssuerPort, SignatureCheck } from '../use-case/port/issuer.port.js';
import { ISSUER_ALG, type IssuerKey, type IssuerKeyRing } from './issuer-keys.js';

/**
 * The issuer over `jose`: VC-JOSE (W3C "Securing Verifiable Credentials using JOSE and COSE")
 * compact JWS, ES256, with `kid` = `<did>#<thumbprint>` naming a `JsonWebKey` verification method
 * of the did:web document.
 */
export class JoseIssuer implements IssuerPort {
  private readonly keys: readonly IssuerKey[];

  constructor(
    readonly did: string,
    private readonly publicUrl: string,
    private readonly ring: IssuerKeyRing,
  ) {
    this.keys = [ring.current, ...ring.older];
  }

  verifyUrl(): string {
    return `${this.publicUrl.replace(/\/$/, '')}/registry/v1/credentials/verify`;
  }

  statusListUrl(list: number): string {
    return `${this.publicUrl.replace(/\/$/, '')}/registry/v1/credentials/status/${list}`;
  }

  private methodId(kid: string): string {
    return `${this.did}#${kid}`;
  }

  async sign(payload: Readonly<Record<string, unknown>>, typ: 'vc+jwt'): Promise<string> {
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: ISSUER_ALG, typ, cty: 'vc', kid: this.methodId(this.ring.current.kid) })
      .sign(this.ring.current.privateKey);
  }

  didDocument(): DidDocument {
    const ids = this.keys.map((k) => this.methodId(k.kid));
    return {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
      id: this.did,
      verificationMethod: this.keys.map((k) => ({
        id: this.methodId(k.kid),
        type: 'JsonWebKey',
        controller: this.did,
        publicKeyJwk: k.publicJwk as Record<string, unknown>,
      })),
      assertionMethod: ids,
      authentication: ids,
    };
  }

  async verifySignature(jws: string): Promise<SignatureCheck> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(jws);
      if (header.alg !== ISSUER_ALG) return { ok: false, detail: `alg ${String(header.alg)} is not ES256` };
      kid = header.kid;
    } catch {
      return { ok: false, detail: 'the protected header is not readable' };
    }
    if (!kid) return { ok: false, detail: 'no kid in the protected header' };
    const key = this.keys.find((k) => this.methodId(k.kid) === kid);
    if (!key) return { ok: false, detail: `kid ${kid} is not a key of ${this.did}` };
    try {
      await compactVerify(jws, await importJWK(key.publicJwk, ISSUER_ALG), { algorithms: [ISSUER_ALG] });
      return { ok: true, kid, detail: `signed by ${kid}` };
    } catch {
      return { ok: false, detail: `the signature does not verify with ${kid}` };
    }
  }
}
