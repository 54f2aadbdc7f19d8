import { ApiProblemResponses, ApiZodResponse, ZodParams, ZodQuery } from '@archipelago/platform-service';
import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ExistingDefinition } from '../../entity/definition/definition.state.js';
import { GetDefinitionQuery } from '../../use-case/get-definition/get-definition.query.js';
import { ListDefinitionVersionsQuery } from '../../use-case/list-definition-versions/list-definition-versions.query.js';
import { ListDefinitionsQuery } from '../../use-case/list-definitions/list-definitions.query.js';
import type { DefinitionPage, DefinitionVersion } from '../../use-case/port/definition.read-model.port.js';
import {
  definitionDto,
  definitionIdParams,
  definitionPageDto,
  definitionVersionsDto,
  listDefinitionsQuery,
  type DefinitionDto,
  type ListDefinitionsQueryDto,
} from './definition.schemas.js';

/** Reads of definitions under `/registry/v1/schema`. Any valid access token may read. */
@ApiTags('definitions')
@Controller('registry/v1/schema')
export class DefinitionQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'List definitions',
    description: 'By title, filtered by title substring and status; offset-paginated (eventually consistent).',
  })
  @ApiZodResponse(200, definitionPageDto)
  @ApiProblemResponses(400, 401)
  async list(@ZodQuery(listDefinitionsQuery) query: ListDefinitionsQueryDto) {
    const page: DefinitionPage = await this.queries.execute(
      new ListDefinitionsQuery({
        title: query.title,
        status: query.record_status,
        limit: query.limit,
        offset: query.offset,
      }),
    );
    return { totalCount: page.total, items: page.items };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One definition',
    description: 'Its latest version, read from its event stream (always current).',
  })
  @ApiZodResponse(200, definitionDto)
  @ApiProblemResponses(400, 401, 404)
  async get(@ZodParams(definitionIdParams) params: { id: string }): Promise<DefinitionDto> {
    const d: ExistingDefinition = await this.queries.execute(new GetDefinitionQuery(params.id));
    return {
      id: d.id,
      title: d.title,
      status: d.status,
      version: d.version,
      activeVersion: d.active?.version ?? null,
      schema: { ...d.schema },
      problems: [...d.problems],
    };
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Versions of a definition', description: 'Oldest first, with their status.' })
  @ApiZodResponse(200, definitionVersionsDto)
  @ApiProblemResponses(400, 401, 404)
  async versions(@ZodParams(definitionIdParams) params: { id: string }) {
    const versions: DefinitionVersion[] = await this.queries.execute(new ListDefinitionVersionsQuery(params.id));
    return { id: params.id, versions };
  }
}
