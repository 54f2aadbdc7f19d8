import { AUTH_REALM, Public } from '@archipelago/platform-auth';
import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ProblemException,
  type Actor,
  PROBLEM_JSON,
  problemDetailsRef,
  problemTypeUri,
  ZodParams,
  ZodQuery,
  MERGE_PATCH_JSON,
} from '@archipelago/platform-service';
import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Patch,
  Post,
  Put,
  Res,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  EntityInviteUnauthenticatedError,
  EntityReadUnauthenticatedError,
  EntityWriteUnauthenticatedError,
} from '../../entity/registry-entity/registry-entity.errors.js';
import type { RegistryEntityState } from '../../entity/registry-entity/registry-entity.state.js';
import { AcceptInvitationCommand } from '../../use-case/accept-invitation/accept-invitation.command.js';
import { CreateEntityCommand } from '../../use-case/create-entity/create-entity.command.js';
import { InviteEntityCommand } from '../../use-case/invite-entity/invite-entity.command.js';
import { DeleteEntityCommand } from '../../use-case/delete-entity/delete-entity.command.js';
import { EntityActivationCommand } from '../../use-case/entity-activation/entity-activation.command.js';
import type { EntityHistoryEntry } from '../../entity/registry-entity/entity-history.js';
import { GetEntityHistoryQuery } from '../../use-case/get-entity-history/get-entity-history.query.js';
import { GetEntityQuery, type EntityReader } from '../../use-case/get-entity/get-entity.query.js';
import type { EntityView } from '../../use-case/get-entity/get-entity.use-case.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import { ListEntitiesQuery } from '../../use-case/list-entities/list-entities.query.js';
import type { EntityListView } from '../../use-case/list-entities/list-entities.use-case.js';
import type { EntitySearchPage } from '../../use-case/port/entity-search.port.js';
import { SearchEntitiesQuery } from '../../use-case/search-entities/search-entities.query.js';
import { DescribeEntityTypeQuery } from '../../use-case/describe-entity-type/describe-entity-type.query.js';
import type { EntityTypeDescription } from '../../use-case/describe-entity-type/describe-entity-type.use-case.js';
import { entityTypeOpenApiDocument, rememberedServiceDocument } from './entity-type.openapi.js';
import { UpdateEntityCommand } from '../../use-case/update-entity/update-entity.command.js';
import {
  entityBody,
  entityDto,
  entityMergePatch,
  entitySearchBody,
  entityTypeOpenApiDto,
  entityHistoryDto,
  entityInvitationDto,
  entityListPageDto,
  entityListQuery,
  entitySearchPageDto,
  entityParams,
  entityTypeParams,
  etagOf,
  ifMatchVersion,
  type EntityDto,
} from './entity.schemas.js';

function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return {
    correlationId: ctx?.correlationId,
    causationId: ctx?.requestId,
    actor: ctx?.actor?.id,
    traceparent: ctx?.traceparent,
  };
}

/**
 * The caller as a reader or writer; the auth guard's actor is the verified Caller, which carries
 * users' e-mail and `emailVerified`. Without a (valid) token — only on a `@Public()` route —
 * `anonymous`, unauthenticated.
 */
export function entityCaller(): EntityReader {
  const actor = currentRequestContext()?.actor as
    (Actor & { readonly email?: string; readonly emailVerified?: boolean }) | undefined;
  return {
    id: actor?.id ?? 'anonymous',
    roles: actor?.roles ?? [],
    authenticated: actor !== undefined,
    ...(typeof actor?.email === 'string' ? { email: actor.email, emailVerified: actor.emailVerified === true } : {}),
  };
}

const reader = entityCaller;

const problemExample = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}) => ({
  value: {
    type: problemTypeUri(code),
    title: code,
    status,
    detail,
    instance: '/registry/v1/entity/Student/<id>',
    code,
    ...extra,
  },
});

/**
 * The 401, 403 and 404 answers of an entity write, with examples: who may write is decided by the
 * service (the write routes are public at the edge so that a public type takes token-less writes).
 * @param forbidden the 403 problems this operation can answer, by example name
 */
