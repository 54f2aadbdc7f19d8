// What `npm test` (and `npm start -- --kafka`, `npm run load`) need besides Node and npm, checked
// before anything starts so a missing tool is named up front, with how to get it, instead of
// failing minutes later inside a test:
//   Java >= 21   the Kafka broker (17 would do) and Strimzi's KafkaTopic CRD generation (needs 21)
//   Maven        resolves the broker and the Strimzi generator from Maven Central
//   Go >= 1.26   `go install` of helm 4, kubeconform, k6 v2, actionlint, gitleaks (tools/delivery/install-tools.sh)
//   Python 3 + pip + venv   the Kubernetes JSON schemas (kubernetes-validate wheel) and Checkov from PyPI
// Usage: node tools/prereqs.mjs   prints what is missing and exits 1 (0 when nothing is).
// `findJava` is shared with tools/delivery/fetch-schemas.mjs.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The first `java` whose major version is at least `minMajor`: ARCHIPELAGO_JAVA, JAVA_HOME,
 * `java` on PATH, then every JDK under /usr/lib/jvm. Returns its path, or undefined.
 */
export function findJava(minMajor) {
  const candidates = [
    process.env.ARCHIPELAGO_JAVA,
    process.env.JAVA_HOME && join(process.env.JAVA_HOME, 'bin', 'java'),
    'java',
  ];
  try {
    for (const d of readdirSync('/usr/lib/jvm').sort().reverse())
      candidates.push(join('/usr/lib/jvm', d, 'bin', 'java'));
  } catch {
    /* no /usr/lib/jvm */
  }
  for (const java of candidates.filter(Boolean)) {
    const probe = spawnSync(java, ['-XshowSettings:properties', '-version'], { encoding: 'utf8' });
    const major = Number(/java\.specification\.version = (\d+)/.exec(`${probe.stderr}${probe.stdout}`)?.[1] ?? 0);
    if (major >= minMajor) return java;
  }
  return undefined;
}

/** `[major, minor]` of the `go` on PATH, or undefined. */
function goVersion() {
  const probe = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  const match = /go(\d+)\.(\d+)/.exec(probe.stdout ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const works = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;

/** Each missing prerequisite: `{ name, why, how }`. Empty when everything is there. */
export function missingPrerequisites() {
  const missing = [];
  if (!findJava(21))
    missing.push({
      name: 'Java >= 21',
      why: 'the Kafka broker of the tests and the Strimzi CRD generation (charts tests)',
      how: 'a JDK 21+ (Temurin from adoptium.net, or openjdk-21-jdk-headless on Debian 13 / Ubuntu 24.04); found through ARCHIPELAGO_JAVA, JAVA_HOME, PATH or /usr/lib/jvm/*',
    });
  if (!works('mvn', ['-v']))
    missing.push({
      name: 'Maven',
      why: 'resolves Kafka and the Strimzi generator from Maven Central',
      how: 'apt-get install maven (or maven.apache.org)',
    });
  const go = goVersion();
  if (!go || go[0] < 1 || (go[0] === 1 && go[1] < 26))
    missing.push({
      name: `Go >= 1.26${go ? ` (found ${go.join('.')})` : ''}`,
      why: 'builds helm 4, kubeconform, k6, actionlint and gitleaks once into .tools/ (go install)',
      how: 'go.dev/dl (Debian 12 ships Go 1.19, too old)',
    });
  const python = ['python3', 'python'].find((p) => works(p, ['--version']));
  if (!python || !works(python, ['-m', 'pip', '--version']) || !works(python, ['-c', 'import ensurepip, venv']))
    missing.push({
      name: python ? 'pip and venv (python3 -m pip, python3 -m venv)' : 'Python 3 with pip',
      why: 'downloads the Kubernetes JSON schemas (kubernetes-validate) and installs Checkov (IaC scan) from PyPI once into .tools/',
      how: 'apt-get install python3 python3-pip python3-venv',
    });
  return missing;
}

/** The message listing `missing` (see {@link missingPrerequisites}). */
export function describeMissing(missing) {
  return [
    'Missing prerequisites (docs: README.md "Prerequisites"):',
    ...missing.map((m) => `  - ${m.name}: ${m.why}.\n    Get it: ${m.how}`),
    'The first run also needs the network (Maven Central, the Go module proxy, PyPI); later runs use the caches in .cache/ and .tools/.',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = missingPrerequisites();
  if (missing.length === 0) console.log('prerequisites: Java >= 21, Maven, Go >= 1.26, Python 3 + pip all found');
  else console.error(describeMissing(missing));
  process.exit(missing.length === 0 ? 0 : 1);
}
