#!/usr/bin/env node
// Builds the offline schema directory that kubeconform validates rendered charts against, once per
// machine and pin set, into the git-ignored cache .tools/schemas/<key>/. Prints that directory.
//
// Every schema comes from a package registry, pinned:
//   Kubernetes 1.34 (strict)  PyPI kubernetes-validate (ships the OpenAPI-derived JSON schemas)
//   KongPlugin, KongClusterPlugin, KongConsumer  Go module github.com/kong/kubernetes-configuration (config/crd)
//   Cluster (CloudNativePG)   Go module github.com/cloudnative-pg/cloudnative-pg (config/crd/bases)
//   ServiceMonitor            Go module github.com/prometheus-operator/prometheus-operator (example/…-crd)
//   KafkaTopic (Strimzi)      Maven io.strimzi:api + io.strimzi:crd-generator: the CRD is generated from
//                             the published API model by Strimzi's own generator (needs Java >= 21).
// Layout (kubeconform -schema-location templates, see schemaLocations()):
//   kubernetes/<kind><-group>-<version>.json (+ _definitions.json)   crds/<group>/<kind>_<version>.json
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { findJava } from '../prereqs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PINS = {
  kubernetesVersion: '1.34.0',
  kubernetesValidate: '1.37.0',
  kongConfiguration: 'v1.4.2',
  cnpg: 'v1.28.0',
  prometheusOperator: 'v0.85.0',
  strimzi: '1.2.0',
};

// github.com/kong/kubernetes-configuration has no checksum database entry reachable here, so it is
// downloaded with GONOSUMDB and the files we use are checked against these digests instead.
const KONG_CRD_SHA256 = {
  'configuration.konghq.com_kongplugins.yaml': '10ecee87fe0c87d40655df7297cbb3d26e770c17ad2a53011d22552eac1656ed',
  'configuration.konghq.com_kongclusterplugins.yaml':
    '3e736cc471d026a121defc636110c8039183b776bbb6d5aeb5fabe1890029442',
  'configuration.konghq.com_kongconsumers.yaml': '392b4c91778a4348ce092e6c13b05dffd8ab5cfca58de4da7a66d0e8aa951ccf',
};

const log = (msg) => process.stderr.write(`fetch-schemas: ${msg}\n`);
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28, ...opts });

