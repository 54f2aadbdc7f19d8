import { ApiProblemResponses, ApiZodResponse, ZodParams, ZodQuery } from '@archipelago/platform-service';
import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActiveCredentialsItem } from '../../entity/credentials-item/credentials-item.state.js';
import { GetCredentialsItemQuery } from '../../use-case/get-credentials-item/get-credentials-item.query.js';
import { ListCredentialsItemsQuery } from '../../use-case/list-credentials-items/list-credentials-items.query.js';
import type { CredentialsItemPage } from '../../use-case/port/credentials-item.read-model.port.js';
import {
  listCredentialsItemsQuery,
  credentialsItemDto,
  credentialsItemIdParams,
  credentialsItemPageDto,
  type CredentialsItemDto,
} from './credentials-item.schemas.js';

/** Reads of `/registry/v1/credentials` (the query role). Any valid access token may read. */
@ApiTags('credentials')
@Controller('registry/v1/credentials')
export class CredentialsQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'List items',
    description:
      'Any valid access token (401 without one). Items in creation order, `limit` (1–100, default 20) per page, read from the list projection (eventually consistent); pass `nextCursor` back as `cursor` (400 `PAGINATION.INVALID_CURSOR` for a cursor this API did not give).',
  })
  @ApiZodResponse(200, credentialsItemPageDto)
  @ApiProblemResponses(400, 401)
  async list(@ZodQuery(listCredentialsItemsQuery) query: { limit: number; cursor?: string }) {
    const page: CredentialsItemPage = await this.queries.execute(
      new ListCredentialsItemsQuery(query.limit, query.cursor),
    );
    return {
      items: page.items.map((i) => ({ id: i.id, name: i.name, createdAt: i.createdAt })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One item',
    description:
      'Any valid access token (401 without one). Read from the item’s event stream (always current). 404 `CREDENTIALS_ITEM.NOT_FOUND` for an unknown id; 400 when `id` is not a UUID.',
  })
  @ApiZodResponse(200, credentialsItemDto)
  @ApiProblemResponses(400, 401, 404)
  async get(@ZodParams(credentialsItemIdParams) params: { id: string }): Promise<CredentialsItemDto> {
    const item: ActiveCredentialsItem = await this.queries.execute(new GetCredentialsItemQuery(params.id));
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