function ApiWriteProblems(forbidden: Record<string, ReturnType<typeof problemExample>>) {
  const problem = (status: number, description: string, examples: Record<string, ReturnType<typeof problemExample>>) =>
    ApiResponse({
      status,
      description,
      content: {
        [PROBLEM_JSON]: { schema: problemDetailsRef, ...(Object.keys(examples).length > 0 ? { examples } : {}) },
      },
    });
  return applyDecorators(
    problem(401, 'No (valid) bearer token, and the type is not public (`anonymous` not in `_osConfig.roles`)', {
      unauthenticated: problemExample(
        401,
        'ENTITY.WRITE_UNAUTHENTICATED',
        'writing Student entities needs a bearer access token',
      ),
    }),
    problem(403, 'Signed in without the right to this write', forbidden),
    problem(
      404,
      'No such entity for this caller: unknown, deleted, of another type, or neither theirs nor managed by them',
      {
        notFound: problemExample(404, 'ENTITY.NOT_FOUND', 'no Student <id>'),
      },
    ),
  );
}

const ownerForbidden = {
  ownershipChange: problemExample(
    403,
    'ENTITY.OWNERSHIP_CHANGE_FORBIDDEN',
    'only a manager may change the fields named by ownershipAttributes',
  ),
  fieldWrite: problemExample(403, 'ENTITY.FIELD_WRITE_FORBIDDEN', 'only a manager may write /notes', {
    details: { pointers: ['/notes'] },
  }),
};

/** Runs a write or read; a 401 names the bearer scheme (RFC 6750 §3; the problem filter keeps reply headers). */
async function challenging<T>(reply: FastifyReply, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof EntityWriteUnauthenticatedError || error instanceof EntityReadUnauthenticatedError)
      reply.header('WWW-Authenticate', `Bearer realm="${AUTH_REALM}"`);
    throw error;
  }
}

function expected(ifMatch: string | undefined): number | undefined {
  const version = ifMatchVersion(ifMatch);
  if (Number.isNaN(version)) {
    throw new ProblemException(400, {
      type: problemTypeUri('validation-failed'),
      title: 'Request validation failed',
      detail: 'If-Match must be an entity ETag ("<version>") or *',
    });
  }
  return version;
}

const written = (state: RegistryEntityState) => {
  if (state.status === 'absent') throw new Error('a write left the entity absent');
  return state;
};

/**
 * Entities of a type at `/registry/v1/entity/{type}[/{id}]`: create, read (owner or manager;
 * others 404), replace (PUT), JSON Merge Patch (PATCH, RFC 7396), delete. Managers of the type
 * (`admin` or a role in its `_osConfig.roles`; anyone when that holds `anonymous`) create and write
 * any entity; owners replace, patch and delete their own (field-access.ts `ownerWrite`); anyone else
 * gets 404. The write routes and the reads (by id, list, search) are `@Public()` so that a public
 * type takes writes and reads without a token; the use cases answer 401 to a token-less caller otherwise
 * (a token, when sent, is still verified and decides who the caller is). Every answer with an entity carries its `ETag`; `If-Match` with a stale ETag → 412.
 * Validation errors list each bad field by JSON Pointer (400).
 */
