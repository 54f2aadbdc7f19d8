import { Inject, Injectable } from '@nestjs/common';
import { purposeOfStatusList, STATUS_LIST_LENGTH } from '../../entity/credential/credential.js';
import { CredentialNotFoundError } from '../../entity/credential/credential.errors.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { CREDENTIAL_STORE, type CredentialStorePort } from '../port/credential-store.port.js';
import { ISSUER, type IssuerPort } from '../port/issuer.port.js';

/** Injection token of the status list encoder (GZIP + base64url + multibase `u`). */
export const STATUS_LIST_ENCODER = Symbol('STATUS_LIST_ENCODER');

/** Encodes the set bits of a list of `length` entries as a Bitstring Status List `encodedList`. */
export type StatusListEncoder = (set: Iterable<number>, length: number) => Promise<string>;

/**
 * The status list credentials (Bitstring Status List v1.0 `BitstringStatusListCredential`), secured
 * as VC-JOSE: list 1 with `statusPurpose` `revocation` (bits of revoked credentials), list 2 with
 * `suspension` (bits of suspended credentials). Signed again only when a bit flipped since the last
 * signature.
 */
@Injectable()
export class StatusListUseCase {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStorePort,
    @Inject(ISSUER) private readonly issuer: IssuerPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(STATUS_LIST_ENCODER) private readonly encode: StatusListEncoder,
  ) {}

  /**
   * The compact JWT of status list `list`.
   * @throws CredentialNotFoundError (404) for a list that does not exist
   */
  async jwt(list: number): Promise<string> {
    const purpose = purposeOfStatusList(list);
    if (!purpose) throw new CredentialNotFoundError(`status list ${list}`);
    const published = await this.store.publishedStatusList(list);
    if (published.jwt) return published.jwt;
    const url = this.issuer.statusListUrl(list);
    const credential = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: this.issuer.did,
      validFrom: this.clock.now(),
      credentialSubject: {
        id: `${url}#list`,
        type: 'BitstringStatusList',
        statusPurpose: purpose,
        encodedList: await this.encode(
          purpose === 'revocation' ? await this.store.revokedIndexes(list) : await this.store.suspendedIndexes(list),
          STATUS_LIST_LENGTH,
        ),
      },
    };
    const jwt = await this.issuer.sign(credential, 'vc+jwt');
    await this.store.savePublishedStatusList(list, published.revision, jwt);
    return jwt;
  }
}
