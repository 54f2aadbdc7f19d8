import type { DefinitionDocument, DefinitionReferences } from '../definition/definition-schema.js';
import { osConfigOf } from '../definition/definition-schema.js';
import { parseFieldPath, sunbirdWrapper } from '../definition/os-config.js';
import { searchableFields } from './searchable-fields.js';

/** One column of a search index: the field's path in the stored body and how search compares it. */
export interface SearchIndexColumn {
  /** Path in the stored body (a Sunbird RC wrapper's name first), each segment a plain identifier. */
  readonly path: readonly string[];
  /** `string`: compared as text (`#>>`); `number` / `boolean`: compared as jsonb (`#>`). */
  readonly kind: 'string' | 'number' | 'boolean';
}

/** An index a serving definition asks for: one `indexFields` entry (composite entries: several columns). */
export interface SearchIndexSpec {
  readonly columns: readonly SearchIndexColumn[];
}

/**
 * The search indexes a definition version asks for (`_osConfig.indexFields`, Sunbird RC): one per
 * entry, a composite entry `"(a, b)"` as one index on both. Only fields search can filter on and
 * compare with an index are taken: scalar (string, number, boolean) leaves that are not private
 * (private fields are encrypted and never searchable); array items (`[*]`) and paths search does
 * not know are left out, so an entry naming one is not indexed. The columns are the same
 * expressions the search filter compiles to, so the index applies to `eq` and range filters.
 */
export function searchIndexesOf(document: DefinitionDocument, references?: DefinitionReferences): SearchIndexSpec[] {
  const fields = searchableFields(document, { includeInternal: true, ...(references ? { references } : {}) });
  const prefix = sunbirdWrapper(document)?.name;
  const specs: SearchIndexSpec[] = [];
  const seen = new Set<string>();
  for (const entry of osConfigOf(document).indexFields) {
    const columns: SearchIndexColumn[] = [];
    for (const raw of entry) {
      const segments = parseFieldPath(raw);
      const kind = segments && !segments.includes('*') ? fields.get(segments.join('.')) : undefined;
      if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') break;
      columns.push({ path: prefix ? [prefix, ...segments!] : segments!, kind });
    }
    const key = JSON.stringify(columns);
    if (columns.length === entry.length && columns.length > 0 && !seen.has(key)) {
      seen.add(key);
      specs.push({ columns });
    }
  }
  return specs;
}
