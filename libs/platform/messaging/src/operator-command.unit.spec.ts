import { describe, expect, it } from 'vitest';
import { parseOperatorCommand } from './operator-command.js';

const spec = {
  name: 'thing',
  usage: 'usage: thing list|fix [--id <id>]...',
  actions: ['list', 'fix'],
  options: { id: { type: 'string', multiple: true } },
} as const;

function parse(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const result = parseOperatorCommand(argv, spec, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { result, out, err };
}

describe('parseOperatorCommand', () => {
  it('gives the action and the option values', () => {
    expect(parse('fix', '--id', '1', '--id', '2').result).toEqual({ action: 'fix', values: { id: ['1', '2'] } });
  });

  it('prints the usage on out for --help or -h (exit 0)', () => {
    for (const flag of ['--help', '-h']) {
      const { result, out, err } = parse('list', flag);
      expect(result).toEqual({ exit: 0 });
      expect(out).toEqual([spec.usage]);
      expect(err).toEqual([]);
    }
  });

  it('answers an unknown option, a missing value, no action, an unknown action or extra words with the usage (exit 2)', () => {
    for (const [argv, reason] of [
      [['list', '--bogus'], "Unknown option '--bogus'"],
      [['list', '--id'], "Option '--id <value>' argument missing"],
      [[], 'thing needs an action'],
      [['drop'], 'unknown thing action: drop'],
      [['list', 'more'], 'unknown thing action: list more'],
    ] as const) {
      const { result, err } = parse(...argv);
      expect(result, argv.join(' ')).toEqual({ exit: 2 });
      expect(err.join('\n')).toContain(reason);
      expect(err.join('\n')).toContain(spec.usage);
    }
  });
});
