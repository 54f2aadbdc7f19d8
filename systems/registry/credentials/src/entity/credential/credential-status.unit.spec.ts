import { describe, expect, it } from 'vitest';
import { checkableStatusEntries, statusCheck, SUSPENDED_DETAIL } from './credential-status.js';

const url = (list: number) => `http://issuer.test/registry/v1/credentials/status/${list}`;
const entry = (purpose: string, list: number, index: string) => ({
  id: `${url(list)}#${index}`,
  type: 'BitstringStatusListEntry',
  statusPurpose: purpose,
  statusListIndex: index,
  statusListCredential: url(list),
});
const revocation = entry('revocation', 1, '4711');
const suspension = entry('suspension', 2, '815');

describe('checkableStatusEntries', () => {
  it('reads one entry (credentials issued before suspension) or an array of entries (VC 2.0 §4.10)', () => {
    expect(checkableStatusEntries(revocation, url)).toEqual([{ purpose: 'revocation', list: 1, index: 4711 }]);
    expect(checkableStatusEntries([revocation, suspension], url)).toEqual([
      { purpose: 'revocation', list: 1, index: 4711 },
      { purpose: 'suspension', list: 2, index: 815 },
    ]);
    expect(checkableStatusEntries(undefined, url)).toEqual([]);
  });

  it("refuses an entry whose purpose is not its list's, another issuer's list, a non-decimal index or another type", () => {
    for (const bad of [
      entry('suspension', 1, '1'),
      entry('revocation', 2, '1'),
      { ...revocation, statusListCredential: 'http://elsewhere.test/status/1' },
      entry('revocation', 3, '1'),
      { ...revocation, statusListIndex: '-1' },
      { ...revocation, statusListIndex: '1e3' },
      { ...revocation, statusListIndex: 12 },
      { ...revocation, type: 'StatusList2021Entry' },
      null,
      'revocation',
    ]) {
      expect(checkableStatusEntries([suspension, bad], url), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('statusCheck', () => {
  const both = checkableStatusEntries([revocation, suspension], url)!;
  const setOf =
    (...purposes: string[]) =>
    (e: { purpose: string }) =>
      purposes.includes(e.purpose);

  it('is ok when no bit is set, naming what it found clear', () => {
    expect(statusCheck(both, setOf())).toEqual({ check: 'status', ok: true, detail: 'not revoked, not suspended' });
    expect(statusCheck(checkableStatusEntries(revocation, url)!, setOf())).toEqual({
      check: 'status',
      ok: true,
      detail: 'not revoked',
    });
    expect(statusCheck([], setOf())).toEqual({ check: 'status', ok: true, detail: 'no credentialStatus' });
  });

  it('fails a suspended credential with a clear reason, a revoked one as revoked, and names both when both are set', () => {
    expect(statusCheck(both, setOf('suspension'))).toEqual({ check: 'status', ok: false, detail: SUSPENDED_DETAIL });
    expect(SUSPENDED_DETAIL).toMatch(/^suspended: .*deactivated/);
    expect(statusCheck(both, setOf('revocation'))).toEqual({ check: 'status', ok: false, detail: 'revoked' });
    expect(statusCheck(both, setOf('revocation', 'suspension')).detail).toBe(`revoked; ${SUSPENDED_DETAIL}`);
  });
});
