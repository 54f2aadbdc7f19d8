import {
  RegistryServiceControllerMethods,
  type RegistryServiceController,
  type GetRegistryItemRequest,
  type GetRegistryItemResponse,
} from '@archipelago/registry-contracts';
import { toGrpcError } from '@archipelago/platform-grpc';
import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { RegistryItemNotFoundError } from '../../entity/registry-item/registry-item.errors.js';
import type { ActiveRegistryItem } from '../../entity/registry-item/registry-item.state.js';
import { GetRegistryItemQuery } from '../../use-case/get-registry-item/get-registry-item.query.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** gRPC `archipelago.registry.registry.v1.RegistryService`: maps proto ↔ query, real status codes. */
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
}
