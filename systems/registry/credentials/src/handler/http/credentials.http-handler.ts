import { Caller, Public, Roles } from '@archipelago/platform-auth';
import {
  ApiProblemResponses,
  ApiZodNegotiatedResponse,
  ApiZodResponse,
  currentRequestContext,
  ProblemException,
  problemTypeUri,
  ZodBody,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Body, Controller, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { FastifyReply } from 'fastify';
import { decodeJwt } from 'jose';
import Negotiator from 'negotiator';
import { NotACredentialError } from '../../entity/credential/credential.errors.js';
import { IssueCredentialUseCase } from '../../use-case/issue-credential/issue-credential.use-case.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import type { StoredCredential } from '../../use-case/port/credential-store.port.js';
import { ReadCredentialsUseCase, type Reader } from '../../use-case/read-credentials/read-credentials.use-case.js';
import { RevokeCredentialUseCase } from '../../use-case/revoke-credential/revoke-credential.use-case.js';
import { StatusListUseCase } from '../../use-case/status-list/status-list.use-case.js';
import { VerifyCredentialUseCase } from '../../use-case/verify-credential/verify-credential.use-case.js';
import {
  credentialDto,
  credentialIdParams,
  credentialPageDto,
  EXAMPLE_JWT,
  issueCredentialBody,
  listCredentialsQuery,
  statusListParams,
  verifiableCredentialDto,
  verificationDto,
  type CredentialDto,
  type IssueCredentialBody,
} from './credential.schemas.js';

/** Media type of a VC-JOSE credential (compact JWS). */
export const VC_JWT = 'application/vc+jwt';

/** The role that manages credentials (issue, revoke, read all). */
export const MANAGER_ROLE = 'admin';

function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return {
    correlationId: ctx?.correlationId,
    causationId: ctx?.requestId,
    actor: ctx?.actor?.id,
    traceparent: ctx?.traceparent,
  };
}

function readerOf(caller: Caller | undefined): Reader {
  return { id: caller?.id ?? '', manager: caller?.roles.includes(MANAGER_ROLE) ?? false };
}

function toDto(c: StoredCredential): CredentialDto {
  return {
    id: c.id,
    entityType: c.entityType,
    entityId: c.entityId,
    ...(c.holder && { holder: c.holder }),
    types: [...c.types],
    status: c.revokedAt ? 'revoked' : c.suspendedAt ? 'suspended' : 'active',
    statusListIndex: c.statusIndex,
    ...(c.suspensionIndex !== undefined && { suspensionListIndex: c.suspensionIndex }),
    issuedAt: c.issuedAt,
    ...(c.revokedAt && { revokedAt: c.revokedAt }),
    ...(c.suspendedAt && { suspendedAt: c.suspendedAt }),
    jwt: c.jwt,
  };
}

/** Media types `GET /registry/v1/credentials/{id}` answers in, the default (for `*\/*` or no Accept) first. */
export const CREDENTIAL_MEDIA_TYPES = ['application/json', VC_JWT, 'text/html'] as const;
type CredentialMediaType = (typeof CREDENTIAL_MEDIA_TYPES)[number];

/**
 * Proactive content negotiation (RFC 9110 §12.5.1: q-values, ranges like `text/*`) over
 * {@link CREDENTIAL_MEDIA_TYPES}, by the `negotiator` library.
 * @throws ProblemException 406 when the Accept header admits none of them
 */
function negotiateCredential(accept: string | undefined): CredentialMediaType {
  const chosen = new Negotiator({ headers: { accept } }).mediaType([...CREDENTIAL_MEDIA_TYPES]);
  if (!chosen) {
    throw new ProblemException(406, {
      type: problemTypeUri('not-acceptable'),
      title: 'Not Acceptable',
      detail: `A credential is available as ${CREDENTIAL_MEDIA_TYPES.join(', ')}`,
    });
  }
  return chosen as CredentialMediaType;
}

/** Only inline styles and the inline SVG QR code: a certificate runs no script and loads nothing. */
const CERTIFICATE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

const VC_JWT_CONTENT = { [VC_JWT]: { schema: { type: 'string' }, example: EXAMPLE_JWT } };
const CREDENTIAL_CONTENT = {
  ...VC_JWT_CONTENT,
  'text/html': {
    schema: { type: 'string' },
    example: '<!doctype html><html lang="en"><head><title>Enrolment Certificate</title></head><body>…</body></html>',
  },
};

/**
 * `/registry/v1/credentials`: W3C verifiable credentials of registry entities (VC 2.0 secured as
 * VC-JOSE), their revocation and suspension (Bitstring Status List v1.0) and public verification.
 */
@ApiTags('credentials')
@Controller('registry/v1/credentials')
export class CredentialsHttpHandler {
  constructor(
    private readonly issue: IssueCredentialUseCase,
    private readonly read: ReadCredentialsUseCase,
    private readonly revokeCredential: RevokeCredentialUseCase,
    private readonly verifyCredential: VerifyCredentialUseCase,
    private readonly statusLists: StatusListUseCase,
  ) {}

