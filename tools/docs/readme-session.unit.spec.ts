import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, withSessionBlock } from './readme-session.js';

describe('README "A first session"', () => {
  it('is the block the docs smoke runs (tools/docs/first-session.sh; npm run docs:reference rewrites it)', () => {
    const file = join(root, 'README.md');
    const readme = readFileSync(file, 'utf8');
    const current = withSessionBlock(readme);
    if (process.env.UPDATE_REFERENCE === '1') writeFileSync(file, current);
    expect(readFileSync(file, 'utf8')).toBe(current);
  });
});
