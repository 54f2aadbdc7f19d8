import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_DIR, referencePages } from './reference.js';

// docs/reference/ is generated (tools/docs/reference.ts). `npm run docs:reference` rewrites it
// (this file with UPDATE_REFERENCE=1); otherwise this test fails when a page is missing, stale or extra.

describe('docs/reference (generated)', () => {
  it('is up to date with the config schemas and the domain-error maps (npm run docs:reference)', async () => {
    const pages = await referencePages();
    if (process.env.UPDATE_REFERENCE === '1') {
      rmSync(REFERENCE_DIR, { recursive: true, force: true });
      mkdirSync(REFERENCE_DIR, { recursive: true });
      for (const [name, text] of pages) writeFileSync(join(REFERENCE_DIR, name), text);
    }
    const onDisk = existsSync(REFERENCE_DIR) ? readdirSync(REFERENCE_DIR).sort() : [];
    expect(onDisk, 'pages in docs/reference (run npm run docs:reference)').toEqual([...pages.keys()].sort());
    for (const [name, text] of pages) {
      expect(
        readFileSync(join(REFERENCE_DIR, name), 'utf8'),
        `docs/reference/${name} is stale: run npm run docs:reference`,
      ).toBe(text);
    }
  });

  it('documents what the code defines (a code, a default, a required variable)', async () => {
    const pages = await referencePages();
    expect(pages.get('error-codes.md')).toMatch(
      /\| `ORDER\.NOT_CANCELLABLE` \| 409 \| `https:\/\/archipelago\.dev\/problems\/order-not-cancellable` \| The order can no longer be cancelled/,
    );
    expect(pages.get('config-commerce-catalog.md')).toContain('| `AUTH_JWKS_URL` | **required** |');
    expect(pages.get('config-commerce-catalog.md')).toContain('| `HTTP_PORT` | **required** | integer 1–65535 |');
    expect(pages.get('config-commerce-catalog.md')).toContain(
      '| `MESSAGING_OUTBOX_RETENTION_HOURS` | `168` | integer 1–87600 |',
    );
  });
});
