import {
  RegistryServiceControllerMethods,
  type RegistryServiceController,
  type GetEntityRequest,
  type GetEntityResponse,
  type GetRegistryItemRequest,
  type GetRegistryItemResponse,
  type SearchEntitiesRequest,
  type SearchEntitiesResponse,
} from '@archipelago/registry-contracts';
import { callerFromClaims, parseBearerToken } from '@archipelago/platform-auth';
import { toGrpcError } from '@archipelago/platform-grpc';
import { DomainError } from '@archipelago/util-decider';
import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { decodeJwt } from 'jose';
import { RegistryItemNotFoundError } from '../../entity/registry-item/registry-item.errors.js';
import type { ActiveRegistryItem } from '../../entity/registry-item/registry-item.state.js';
import { InvalidSearchQueryError } from '../../entity/search/search.errors.js';
import { GetEntityQuery, type EntityReader } from '../../use-case/get-entity/get-entity.query.js';
import type { EntityView } from '../../use-case/get-entity/get-entity.use-case.js';
import { GetRegistryItemQuery } from '../../use-case/get-registry-item/get-registry-item.query.js';
import type { EntitySearchPage } from '../../use-case/port/entity-search.port.js';
import { EntitySearchForbiddenError } from '../../use-case/search-entities/search-entities.use-case.js';
import { SearchEntitiesQuery } from '../../use-case/search-entities/search-entities.query.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The reader of a call: the caller of its bearer token. The gRPC server verified that token before
 * any handler runs (GrpcAuthGuard, which `runServiceMain` installs on every call: signature, issuer,
 * expiry, this service as audience, a service client), so its claims are read, not verified again.
 * @throws RpcException UNAUTHENTICATED when the call carries no bearer token
 */
function readerOf(metadata: Metadata | undefined): EntityReader {
  const raw = metadata?.get('authorization')[0];
  const token = parseBearerToken(typeof raw === 'string' ? raw : undefined);
  if (!token) throw toGrpcError('UNAUTHENTICATED', 'a valid bearer access token is required');
  try {
    const caller = callerFromClaims(decodeJwt(token));
    return {
      id: caller.id,
      roles: caller.roles,
      ...(caller.email !== undefined && { email: caller.email, emailVerified: caller.emailVerified === true }),
    };
  } catch {
    throw toGrpcError('UNAUTHENTICATED', 'a valid bearer access token is required');
  }
}

/** A domain refusal as a gRPC status (its code in the `x-error-code` trailer); anything else rethrown. */
function asGrpcError(error: unknown): unknown {
  // The problems, each by JSON Pointer into query_json, are in the message.
  if (error instanceof InvalidSearchQueryError) return toGrpcError('INVALID_ARGUMENT', error.message);
  if (error instanceof EntitySearchForbiddenError) return toGrpcError('PERMISSION_DENIED', error.message);
  // A data key wrapped by a KEK missing from the configuration (HTTP 503): retry later.
  if ((error as { code?: unknown } | null)?.code === 'REGISTRY.KEY_UNAVAILABLE')
    return toGrpcError('UNAVAILABLE', (error as Error).message);
  // ENTITY.NOT_FOUND / ENTITY.TYPE_NOT_FOUND → NOT_FOUND, ENTITY.TYPE_NOT_ACTIVE → FAILED_PRECONDITION.
  if (error instanceof DomainError) return toGrpcError(error.code, error.message);
  return error;
}

/**
 * gRPC `archipelago.registry.registry.v1.RegistryService`: maps proto ↔ query, real status codes.
 * Entity reads are authorised as over HTTP, with the calling service's token as the reader (its
 * roles decide whether it manages a type; a service owns no entity).
 */
@Controller()
@RegistryServiceControllerMethods()
export class RegistryGrpcHandler implements RegistryServiceController {
  constructor(private readonly queries: QueryBus) {}

  async getRegistryItem(request: GetRegistryItemRequest): Promise<GetRegistryItemResponse> {
    if (!UUID.test(request.id ?? '')) throw toGrpcError('INVALID_ARGUMENT', 'id must be a UUID');
    try {
      const item: ActiveRegistryItem = await this.queries.execute(new GetRegistryItemQuery(request.id));
      return { item: { id: item.id, name: item.name, createdAt: item.createdAt } };
    } catch (error) {
      if (error instanceof RegistryItemNotFoundError) throw toGrpcError('NOT_FOUND', error.message);
      throw error;
    }
  }

  async getEntity(request: GetEntityRequest, metadata?: Metadata): Promise<GetEntityResponse> {
    const reader = readerOf(metadata);
    if (!request.type || request.type.length > 200)
      throw toGrpcError('INVALID_ARGUMENT', 'type must be 1 to 200 characters');
    if (!UUID.test(request.id ?? '')) throw toGrpcError('INVALID_ARGUMENT', 'id must be a UUID');
    try {
      const view: EntityView = await this.queries.execute(new GetEntityQuery(request.type, request.id, reader));
      return {
        entity: {
          id: view.id,
          type: view.type,
          status: view.status,
          version: view.version,
          definitionId: view.definitionId,
          definitionVersion: view.definitionVersion,
          bodyJson: JSON.stringify(view.body),
        },
      };
    } catch (error) {
      throw asGrpcError(error);
    }
  }

  async searchEntities(request: SearchEntitiesRequest, metadata?: Metadata): Promise<SearchEntitiesResponse> {
    const reader = readerOf(metadata);
    if (!request.type || request.type.length > 200)
      throw toGrpcError('INVALID_ARGUMENT', 'type must be 1 to 200 characters');
    let query: unknown = {};
    if (request.queryJson) {
      try {
        query = JSON.parse(request.queryJson);
      } catch {
        throw toGrpcError('INVALID_ARGUMENT', 'query_json is not JSON');
      }
    }
    try {
      const page: EntitySearchPage = await this.queries.execute(new SearchEntitiesQuery(request.type, query, reader));
      return {
        totalCount: page.totalCount,
        items: page.items.map((item) => ({
          id: item.id,
          version: item.version,
          bodyJson: JSON.stringify(item.body),
          status: item.status,
        })),
      };
    } catch (error) {
      throw asGrpcError(error);
    }
  }
}
