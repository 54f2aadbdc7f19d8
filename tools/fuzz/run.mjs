#!/usr/bin/env node
// `npm run fuzz [-- --examples N] [-- --seed N]`: property-based API fuzzing of every service's
// OpenAPI document with schemathesis (all of its default checks).
//
//   1. schemathesis, pinned in tools/fuzz/requirements.txt, in a Python venv under .cache/fuzz-venv,
//      created and filled from PyPI on first use (Python 3.10+ with venv/pip needed);
//   2. BASE_URL (default http://localhost:8000): a running stack when its /health answers 200 (its
//      data folder: DEVSTACK_DATA_DIR, default .data); otherwise a stack of our own
//      (apps/devstack/own-stack.mjs, the same code as `npm run load`), stopped at the end;
//   3. the services are the stack's own (devstack/state.json: every member but the edge, each
//      serving its document at /docs/openapi.json), so a new service is fuzzed with no edit here;
//      or, for a deployed environment (the QA DAST step of .github/workflows/deploy-env.yml, where
//      no state.json exists and Kong routes no /docs), FUZZ_DOCUMENTS names a folder of
//      `<service>.json` documents (tools/fuzz/fetch-documents.sh gets them from the cluster) and
//      every run goes through BASE_URL (Kong), with no stack started;
//   4. first the issue's hostile-input reproductions through the edge (a NUL in a registration: 400
//      naming the field; QUERY on a known path: 405 + Allow; an oversized body with
//      `Expect: 100-continue`: 413 without 100 Continue); then, per service, one schemathesis run as
//      an admin and one as a customer (bearer tokens from identity's password
//      grant through the edge: the local admin ADMIN_EMAIL / ADMIN_PASSWORD, and a customer
//      registered for the run), straight at the service; then one run through the edge, without a
//      token, of the public operations (`security: []`) that the edge routes without jwt
//      (infra/kong/kong.yml, matched by the edge's own router) — rate limits on the way;
//      Operations whose bodies are data-defined (the registry's entity types) are fuzzed again per
//      type, from the type's own document (tools/fuzz/typed-documents.mjs publishes a type to fuzz).
//      Exceptions to the default checks, each justified: tools/fuzz/schemathesis.toml.
//      FUZZ_SERVICES (comma-separated service names as npm start lists them, e.g. identity,ordering) fuzzes only those;
//   5. fixed seed (FUZZ_SEED, default 20261206) and a bound on examples per operation
//      (FUZZ_EXAMPLES, default 12) keep the step short; reports (JUnit XML and NDJSON events per run,
//      summary.json) go to reports/fuzz/<timestamp>/;
//   6. exits 1 when any run found a failure (or could not run), 0 when all passed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { healthy, isLocal, stackMembers, startStack, stopStack } from '../../apps/devstack/own-stack.mjs';
import { typedDocuments } from './typed-documents.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (text) => process.stdout.write(`[fuzz] ${text}\n`);
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);
const started = Date.now();

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const examples = Number(option('examples', process.env.FUZZ_EXAMPLES || 12));
const seed = Number(option('seed', process.env.FUZZ_SEED || 20261206));
const adminEmail = process.env.ADMIN_EMAIL ?? 'admin@archipelago.local';
const adminPassword = process.env.ADMIN_PASSWORD ?? 'archipelago-admin';

// ---------------------------------------------------------------- schemathesis
function installSchemathesis() {
  const t0 = Date.now();
  const venv = join(root, '.cache', 'fuzz-venv');
  const bin = join(venv, 'bin', 'schemathesis');
  const requirements = join(root, 'tools', 'fuzz', 'requirements.txt');
  const pinned = /schemathesis==([^\s]+)/.exec(readFileSync(requirements, 'utf8'))?.[1];
  const version = () => spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim().split(' ').pop();
  if (!existsSync(bin) || version() !== pinned) {
    const step = (cmd, cmdArgs) => {
      const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root });
      if (r.status !== 0) {
        process.stderr.write(`[fuzz] ${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status})\n`);
        process.exit(1);
      }
    };
    if (!existsSync(join(venv, 'bin', 'python'))) step('python3', ['-m', 'venv', venv]);
    step(join(venv, 'bin', 'python'), [
      '-m',
      'pip',
      'install',
      '-q',
      '--disable-pip-version-check',
      '-r',
      requirements,
    ]);
  }
  say(`schemathesis ${version()} (${relative(root, bin)}, ${seconds(t0)} s)`);
  return bin;
}

