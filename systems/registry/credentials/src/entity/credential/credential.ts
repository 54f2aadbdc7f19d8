/**
 * W3C Verifiable Credentials Data Model 2.0 credentials of registry entities, and the rules of
 * issuing, revoking and judging them. Pure: time and randomness come in as arguments.
 */
import { InvalidCredentialRequestError, StatusListFullError } from './credential.errors.js';

/** The VC Data Model 2.0 base context (must be the first `@context` entry). */
export const VC_CONTEXT_V2 = 'https://www.w3.org/ns/credentials/v2';

/** Entries of one Bitstring Status List (the spec's minimum, 16 KiB uncompressed, for group privacy). */
export const STATUS_LIST_LENGTH = 131_072;

/** A credential template: JSON whose strings may hold `{{path}}` placeholders (dotted paths into the data). */
export type CredentialTemplate = Readonly<Record<string, unknown>>;

/**
 * Why a status list's bits are set (Bitstring Status List v1.0 §2.1 `statusPurpose`): `revocation`
 * is final; `suspension` is reversible (set while the credential's registry entity is deactivated).
 */
export type StatusPurpose = 'revocation' | 'suspension';

/** The revocation status list every credential has an index of. */
export const REVOCATION_STATUS_LIST = 1;

/**
 * The suspension status list: credentials issued since suspension exists have an index of it too
 * (a second `credentialStatus` entry); earlier ones have none and cannot be suspended.
 */
export const SUSPENSION_STATUS_LIST = 2;

/** Every status list of this issuer. */
export const STATUS_LISTS: readonly number[] = [REVOCATION_STATUS_LIST, SUSPENSION_STATUS_LIST];

/** The purpose of status list `list`, or undefined for a list that does not exist. */
export function purposeOfStatusList(list: number): StatusPurpose | undefined {
  if (list === REVOCATION_STATUS_LIST) return 'revocation';
  if (list === SUSPENSION_STATUS_LIST) return 'suspension';
  return undefined;
}

/** `credentialStatus` entry of an issued credential (Bitstring Status List v1.0 §2.1). */
export interface BitstringStatusListEntry {
  readonly id: string;
  readonly type: 'BitstringStatusListEntry';
  readonly statusPurpose: StatusPurpose;
  /** Decimal string, as the spec requires. */
  readonly statusListIndex: string;
  readonly statusListCredential: string;
}

/** A VC Data Model 2.0 credential (the VC-JOSE JWT payload). */
export interface VerifiableCredential {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly type: readonly string[];
  readonly issuer: string;
  readonly validFrom: string;
  readonly validUntil?: string;
  readonly credentialSubject: Readonly<Record<string, unknown>>;
  /** One entry (credentials issued before suspension existed) or one per purpose (VC 2.0 §4.10 allows both). */
  readonly credentialStatus?: BitstringStatusListEntry | readonly BitstringStatusListEntry[];
  readonly [extra: string]: unknown;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\s*\}\}/g;

function valueAt(data: unknown, path: string): unknown {
  let at: unknown = data;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function renderValue(value: unknown, data: unknown, where: string): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([^}]+?)\s*\}\}$/.exec(value);
    if (whole) {
      // A string that is one placeholder takes the value as is (a number stays a number).
      const found = valueAt(data, whole[1]!);
      if (found === undefined) throw new InvalidCredentialRequestError(`${where}: no value at {{${whole[1]}}}`);
      return found;
    }
    return value.replace(PLACEHOLDER, (_m, path: string) => {
      const found = valueAt(data, path);
      if (found === undefined) throw new InvalidCredentialRequestError(`${where}: no value at {{${path}}}`);
      return typeof found === 'string' ? found : JSON.stringify(found);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => renderValue(v, data, `${where}/${i}`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, data, `${where}/${k}`)]));
  }
  return value;
}

/**
 * Renders a template: every `{{a.b}}` is replaced by the value at that dotted path of `data`; a
 * string that is exactly one placeholder takes the value with its JSON type.
 * @throws InvalidCredentialRequestError naming the first placeholder with no value
 */
export function renderTemplate(template: CredentialTemplate, data: unknown): Record<string, unknown> {
  return renderValue(template, data, '') as Record<string, unknown>;
}

/** The template used when none is given: the entity's attested (or public) data as the subject. */
export function defaultTemplate(entityType: string): CredentialTemplate {
  return { type: [`${entityType.replace(/[^A-Za-z0-9]/g, '')}Credential`], credentialSubject: {} };
}

/** A credential's place in one status list: its index and the list credential's URL. */
export interface StatusListPosition {
  readonly statusListIndex: number;
  readonly statusListCredential: string;
}

/** What an issuance needs, decided outside (ids, time, index, URLs). */
export interface IssueInput {
  readonly credentialId: string;
  readonly issuer: string;
  readonly entityType: string;
  readonly entityId: string;
  /** The entity's data the template's placeholders read (attested data, or the public body). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly template?: CredentialTemplate;
  /** ISO 8601 instant. */
  readonly now: string;
  /** ISO 8601 instant, after `now`. */
  readonly validUntil?: string;
  /** Position in the revocation status list. */
  readonly statusListIndex: number;
  readonly statusListCredential: string;
  /** Position in the suspension status list. */
  readonly suspension: StatusListPosition;
}

