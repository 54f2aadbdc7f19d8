import { Inject, Injectable } from '@nestjs/common';
import { certificateView } from '../../entity/credential/certificate.js';
import { CredentialNotFoundError } from '../../entity/credential/credential.errors.js';
import { CERTIFICATE_RENDERER, type CertificateRendererPort } from '../port/certificate-renderer.port.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import {
  CREDENTIAL_STORE,
  type CredentialFilter,
  type CredentialPage,
  type CredentialStorePort,
  type StoredCredential,
} from '../port/credential-store.port.js';
import { ISSUER, type IssuerPort } from '../port/issuer.port.js';

/** Who reads: managers see every credential, anyone else only those they hold. */
export interface Reader {
  readonly id: string;
  readonly manager: boolean;
}

/** Reads of credentials, filtered by who may see them (others' credentials are 404, never 403). */
@Injectable()
export class ReadCredentialsUseCase {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStorePort,
    @Inject(ISSUER) private readonly issuer: IssuerPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(CERTIFICATE_RENDERER) private readonly renderer: CertificateRendererPort,
  ) {}

  /** @throws CredentialNotFoundError (404) when missing or not the reader's */
  async get(id: string, reader: Reader): Promise<StoredCredential> {
    const credential = await this.store.get(id);
    if (!credential || (!reader.manager && credential.holder !== reader.id)) throw new CredentialNotFoundError(id);
    return credential;
  }

  /**
   * The printable certificate of a credential (HTML): its subject fields, issuer, dates, status now,
   * and a QR code of the compact credential.
   * @throws CredentialNotFoundError (404) when missing or not the reader's
   */
  async certificate(id: string, reader: Reader): Promise<string> {
    const stored = await this.get(id, reader);
    const payload = JSON.parse(Buffer.from(stored.jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    return this.renderer.html(
      certificateView({
        credential: payload,
        jwt: stored.jwt,
        ...(stored.revokedAt && { revokedAt: stored.revokedAt }),
        ...(stored.suspendedAt && { suspendedAt: stored.suspendedAt }),
        now: this.clock.now(),
        verifyUrl: this.issuer.verifyUrl(),
      }),
    );
  }

  /** @throws InvalidCursorError (400) */
  list(filter: Omit<CredentialFilter, 'holder'>, reader: Reader): Promise<CredentialPage> {
    return this.store.list(reader.manager ? filter : { ...filter, holder: reader.id });
  }
}
