import { execFileSync } from 'node:child_process';
import { existsSync, globSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Docs that cannot drift: the index lists every page, links resolve, README's map of the
// repository names every top-level folder, no page carries one machine's absolute paths.

const root = fileURLToPath(new URL('../..', import.meta.url));
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
const markdown = tracked.filter((f) => f.endsWith('.md') && !f.includes('/fixtures/'));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Relative link targets of a markdown text (inline links), without anchors; URLs and pure anchors skipped. */
function relativeLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('#'))
    .map((href) => decodeURIComponent(href.split('#')[0]!));
}

describe('docs', () => {
  it('docs/README.md links every page under docs/ (a folder link covers the pages in it)', () => {
    const index = read('docs/README.md');
    const linked = relativeLinks(index).map((href) => relative(root, join(root, 'docs', href)));
    const pages = globSync('docs/**/*.md', { cwd: root }).filter((p) => p !== 'docs/README.md');
    const unlisted = pages.filter(
      (page) =>
        !linked.some(
          (l) =>
            l === page ||
            (existsSync(join(root, l)) && statSync(join(root, l)).isDirectory() && page.startsWith(`${l}/`)) ||
            (l.endsWith('README.md') && page.startsWith(`${dirname(l)}/`)),
        ),
    );
    expect(unlisted).toEqual([]);
  });

  it.each(markdown)('relative links of %s resolve', (file) => {
    const missing = relativeLinks(read(file)).filter((href) => !existsSync(join(root, dirname(file), href)));
    expect(missing).toEqual([]);
  });

  it('README\'s "Where things are" names every top-level folder in git', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Where things are'));
    const block = section.slice(0, section.indexOf('```', section.indexOf('```') + 3));
    const folders = [...new Set(tracked.filter((f) => f.includes('/')).map((f) => f.split('/')[0]!))];
    expect(folders.filter((folder) => !new RegExp(`^${folder.replace('.', '\\.')}/`, 'm').test(block))).toEqual([]);
  });

  it.each(markdown)('%s carries no absolute path of one machine', (file) => {
    expect(read(file).match(/(?<![\w.])\/(?:work|home|Users|root|tmp\/[\w-]+)\/[\w./-]+/g) ?? []).toEqual([]);
  });
});