// ---------------------------------------------------------------- tokens
/**
 * An access token from identity's password grant through the edge. Tokens are short-lived (admin
 * ones 5 min), so each schemathesis run takes a fresh one. Failed sign-ins from this IP (the
 * identity fuzz sends many) earn a progressive delay: waited out, up to 10 tries.
 */
async function passwordGrant(edgeUrl, username, password) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${edgeUrl}/identity/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username, password }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.status === 200 && body.access_token) return body.access_token;
    const waitS =
      Number(res.headers.get('retry-after')) || Number(/retry in (\d+) s/.exec(body.error_description ?? '')?.[1]);
    if (!waitS || attempt >= 10)
      throw new Error(`password grant for ${username}: ${res.status} ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, waitS * 1000 + 250));
  }
}

/** Registers a fresh customer; answers the credentials to sign in with. */
async function registerCustomer(edgeUrl) {
  const username = `fuzz-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = `fuzz-${Math.random().toString(36).slice(2)}-password`;
  const res = await fetch(`${edgeUrl}/identity/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: username, password, displayName: 'Fuzz Customer' }),
  });
  if (res.status < 200 || res.status > 299)
    throw new Error(`registering the fuzz customer: ${res.status} ${await res.text()}`);
  return { username, password };
}

// ---------------------------------------------------------------- documents
/**
 * The services of a folder of OpenAPI documents (`<service>.json`, FUZZ_DOCUMENTS): each fuzzed
 * through BASE_URL, whose routes (Kong's) lead every documented path to its service.
 */
function documentsIn(dir) {
  if (!existsSync(dir)) throw new Error(`FUZZ_DOCUMENTS: ${dir} does not exist`);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const location = join(dir, file);
      return {
        name: file.replace(/\.json$/, ''),
        url: baseUrl,
        location,
        document: JSON.parse(readFileSync(location, 'utf8')),
      };
    });
}

async function fetchDocument(serviceUrl) {
  try {
    const res = await fetch(`${serviceUrl}/docs/openapi.json`, { signal: AbortSignal.timeout(10_000) });
    return res.status === 200 ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The public operations of `documents` (`security: []`) that the edge routes without jwt, as one
 * OpenAPI document (tools/fuzz/edge-public-document.mjs: the edge's own config loader and router,
 * compiled in dist/, loaded with the workspace's import aliases).
 */
function edgePublicDocument(documents, dir) {
  const input = join(dir, 'service-documents.json');
  const output = join(dir, 'edge-public.openapi.json');
  writeFileSync(input, JSON.stringify(documents));
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      join(root, 'tools', 'register.mjs'),
      join(root, 'tools', 'fuzz', 'edge-public-document.mjs'),
      input,
      output,
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) throw new Error(`edge-public-document.mjs exited ${result.status}`);
  return { file: output, document: JSON.parse(readFileSync(output, 'utf8')) };
}

// ---------------------------------------------------------------- known regressions, through the edge
/** One raw HTTP exchange (node:http, so that methods like QUERY and `Expect` go out as written). */
function exchange(url, { method = 'GET', headers = {}, body, expectContinue = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers });
    let continued = false;
    req.on('continue', () => {
      continued = true;
      req.end(body);
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text, continued }));
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${url}: no answer in 15 s`)));
    if (expectContinue) req.flushHeaders();
    else req.end(body);
  });
}

/**
 * The hostile-input reproductions of the issue that added this step, through the edge: each must
 * keep answering as it does now. Returns one line per check that failed.
 */
async function checkKnownRegressions(edgeUrl) {
  const failures = [];
  const check = async (name, send, verify) => {
    try {
      const answer = await send();
      const problem = verify(answer);
      say(`${problem ? 'FAILED' : 'passed'}  regression: ${name}${problem ? ` — ${problem}` : ''}`);
      if (problem) failures.push(`${name}: ${problem}`);
    } catch (error) {
      failures.push(`${name}: ${error.message}`);
      say(`FAILED  regression: ${name} — ${error.message}`);
    }
  };
  await check(
    'a NUL in a registration display name is a 400 naming /displayName',
    () =>
      exchange(`${edgeUrl}/identity/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"nul@example.com","password":"correct horse battery","displayName":"A\\u0000B"}',
      }),
    (a) =>
      a.status === 400 && a.text.includes('"pointer":"/displayName"')
        ? undefined
        : `got ${a.status} ${a.text.slice(0, 200)}`,
  );
  await check(
    'QUERY on a known path is a 405 with Allow',
    () => exchange(`${edgeUrl}/commerce/v1/orders/00000000-0000-4000-8000-000000000000`, { method: 'QUERY' }),
    (a) => (a.status === 405 && a.headers.allow ? undefined : `got ${a.status} (Allow: ${a.headers.allow})`),
  );
  const big = 'x'.repeat(1_100_000);
  await check(
    'an oversized body with Expect: 100-continue is a 413, the body never asked for',
    () =>
      exchange(`${edgeUrl}/identity/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(big.length), expect: '100-continue' },
        body: big,
        expectContinue: true,
      }),
    (a) =>
      a.status === 413 && !a.continued ? undefined : `got ${a.status}${a.continued ? ' after 100 Continue' : ''}`,
  );
  return failures;
}

