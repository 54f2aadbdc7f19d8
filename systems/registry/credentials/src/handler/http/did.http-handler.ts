import { Public } from '@archipelago/platform-auth';
import { ApiZodResponse } from '@archipelago/platform-service';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ISSUER, type DidDocument, type IssuerPort } from '../../use-case/port/issuer.port.js';
import { didDocumentDto } from './credential.schemas.js';

/** The issuer's did:web DID document (W3C did:web method: `https://<host>/.well-known/did.json`). */
@ApiTags('credentials')
@Controller('.well-known')
export class DidHttpHandler {
  constructor(@Inject(ISSUER) private readonly issuer: IssuerPort) {}

  @Get('did.json')
  @Public()
  @ApiOperation({
    summary: 'The issuer DID document (public)',
    description: 'Every signing key of the issuer as a JsonWebKey verification method, by kid (current first).',
  })
  @ApiZodResponse(200, didDocumentDto)
  didDocument(@Res({ passthrough: true }) reply: FastifyReply): DidDocument {
    void reply.header('cache-control', 'public, max-age=300');
    return this.issuer.didDocument();
  }
}
