import { entityCaller } from './entity.http-handler.js';
import {
  ApiProblemResponses,
  ApiZodResponse,
  currentRequestContext,
  ProblemException,
  problemTypeUri,
  ZodParams,
} from '@archipelago/platform-service';
import { Body, Controller, Headers, HttpCode, type OnModuleInit, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CsvError, parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ImportUnreadableError, MAX_IMPORT_ROWS } from '../../entity/registry-entity/entity-import.js';
import { ImportEntitiesCommand, type ImportRow } from '../../use-case/import-entities/import-entities.command.js';
import type { ImportResult } from '../../use-case/import-entities/import-entities.use-case.js';
import { entityTypeParams } from './entity.schemas.js';

/** CSV (RFC 4180): a header row of dotted field paths, then one entity per record. */
export const CSV = 'text/csv';
/** Newline-delimited JSON: one entity body (a JSON object) per line; `application/jsonl` is accepted too. */
export const NDJSON = 'application/x-ndjson';
const JSONL = 'application/jsonl';

const fieldIssue = z.object({
  pointer: z.string().describe('JSON Pointer (RFC 6901) into the entity body; "" = the whole row'),
  message: z.string(),
});

/** The answer of an import. */
export const importResultDto = z
  .object({
    type: z.string().describe('The entity type (its definition title)'),
    total: z.number().int().describe('Rows in the file'),
    created: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int().describe('Rows not attempted after a temporary failure: send them again'),
    results: z
      .array(
        z.object({
          line: z.number().int().describe('Line of the row in the file (1-based; a CSV header is line 1)'),
          status: z.enum(['created', 'failed', 'skipped']),
          id: z.uuid().optional().describe('The new entity (status created)'),
          version: z.number().int().optional(),
          code: z
            .string()
            .optional()
            .describe(
              'Why the row was not created: ENTITY.INVALID, ENTITY.UNIQUE_FIELD_TAKEN, ENTITY.IMPORT_ROW_UNREADABLE, ENTITY.IMPORT_STOPPED …',
            ),
          detail: z.string().optional(),
          errors: z.array(fieldIssue).optional(),
        }),
      )
      .describe('One result per row, in file order'),
  })
  .meta({
    id: 'EntityImportResult',
    examples: [
      {
        type: 'Student',
        total: 2,
        created: 1,
        failed: 1,
        skipped: 0,
        results: [
          { line: 2, status: 'created', id: '0193a0b4-0000-7000-8000-000000000001', version: 1 },
          {
            line: 3,
            status: 'failed',
            code: 'ENTITY.INVALID',
            detail: 'the row breaks the type’s schema',
            errors: [{ pointer: '/name', message: "must have required property 'name'" }],
          },
        ],
      },
    ],
  });

function unsupported(mediaType: string): ProblemException {
  return new ProblemException(415, {
    type: problemTypeUri('unsupported-media-type'),
    title: 'Unsupported Media Type',
    detail: `an import is ${CSV} or ${NDJSON}, not ${mediaType || 'a body without Content-Type'}`,
  });
}

/** The rows of an NDJSON body: each non-blank line parsed on its own, so one bad line spoils only itself. */
export function ndjsonRows(text: string): ImportRow[] {
  const rows: ImportRow[] = [];
  text.split(/\r?\n/).forEach((content, index) => {
    if (content.trim() === '') return;
    const line = index + 1;
    try {
      const json: unknown = JSON.parse(content);
      rows.push(
        typeof json === 'object' && json !== null && !Array.isArray(json)
          ? { line, json }
          : { line, unreadable: 'the line is JSON but not an object (one entity body per line)' },
      );
    } catch (error) {
      rows.push({ line, unreadable: `the line is not JSON (${(error as Error).message})` });
    }
  });
  return rows;
}

/**
 * The header and records of a CSV body (RFC 4180, a UTF-8 BOM allowed, blank lines skipped).
 * @throws ImportUnreadableError when the file is not CSV (an unclosed quote …): nothing is imported
 */
export function csvRows(text: string): { header: string[]; rows: ImportRow[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (error) {
    if (error instanceof CsvError) throw new ImportUnreadableError([`not CSV: ${error.message}`]);
    throw error;
  }
  const [first, ...rest] = records;
  return {
    header: first?.record.map((c) => c.trim()) ?? [],
    rows: rest.map(({ record, info }) => ({ line: info.lines, cells: record })),
  };
}

/**
 * Bulk import at `POST /registry/v1/entity/{type}/import` (issue 14 §3): a CSV or NDJSON file of
 * entities, each validated and created like a single create, answered row by row.
 */
@ApiTags('entities')
@Controller('registry/v1/entity')
export class EntityImportHttpHandler implements OnModuleInit {
  constructor(
    private readonly commands: CommandBus,
    private readonly adapter: HttpAdapterHost,
  ) {}

  /** Lets fastify read CSV and NDJSON bodies as strings (within the platform's 1 MiB body limit). */
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    for (const type of [CSV, NDJSON, JSONL]) {
      if (fastify && !fastify.hasContentTypeParser(type))
        fastify.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    }
  }

  @Post(':type/import')
  @HttpCode(200)
  @ApiConsumes(CSV, NDJSON)
  @ApiBody({
    description: `CSV: a header row naming fields by dotted path (\`address.city\`), then one entity per record; cells are typed by the schema (numbers, true/false, JSON for arrays and objects), an empty cell leaves the field out. NDJSON: one entity body (a JSON object) per line. At most ${MAX_IMPORT_ROWS} rows per request and 1 MiB.`,
    schema: { type: 'string', minLength: 1 },
    examples: {
      csv: { value: 'name,email,age\nAsha,asha@example.com,21\n' },
      ndjson: { value: '{"name":"Asha","email":"asha@example.com","age":21}\n' },
    },
  })
  @ApiOperation({
    summary: 'Import entities from a CSV or NDJSON file',
    description: `For managers of the type (admin or a role in its \`_osConfig.roles\`; a signed-in caller is enough when that holds \`anonymous\`; otherwise 403). Each row is validated and created like \`POST /registry/v1/entity/{type}\` (same schema, uniqueness and events), in its own transaction: a bad row is reported by line and JSON Pointer and writes nothing, the good rows are created. 200 with one result per row. After a temporary failure the remaining rows are \`skipped\` (send them again). The file as a whole: 400 when empty or not readable as its media type, 413 over ${MAX_IMPORT_ROWS} rows, 415 for another media type; an unknown type 404, an inactive one 409.`,
  })
  @ApiZodResponse(200, importResultDto)
  @ApiProblemResponses(400, 401, 403, 404, 409, 413, 415)
  async import(
    @ZodParams(entityTypeParams) params: { type: string },
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
  ): Promise<ImportResult> {
    const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (typeof body !== 'string' || ![CSV, NDJSON, JSONL].includes(mediaType)) throw unsupported(mediaType);
    const { rows, header } = mediaType === CSV ? csvRows(body) : { rows: ndjsonRows(body), header: undefined };
    const ctx = currentRequestContext();
    return this.commands.execute(
      new ImportEntitiesCommand(
        params.type,
        rows,
        header,
        {
          correlationId: ctx?.correlationId,
          causationId: ctx?.requestId,
          actor: ctx?.actor?.id,
          traceparent: ctx?.traceparent,
        },
        entityCaller(),
      ),
    );
  }
}
