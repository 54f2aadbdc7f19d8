import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLAIM_READ_MODEL, type ClaimPage, type ClaimReadModelPort } from '../port/claim.read-model.port.js';
import { AttestorEntities } from '../attestor-entities/attestor-entities.js';
import { ListClaimsQuery } from './list-claims.query.js';

/**
 * An attestor's inbox: the claims one of their roles may decide, or that name an attestor entity
 * they own (or any entity of the attestor type, for a policy without a condition), never their own,
 * oldest first (the `claim_list` and `entity_search` read models, eventually consistent).
 */
@QueryHandler(ListClaimsQuery)
export class ListClaimsUseCase implements IQueryHandler<ListClaimsQuery, ClaimPage> {
  constructor(
    @Inject(CLAIM_READ_MODEL) private readonly claims: ClaimReadModelPort,
    private readonly attestors: AttestorEntities,
  ) {}

  async execute({ reader, status, limit, offset }: ListClaimsQuery): Promise<ClaimPage> {
    const owned = await this.attestors.ownedOfTypes(await this.claims.attestorEntityTypes(), reader);
    return this.claims.inbox({
      roles: reader.roles,
      attestor: reader.id,
      attestorEntityTypes: owned.types,
      attestorEntities: owned.ids,
      status,
      limit,
      offset,
    });
  }
}
