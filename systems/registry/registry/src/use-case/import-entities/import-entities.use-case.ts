import { DomainError } from '@archipelago/util-decider';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  csvRowToBody,
  headerProblems,
  ImportEmptyError,
  type ImportFieldIssue,
  ImportTooLargeError,
  ImportUnreadableError,
  MAX_IMPORT_ROWS,
} from '../../entity/registry-entity/entity-import.js';
import { osConfigOf, type DefinitionDocument } from '../../entity/definition/definition-schema.js';
import { assertMayCreate } from '../../entity/registry-entity/field-access.js';
import { EntityValidationError } from '../../entity/registry-entity/registry-entity.errors.js';
import { CreateEntityCommand } from '../create-entity/create-entity.command.js';
import { CreateEntityUseCase } from '../create-entity/create-entity.use-case.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { UniqueFieldTakenError } from '../port/registry-entity.repository.port.js';
import { ServingDefinitions } from '../serving-definitions.js';
import { ImportEntitiesCommand, type ImportRow } from './import-entities.command.js';

/** What became of one row: created (its id), failed (why, by field), or not attempted. */
export type ImportRowResult =
  | { readonly line: number; readonly status: 'created'; readonly id: string; readonly version: number }
  | {
      readonly line: number;
      readonly status: 'failed' | 'skipped';
      readonly code: string;
      readonly detail: string;
      readonly errors?: readonly ImportFieldIssue[];
    };

/** The answer of an import: counts, then one result per row in file order. */
export interface ImportResult {
  readonly type: string;
  readonly total: number;
  readonly created: number;
  readonly failed: number;
  readonly skipped: number;
  readonly results: readonly ImportRowResult[];
}

/** Entity creation as the import needs it (the create use case; a fake in unit tests). */
export interface EntityCreator {
  execute(
    command: CreateEntityCommand,
  ): Promise<{ readonly status: string; readonly id?: string; readonly version?: number }>;
}

/**
 * Bulk import (issue 14 §3): every row is created like `POST /registry/v1/entity/{type}` — the same
 * validation, uniqueness and events — in its own transaction, so a bad row is reported by line and
 * field and writes nothing, while the good rows are created. After an infrastructure failure (the
 * database gone) the rest is `skipped`, so the caller knows exactly which lines to send again.
 * @throws EntityTypeNotFoundError (404), EntityTypeNotActiveError (409), ImportEmptyError (400),
 *   ImportUnreadableError (400, a bad CSV header), ImportTooLargeError (413, over {@link MAX_IMPORT_ROWS}),
 *   EntityWriteUnauthenticatedError (401), EntityCreateForbiddenError (403): importing is creating,
 *   for managers of the type only (checked once, before any row)
 */
@CommandHandler(ImportEntitiesCommand)
export class ImportEntitiesUseCase implements ICommandHandler<ImportEntitiesCommand, ImportResult> {
  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(CreateEntityUseCase) private readonly creator: EntityCreator,
  ) {}

  async execute({ type, rows, header, context, caller }: ImportEntitiesCommand): Promise<ImportResult> {
    if (rows.length === 0) throw new ImportEmptyError();
    if (rows.length > MAX_IMPORT_ROWS) throw new ImportTooLargeError(rows.length);
    if (header) {
      const problems = headerProblems(header);
      if (problems.length) throw new ImportUnreadableError(problems);
    }
    const serving = await new ServingDefinitions(this.definitions).schemaOf(type);
    assertMayCreate(osConfigOf(serving.schema as DefinitionDocument), caller, serving.type);

    const results: ImportRowResult[] = [];
    let stoppedAt: number | undefined;
    for (const row of rows) {
      if (stoppedAt !== undefined) {
        results.push({
          line: row.line,
          status: 'skipped',
          code: 'ENTITY.IMPORT_STOPPED',
          detail: `not attempted: the import stopped at line ${stoppedAt} on a temporary failure; send this row again`,
        });
        continue;
      }
      const body = this.bodyOf(row, header, serving.schema);
      if ('failure' in body) {
        results.push({ line: row.line, status: 'failed', ...body.failure });
        continue;
      }
      try {
        const created = await this.creator.execute(new CreateEntityCommand(type, body.value, false, context, caller));
        results.push({ line: row.line, status: 'created', id: created.id!, version: created.version! });
      } catch (error) {
        if (error instanceof EntityValidationError) {
          results.push({
            line: row.line,
            status: 'failed',
            code: error.code,
            detail: 'the row breaks the type’s schema',
            errors: error.issues.map((i) => ({ pointer: i.pointer, message: i.message })),
          });
        } else if (error instanceof DomainError || error instanceof UniqueFieldTakenError) {
          results.push({ line: row.line, status: 'failed', code: error.code, detail: error.message });
        } else {
          stoppedAt = row.line;
          results.push({
            line: row.line,
            status: 'failed',
            code: 'ENTITY.IMPORT_STOPPED',
            detail: 'a temporary failure; nothing of this row was written: send it again',
          });
        }
      }
    }
    const count = (status: ImportRowResult['status']) => results.filter((r) => r.status === status).length;
    return {
      type: serving.type,
      total: rows.length,
      created: count('created'),
      failed: count('failed'),
      skipped: count('skipped'),
      results,
    };
  }

  private bodyOf(
    row: ImportRow,
    header: readonly string[] | undefined,
    schema: object,
  ): { value: unknown } | { failure: { code: string; detail: string; errors?: readonly ImportFieldIssue[] } } {
    if ('unreadable' in row) return { failure: { code: 'ENTITY.IMPORT_ROW_UNREADABLE', detail: row.unreadable } };
    if ('json' in row) return { value: row.json };
    const converted = csvRowToBody(header ?? [], row.cells, schema as Record<string, unknown>);
    if ('issues' in converted)
      return {
        failure: {
          code: 'ENTITY.IMPORT_ROW_UNREADABLE',
          detail: 'the row does not fit the header',
          errors: converted.issues,
        },
      };
    return { value: converted.body };
  }
}
