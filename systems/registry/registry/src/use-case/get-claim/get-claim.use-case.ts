import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { mayDecide } from '../../entity/claim/claim.decider.js';
import { ClaimNotFoundError } from '../../entity/claim/claim.errors.js';
import { claimViewOf, type ClaimView } from '../../entity/claim/claim.state.js';
import { CLAIM_REPOSITORY, type ClaimRepositoryPort } from '../port/claim.repository.port.js';
import { AttestorEntities } from '../attestor-entities/attestor-entities.js';
import { GetClaimQuery } from './get-claim.query.js';

/**
 * Reads a claim from its stream (consistent) for its requester or anyone who may decide it.
 * @throws ClaimNotFoundError (404) for anyone else and for an unknown id
 */
@QueryHandler(GetClaimQuery)
export class GetClaimUseCase implements IQueryHandler<GetClaimQuery, ClaimView> {
  constructor(
    @Inject(CLAIM_REPOSITORY) private readonly claims: ClaimRepositoryPort,
    private readonly attestors: AttestorEntities,
  ) {}

  async execute({ id, reader }: GetClaimQuery): Promise<ClaimView> {
    const { state } = await this.claims.load(id);
    if (
      state.status === 'absent' ||
      (state.requester !== reader.id &&
        !mayDecide(state, await this.attestors.withOwnedAttestorEntities(state, reader)))
    ) {
      throw new ClaimNotFoundError(id);
    }
    return claimViewOf(state);
  }
}
