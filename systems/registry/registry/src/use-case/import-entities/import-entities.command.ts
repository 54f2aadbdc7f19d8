import { IN_PROCESS_CALLER, type EntityCaller } from '../../entity/registry-entity/field-access.js';
import type { CommandContext } from '../port/command-context.js';

/**
 * One row of an import file as the handler read it, by its line in the file (1-based): a JSON
 * value (an NDJSON line), the cells of a CSV record, or a line that could not be read (with why).
 */
export type ImportRow =
  | { readonly line: number; readonly json: unknown }
  | { readonly line: number; readonly cells: readonly string[] }
  | { readonly line: number; readonly unreadable: string };

/**
 * Import `rows` as new entities of `type`, each on its own (a bad row never half-writes, and never
 * stops the others). `header` is the CSV header (column → dotted field path); absent for NDJSON.
 */
export class ImportEntitiesCommand {
  constructor(
    readonly type: string,
    readonly rows: readonly ImportRow[],
    readonly header: readonly string[] | undefined,
    readonly context: CommandContext,
    /** Who asks (decides manager / owner / neither); in-process callers default to {@link IN_PROCESS_CALLER}. */
    readonly caller: EntityCaller = IN_PROCESS_CALLER,
  ) {}
}
