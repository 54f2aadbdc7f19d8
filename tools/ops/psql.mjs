#!/usr/bin/env node
// `npm run psql -- <database> [-c <sql>]`: an SQL session on one database of the local stack (or of
// DATABASE_URL's server when set). <database> is a system (identity, commerce: one database per
// system, one schema per service) or `postgres`. Runs the real `psql` when it is on PATH; the
// embedded Postgres of `npm start` ships none, so otherwise a small shell on the `pg` driver:
// statements end with `;`, results print as aligned tables, `\dn` lists schemas, `\dt [schema]`
// tables, `\q` quits. `-c <sql>` (or SQL on a non-terminal stdin) runs and exits: 0, or 1 on an
// SQL error. Local credentials: user postgres, password archipelago-local (local only).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { databaseUrl, redact, stackSystems } from './stack-target.mjs';

const USAGE = `usage: npm run psql -- <database> [-c <sql>]
databases: ${[...stackSystems(), 'postgres'].join(', ')} (one schema per service inside)`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { command: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (error) {
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) {
  console.error(USAGE);
  process.exit(2);
}
const url = databaseUrl(positionals[0]);

if (!process.env.ARCHIPELAGO_PSQL_BUILTIN && onPath('psql')) {
  const args = [url, ...(values.command ? ['-c', values.command] : [])];
  process.exit(spawnSync('psql', args, { stdio: 'inherit' }).status ?? 1);
}

const client = new pg.Client({ connectionString: url });
try {
  await client.connect();
} catch (error) {
  console.error(
    `cannot connect to ${redact(url)}: ${error.message}\n(is the stack running? npm start; or set DATABASE_URL)`,
  );
  process.exit(1);
}

const META = {
  '\\dn': () => `SELECT nspname AS schema FROM pg_namespace WHERE nspname !~ '^(pg_|information_schema)' ORDER BY 1`,
  '\\dt': (schema) =>
    `SELECT table_schema AS schema, table_name AS table FROM information_schema.tables
     WHERE table_schema !~ '^(pg_|information_schema)'${schema ? ` AND table_schema = ${literal(schema)}` : ''} ORDER BY 1, 2`,
};

if (values.command !== undefined) process.exit(await finish(await run(metaOrSql(values.command))));
if (!process.stdin.isTTY) {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  process.exit(await finish(await run(text)));
}

console.log(
  `${redact(url)} (pg shell: psql is not on PATH). End statements with ;  \\dn schemas  \\dt [schema] tables  \\q quit`,
);
const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: `${positionals[0]}=> ` });
let buffer = '';
rl.prompt();
for await (const line of rl) {
  const trimmed = line.trim();
  if (buffer === '' && trimmed.startsWith('\\')) {
    const [meta, arg] = trimmed.split(/\s+/);
    if (meta === '\\q') break;
    if (META[meta]) await run(META[meta](arg));
    else console.log(`unknown command ${meta}`);
  } else {
    buffer += `${line}\n`;
    if (trimmed.endsWith(';')) {
      await run(buffer);
      buffer = '';
    }
  }
  rl.setPrompt(buffer ? `${positionals[0]}-> ` : `${positionals[0]}=> `);
  rl.prompt();
}
rl.close();
await client.end();

/** `\\dn` / `\\dt [schema]` as their SQL; anything else unchanged. */
function metaOrSql(text) {
  const [meta, arg] = text.trim().split(/\s+/);
  return META[meta] ? META[meta](arg) : text;
}

/** Runs `sql` (one or more statements) and prints each result; false on an error (printed). */
async function run(sql) {
  try {
    const results = await client.query(sql);
    for (const result of Array.isArray(results) ? results : [results]) print(result);
    return true;
  } catch (error) {
    console.error(`ERROR: ${error.message}`);
    return false;
  }
}

async function finish(ok) {
  await client.end();
  return ok ? 0 : 1;
}

/** Prints a result like psql's aligned format: header, rule, rows, `(n rows)`; or the command tag. */
function print(result) {
  if (!result.fields?.length) {
    console.log(`${result.command ?? ''}${result.rowCount != null ? ` ${result.rowCount}` : ''}`.trim());
    return;
  }
  const names = result.fields.map((f) => f.name);
  const cells = result.rows.map((row) => names.map((n) => cell(row[n])));
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((r) => r[i].length)));
  console.log(names.map((n, i) => ` ${n.padEnd(widths[i])} `).join('|'));
  console.log(widths.map((w) => '-'.repeat(w + 2)).join('+'));
  for (const r of cells) console.log(r.map((c, i) => ` ${c.padEnd(widths[i])} `).join('|'));
  console.log(`(${cells.length} row${cells.length === 1 ? '' : 's'})`);
}

function cell(value) {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replaceAll('\n', '\\n');
}

function literal(text) {
  return `'${text.replaceAll("'", "''")}'`;
}

function onPath(name) {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
