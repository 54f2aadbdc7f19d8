/**
 * Test harness for the Helm charts under charts/: installs the pinned tools (Helm 4, kubeconform)
 * and the offline schemas into the git-ignored .tools/ cache, renders a system chart for one
 * environment, and validates rendered objects offline. Used by tools/delivery/*.unit.spec.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll } from 'vitest';
import { parseAllDocuments } from 'yaml';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The pinned Kubernetes version rendered for and validated against (>= 1.33). */
export const KUBE_VERSION = '1.34.0';
export const ENVIRONMENTS = ['dev', 'qa', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Each environment's public API host: Kong's host, where did:web and the links in e-mails resolve. */
export const API_HOSTS: Readonly<Record<Environment, string>> = {
  dev: 'api.dev.archipelago.example',
  qa: 'api.qa.archipelago.example',
  staging: 'api.staging.archipelago.example',
  prod: 'api.archipelago.example',
};

/** A rendered Kubernetes object (loosely typed: tests read into it). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

export interface Toolchain {
  helm: string;
  kubeconform: string;
  schemaDir: string;
  /** A copy of charts/ with dependencies built (the repository stays untouched). */
  chartsDir: string;
}

/** System charts: every chart under charts/ of type application, with its environments. */
export function systemCharts(): { name: string; envs: Environment[] }[] {
  const dir = join(repoRoot, 'charts');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'Chart.yaml')))
    .filter((d) => /^type:\s*application/m.test(readFileSync(join(dir, d.name, 'Chart.yaml'), 'utf8')))
    .map((d) => ({
      name: d.name,
      envs: ENVIRONMENTS.filter((e) => existsSync(join(dir, d.name, `values-${e}.yaml`))),
    }));
}

/** Installs tools and schemas on first use (minutes the first time on a machine, then instant). */
export function prepareToolchain(): Toolchain {
  const [helm, kubeconform] = execFileSync(
    'bash',
    [join(repoRoot, 'tools/delivery/install-tools.sh'), 'helm', 'kubeconform'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
    .trim()
    .split('\n');
  const schemaDir = execFileSync(process.execPath, [join(repoRoot, 'tools/delivery/fetch-schemas.mjs')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const chartsDir = join(mkdtempSync(join(tmpdir(), 'archipelago-charts-')), 'charts');
  cpSync(join(repoRoot, 'charts'), chartsDir, { recursive: true });
  for (const { name } of systemCharts()) {
    run(helm!, ['dependency', 'build', '--skip-refresh', join(chartsDir, name)]);
  }
  return { helm: helm!, kubeconform: kubeconform!, schemaDir, chartsDir };
}

/**
 * Prepares the toolchain in the calling spec's `beforeAll` and returns a getter for it (valid once
 * the hook ran). The first run on a machine builds Helm with `go install` (about 5 minutes on 2
 * cores), hence the 20-minute hook timeout.
 */
export function toolchainBeforeAll(): () => Toolchain {
  let tc: Toolchain | undefined;
  beforeAll(() => {
    tc = prepareToolchain();
  }, 20 * 60_000);
  return () => {
    if (!tc) throw new Error('the toolchain is prepared in beforeAll: call the getter inside a test');
    return tc;
  };
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string): RunResult {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 26,
    env: { ...process.env, HELM_CACHE_HOME: join(tmpdir(), 'archipelago-helm-cache') },
  });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `helm template` of a system chart for an environment; extra args e.g. ['--set', 'a=b']. */
export function template(tc: Toolchain, chart: string, env: Environment, extra: string[] = []): RunResult {
  const dir = join(tc.chartsDir, chart);
  return run(tc.helm, [
    'template',
    chart,
    dir,
    '-f',
    join(dir, `values-${env}.yaml`),
    '--kube-version',
    KUBE_VERSION,
    ...extra,
  ]);
}

export function parseObjects(manifest: string): K8sObject[] {
  return parseAllDocuments(manifest)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o && typeof o === 'object' && 'kind' in o);
}

/** Renders and parses, throwing with Helm's message on failure. */
export function render(tc: Toolchain, chart: string, env: Environment, extra: string[] = []): K8sObject[] {
  const r = template(tc, chart, env, extra);
  if (r.status !== 0) throw new Error(`helm template ${chart} (${env}) failed:\n${r.stderr}`);
  return parseObjects(r.stdout);
}

export interface KubeconformResource {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: string;
  msg: string;
}

/** Validates a manifest with kubeconform against the offline schemas; missing schemas are failures. */
export function validate(tc: Toolchain, manifest: string): KubeconformResource[] {
  const file = join(mkdtempSync(join(tmpdir(), 'archipelago-manifest-')), 'manifest.yaml');
  writeFileSync(file, manifest);
  const r = run(tc.kubeconform, [
    '-strict',
    '-output',
    'json',
    '-verbose',
    '-kubernetes-version',
    KUBE_VERSION,
    '-schema-location',
    `${tc.schemaDir}/kubernetes/{{.ResourceKind}}{{.KindSuffix}}.json`,
    '-schema-location',
    `${tc.schemaDir}/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    file,
  ]);
  const parsed = JSON.parse(r.stdout || '{"resources":[]}') as { resources: KubeconformResource[] };
  return parsed.resources;
}

export const byKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);
export const one = (objects: K8sObject[], kind: string, name?: string): K8sObject => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
};
