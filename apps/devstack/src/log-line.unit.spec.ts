import { describe, expect, it } from 'vitest';
import { consoleText, LineSplitter } from './log-line.js';

describe('consoleText', () => {
  it('keeps pino info and debug lines off the console', () => {
    expect(consoleText('{"level":30,"msg":"listening"}', 'stdout')).toBeUndefined();
    expect(consoleText('{"level":"debug","msg":"x"}', 'stdout')).toBeUndefined();
  });

  it('shows warnings and errors condensed, with the error message', () => {
    expect(consoleText('{"level":40,"msg":"slow query"}', 'stdout')).toBe('WARN slow query');
    expect(consoleText('{"level":50,"msg":"request failed","err":{"type":"Error","message":"boom"}}', 'stdout')).toBe(
      'ERROR request failed (boom)',
    );
    expect(consoleText('{"level":"fatal","msg":"cannot start"}', 'stderr')).toBe('FATAL cannot start');
  });

  it('shows plain stderr lines (stack traces) but not plain stdout lines', () => {
    expect(consoleText('    at main (file.js:1:1)', 'stderr')).toBe('    at main (file.js:1:1)');
    expect(consoleText('edge listening on http://127.0.0.1:8000', 'stdout')).toBeUndefined();
    expect(consoleText('   ', 'stderr')).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and flushes the last partial line', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    splitter.push('{"a"');
    splitter.push(':1}\r\nsecond\nthi');
    expect(lines).toEqual(['{"a":1}', 'second']);
    splitter.flush();
    expect(lines).toEqual(['{"a":1}', 'second', 'thi']);
  });
});