function statusEntry(purpose: StatusPurpose, { statusListIndex, statusListCredential }: StatusListPosition) {
  return {
    id: `${statusListCredential}#${statusListIndex}`,
    type: 'BitstringStatusListEntry' as const,
    statusPurpose: purpose,
    statusListIndex: String(statusListIndex),
    statusListCredential,
  };
}

/**
 * Builds a VC 2.0 credential for an entity from its template. `type` always starts with
 * `VerifiableCredential`; `credentialSubject.id` is `urn:uuid:<entityId>` unless the template sets
 * one; without a template's subject fields the whole data is the subject. `credentialStatus` holds two
 * Bitstring Status List v1.0 entries: `revocation` then `suspension`, each with its own list and index.
 * @throws InvalidCredentialRequestError for a placeholder with no value, a validUntil not after now
 */
export function buildCredential(input: IssueInput): VerifiableCredential {
  const template = input.template ?? defaultTemplate(input.entityType);
  const rendered = renderTemplate(template, input.data);
  if (input.validUntil !== undefined && Date.parse(input.validUntil) <= Date.parse(input.now)) {
    throw new InvalidCredentialRequestError('validUntil must be after the issuance time');
  }
  const templateTypes = rendered['type'];
  const extraTypes = (Array.isArray(templateTypes) ? templateTypes : templateTypes ? [templateTypes] : [])
    .map(String)
    .filter((t) => t !== 'VerifiableCredential');
  const subjectOf = rendered['credentialSubject'];
  const subject =
    subjectOf && typeof subjectOf === 'object' && !Array.isArray(subjectOf) && Object.keys(subjectOf).length > 0
      ? (subjectOf as Record<string, unknown>)
      : { ...input.data };
  const contexts = rendered['@context'];
  const extraContexts = (Array.isArray(contexts) ? contexts : []).map(String).filter((c) => c !== VC_CONTEXT_V2);
  const { '@context': _c, type: _t, credentialSubject: _s, ...rest } = rendered;
  return {
    ...rest,
    '@context': [VC_CONTEXT_V2, ...extraContexts],
    id: `urn:uuid:${input.credentialId}`,
    type: ['VerifiableCredential', ...extraTypes],
    issuer: input.issuer,
    validFrom: input.now,
    ...(input.validUntil !== undefined && { validUntil: input.validUntil }),
    credentialSubject: { id: `urn:uuid:${input.entityId}`, ...subject },
    credentialStatus: [statusEntry('revocation', input), statusEntry('suspension', input.suspension)],
  };
}

/**
 * Picks a random free index of a status list (random so that indexes leak no issuance order).
 * `random()` is in [0, 1); `taken(i)` tells whether index i is allocated. Tries random indexes,
 * then scans from a random start.
 * @throws StatusListFullError when every index is taken
 */
export function pickStatusIndex(
  random: () => number,
  taken: (index: number) => boolean,
  length = STATUS_LIST_LENGTH,
): number {
  for (let attempt = 0; attempt < 32; attempt++) {
    const index = Math.floor(random() * length);
    if (!taken(index)) return index;
  }
  const start = Math.floor(random() * length);
  for (let offset = 0; offset < length; offset++) {
    const index = (start + offset) % length;
    if (!taken(index)) return index;
  }
  throw new StatusListFullError();
}

/** One verification check (signature, validity period, status). */
export interface VerificationCheck {
  readonly check: 'signature' | 'validity' | 'status';
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Judges `validFrom`/`validUntil` against `now` (VC 2.0 §4.9).
 */
export function checkValidity(credential: Record<string, unknown>, now: string): VerificationCheck {
  const from = credential['validFrom'];
  const until = credential['validUntil'];
  const t = Date.parse(now);
  if (from !== undefined && (typeof from !== 'string' || Number.isNaN(Date.parse(from)))) {
    return { check: 'validity', ok: false, detail: 'validFrom is not a date-time' };
  }
  if (until !== undefined && (typeof until !== 'string' || Number.isNaN(Date.parse(until)))) {
    return { check: 'validity', ok: false, detail: 'validUntil is not a date-time' };
  }
  if (typeof from === 'string' && Date.parse(from) > t) {
    return { check: 'validity', ok: false, detail: `not valid before ${from}` };
  }
  if (typeof until === 'string' && Date.parse(until) < t) {
    return { check: 'validity', ok: false, detail: `expired at ${until}` };
  }
  return {
    check: 'validity',
    ok: true,
    detail: typeof until === 'string' ? `valid from ${String(from)} until ${until}` : `valid from ${String(from)}`,
  };
}

/** Whether a revocation request changes anything (revoking twice is a no-op, not an error). */
export function decideRevocation(revokedAt: string | null | undefined): 'revoke' | 'already-revoked' {
  return revokedAt ? 'already-revoked' : 'revoke';
}
