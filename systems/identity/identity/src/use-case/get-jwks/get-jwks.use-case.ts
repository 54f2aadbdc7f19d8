import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ACCESS_TOKENS, type AccessTokensPort, type PublicJwks } from '../port/access-tokens.port.js';
import { GetJwksQuery } from './get-jwks.query.js';

/** Answers the JWKS: public keys only, current first. */
@QueryHandler(GetJwksQuery)
export class GetJwksUseCase implements IQueryHandler<GetJwksQuery, PublicJwks> {
  constructor(@Inject(ACCESS_TOKENS) private readonly tokens: AccessTokensPort) {}

  async execute(): Promise<PublicJwks> {
    return this.tokens.publicJwks();
  }
}
