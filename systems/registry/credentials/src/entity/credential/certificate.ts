/**
 * The printable certificate of a credential: what a person reads on paper (title, subject fields,
 * issuer, dates, status) and what the QR code carries. Pure: no HTML here (the renderer escapes and
 * lays it out), time comes in as an argument.
 */

/** Where a credential stands when its certificate is printed. */
export type CertificateStatus = 'active' | 'revoked' | 'suspended' | 'expired' | 'not-yet-valid';

/** One printed line of the credential subject: a human label and the value as text. */
export interface CertificateField {
  /** The subject property path, words separated (`school › name`). */
  readonly label: string;
  readonly value: string;
}

/** Everything a certificate shows; every string is raw text (the renderer must escape it). */
export interface CertificateView {
  /** Heading, from the credential's most specific type (`EnrolmentCredential` → `Enrolment Certificate`). */
  readonly title: string;
  /** The most specific credential type (selects the certificate template). */
  readonly credentialType: string;
  /** `urn:uuid:…` of the credential. */
  readonly credentialId: string;
  /** `credentialSubject.id`, when present. */
  readonly subjectId?: string;
  readonly fields: readonly CertificateField[];
  /** The issuer DID. */
  readonly issuer: string;
  /** ISO 8601. */
  readonly validFrom?: string;
  /** ISO 8601. */
  readonly validUntil?: string;
  readonly status: CertificateStatus;
  /** ISO 8601, when revoked. */
  readonly revokedAt?: string;
  /** ISO 8601, when suspended (its registry entity deactivated). */
  readonly suspendedAt?: string;
  /** What the QR code encodes: the compact VC-JOSE credential, verifiable offline. */
  readonly qrPayload: string;
  /** Absolute URL of the public verification endpoint (printed under the QR code). */
  readonly verifyUrl: string;
}

/** Longest subject value printed as is; longer ones are cut with an ellipsis (the QR code holds all). */
export const MAX_FIELD_LENGTH = 500;

/** At most this many subject lines are printed (a hostile subject cannot make a 10 MB page). */
export const MAX_FIELDS = 100;

/**
 * `EnrolmentCredential` → `Enrolment Certificate`; `VerifiableCredential` alone → `Verifiable Credential`.
 */
export function certificateTitle(credentialType: string): string {
  const base = credentialType.replace(/Credential$/, '');
  const words = base
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim();
  if (!words) return 'Verifiable Credential';
  return credentialType === 'VerifiableCredential' ? 'Verifiable Credential' : `${words} Certificate`;
}

function humanLabel(key: string): string {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function cut(text: string): string {
  return text.length > MAX_FIELD_LENGTH ? `${text.slice(0, MAX_FIELD_LENGTH - 1)}…` : text;
}

function flatten(value: unknown, label: string, into: CertificateField[]): void {
  if (into.length >= MAX_FIELDS) return;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, label ? `${label} › ${humanLabel(k)}` : humanLabel(k), into);
    return;
  }
  if (Array.isArray(value)) {
    const simple = value.every((v) => v === null || typeof v !== 'object');
    if (simple) {
      into.push({ label, value: cut(value.map(String).join(', ')) });
      return;
    }
    value.forEach((v, i) => flatten(v, `${label} ${i + 1}`, into));
    return;
  }
  into.push({ label, value: cut(value === null || value === undefined ? '' : String(value)) });
}

/**
 * The status a certificate prints: revoked wins, then suspended, then the validity period against `now`.
 * @param revokedAt ISO 8601 when revoked
 * @param now ISO 8601
 * @param suspendedAt ISO 8601 when suspended
 */
export function certificateStatus(
  revokedAt: string | undefined,
  validFrom: string | undefined,
  validUntil: string | undefined,
  now: string,
  suspendedAt?: string,
): CertificateStatus {
  if (revokedAt) return 'revoked';
  if (suspendedAt) return 'suspended';
  const t = Date.parse(now);
  if (validFrom && Date.parse(validFrom) > t) return 'not-yet-valid';
  if (validUntil && Date.parse(validUntil) < t) return 'expired';
  return 'active';
}

/** What {@link certificateView} needs. */
export interface CertificateInput {
  /** The decoded VC 2.0 credential (the JWT payload). */
  readonly credential: Readonly<Record<string, unknown>>;
  /** The compact VC-JOSE credential. */
  readonly jwt: string;
  readonly revokedAt?: string;
  readonly suspendedAt?: string;
  /** ISO 8601. */
  readonly now: string;
  readonly verifyUrl: string;
}

/**
 * Builds the certificate of a credential: the subject's fields flattened into labelled lines (its
 * `id` apart), the most specific type as the title, the status, and the compact credential as the
 * QR payload.
 */
export function certificateView(input: CertificateInput): CertificateView {
  const vc = input.credential;
  const types = (Array.isArray(vc['type']) ? vc['type'] : [vc['type']]).filter(
    (t): t is string => typeof t === 'string',
  );
  const credentialType = types.filter((t) => t !== 'VerifiableCredential').at(-1) ?? 'VerifiableCredential';
  const subject = vc['credentialSubject'];
  const { id: subjectId, ...subjectFields } =
    subject !== null && typeof subject === 'object' && !Array.isArray(subject)
      ? (subject as Record<string, unknown>)
      : ({} as Record<string, unknown>);
  const fields: CertificateField[] = [];
  flatten(subjectFields, '', fields);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const issuerOf = vc['issuer'];
  const issuer =
    typeof issuerOf === 'string' ? issuerOf : (str((issuerOf as { id?: unknown } | null | undefined)?.id) ?? '');
  const validFrom = str(vc['validFrom']);
  const validUntil = str(vc['validUntil']);
  return {
    title: certificateTitle(credentialType),
    credentialType,
    credentialId: str(vc['id']) ?? '',
    ...(typeof subjectId === 'string' && { subjectId }),
    fields,
    issuer,
    ...(validFrom !== undefined && { validFrom }),
    ...(validUntil !== undefined && { validUntil }),
    status: certificateStatus(input.revokedAt, validFrom, validUntil, input.now, input.suspendedAt),
    ...(input.revokedAt !== undefined && { revokedAt: input.revokedAt }),
    ...(input.suspendedAt !== undefined && { suspendedAt: input.suspendedAt }),
    qrPayload: input.jwt,
    verifyUrl: input.verifyUrl,
  };
}
