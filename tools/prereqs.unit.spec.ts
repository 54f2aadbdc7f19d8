import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./prereqs.mjs', import.meta.url));

describe('tools/prereqs.mjs', () => {
  it('names each missing tool with how to get it, and exits 1', () => {
    const empty = mkdtempSync(join(tmpdir(), 'prereqs-'));
    try {
      // Nothing on PATH: mvn, go and python are missing (Java may still be found under /usr/lib/jvm).
      const result = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { PATH: empty } });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Missing prerequisites');
      expect(result.stderr).toMatch(/- Maven: .*\n {4}Get it: apt-get install maven/);
      expect(result.stderr).toMatch(/- Go >= 1\.26: .*\n {4}Get it: go\.dev\/dl/);
      expect(result.stderr).toMatch(/- Python 3 with pip: .*\n {4}Get it: apt-get install python3 python3-pip python3-venv/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
