import type { Tree } from '@nx/devkit';
import devkit from '@nx/devkit';
import { join } from 'node:path';
import { nameForms } from './names.ts';

const { addProjectConfiguration, formatFiles, generateFiles, updateJson } = devkit;

/** Options of `nx g @archipelago/tools:system` (system.schema.json). */
export interface SystemGeneratorOptions {
  /** System name, kebab-case. */
  readonly name: string;
  readonly skipFormat?: boolean;
  /** The caller adds the docs index row itself, after its own formatting (the service generator). */
  readonly deferDocsIndex?: boolean;
}

/**
 * The system chart whose `templates/` and `values.schema.json` a new system chart copies: every
 * system chart renders the same objects, named after its system (`<system>.labels`).
 */
export const REFERENCE_CHART = 'commerce';

const FILES = join(import.meta.dirname, '..', 'files');

/**
 * `nx g @archipelago/tools:system --name <s>`: a new system's contracts project
 * (`@archipelago/<s>-contracts`, tags scope:<s>, type:contract), its Helm chart with values for
 * dev, qa, staging and prod, its namespace overlay under infra/k8s, and docs/systems/<s>.md. The
 * system has no service yet: the service generator adds them (and calls this one when the system
 * is missing). See docs/adding-a-service.md.
 *
 * @throws Error when the name is not kebab-case or the system exists.
 */
export async function systemGenerator(tree: Tree, options: SystemGeneratorOptions): Promise<void> {
  const s = nameForms(options.name, 'system');
  const root = `systems/${s.kebab}`;
  if (tree.exists(`${root}/contracts/project.json`) || tree.exists(`charts/${s.kebab}/Chart.yaml`)) {
    throw new Error(`system ${s.kebab} exists (${root}/contracts or charts/${s.kebab})`);
  }
  const contracts = `@archipelago/${s.kebab}-contracts`;
  const vars = { s, contracts, tmpl: '' };

  addProjectConfiguration(tree, `${s.kebab}-contracts`, {
    root: `${root}/contracts`,
    sourceRoot: `${root}/contracts/src`,
    projectType: 'library',
    tags: [`scope:${s.kebab}`, 'type:contract'],
    targets: { build: {}, lint: {}, test: {}, 'test-int': {}, e2e: {} },
  });
  generateFiles(tree, join(FILES, 'system', 'contracts'), `${root}/contracts`, vars);
  updateJson(tree, 'tsconfig.base.json', (json) => {
    json.compilerOptions.paths[contracts] = [`./${root}/contracts/src/index.ts`];
    return json;
  });

  // Helm chart: values per environment from the templates; the objects from the reference chart.
  const chart = `charts/${s.kebab}`;
  generateFiles(tree, join(FILES, 'system', 'chart'), chart, vars);
  // Its Grafana dashboard (RED per route, messaging, event store), shipped as a ConfigMap.
  tree.rename(`${chart}/dashboards/system.json`, `${chart}/dashboards/${s.kebab}.json`);
  const reference = `charts/${REFERENCE_CHART}`;
  for (const file of tree.children(`${reference}/templates`)) {
    // services.yaml comes from the generator's files: the reference's has its own services' blocks.
    if (file === 'services.yaml') continue;
    const text = tree.read(`${reference}/templates/${file}`, 'utf8')!;
    tree.write(`${chart}/templates/${file}`, text.replaceAll(`"${REFERENCE_CHART}.labels"`, `"${s.kebab}.labels"`));
  }
  tree.write(`${chart}/values.schema.json`, tree.read(`${reference}/values.schema.json`, 'utf8')!);

  // The namespace baseline (infra/k8s), applied to every system namespace.
  generateFiles(tree, join(FILES, 'system', 'k8s'), `infra/k8s/namespaces/${s.kebab}`, vars);
  const kustomization = 'infra/k8s/kustomization.yaml';
  const text = tree.read(kustomization, 'utf8')!;
  if (!text.includes(`- namespaces/${s.kebab}\n`))
    tree.write(kustomization, `${text.trimEnd()}\n  - namespaces/${s.kebab}\n`);

  generateFiles(tree, join(FILES, 'system', 'docs'), 'docs/systems', vars);
  tree.rename('docs/systems/system.md', `docs/systems/${s.kebab}.md`);

  if (!options.skipFormat) await formatFiles(tree);
  // After formatFiles: the docs index keeps its own layout (Prettier would realign its table).
  if (!options.deferDocsIndex) linkFromDocsIndex(tree, s.kebab);
}

/**
 * docs/README.md (the docs index, kept complete by tools/docs/docs.unit.spec.ts): a row for
 * docs/systems/<system>.md after the last system row.
 */
export function linkFromDocsIndex(tree: Tree, system: string): void {
  const index = 'docs/README.md';
  if (!tree.exists(index)) return;
  const text = tree.read(index, 'utf8')!;
  const link = `systems/${system}.md`;
  if (text.includes(`](${link})`)) return;
  const rows = [...text.matchAll(/^\| \[systems\/[^\n]*\n/gm)];
  const last = rows.at(-1);
  const row = `| [${link}](${link}) | the ${system} system (generated: describe what it is for) |\n`;
  if (!last) throw new Error(`${index}: no systems/ row to add ${link} after`);
  const at = last.index + last[0].length;
  tree.write(index, text.slice(0, at) + row + text.slice(at));
}
