import { Inject, Injectable } from '@nestjs/common';
import { checkValidity, type VerificationCheck } from '../../entity/credential/credential.js';
import {
  checkableStatusEntries,
  statusCheck,
  type CheckableStatusEntry,
} from '../../entity/credential/credential-status.js';
import { NotACredentialError } from '../../entity/credential/credential.errors.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { CREDENTIAL_STORE, type CredentialStorePort } from '../port/credential-store.port.js';
import { ISSUER, type IssuerPort } from '../port/issuer.port.js';

/** The verdict on a credential: valid when every check passed. */
export interface Verification {
  readonly valid: boolean;
  readonly checks: readonly VerificationCheck[];
}

function payloadOf(jwt: string): Record<string, unknown> {
  const parts = jwt.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[0] || !parts[1]) {
    throw new NotACredentialError('a credential is a compact JWS: three base64url parts separated by dots');
  }
  let payload: unknown;
  try {
    JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new NotACredentialError('the JWS header and payload must be base64url JSON');
  }
  const type = (payload as { type?: unknown } | null)?.type;
  if (
    payload === null ||
    typeof payload !== 'object' ||
    Array.isArray(payload) ||
    !(Array.isArray(type) ? type.includes('VerifiableCredential') : type === 'VerifiableCredential')
  ) {
    throw new NotACredentialError('the JWS payload is not a verifiable credential (type VerifiableCredential)');
  }
  return payload as Record<string, unknown>;
}

/**
 * Verifies a VC-JOSE credential: the signature against the issuer DID's keys (this deployment's
 * did:web; any other issuer fails the check), `validFrom`/`validUntil`, and the bits of its
 * `BitstringStatusListEntry` entries (Bitstring Status List v1.0): a set revocation bit gives
 * `revoked`, a set suspension bit `suspended: …` (its registry entity is deactivated; valid again
 * once reactivated). Every check is reported, whatever the verdict.
 * @throws NotACredentialError (400) when the input is not a compact JWS of a credential
 */
@Injectable()
export class VerifyCredentialUseCase {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStorePort,
    @Inject(ISSUER) private readonly issuer: IssuerPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute(jwt: string): Promise<Verification> {
    const credential = payloadOf(jwt);
    const issuer = credential['issuer'];
    const issuerId = typeof issuer === 'string' ? issuer : (issuer as { id?: unknown } | undefined)?.id;
    const signature: VerificationCheck =
      issuerId !== this.issuer.did
        ? { check: 'signature', ok: false, detail: `issuer ${String(issuerId)} is not ${this.issuer.did}` }
        : { check: 'signature', ...(await this.issuer.verifySignature(jwt.trim())) };
    const checks = [
      { check: 'signature' as const, ok: signature.ok, detail: signature.detail },
      checkValidity(credential, this.clock.now()),
      await this.status(credential['credentialStatus']),
    ];
    return { valid: checks.every((c) => c.ok), checks };
  }

  private async status(credentialStatus: unknown): Promise<VerificationCheck> {
    const entries = checkableStatusEntries(credentialStatus, (list) => this.issuer.statusListUrl(list));
    if (!entries) {
      return { check: 'status', ok: false, detail: 'credentialStatus is not a status entry of this issuer' };
    }
    const bits = new Map<number, ReadonlySet<number>>();
    for (const entry of entries) {
      if (bits.has(entry.list)) continue;
      const set =
        entry.purpose === 'revocation'
          ? this.store.revokedIndexes(entry.list)
          : this.store.suspendedIndexes(entry.list);
      bits.set(entry.list, new Set(await set));
    }
    return statusCheck(entries, (e: CheckableStatusEntry) => bits.get(e.list)?.has(e.index) ?? false);
  }
}
