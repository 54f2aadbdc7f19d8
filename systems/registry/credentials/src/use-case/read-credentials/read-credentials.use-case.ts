import { Inject, Injectable } from '@nestjs/common';
import { CredentialNotFoundError } from '../../entity/credential/credential.errors.js';
import {
  CREDENTIAL_STORE,
  type CredentialFilter,
  type CredentialPage,
  type CredentialStorePort,
  type StoredCredential,
} from '../port/credential-store.port.js';

/** Who reads: managers see every credential, anyone else only those they hold. */
export interface Reader {
  readonly id: string;
  readonly manager: boolean;
}

/** Reads of credentials, filtered by who may see them (others' credentials are 404, never 403). */
@Injectable()
export class ReadCredentialsUseCase {
  constructor(@Inject(CREDENTIAL_STORE) private readonly store: CredentialStorePort) {}

  /** @throws CredentialNotFoundError (404) when missing or not the reader's */
  async get(id: string, reader: Reader): Promise<StoredCredential> {
    const credential = await this.store.get(id);
    if (!credential || (!reader.manager && credential.holder !== reader.id)) throw new CredentialNotFoundError(id);
    return credential;
  }

  /** @throws InvalidCursorError (400) */
  list(filter: Omit<CredentialFilter, 'holder'>, reader: Reader): Promise<CredentialPage> {
    return this.store.list(reader.manager ? filter : { ...filter, holder: reader.id });
  }
}
