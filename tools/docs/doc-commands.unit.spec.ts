import { describe, expect, it } from 'vitest';
import { allCommands, manifest } from './doc-commands.mjs';

// Every command the docs show is either run by the docs smoke (.ci/run), run elsewhere in CI, or
// explicitly not run with a reason — never silently unchecked. tools/docs/doc-commands.json.

describe('documented commands', () => {
  const entries = manifest();
  const commands = allCommands();

  it('every command of README.md, docs/runbooks.md and apps/*/README.md has an entry in doc-commands.json', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands.filter((c) => !(c.command in entries)).map((c) => `${c.file}: ${c.command}`)).toEqual([]);
  });

  it('has no entry for a command the docs no longer show', () => {
    const shown = new Set(commands.map((c) => c.command));
    expect(Object.keys(entries).filter((c) => !shown.has(c))).toEqual([]);
  });

  it('says how each is checked: smoke (run by the docs smoke), ci (by what) or not-run (why)', () => {
    for (const [command, entry] of Object.entries(entries)) {
      const ok =
        (entry.check === 'smoke' && !/<[a-z ]+>/.test(entry.run ?? command)) ||
        (entry.check === 'ci' && !!entry.by) ||
        (entry.check === 'not-run' && !!entry.why);
      expect(ok, `${command}: ${JSON.stringify(entry)}`).toBe(true);
    }
  });
});
