import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLAIM_READ_MODEL, type ClaimPage, type ClaimReadModelPort } from '../port/claim.read-model.port.js';
import { ListClaimsQuery } from './list-claims.query.js';

/**
 * An attestor's inbox: the claims one of their roles may decide, never their own, oldest first
 * (the `claim_list` read model, eventually consistent).
 */
@QueryHandler(ListClaimsQuery)
export class ListClaimsUseCase implements IQueryHandler<ListClaimsQuery, ClaimPage> {
  constructor(@Inject(CLAIM_READ_MODEL) private readonly claims: ClaimReadModelPort) {}

  execute({ reader, status, limit, offset }: ListClaimsQuery): Promise<ClaimPage> {
    return this.claims.inbox({ roles: reader.roles, attestor: reader.id, status, limit, offset });
  }
}
