// The shell commands the docs tell a reader to type, and how each is kept true. Read by the docs
// smoke (tools/docs/smoke.mjs: runs the `smoke` ones against a stack) and by
// doc-commands.unit.spec.ts (every command in the docs has an entry in doc-commands.json, and no
// entry is stale). Commands: every logical line (backslash continuations joined) of the ```sh
// blocks of README.md, docs/runbooks.md and apps/*/README.md, plus README's command table; a block
// right after `<!-- generated from <script> -->` is the script's own text (checked separately) and
// is not listed here.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The documents whose commands are kept true. */
export function documents() {
  const apps = readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `apps/${d.name}/README.md`)
    .filter((f) => {
      try {
        readFileSync(join(root, f));
        return true;
      } catch {
        return false;
      }
    });
  return ['README.md', 'docs/runbooks.md', ...apps];
}

/** `{ file, command }` for every command of `file` (see the module comment). */
export function commandsOf(file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out = [];
  let inBlock = false;
  let generated = false;
  let pending = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*```(\w*)/.exec(line);
    if (fence && !inBlock) {
      inBlock = ['sh', 'bash', 'shell'].includes(fence[1]);
      generated = inBlock && /<!-- generated from /.test(lines[i - 1] ?? '');
      if (!inBlock) inBlock = 'other';
      continue;
    }
    if (fence && inBlock) {
      inBlock = false;
      continue;
    }
    if (inBlock === true && !generated) {
      const text = line.trimEnd();
      if (pending === '' && (text.trim() === '' || text.trim().startsWith('#'))) continue;
      if (text.endsWith('\\')) {
        pending += `${text.slice(0, -1).trimEnd()} `;
        continue;
      }
      out.push({ file, command: (pending + text.trim()).trim() });
      pending = '';
    }
    if (!inBlock && file === 'README.md') {
      const row = /^\| `((?:npm|npx) [^`]+)` \|/.exec(line);
      if (row) out.push({ file, command: row[1].replaceAll('\\|', '|') });
    }
  }
  return out;
}

/** Every command of every document. */
export function allCommands() {
  return documents().flatMap(commandsOf);
}

/** doc-commands.json: command → `{ check: 'smoke' | 'ci' | 'not-run', run?, by?, why? }`. */
export function manifest() {
  return JSON.parse(readFileSync(join(root, 'tools', 'docs', 'doc-commands.json'), 'utf8'));
}
