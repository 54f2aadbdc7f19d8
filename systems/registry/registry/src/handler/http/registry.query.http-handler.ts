import { ApiProblemResponses, ApiZodResponse, ZodParams, ZodQuery } from '@archipelago/platform-service';
import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActiveRegistryItem } from '../../entity/registry-item/registry-item.state.js';
import { GetRegistryItemQuery } from '../../use-case/get-registry-item/get-registry-item.query.js';
import { ListRegistryItemsQuery } from '../../use-case/list-registry-items/list-registry-items.query.js';
import type { RegistryItemPage } from '../../use-case/port/registry-item.read-model.port.js';
import {
  listRegistryItemsQuery,
  registryItemDto,
  registryItemIdParams,
  registryItemPageDto,
  type RegistryItemDto,
} from './registry-item.schemas.js';

/** Reads of `/registry/v1/registry` (the query role). Any valid access token may read. */
@ApiTags('registry')
@Controller('registry/v1/registry')
export class RegistryQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'List items',
    description: 'Items in creation order, keyset-paginated (eventually consistent).',
  })
  @ApiZodResponse(200, registryItemPageDto)
  @ApiProblemResponses(400, 401)
  async list(@ZodQuery(listRegistryItemsQuery) query: { limit: number; cursor?: string }) {
    const page: RegistryItemPage = await this.queries.execute(new ListRegistryItemsQuery(query.limit, query.cursor));
    return {
      items: page.items.map((i) => ({ id: i.id, name: i.name, createdAt: i.createdAt })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One item', description: 'Read from the item’s event stream (always current).' })
  @ApiZodResponse(200, registryItemDto)
  @ApiProblemResponses(400, 401, 404)
  async get(@ZodParams(registryItemIdParams) params: { id: string }): Promise<RegistryItemDto> {
    const item: ActiveRegistryItem = await this.queries.execute(new GetRegistryItemQuery(params.id));
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
