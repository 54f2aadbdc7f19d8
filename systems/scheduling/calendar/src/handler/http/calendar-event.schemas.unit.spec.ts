import { describe, expect, it } from 'vitest';
import { ifMatchVersions, ifNoneMatchVersions } from './calendar-event.schemas.js';

describe('If-Match (RFC 9110 §13.1.1, strong comparison)', () => {
  it('accepts * or no header as no check, and the versions of strong "<n>" tags in a list', () => {
    expect(ifMatchVersions(undefined)).toBeUndefined();
    expect(ifMatchVersions(' * ')).toBeUndefined();
    expect(ifMatchVersions('"3"')).toEqual([3]);
    expect(ifMatchVersions('"5", "3"')).toEqual([5, 3]);
  });

  it('never matches weak or non-version tags (an empty list: 412), and calls malformed syntax null (400)', () => {
    expect(ifMatchVersions('W/"3"')).toEqual([]);
    expect(ifMatchVersions('"abc"')).toEqual([]);
    expect(ifMatchVersions('W/"3", "4"')).toEqual([4]);
    for (const bad of ['3', '"3', '"3",', 'W/3', '""3""']) expect(ifMatchVersions(bad), bad).toBeNull();
  });
});

describe('If-None-Match (RFC 9110 §13.1.2, weak comparison)', () => {
  it('names versions of weak and strong tags, * as any; ignores no header and malformed syntax', () => {
    expect(ifNoneMatchVersions('"3"')).toEqual({ any: false, versions: [3] });
    expect(ifNoneMatchVersions('W/"3", "4", "abc"')).toEqual({ any: false, versions: [3, 4] });
    expect(ifNoneMatchVersions(' * ')).toEqual({ any: true, versions: [] });
    for (const ignored of [undefined, '3', '"3', 'W/3', ''])
      expect(ifNoneMatchVersions(ignored), ignored).toBeUndefined();
  });
});
