import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  type Actor,
  ZodBody,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Caller } from '../../entity/claim/claim.decider.js';
import type { ClaimView } from '../../entity/claim/claim.state.js';
import { DecideClaimCommand } from '../../use-case/decide-claim/decide-claim.command.js';
import { GetClaimQuery } from '../../use-case/get-claim/get-claim.query.js';
import { ListClaimsQuery } from '../../use-case/list-claims/list-claims.query.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import type { ClaimPage } from '../../use-case/port/claim.read-model.port.js';
import { RaiseClaimCommand } from '../../use-case/raise-claim/raise-claim.command.js';
import {
  attestationParams,
  claimDto,
  claimPageDto,
  claimParams,
  decideClaimBody,
  listClaimsQuery,
  raiseClaimBody,
  type ClaimDto,
  type DecideClaimBody,
  type ListClaimsQueryDto,
  type RaiseClaimBody,
} from './claim.schemas.js';

function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return {
    correlationId: ctx?.correlationId,
    causationId: ctx?.requestId,
    actor: ctx?.actor?.id,
    traceparent: ctx?.traceparent,
  };
}

/** The caller; the auth guard's actor is the verified Caller, which carries users' e-mail and whether it is verified (entity ownership). */
function caller(): Caller {
  const actor = currentRequestContext()?.actor as
    (Actor & { readonly email?: string; readonly emailVerified?: boolean }) | undefined;
  return {
    id: actor?.id ?? 'anonymous',
    roles: actor?.roles ?? [],
    ...(typeof actor?.email === 'string' ? { email: actor.email, emailVerified: actor.emailVerified === true } : {}),
  };
}

const dto = (view: ClaimView): ClaimDto => ({ ...view, properties: [...view.properties], values: { ...view.values } });

/**
 * The attestation workflow: an owner requests attestation of a policy on their entity (a claim);
 * attestors list the claims they may decide and attest or reject them. Who may not decide a claim
 * gets 404 for it; deciding twice is 409.
 */
@ApiTags('attestation')
@Controller('registry/v1')
export class ClaimHttpHandler {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('entity/:type/:id/attestations')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Request attestation of a policy',
    description:
      "The entity's owner only (anyone else 404). Opens a claim holding the policy's property values as they are now; the entity shows the policy PENDING in _osState shortly after. Location names the claim. A policy with an attestorEntity and a condition (Sunbird RC notation, e.g. `(ATTESTOR#$.osid#.contains(REQUESTER#$.instituteOSID#))`) names, now, the entities of that type that satisfy it: only their owners may decide. 400 `CLAIM.NO_ATTESTOR` when none does (or the condition is not one the registry reads) and the policy has no attestorRoles.",
  })
  @ApiZodBody(raiseClaimBody)
  @ApiZodResponse(201, claimDto, 'The claim, open; Location names it')
  @ApiProblemResponses(400, 401, 404)
  async raise(
    @ZodParams(attestationParams) params: { type: string; id: string },
    @ZodBody(raiseClaimBody) body: RaiseClaimBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClaimDto> {
    const view: ClaimView = await this.commands.execute(
      new RaiseClaimCommand(params.type, params.id, body.policy, caller(), commandContext()),
    );
    reply.header('Location', `/registry/v1/claims/${view.id}`);
    return dto(view);
  }

  @Get('claims')
  @ApiOperation({
    summary: "An attestor's claims",
    description:
      'The claims the caller may decide (a role among the policy attestorRoles, or owning an attestor entity the claim names; never their own), oldest first, optionally of one status. Eventually consistent.',
  })
  @ApiZodResponse(200, claimPageDto)
  @ApiProblemResponses(400, 401)
  async list(@ZodQuery(listClaimsQuery) query: ListClaimsQueryDto) {
    const page: ClaimPage = await this.queries.execute(
      new ListClaimsQuery(caller(), query.status, query.limit, query.offset),
    );
    return { totalCount: page.totalCount, items: page.items.map(dto) };
  }

  @Get('claims/:id')
  @ApiOperation({ summary: 'Read a claim', description: 'For its requester and its attestors; anyone else 404.' })
  @ApiZodResponse(200, claimDto)
  @ApiProblemResponses(400, 401, 404)
  async get(@ZodParams(claimParams) params: { id: string }): Promise<ClaimDto> {
    return dto(await this.queries.execute(new GetClaimQuery(params.id, caller())));
  }

  @Post('claims/:id/attest')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Attest a claim',
    description:
      "An attestor of the claim only (anyone else 404); the note is optional. The entity's _osState becomes ATTESTED and _osAttestedData holds the values, frozen. 409 when decided already.",
  })
  @ApiZodBody(decideClaimBody)
  @ApiZodResponse(200, claimDto)
  @ApiProblemResponses(400, 401, 404, 409)
  async attest(
    @ZodParams(claimParams) params: { id: string },
    @ZodBody(decideClaimBody) body: DecideClaimBody,
  ): Promise<ClaimDto> {
    return this.decide(params.id, 'attest', body.note);
  }

  @Post('claims/:id/reject')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reject a claim',
    description:
      'An attestor of the claim only (anyone else 404); the note is required (400). 409 when decided already.',
  })
  @ApiZodBody(decideClaimBody)
  @ApiZodResponse(200, claimDto)
  @ApiProblemResponses(400, 401, 404, 409)
  async reject(
    @ZodParams(claimParams) params: { id: string },
    @ZodBody(decideClaimBody) body: DecideClaimBody,
  ): Promise<ClaimDto> {
    return this.decide(params.id, 'reject', body.note);
  }

  private async decide(id: string, decision: 'attest' | 'reject', note: string | undefined): Promise<ClaimDto> {
    return dto(await this.commands.execute(new DecideClaimCommand(id, decision, note, caller(), commandContext())));
  }
}
