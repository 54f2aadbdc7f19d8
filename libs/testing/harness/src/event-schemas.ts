import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { incompatibilities, type JsonSchema } from '@archipelago/util-schema-compat';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * Defines one "schema compat" test per integration event: its current payload schema (zod, as
 * JSON Schema) must stay compatible with the schema recorded in `recordedDir/<Name>.json` (the
 * published contract, committed). A new event has no recording yet: run the tests once with
 * `UPDATE_EVENT_SCHEMAS=1` to record it, and commit the file. Breaking changes need a new major
 * version (a new event name and topic), never an edit of the recording.
 */
export function describeEventSchemaCompat(
  events: Record<string, { readonly type: string; readonly schema: z.ZodType }>,
  recordedDir: string,
): void {
  describe('integration event schema compat', () => {
    for (const [name, event] of Object.entries(events)) {
      it(`${name} (${event.type}) stays compatible with its recorded schema`, () => {
        const current = z.toJSONSchema(event.schema, { io: 'output' }) as JsonSchema;
        const file = join(recordedDir, `${name}.json`);
        if (!existsSync(file)) {
          if (process.env.UPDATE_EVENT_SCHEMAS !== '1') {
            throw new Error(`${file} is missing: record it with UPDATE_EVENT_SCHEMAS=1 and commit it`);
          }
          mkdirSync(recordedDir, { recursive: true });
          writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
        }
        const recorded = JSON.parse(readFileSync(file, 'utf8')) as JsonSchema;
        expect(incompatibilities(recorded, current)).toEqual([]);
      });
    }
  });
}