// ---------------------------------------------------------------- runs
function schemathesis(bin, run, reportDir) {
  const t0 = Date.now();
  const dir = join(reportDir, run.name);
  mkdirSync(dir, { recursive: true });
  const cliArgs = [
    '--config-file',
    join(root, 'tools', 'fuzz', 'schemathesis.toml'),
    'run',
    run.location,
    '--url',
    run.baseUrl,
    '--max-examples',
    String(examples),
    '--seed',
    String(seed),
    // One worker: with two, hypothesis' lambda-source cache raced in one run ("AST constructor
    // recursion depth mismatch", a runtime error, not a finding).
    '--workers',
    '1',
    '--report',
    'junit,ndjson',
    '--report-dir',
    dir,
    '--no-color',
    ...(run.token ? ['--header', `Authorization: Bearer ${run.token}`] : []),
    ...(run.extra ?? []),
  ];
  say(`${run.name}: schemathesis ${cliArgs.filter((a) => !a.startsWith('Authorization')).join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(bin, cliArgs, {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        NO_COLOR: '1',
        // tools/fuzz/hooks.py: serializers for media types schemathesis lacks (application/vc+jwt).
        SCHEMATHESIS_HOOKS: 'hooks',
        PYTHONPATH: [join(root, 'tools', 'fuzz'), process.env.PYTHONPATH].filter(Boolean).join(':'),
      },
    });
    child.on('error', (error) => resolve({ name: run.name, code: 1, error: error.message, seconds: seconds(t0) }));
    child.on('exit', (code, signal) =>
      resolve({ name: run.name, code: code ?? (signal ? 1 : 0), seconds: seconds(t0) }),
    );
  });
}

// ---------------------------------------------------------------- main
const bin = installSchemathesis();
let baseUrl = (process.env.BASE_URL || 'http://localhost:8000').replace(/\/+$/, '');
let dataDir = process.env.DEVSTACK_DATA_DIR ? join(root, process.env.DEVSTACK_DATA_DIR) : join(root, '.data');
if (process.env.DEVSTACK_DATA_DIR?.startsWith('/')) dataDir = process.env.DEVSTACK_DATA_DIR;
let stack;
const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
const reportDir = join(root, 'reports', 'fuzz', stamp);

const documentsDir = process.env.FUZZ_DOCUMENTS ? resolve(root, process.env.FUZZ_DOCUMENTS) : undefined;

if (documentsDir) {
  say(`documents from ${process.env.FUZZ_DOCUMENTS}; every run through ${baseUrl}`);
} else if (await healthy(baseUrl)) {
  say(`using the running stack at ${baseUrl} (/health 200; its services from ${relative(root, dataDir) || dataDir})`);
} else if (!isLocal(baseUrl)) {
  process.stderr.write(
    `[fuzz] ${baseUrl}/health does not answer 200, and a remote stack's services cannot be listed\n`,
  );
  process.exit(1);
} else {
  try {
    stack = await startStack({ name: 'fuzz', say, timeoutS: Number(process.env.FUZZ_STACK_TIMEOUT_S || 420) });
  } catch (error) {
    process.stderr.write(`[fuzz] ${error.message}\n`);
    if (error.devstack) await stopStack(error.devstack, { say, keepLogsIn: join(reportDir, 'stack-failed.logs') });
    process.exit(1);
  }
  baseUrl = stack.baseUrl;
  dataDir = stack.dataDir;
}

