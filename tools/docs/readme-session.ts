// README's "A first session" block is generated from tools/docs/first-session.sh (the script the
// docs smoke runs), so the commands a reader copies are the ones CI ran.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const SESSION_SCRIPT = 'tools/docs/first-session.sh';
const MARKER = `<!-- generated from ${SESSION_SCRIPT} (npm run docs:reference) -->`;

/** The README block's content: `E=…` and the script's lines between its session markers. */
export function sessionBlock(): string {
  const script = readFileSync(join(root, SESSION_SCRIPT), 'utf8');
  const start = script.indexOf('# --- session ---\n');
  const end = script.indexOf('# --- end ---');
  if (start < 0 || end < start) throw new Error(`${SESSION_SCRIPT}: session markers missing`);
  return `E=http://localhost:8000\n\n${script.slice(start + '# --- session ---\n'.length, end)}`;
}

/** `readme` with the generated block replaced by the current one; throws when the marker is missing. */
export function withSessionBlock(readme: string): string {
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md: marker ${MARKER} missing`);
  const open = readme.indexOf('```sh\n', at);
  const close = readme.indexOf('\n```', open + 6);
  return `${readme.slice(0, open + 6)}${sessionBlock().trimEnd()}${readme.slice(close)}`;
}
