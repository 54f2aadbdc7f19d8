// What a GitHub Actions workflow refers to in this repository, and which of those references do
// not exist. actionlint checks a workflow's syntax and expressions but cannot see that
// `k6 run apps/load/scenarios/smoke.js` names a file that moved, or that `npm run fuzz` names a
// script nobody added; this does. Used by workflow-references.unit.spec.ts over .github/workflows.
import { existsSync, globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One thing a workflow step needs to exist in the repository. */
export interface WorkflowReference {
  kind: 'file' | 'npm-script' | 'nx-target' | 'vitest-project';
  /** A repository-relative path (files, possibly a glob), a script name, `project:target`, `*:target` (some project) or `type:service:target` (every service). */
  name: string;
  /** Where the workflow names it: `<job> › <step name or index>`. */
  where: string;
}

/** Top-level folders whose paths are recognised in `run:` scripts (outputs such as dist/ are not). */
const PATH_ROOTS = ['apps', 'charts', 'docs', 'infra', 'libs', 'systems', 'tools', '.ci', '.github'];
const PATH_RE = new RegExp(
  `(?:^|[\\s'"=(])((?:\\./)?(?:${PATH_ROOTS.map((r) => r.replace('.', '\\.')).join('|')})/[^\\s'"\`;|&)<>]*)`,
  'g',
);

type Step = { name?: string; run?: string; uses?: string; with?: Record<string, unknown> };
type Job = { uses?: string; steps?: Step[] };

/**
 * Every reference in one workflow file's text (YAML): paths and globs in `run:` scripts,
 * `npm run <script>`, `nx run <project>:<target>` / `nx affected|run-many -t <targets>`,
 * `vitest --project <name>`, local `uses: ./…` (job and step level) and `hashFiles('…')` arguments.
 * Paths or projects built from a `${{ … }}` expression or a shell variable are reduced to what is
 * static (a path up to its first variable part is not checked; a project becomes `*`).
 */
export function workflowReferences(text: string): WorkflowReference[] {
  const doc = parse(text) as { jobs?: Record<string, Job> };
  const refs: WorkflowReference[] = [];
  for (const match of text.matchAll(/hashFiles\(([^)]*)\)/g)) {
    for (const arg of match[1]!.matchAll(/'([^']+)'/g)) refs.push({ kind: 'file', name: arg[1]!, where: 'hashFiles' });
  }
  for (const [jobName, job] of Object.entries(doc.jobs ?? {})) {
    if (job.uses?.startsWith('./')) refs.push({ kind: 'file', name: job.uses.slice(2), where: jobName });
    (job.steps ?? []).forEach((step, index) => {
      const where = `${jobName} › ${step.name ?? step.uses ?? `step ${index + 1}`}`;
      if (step.uses?.startsWith('./')) refs.push({ kind: 'file', name: step.uses.slice(2), where });
      if (step.run) refs.push(...runReferences(step.run, where));
    });
  }
  return refs;
}