const results = [];
let failedToPrepare;
try {
  const services = documentsDir ? documentsIn(documentsDir) : [];
  for (const member of documentsDir ? [] : stackMembers(dataDir)) {
    if (member.label === 'edge' || !member.httpPort) continue;
    const url = `http://127.0.0.1:${member.httpPort}`;
    const document = await fetchDocument(url);
    if (document) services.push({ name: member.label.replace(/\//g, '-'), url, document });
    else say(`${member.label}: no OpenAPI document at ${url}/docs/openapi.json; not fuzzed`);
  }
  // FUZZ_SERVICES=identity,ordering: only these (a developer's inner loop).
  const only = process.env.FUZZ_SERVICES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (only?.length) services.splice(0, services.length, ...services.filter((s) => only.includes(s.name)));
  // identity last: fuzzing its admin operations as the admin may change the admin account itself
  // (its roles through PUT /identity/v1/users/{id}/roles), and the services fuzzed after it need a
  // working admin (the registry publishes its fuzz type with the admin's token: a demoted admin got
  // 403 there in a CI run). Stable sort: the others keep npm start's order.
  services.sort((a, b) => Number(a.name === 'identity') - Number(b.name === 'identity'));
  if (services.length === 0)
    throw new Error(
      `no service with an OpenAPI document in ${documentsDir ?? `${dataDir}/devstack/state.json`}${only?.length ? ` named ${only.join(', ')}` : ''}`,
    );
  say(
    `services: ${services.map((s) => `${s.name} (${s.url})`).join(', ')}; ${examples} examples per operation, seed ${seed}`,
  );
  const regressions = await checkKnownRegressions(baseUrl);
  results.push({
    name: 'known regressions through the edge',
    code: regressions.length ? 1 : 0,
    seconds: '0',
    failures: regressions,
  });
  const logins = {
    admin: { username: adminEmail, password: adminPassword },
    customer: await registerCustomer(baseUrl),
  };
  mkdirSync(reportDir, { recursive: true });
  for (const service of services) {
    // identity: the customer first. Fuzzing identity as the admin may promote the fuzz customer
    // (PUT /identity/v1/users/{id}/roles with an id it found), and a promoted customer fuzzed after
    // that may disable the admin, whom the runs after identity need. The admin cannot lock itself out
    // (400 USER.SELF_LOCKOUT).
    const roles = Object.entries(logins);
    if (service.name === 'identity') roles.reverse();
    for (const [role, login] of roles) {
      const token = await passwordGrant(baseUrl, login.username, login.password);
      results.push(
        await schemathesis(
          bin,
          {
            name: `${service.name}-${role}`,
            location: service.location ?? `${service.url}/docs/openapi.json`,
            baseUrl: service.url,
            token,
          },
          reportDir,
        ),
      );
    }
    // Bodies whose schema is data (the registry's entity types): each type's own document, fuzzed
    // the same way (tools/fuzz/typed-documents.mjs publishes a type to fuzz).
    const adminToken = await passwordGrant(baseUrl, logins.admin.username, logins.admin.password);
    for (const typed of await typedDocuments(service, { token: adminToken, dir: reportDir, say })) {
      for (const [role, login] of Object.entries(logins)) {
        const token = await passwordGrant(baseUrl, login.username, login.password);
        results.push(
          await schemathesis(
            bin,
            { name: `${service.name}-${typed.type}-${role}`, location: typed.location, baseUrl: service.url, token },
            reportDir,
          ),
        );
      }
    }
  }
  const { file: edgeFile, document: edgeDocument } = edgePublicDocument(
    services.map((s) => s.document),
    reportDir,
  );
  const publicOps = Object.values(edgeDocument.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  say(`edge: ${publicOps} public operation(s) routed without jwt (${relative(root, edgeFile)})`);
  // Without unsupported_method: a method the public operation lacks can lead to another route of the
  // same path that needs a token (PUT /identity/v1/users → the jwt route → 401), as in Kong; the
  // services' own runs check 405 + Allow.
  const edgeRun = {
    name: 'edge-public',
    location: edgeFile,
    baseUrl,
    extra: ['--exclude-checks', 'unsupported_method'],
  };
  if (publicOps > 0) results.push(await schemathesis(bin, edgeRun, reportDir));
} catch (error) {
  failedToPrepare = error.message;
  process.stderr.write(`[fuzz] ${error.message}\n`);
}

let clean = true;
if (stack)
  clean = await stopStack(stack, {
    say,
    keepLogsIn: results.some((r) => r.code !== 0) || failedToPrepare ? join(reportDir, 'stack.logs') : undefined,
  });
mkdirSync(reportDir, { recursive: true });
const failed = results.filter((r) => r.code !== 0);
writeFileSync(
  join(reportDir, 'summary.json'),
  `${JSON.stringify({ seed, examples, baseUrl, results, error: failedToPrepare, seconds: Number(seconds(started)) }, null, 2)}\n`,
);
for (const r of results)
  say(`${r.code === 0 ? 'passed' : 'FAILED'}  ${r.name}  (${r.seconds} s${r.code ? `, exit ${r.code}` : ''})`);
say(`reports: ${relative(root, reportDir)}/; total ${seconds(started)} s`);
process.exit(failedToPrepare || failed.length > 0 || results.length === 0 || !clean ? 1 : 0);