  @Post()
  @Roles(MANAGER_ROLE)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Issue a credential for an entity (manager)',
    description:
      "Renders the template with the entity's attested data (else its public body) into a VC 2.0 credential, signs it (VC-JOSE, ES256) and gives it a random index of the revocation status list (1) and another of the suspension status list (2): two `credentialStatus` entries. A credential of an entity deactivated now is issued suspended. 404 `CREDENTIAL.ENTITY_UNKNOWN` for an entity this service has not seen; 400 `CREDENTIAL.INVALID` for a placeholder with no value.",
  })
  @ApiZodResponse(201, credentialDto, 'Issued; Location names the credential')
  @ApiProblemResponses(400, 401, 403, 404)
  async create(
    @ZodBody(issueCredentialBody) body: IssueCredentialBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CredentialDto> {
    const credential = await this.issue.execute(
      {
        entityType: body.entityType,
        entityId: body.entityId,
        ...(body.holder && { holder: body.holder }),
        ...(body.validUntil && { validUntil: body.validUntil }),
        ...(body.template && { template: body.template }),
      },
      commandContext(),
    );
    if (!credential) throw new Error('unreachable: an on-demand issuance always issues');
    reply.header('Location', `/registry/v1/credentials/${credential.id}`);
    return toDto(credential);
  }

  @Get()
  @ApiOperation({
    summary: 'List credentials',
    description: 'Managers see every credential (filter by entity); anyone else the credentials they hold.',
  })
  @ApiZodResponse(200, credentialPageDto)
  @ApiProblemResponses(400, 401)
  async list(@ZodQuery(listCredentialsQuery) query: z.infer<typeof listCredentialsQuery>, @Caller() caller: Caller) {
    const page = await this.read.list(
      {
        ...(query.entityType && { entityType: query.entityType }),
        ...(query.entityId && { entityId: query.entityId }),
        limit: query.limit,
        ...(query.cursor && { cursor: query.cursor }),
      },
      readerOf(caller),
    );
    return { items: page.items.map(toDto), nextCursor: page.nextCursor };
  }

  @Post('verify')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify a credential (public)',
    description:
      'Body `{"credential": "<compact JWT>"}` (application/json) or the compact JWT itself (Content-Type application/vc+jwt). Checks the signature (with the public key of the issuer DID document), the validity period (validFrom to validUntil) and the status bits: a revoked credential is not valid (`status` detail `revoked`), nor a suspended one (detail `suspended: …`: its registry entity is deactivated; valid again once reactivated). Credentials issued before suspension existed have no suspension entry and cannot be suspended. 200 whatever the verdict, 400 `CREDENTIAL.NOT_A_CREDENTIAL` only for something that is not a credential.',
  })
  @ApiZodResponse(200, verificationDto)
  @ApiProblemResponses(400, 415)
  async verify(@Body() body: unknown) {
    let jwt: unknown = body;
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      const keys = Object.keys(body);
      jwt = keys.length === 1 && keys[0] === 'credential' ? (body as { credential: unknown }).credential : undefined;
    }
    if (typeof jwt !== 'string' || jwt.length === 0 || jwt.length > 100_000) {
      throw new NotACredentialError('send {"credential": "<compact JWT>"} or the JWT as application/vc+jwt');
    }
    return this.verifyCredential.execute(jwt);
  }

  @Get('status/:list')
  @Public()
  @ApiOperation({
    summary: 'A status list credential (public)',
    description:
      'The Bitstring Status List v1.0 credential named by a `credentialStatus[].statusListCredential`: list 1 has `statusPurpose` `revocation`, list 2 `suspension` (any other list is 404). Compact VC-JOSE with Accept application/vc+jwt (the default), the decoded credential with Accept application/json. Re-signed when a bit changes.',
  })
  @ApiZodNegotiatedResponse(200, verifiableCredentialDto, VC_JWT_CONTENT)
  @ApiProblemResponses(400, 404)
  async statusList(
    @ZodParams(statusListParams) params: { list: number },
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const jwt = await this.statusLists.jwt(params.list);
    void reply.header('vary', 'Accept').header('cache-control', 'public, max-age=60');
    if (accept?.toLowerCase().includes('application/json')) return decodeJwt(jwt);
    void reply.header('content-type', VC_JWT);
    return jwt;
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Read a credential (holder or manager)',
    description:
      'Content negotiation on Accept (q-values honoured): `application/json` (the default, also for `*/*`) the decoded VC 2.0 credential; `application/vc+jwt` the compact JWT; `text/html` a printable certificate (subject fields, issuer, dates, current status, and a QR code holding the compact credential so that any VC-JOSE verifier can check it offline). 406 when Accept admits none of these. Anyone but its holder and managers gets 404.',
  })
  @ApiZodNegotiatedResponse(200, verifiableCredentialDto, CREDENTIAL_CONTENT)
  @ApiProblemResponses(400, 401, 404, 406)
  async get(
    @ZodParams(credentialIdParams) params: { id: string },
    @Caller() caller: Caller,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const type = negotiateCredential(accept);
    void reply.header('vary', 'Accept');
    if (type === 'text/html') {
      const html = await this.read.certificate(params.id, readerOf(caller));
      void reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', CERTIFICATE_CSP)
        .header('cache-control', 'private, no-store');
      return html;
    }
    const credential = await this.read.get(params.id, readerOf(caller));
    if (type === VC_JWT) {
      void reply.header('content-type', VC_JWT);
      return credential.jwt;
    }
    return decodeJwt(credential.jwt);
  }

  @Post(':id/revoke')
  @Roles(MANAGER_ROLE)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke a credential (manager; idempotent)',
    description: "Sets the credential's bit in the revocation status list; revoking again changes nothing.",
  })
  @ApiZodResponse(200, credentialDto)
  @ApiProblemResponses(400, 401, 403, 404)
  async revoke(@ZodParams(credentialIdParams) params: { id: string }) {
    return toDto(await this.revokeCredential.execute(params.id, 'manager', commandContext()));
  }
}