/** References in one `run:` script. */
export function runReferences(text: string, where: string): WorkflowReference[] {
  const refs: WorkflowReference[] = [];
  const script = text.replace(/\$\{\{[^}]*\}\}/g, '$EXPR'); // an expression is a variable part
  for (const match of script.matchAll(PATH_RE)) {
    const path = match[1]!.replace(/^\.\//, '').replace(/[.,:]+$/, '');
    const dynamic = path.search(/\$/);
    // A path with a variable part is checked up to the folder before it (`charts/$name/x` → `charts/`).
    const name = dynamic < 0 ? path : path.slice(0, path.lastIndexOf('/', dynamic) + 1);
    if (name.includes('/')) refs.push({ kind: 'file', name, where });
  }
  for (const match of script.matchAll(/\bnpm\s+(?:run|run-script)\s+([\w:.-]+)/g)) {
    refs.push({ kind: 'npm-script', name: match[1]!, where });
  }
  for (const match of script.matchAll(/\bnx\s+run\s+["']?([^\s"':]+):([\w-]+)/g)) {
    // A project from an expression (`${{ matrix.service }}`) is one of the type:service matrix.
    const project = match[1]!.includes('$') ? 'type:service' : match[1]!;
    refs.push({ kind: 'nx-target', name: `${project}:${match[2]!}`, where });
  }
  for (const match of script.matchAll(
    /\bnx\s+(?:affected|run-many)\b[^\n]*?\s(?:-t|--targets?)[=\s]+([\w-]+(?:[\s,]+[\w-]+)*)/g,
  )) {
    for (const target of match[1]!.split(/[\s,]+/)) {
      if (target.startsWith('-') || target === '') break;
      refs.push({ kind: 'nx-target', name: `*:${target}`, where });
    }
  }
  for (const line of script.split('\n').filter((l) => /\bvitest\b/.test(l))) {
    for (const match of line.matchAll(/--project[=\s]+([\w-]+)/g))
      refs.push({ kind: 'vitest-project', name: match[1]!, where });
  }
  return refs;
}

/** What the repository at `root` offers: files, npm scripts, Nx targets per project, vitest projects. */
export interface Repository {
  hasFile(path: string): boolean;
  scripts: ReadonlySet<string>;
  /** project name → its targets (from every project.json). */
  targets: ReadonlyMap<string, ReadonlySet<string>>;
  /** Projects tagged `type:service`: the matrix a `nx run ${{ matrix.service }}:…` step iterates. */
  services: readonly string[];
  vitestProjects: ReadonlySet<string>;
}

/** Reads what `root` offers (see {@link Repository}). */
export function readRepository(root: string): Repository {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const targets = new Map<string, Set<string>>();
  const services: string[] = [];
  for (const file of globSync('**/project.json', {
    cwd: root,
    exclude: (p) => /(^|\/)(node_modules|dist|\.nx|\.tools|\.cache)$/.test(p),
  })) {
    const project = JSON.parse(readFileSync(join(root, file), 'utf8')) as {
      name: string;
      tags?: string[];
      targets?: Record<string, unknown>;
    };
    targets.set(project.name, new Set(Object.keys(project.targets ?? {})));
    if (project.tags?.includes('type:service')) services.push(project.name);
  }
  const vitestConfig = readFileSync(join(root, 'vitest.config.ts'), 'utf8');
  return {
    hasFile: (path) => (/[*?[]/.test(path) ? globSync(path, { cwd: root }).length > 0 : existsSync(join(root, path))),
    scripts: new Set(Object.keys(pkg.scripts ?? {})),
    targets,
    services,
    vitestProjects: new Set([...vitestConfig.matchAll(/\bname:\s*'([\w-]+)'/g)].map((m) => m[1]!)),
  };
}

/** The references that `repo` does not satisfy, each with a reason. */
export function missingReferences(refs: readonly WorkflowReference[], repo: Repository): string[] {
  const missing: string[] = [];
  for (const ref of refs) {
    const say = (why: string) => missing.push(`${ref.where}: ${why}`);
    switch (ref.kind) {
      case 'file':
        if (!repo.hasFile(ref.name)) say(`no file ${ref.name}`);
        break;
      case 'npm-script':
        if (!repo.scripts.has(ref.name)) say(`no npm script "${ref.name}" in package.json`);
        break;
      case 'vitest-project':
        if (!repo.vitestProjects.has(ref.name)) say(`no vitest project "${ref.name}"`);
        break;
      case 'nx-target': {
        const cut = ref.name.lastIndexOf(':');
        const [project, target] = [ref.name.slice(0, cut), ref.name.slice(cut + 1)];
        if (project === '*') {
          // nx affected / run-many: at least one project has it.
          if (![...repo.targets.values()].some((t) => t.has(target))) say(`no Nx project has a target "${target}"`);
        } else if (project === 'type:service') {
          // nx run ${{ matrix.service }}:<target>: every service project must have it.
          if (repo.services.length === 0) say('no Nx project tagged type:service');
          for (const service of repo.services) {
            if (!repo.targets.get(service)?.has(target)) say(`service ${service} has no Nx target "${target}"`);
          }
        } else if (!repo.targets.has(project)) say(`no Nx project "${project}"`);
        else if (!repo.targets.get(project)!.has(target)) say(`Nx project ${project} has no target "${target}"`);
        break;
      }
    }
  }
  return missing;
}
