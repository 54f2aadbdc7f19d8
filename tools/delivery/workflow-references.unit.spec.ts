import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missingReferences, readRepository, workflowReferences } from './workflow-references.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const workflowsDir = join(root, '.github', 'workflows');
const repo = readRepository(root);

describe('workflow references', () => {
  const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));

  it.each(files)('every file, npm script, Nx target and vitest project %s refers to exists', (file) => {
    const refs = workflowReferences(readFileSync(join(workflowsDir, file), 'utf8'));
    expect(refs.length).toBeGreaterThan(0);
    expect(missingReferences(refs, repo)).toEqual([]);
  });

  it('finds the references of each kind and reports the missing ones', () => {
    const workflow = `
on: push
jobs:
  a:
    uses: ./.github/workflows/nowhere.yml
  b:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/cache@v4
        with:
          key: x-\${{ hashFiles('tools/delivery/install-tools.sh', 'tools/gone.sh') }}
      - name: k6
        run: |
          k6 run apps/load/scenarios/smoke.js
          k6 run --env X=1 apps/load/src/scenarios/smoke.js
          for chart in charts/*/; do helm lint "$chart"; done
          helm template charts/\${{ matrix.env }}/x
      - run: npm run no-such-script -- --base-url x && npm run load -- smoke
      - run: npx nx run "\${{ matrix.service }}:docker-context" && npx nx run commerce-catalog:nope
      - run: npx nx affected -t lint flake --parallel=2
      - run: npx vitest run --project unit --project e2e2 tools/
`;
    const refs = workflowReferences(workflow);
    expect(refs.map((r) => `${r.kind} ${r.name}`)).toEqual(
      expect.arrayContaining([
        'file .github/workflows/nowhere.yml',
        'file tools/delivery/install-tools.sh',
        'file apps/load/src/scenarios/smoke.js',
        'file charts/*/',
        'file charts/',
        'npm-script load',
        'nx-target type:service:docker-context',
        'nx-target *:lint',
        'vitest-project unit',
        'file tools/',
      ]),
    );
    expect(missingReferences(refs, repo).map((m) => m.replace(/^.*?: /, ''))).toEqual([
      'no file tools/gone.sh',
      'no file .github/workflows/nowhere.yml',
      'no file apps/load/scenarios/smoke.js',
      'no npm script "no-such-script" in package.json',
      'Nx project commerce-catalog has no target "nope"',
      'no Nx project has a target "flake"',
      'no vitest project "e2e2"',
    ]);
  });
});
