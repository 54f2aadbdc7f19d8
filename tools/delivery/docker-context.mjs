#!/usr/bin/env node
// Prepares the Docker build context of one service: dist/docker/<system>-<service>/ with
//   dist/                 the compiled files the service reaches from its main.js (and nothing else)
//   systems/<system>/contracts/proto   the .proto files loaded at run time
//   tools/register.mjs, tsconfig.base.json   the @archipelago/* alias hook and its map
//   package.json          only the production dependencies those files import, versions from the root;
//                         its "main" is the service's main.js (the image runs `node .`)
//   package-lock.json     the root lockfile pruned to them (npm --package-lock-only, offline first)
//   Dockerfile            tools/delivery/service.Dockerfile, the one Dockerfile of every service, with
//                         the service's build-arg defaults filled in (`--grpc-port`: GRPC_PORT)
// Usage: node tools/delivery/docker-context.mjs <system> <service> [--grpc-port <port>] [--no-build]
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [system, service, ...flags] = process.argv.slice(2);
const grpcPortAt = flags.indexOf('--grpc-port');
const grpcPort = grpcPortAt >= 0 ? flags[grpcPortAt + 1] : '';
if (!system || !service || (grpcPortAt >= 0 && !/^\d{1,5}$/.test(grpcPort ?? ''))) {
  console.error('usage: docker-context.mjs <system> <service> [--grpc-port <port>] [--no-build]');
  process.exit(2);
}
const bin = (name) => join(root, 'node_modules', '.bin', name);
if (!flags.includes('--no-build'))
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

const out = join(root, 'dist', 'docker', `${system}-${service}`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const aliases = new Map(
  Object.entries(compilerOptions.paths ?? {}).map(([name, [target]]) => [
    name,
    join(root, 'dist', target.replace(/\.ts$/, '.js')),
  ]),
);
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

// Walk the compiled import graph from main.js: relative and alias imports are followed, bare
// specifiers are collected as package names.
const main = join(root, 'dist', 'systems', system, service, 'src', 'main.js');
if (!existsSync(main)) throw new Error(`${relative(root, main)} not found: build first`);
// The OpenTelemetry bootstrap, loaded with `node --import` before main.js (see service.Dockerfile):
// a second root of the graph, so its files and its @opentelemetry/* packages are in the image.
const telemetry = join(root, 'dist', 'libs', 'platform', 'telemetry', 'src', 'register.js');
if (!existsSync(telemetry)) throw new Error(`${relative(root, telemetry)} not found: build first`);
const files = new Set();
const packages = new Set();
const queue = [main, telemetry];
const specifierRe =
  /(?:\bimport\s*(?:[^'"()]*?\sfrom\s*)?|\bexport\s[^'"]*?\sfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
while (queue.length) {
  const file = queue.pop();
  if (files.has(file)) continue;
  files.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(specifierRe)) {
    if (builtins.has(spec)) continue;
    if (aliases.has(spec)) queue.push(aliases.get(spec));
    else if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      queue.push(existsSync(target) ? target : `${target}.js`);
    } else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
}

const dependencies = {};
for (const name of [...packages].sort()) {
  const version = rootPkg.dependencies?.[name];
  if (!version) throw new Error(`${name} is imported at run time but is not a production dependency in package.json`);
  dependencies[name] = version;
}
// Transitively required at run time but never imported by name (NestJS loads these dynamically).
for (const name of [
  'reflect-metadata',
  '@nestjs/platform-fastify',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'kafkajs',
  'pg',
]) {
  if (rootPkg.dependencies?.[name] && packages.has('@nestjs/core')) dependencies[name] ??= rootPkg.dependencies[name];
}
// The telemetry bootstrap registers `@opentelemetry/instrumentation/hook.mjs` by name (not an import):
// pin the version the root resolves, so the image hoists the same one.
if (packages.has('@opentelemetry/sdk-node')) dependencies['@opentelemetry/instrumentation'] ??= rootPkg.dependencies['@opentelemetry/instrumentation'];

for (const file of files) {
  const dest = join(out, relative(root, file));
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(file, dest);
  if (existsSync(`${file}.map`)) copyFileSync(`${file}.map`, `${dest}.map`);
}
// A system without gRPC contracts has no proto folder: the image gets an empty one (the Dockerfile
// copies systems/).
const protoDir = join(root, 'systems', system, 'contracts', 'proto');
const protoOut = join(out, 'systems', system, 'contracts', 'proto');
mkdirSync(protoOut, { recursive: true });
if (existsSync(protoDir)) cpSync(protoDir, protoOut, { recursive: true });
mkdirSync(join(out, 'tools'), { recursive: true });
copyFileSync(join(root, 'tools', 'register.mjs'), join(out, 'tools', 'register.mjs'));
copyFileSync(join(root, 'tsconfig.base.json'), join(out, 'tsconfig.base.json'));
const dockerfile = readFileSync(join(root, 'tools', 'delivery', 'service.Dockerfile'), 'utf8');
if (!/^ARG GRPC_PORT=$/m.test(dockerfile))
  throw new Error('service.Dockerfile has no `ARG GRPC_PORT=` line to fill in');
writeFileSync(join(out, 'Dockerfile'), dockerfile.replace(/^ARG GRPC_PORT=$/m, `ARG GRPC_PORT=${grpcPort}`));
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify({ name: `@archipelago/${system}-${service}`, version: rootPkg.version, private: true, type: rootPkg.type, engines: rootPkg.engines, main: relative(root, main), dependencies }, null, 2)}\n`,
);
// Prune the root lockfile to these dependencies: same resolved versions and integrity hashes.
copyFileSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));
execFileSync(
  'npm',
  ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
  { cwd: out, stdio: 'inherit' },
);
console.log(`${relative(root, out)}: ${files.size} files, ${Object.keys(dependencies).length} production dependencies`);