@ApiTags('entities')
@Controller('registry/v1/entity')
export class EntityHttpHandler {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post(':type')
  @Public()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an entity',
    description:
      "For managers of the type: admin or a role in its `_osConfig.roles` (403 otherwise); `anonymous` there lets anyone, even without a token (a public registry; 401 without a token otherwise). Validated against the active version of the type; Location names it. Private fields (the type's privateFields) are stored only encrypted (AES-256-GCM, a data key per entity wrapped by a key-encryption key) and never appear in search results or integration events.",
  })
  @ApiZodBody(entityBody)
  @ApiZodResponse(201, entityDto)
  @ApiProblemResponses(400, 409)
  @ApiWriteProblems({
    createForbidden: problemExample(
      403,
      'ENTITY.CREATE_FORBIDDEN',
      'creating Student entities needs admin or a role in its _osConfig.roles',
    ),
  })
  async create(
    @ZodParams(entityTypeParams) params: { type: string },
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EntityDto> {
    const state = written(
      await challenging(reply, () =>
        this.commands.execute(new CreateEntityCommand(params.type, body, false, commandContext(), reader())),
      ),
    );
    reply.header('Location', `/registry/v1/entity/${encodeURIComponent(params.type)}/${state.id}`);
    return this.read(params.type, state.id, reply);
  }

  @Post(':type/invite')
  @Public()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Invite someone (or register oneself) as an entity',
    description:
      "Allowed to a role in the type's `_osConfig.inviteRoles` (or admin); `anonymous` there lets anyone, even without a token (self-registration; rate-limited per IP at the edge). The entity is validated like a create, starts in status `invited`, and is owned by the person its `ownershipAttributes` name, which must include an e-mail: the invitation (EntityInvitedV1) goes there. It becomes `active` when its owner, signed in with that e-mail (verified: the token's `email_verified`) or user id, first reads it.",
  })
  @ApiZodBody(entityBody)
  @ApiZodResponse(201, entityInvitationDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async invite(
    @ZodParams(entityTypeParams) params: { type: string },
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const caller = reader();
    const invite = new InviteEntityCommand(
      params.type,
      body,
      { ...caller, authenticated: currentRequestContext()?.actor !== undefined },
      commandContext(),
    );
    let state: Exclude<RegistryEntityState, { status: 'absent' }>;
    try {
      state = written(await this.commands.execute(invite));
    } catch (error) {
      // RFC 6750 §3: a 401 names the scheme (the problem filter keeps headers set on the reply).
      if (error instanceof EntityInviteUnauthenticatedError)
        reply.header('WWW-Authenticate', `Bearer realm="${AUTH_REALM}"`);
      throw error;
    }
    reply.header('Location', `/registry/v1/entity/${encodeURIComponent(params.type)}/${state.id}`);
    reply.header('ETag', etagOf(state.version));
    // The body is for its owner and managers (a read by id), not for whoever invited.
    return { id: state.id, type: state.type, status: state.status, version: state.version };
  }

  @Post(':type/search')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Search entities of a type',
    description:
      '`{ filters: { "<dotted path>": { "<op>": value } }, or: [...], limit, offset }` → `{ totalCount, items }`; operators eq, neq, gt, gte, lt, lte, between, startsWith, endsWith, contains, notContains, or. Values are bound parameters; unknown fields or operators are 400. Managers only (admin or a role in _osConfig.roles; anyone, even without a token, when that holds `anonymous`: a public registry; 401 without a token otherwise); results never carry private fields. Each item carries its `status` (`active`, `invited` or `deactivated`: deactivated entities are found too, marked). Fields follow the serving definition version, also for entities written under an earlier one (after an activation the read model is rebuilt for the type in the background; until it swaps in, searches answer from the previous rows). Eventually consistent.',
  })
  @ApiZodBody(entitySearchBody)
  @ApiZodResponse(200, entitySearchPageDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async search(
    @ZodParams(entityTypeParams) params: { type: string },
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (body === undefined || body === null) {
      throw new ProblemException(400, {
        type: problemTypeUri('validation-failed'),
        title: 'Request validation failed',
        detail: 'send the search as a JSON body ({} for every entity)',
      });
    }
    const page: EntitySearchPage = await challenging(reply, () =>
      this.queries.execute(new SearchEntitiesQuery(params.type, body, reader())),
    );
    return {
      totalCount: page.totalCount,
      items: page.items.map((i) => ({ id: i.id, status: i.status, version: i.version, body: { ...i.body } })),
    };
  }

  @Get(':type/openapi.json')
  @ApiOperation({
    summary: "The OpenAPI document of a type's entity operations",
    description:
      "OpenAPI 3.1: this service's entity operations with `{type}` fixed to the type and the request bodies its serving definition version accepts now — create, invite and replace take the type's JSON Schema (as published, re-rooted as a component), search exactly its searchable fields with the operators each takes. A client generator or a fuzzer uses it where this document can only say `object`. It follows activation: a new serving version changes it. Unknown type 404, inactive 409.",
  })
  @ApiZodResponse(200, entityTypeOpenApiDto)
  @ApiProblemResponses(400, 401, 404, 409)
  async typeDocument(@ZodParams(entityTypeParams) params: { type: string }) {
    const description: EntityTypeDescription = await this.queries.execute(
      new DescribeEntityTypeQuery(params.type, reader()),
    );
    return entityTypeOpenApiDocument(rememberedServiceDocument(), description);
  }

  @Get(':type')
  @Public()
  @ApiOperation({
    summary: 'List my entities of a type',
    description:
      "The caller's own entities (an `ownershipAttributes` value equal to their user id or verified e-mail), or every entity of the type for a manager (admin or a role in `_osConfig.roles`), oldest first, `limit` (1–100, default 20) and `offset`. A public type (`anonymous` in `_osConfig.roles`: anyone manages it) lists every entity, even without a token; without a token any other type is 401. Each item is shown as on a read by id (private fields to owners and managers). Which entities match is eventually consistent (the search read model): a new entity may take a moment to appear.",
  })
  @ApiZodResponse(200, entityListPageDto)
  @ApiProblemResponses(400, 401, 404)
  async list(
    @ZodParams(entityTypeParams) params: { type: string },
    @ZodQuery(entityListQuery) query: { limit: number; offset: number },
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page: EntityListView = await challenging(reply, () =>
      this.queries.execute(new ListEntitiesQuery(params.type, reader(), query.limit, query.offset)),
    );
    return { totalCount: page.totalCount, items: page.items.map(entityDtoOf) };
  }

  @Get(':type/:id')
  @Public()
  @ApiOperation({
    summary: 'Read an entity',
    description:
      "For its owner (by user id, or by e-mail when the token's `email_verified` is true) and managers; anyone else gets 404. A public type's entities (`anonymous` in `_osConfig.roles`) are readable by anyone, even without a token; without a token any other type is 401. The first read of an invited entity by its owner makes it active.",
  })
  @ApiZodResponse(200, entityDto)
  @ApiProblemResponses(400, 401, 404)
  async get(
    @ZodParams(entityParams) params: { type: string; id: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = await this.read(params.type, params.id, reply);
    if (dto.status !== 'invited') return dto;
    const accepted: boolean = await this.commands.execute(
      new AcceptInvitationCommand(params.type, params.id, reader(), commandContext()),
    );
    return accepted ? this.read(params.type, params.id, reply) : dto;
  }

  @Get(':type/:id/history')
  @ApiOperation({
    summary: "An entity's history",
    description:
      'Every event of the entity, oldest first: version, event type, time, actor and the JSON Pointers of the fields it changed (never values; internal fields only for managers). For the owner and managers; anyone else gets 404.',
  })
  @ApiZodResponse(200, entityHistoryDto)
  @ApiProblemResponses(400, 401, 404)
  async history(@ZodParams(entityParams) params: { type: string; id: string }) {
    const items: EntityHistoryEntry[] = await this.queries.execute(
      new GetEntityHistoryQuery(params.type, params.id, reader()),
    );
    return { id: params.id, items: items.map((i) => ({ ...i, changedFields: [...i.changedFields] })) };
  }

  @Put(':type/:id')
  @Public()
  @ApiOperation({
    summary: 'Replace an entity',
    description:
      'The whole body, validated again; If-Match optional (412 when stale). Managers of the type replace any entity; its owner replaces it with the fields they can read: internal fields keep their values (sending one is 403 ENTITY.FIELD_WRITE_FORBIDDEN), system fields and the ownershipAttributes fields must stay as they are (403 ENTITY.FIELD_WRITE_FORBIDDEN / ENTITY.OWNERSHIP_CHANGE_FORBIDDEN). Anyone else gets 404 (401 without a token).',
  })
  @ApiZodBody(entityBody)
  @ApiZodResponse(200, entityDto)
  @ApiProblemResponses(400, 409, 412)
  @ApiWriteProblems(ownerForbidden)
  replace(
    @ZodParams(entityParams) params: { type: string; id: string },
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.update(params, 'replace', body, ifMatch, reply);
  }

  @Patch(':type/:id')
  @Public()
  @ApiConsumes(MERGE_PATCH_JSON, 'application/json')
  @ApiOperation({
    summary: 'Merge-patch an entity (RFC 7396)',
    description:
      "null removes a field; If-Match optional (412 when stale). Managers of the type patch any entity; its owner patches it except internal and system fields (403 ENTITY.FIELD_WRITE_FORBIDDEN) and the ownershipAttributes fields (403 ENTITY.OWNERSHIP_CHANGE_FORBIDDEN). Anyone else gets 404 (401 without a token). An owner's write of an invited entity accepts the invitation.",
  })
  @ApiZodBody(entityMergePatch)
  @ApiZodResponse(200, entityDto)
  @ApiProblemResponses(400, 409, 412)
  @ApiWriteProblems(ownerForbidden)
  patch(
    @ZodParams(entityParams) params: { type: string; id: string },
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.update(params, 'merge-patch', body, ifMatch, reply);
  }

  @Delete(':type/:id')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an entity and erase its private fields',
    description:
      "By a manager of the type or the entity's owner; anyone else gets 404 (401 without a token). A later GET or DELETE is 404; If-Match optional (412 when stale). Erasure by crypto-shredding: the entity's data key is destroyed in the same transaction, so its private fields (privateFields), kept only encrypted in the event log, are unreadable for good; the rest of its history stays (EntityDeleted records erasure: crypto-shredding).",
  })
  @ApiResponse({ status: 204, description: 'Deleted (a later GET or DELETE is 404)' })
  @ApiProblemResponses(400, 412)
  @ApiWriteProblems({})
  async delete(
    @ZodParams(entityParams) params: { type: string; id: string },
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const command = new DeleteEntityCommand(params.type, params.id, expected(ifMatch), commandContext(), reader());
    await challenging(reply, () => this.commands.execute(command));
  }

  @Post(':type/:id/deactivate')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate an entity',
    description:
      'By a manager of the type only (admin or a role in its `_osConfig.roles`); its owner or anyone else gets 404 (401 without a token unless the type is public). `active` or `invited` → `deactivated`: the entity stays readable by its owner and managers (status shown), in lists and search, and can still be deleted or reactivated (POST …/activate); PUT and PATCH are refused (409 ENTITY.TRANSITION_NOT_ALLOWED). Deactivating again is 409 naming the status. If-Match optional (412 when stale). Answers the entity with its new version and ETag.',
  })
  @ApiZodResponse(200, entityDto)
  @ApiProblemResponses(400, 409, 412)
  @ApiWriteProblems({})
  deactivate(
    @ZodParams(entityParams) params: { type: string; id: string },
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EntityDto> {
    return this.activation('DeactivateEntity', params, ifMatch, reply);
  }

  @Post(':type/:id/activate')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reactivate a deactivated entity',
    description:
      'By a manager of the type only; its owner or anyone else gets 404 (401 without a token unless the type is public). `deactivated` → `active` (an invitation deactivated before it was accepted counts as accepted): writable again. Any other status is 409 naming it. If-Match optional (412 when stale). Answers the entity with its new version and ETag.',
  })
  @ApiZodResponse(200, entityDto)
  @ApiProblemResponses(400, 409, 412)
  @ApiWriteProblems({})
  activate(
    @ZodParams(entityParams) params: { type: string; id: string },
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EntityDto> {
    return this.activation('ReactivateEntity', params, ifMatch, reply);
  }

  private async activation(
    transition: 'DeactivateEntity' | 'ReactivateEntity',
    params: { type: string; id: string },
    ifMatch: string | undefined,
    reply: FastifyReply,
  ): Promise<EntityDto> {
    const version = expected(ifMatch);
    const command = new EntityActivationCommand(
      transition,
      params.type,
      params.id,
      version,
      commandContext(),
      reader(),
    );
    written(await challenging(reply, () => this.commands.execute(command)));
    return this.read(params.type, params.id, reply);
  }

  private async update(
    params: { type: string; id: string },
    mode: 'replace' | 'merge-patch',
    body: unknown,
    ifMatch: string | undefined,
    reply: FastifyReply,
  ): Promise<EntityDto> {
    const version = expected(ifMatch);
    const command = new UpdateEntityCommand(params.type, params.id, mode, body, version, commandContext(), reader());
    written(await challenging(reply, () => this.commands.execute(command)));
    const dto = await this.read(params.type, params.id, reply);
    if (dto.status !== 'invited') return dto;
    // The owner, signed in, wrote their invited entity: that accepts the invitation, as a read does.
    const accepted: boolean = await this.commands.execute(
      new AcceptInvitationCommand(params.type, params.id, reader(), commandContext()),
    );
    return accepted ? this.read(params.type, params.id, reply) : dto;
  }

  private async read(type: string, id: string, reply: FastifyReply): Promise<EntityDto> {
    const view: EntityView = await challenging(reply, () =>
      this.queries.execute(new GetEntityQuery(type, id, reader())),
    );
    reply.header('ETag', etagOf(view.version));
    return entityDtoOf(view);
  }
}

function entityDtoOf(view: EntityView): EntityDto {
  return {
    ...view,
    body: { ...view.body },
    _osState: { ...view._osState },
    _osAttestedData: Object.fromEntries(Object.entries(view._osAttestedData).map(([p, d]) => [p, { ...d }])),
  };
}
