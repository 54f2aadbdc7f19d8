/**
 * Judging a credential's `credentialStatus` (W3C Bitstring Status List v1.0 §3.2 validate
 * algorithm, for this issuer's lists): which entries there are, whether each names one of this
 * issuer's lists with that list's purpose, and the verdict from their bits. Pure: the bits come in.
 */
import { purposeOfStatusList, STATUS_LISTS, type StatusPurpose, type VerificationCheck } from './credential.js';

/** An entry of this issuer's status lists: its purpose, list and index. */
export interface CheckableStatusEntry {
  readonly purpose: StatusPurpose;
  readonly list: number;
  readonly index: number;
}

/** Why a suspended credential fails, as a verifier reads it. */
export const SUSPENDED_DETAIL = 'suspended: the registry entity it was issued for is deactivated';

/**
 * The entries of `credentialStatus` this issuer can check (VC 2.0 §4.10: one object or an array).
 * `listUrl(list)` is the URL of status list `list` of this issuer.
 * @returns the entries ([] when there is no `credentialStatus`), or undefined when one of them is not
 *   a `BitstringStatusListEntry` with a decimal index of one of this issuer's lists whose purpose is
 *   the entry's `statusPurpose` (the spec's STATUS_VERIFICATION_ERROR: the credential cannot be judged)
 */
export function checkableStatusEntries(
  credentialStatus: unknown,
  listUrl: (list: number) => string,
): readonly CheckableStatusEntry[] | undefined {
  if (credentialStatus === undefined) return [];
  const entries = Array.isArray(credentialStatus) ? credentialStatus : [credentialStatus];
  const checkable: CheckableStatusEntry[] = [];
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object') return undefined;
    const e = entry as Record<string, unknown>;
    const list = STATUS_LISTS.find((l) => listUrl(l) === e['statusListCredential']);
    const index = typeof e['statusListIndex'] === 'string' ? Number(e['statusListIndex']) : Number.NaN;
    if (
      e['type'] !== 'BitstringStatusListEntry' ||
      list === undefined ||
      purposeOfStatusList(list) !== e['statusPurpose'] ||
      !/^\d+$/.test(String(e['statusListIndex'])) ||
      !Number.isSafeInteger(index)
    ) {
      return undefined;
    }
    checkable.push({ purpose: e['statusPurpose'] as StatusPurpose, list, index });
  }
  return checkable;
}

/**
 * The `status` check of a verification: not ok when a bit of a revocation entry (`revoked`) or of a
 * suspension entry ({@link SUSPENDED_DETAIL}) is set; the detail names each set purpose, or what was
 * found clear (`not revoked, not suspended`; `not revoked` for a credential without a suspension entry).
 * @param isSet whether the entry's bit is set in its list
 */
export function statusCheck(
  entries: readonly CheckableStatusEntry[],
  isSet: (entry: CheckableStatusEntry) => boolean,
): VerificationCheck {
  if (entries.length === 0) return { check: 'status', ok: true, detail: 'no credentialStatus' };
  const set = new Set(entries.filter(isSet).map((e) => e.purpose));
  if (set.size > 0) {
    const detail = (['revocation', 'suspension'] as const)
      .filter((p) => set.has(p))
      .map((p) => (p === 'revocation' ? 'revoked' : SUSPENDED_DETAIL))
      .join('; ');
    return { check: 'status', ok: false, detail };
  }
  const clear = [...new Set(entries.map((e) => e.purpose))]
    .sort()
    .map((p) => (p === 'revocation' ? 'not revoked' : 'not suspended'));
  return { check: 'status', ok: true, detail: clear.join(', ') };
}
