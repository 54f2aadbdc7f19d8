import { Inject, Injectable } from '@nestjs/common';
import {
  buildCredential,
  pickStatusIndex,
  REVOCATION_STATUS_LIST,
  SUSPENSION_STATUS_LIST,
  type CredentialTemplate,
} from '../../entity/credential/credential.js';
import { EntityUnknownError } from '../../entity/credential/credential.errors.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import type { CommandContext } from '../port/command-context.js';
import { CREDENTIAL_STORE, type CredentialStorePort, type StoredCredential } from '../port/credential-store.port.js';
import { ISSUER, type IssuerPort } from '../port/issuer.port.js';

const MAX_ATTEMPTS = 5;

/** What to issue: for an entity, with an optional template and holder; `claimId` for attestation. */
export interface IssueCredentialInput {
  readonly entityType: string;
  readonly entityId: string;
  readonly template?: CredentialTemplate;
  readonly holder?: string;
  /** ISO 8601 instant after now. */
  readonly validUntil?: string;
  readonly claimId?: string;
  /** Data for the template; default: the entity's attested data, else its public body. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * Issues a VC 2.0 credential for a registry entity, secured as VC-JOSE (compact JWS, ES256) with a
 * random free index of the revocation status list and another of the suspension status list (two
 * `credentialStatus` entries). A credential of an entity deactivated at that moment is issued
 * suspended (valid again once the entity is reactivated).
 * @throws EntityUnknownError (404) when the entity is unknown and no data is given,
 *   InvalidCredentialRequestError (400) for a template placeholder with no value
 */
@Injectable()
export class IssueCredentialUseCase {
  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStorePort,
    @Inject(ISSUER) private readonly issuer: IssuerPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  /** Returns the credential, or undefined when `claimId` already had one (idempotent per claim). */
  async execute(input: IssueCredentialInput, context: CommandContext): Promise<StoredCredential | undefined> {
    let data = input.data;
    if (!data) {
      const entity = await this.store.entity(input.entityType, input.entityId);
      if (!entity) throw new EntityUnknownError(input.entityType, input.entityId);
      data = entity.attestedData ?? entity.body;
    }
    const id = globalThis.crypto.randomUUID();
    const now = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      const taken = await this.store.takenIndexes(REVOCATION_STATUS_LIST);
      const statusIndex = pickStatusIndex(Math.random, (i) => taken.has(i));
      const takenSuspension = await this.store.takenIndexes(SUSPENSION_STATUS_LIST);
      const suspensionIndex = pickStatusIndex(Math.random, (i) => takenSuspension.has(i));
      const credential = buildCredential({
        credentialId: id,
        issuer: this.issuer.did,
        entityType: input.entityType,
        entityId: input.entityId,
        data,
        ...(input.template && { template: input.template }),
        now,
        ...(input.validUntil && { validUntil: input.validUntil }),
        statusListIndex: statusIndex,
        statusListCredential: this.issuer.statusListUrl(REVOCATION_STATUS_LIST),
        suspension: {
          statusListIndex: suspensionIndex,
          statusListCredential: this.issuer.statusListUrl(SUSPENSION_STATUS_LIST),
        },
      });
      const stored: StoredCredential = {
        id,
        entityType: input.entityType,
        entityId: input.entityId,
        ...(input.holder && { holder: input.holder }),
        types: credential.type,
        statusList: REVOCATION_STATUS_LIST,
        statusIndex,
        suspensionList: SUSPENSION_STATUS_LIST,
        suspensionIndex,
        jwt: await this.issuer.sign(credential, 'vc+jwt'),
        cause: input.claimId ? 'attestation' : 'on-demand',
        ...(input.claimId && { claimId: input.claimId }),
        issuedAt: now,
      };
      const outcome = await this.store.insert(stored, context);
      if (outcome.kind === 'inserted')
        return outcome.suspendedAt ? { ...stored, suspendedAt: outcome.suspendedAt } : stored;
      if (outcome.kind === 'claim-issued') return undefined;
      if (attempt >= MAX_ATTEMPTS) throw new Error('no free status index after several attempts');
    }
  }
}