/** kubeconform `-schema-location` templates for a schema directory. */
export function schemaLocations(dir) {
  return [
    `${dir}/kubernetes/{{.ResourceKind}}{{.KindSuffix}}.json`,
    `${dir}/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
  ];
}

/** Ensures the schema directory exists; returns its absolute path. */
export function ensureSchemas() {
  const key = createHash('sha256')
    .update(JSON.stringify(PINS) + readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex')
    .slice(0, 12);
  const dir = join(process.env.ARCHIPELAGO_TOOLS_DIR ?? join(root, '.tools'), 'schemas', key);
  if (existsSync(join(dir, '.complete'))) return dir;
  const tmp = `${dir}.tmp.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const started = Date.now();
  kubernetesSchemas(join(tmp, 'kubernetes'));
  const crds = [
    ...goModuleCrds(
      'github.com/kong/kubernetes-configuration',
      PINS.kongConfiguration,
      'config/crd/ingress-controller',
      Object.keys(KONG_CRD_SHA256),
      { GONOSUMDB: 'github.com/kong/kubernetes-configuration' },
      KONG_CRD_SHA256,
    ),
    ...goModuleCrds('github.com/cloudnative-pg/cloudnative-pg', PINS.cnpg, 'config/crd/bases', [
      'postgresql.cnpg.io_clusters.yaml',
    ]),
    ...goModuleCrds(
      'github.com/prometheus-operator/prometheus-operator',
      PINS.prometheusOperator,
      'example/prometheus-operator-crd',
      ['monitoring.coreos.com_servicemonitors.yaml'],
    ),
    strimziKafkaTopicCrd(tmp),
  ];
  for (const crd of crds) writeCrdSchemas(crd, join(tmp, 'crds'));
  writeFileSync(
    join(tmp, '.complete'),
    JSON.stringify({ pins: PINS, builtInSeconds: (Date.now() - started) / 1000 }, null, 2),
  );
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(tmp, dir);
  log(`schemas ready in ${dir} (${((Date.now() - started) / 1000).toFixed(0)}s)`);
  return dir;
}

function kubernetesSchemas(out) {
  const dl = join(root, '.tools', 'downloads');
  mkdirSync(dl, { recursive: true });
  const wheel = join(dl, `kubernetes_validate-${PINS.kubernetesValidate}-py3-none-any.whl`);
  if (!existsSync(wheel)) {
    log(`pip download kubernetes-validate==${PINS.kubernetesValidate}`);
    const python = findCommand(['python3', 'python']);
    run(python, [
      '-m',
      'pip',
      'download',
      '--quiet',
      '--no-deps',
      '--only-binary=:all:',
      '-d',
      dl,
      `kubernetes-validate==${PINS.kubernetesValidate}`,
    ]);
  }
  const prefix = `kubernetes_validate/kubernetes-json-schema/v${PINS.kubernetesVersion}-local-strict/`;
  const python = findCommand(['python3', 'python']);
  // The wheel is a zip; Python's zipfile avoids depending on an unzip binary.
  const script = `import sys, zipfile, os
z = zipfile.ZipFile(sys.argv[1]); prefix = sys.argv[2]; out = sys.argv[3]; os.makedirs(out, exist_ok=True); n = 0
for name in z.namelist():
    if name.startswith(prefix) and name.endswith('.json'):
        open(os.path.join(out, name[len(prefix):]), 'wb').write(z.read(name)); n += 1
print(n)`;
  const count = Number(run(python, ['-c', script, wheel, prefix, out]).trim());
  if (count < 100)
    throw new Error(`kubernetes-validate ${PINS.kubernetesValidate} has no schemas for ${PINS.kubernetesVersion}`);
  // The schemas point at https://kubernetes.io/api/_definitions.json; make every reference local.
  for (const file of readdirSync(out)) {
    const path = join(out, file);
    const schema = JSON.parse(readFileSync(path, 'utf8'));
    delete schema.$id;
    const text = JSON.stringify(schema).replaceAll('"/api/_definitions.json#', '"_definitions.json#');
    writeFileSync(path, text);
  }
}

function goModuleCrds(module, version, subdir, files, env = {}, sha256 = {}) {
  log(`go mod download ${module}@${version}`);
  const info = JSON.parse(
    run('go', ['mod', 'download', '-json', `${module}@${version}`], {
      cwd: root,
      env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on', ...env },
    }),
  );
  if (info.Error) throw new Error(`${module}@${version}: ${info.Error}`);
  return files.map((file) => {
    const text = readFileSync(join(info.Dir, subdir, file), 'utf8');
    const expected = sha256[file];
    if (expected && createHash('sha256').update(text).digest('hex') !== expected) {
      throw new Error(`${module}@${version}/${subdir}/${file}: sha256 mismatch`);
    }
    return text;
  });
}

function strimziKafkaTopicCrd(tmp) {
  const java = findJava21();
  const pom = join(root, 'tools', 'delivery', 'strimzi-crd', 'pom.xml');
  const cpFile = join(tmp, 'strimzi.classpath');
  log(`mvn dependency:build-classpath (io.strimzi:api ${PINS.strimzi})`);
  run('mvn', [
    '-q',
    '-B',
    '-f',
    pom,
    `-Dstrimzi.version=${PINS.strimzi}`,
    'dependency:build-classpath',
    `-Dmdep.outputFile=${cpFile}`,
  ]);
  const out = join(tmp, 'kafkatopic-crd.yaml');
  run(java, [
    '-cp',
    readFileSync(cpFile, 'utf8').trim(),
    'io.strimzi.crdgenerator.CrdGenerator',
    '--yaml',
    `io.strimzi.api.kafka.model.topic.KafkaTopic=${out}`,
  ]);
  const text = readFileSync(out, 'utf8');
  rmSync(out);
  rmSync(cpFile);
  return text;
}

/** OpenAPI v3 (CRD dialect) → JSON schema that rejects unknown fields, like openapi2jsonschema --strict. */
function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? mapValues(v, toJsonSchema) : toJsonSchema(v);
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  delete out.nullable;
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf ??= [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

const mapValues = (obj, fn) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));

function writeCrdSchemas(yamlText, outDir) {
  for (const doc of parseAllDocuments(yamlText)) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const { group, names, versions } = crd.spec;
    mkdirSync(join(outDir, group), { recursive: true });
    for (const v of versions) {
      if (!v.served || !v.schema?.openAPIV3Schema) continue;
      const schema = toJsonSchema(v.schema.openAPIV3Schema);
      // metadata is `type: object` in CRDs: keep it open (the API server validates ObjectMeta).
      if (schema.properties?.metadata) schema.properties.metadata = { type: 'object' };
      const file = join(outDir, group, `${names.kind.toLowerCase()}_${v.name}.json`);
      writeFileSync(file, JSON.stringify(schema));
    }
  }
}

function findCommand(names) {
  for (const name of names) {
    try {
      run('sh', ['-c', `command -v ${name}`]);
      return name;
    } catch {
      /* try the next */
    }
  }
  throw new Error(`none of ${names.join(', ')} found`);
}

function findJava21() {
  const java = findJava(21);
  if (!java) throw new Error('Strimzi 1.x CRD generation needs Java >= 21 (set ARCHIPELAGO_JAVA)');
  return java;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${ensureSchemas()}\n`);
}
