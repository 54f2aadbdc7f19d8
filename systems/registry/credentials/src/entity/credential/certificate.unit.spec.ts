import { describe, expect, it } from 'vitest';
import { certificateStatus, certificateTitle, certificateView, MAX_FIELD_LENGTH } from './certificate.js';

const credential = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  id: 'urn:uuid:0b7e2c1a-3d4f-4a5b-8c6d-7e8f9a0b1c2d',
  type: ['VerifiableCredential', 'EnrolmentCredential'],
  issuer: 'did:web:localhost%3A8000',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
  credentialSubject: {
    id: 'urn:uuid:5e0c3b8a-2f4d-4c6e-9a1b-7d8e9f0a1b2c',
    fullName: 'Ada Lovelace',
    school: { name: 'GHS Mysuru', grades: [1, 2] },
    courses: [{ title: 'Maths' }],
  },
};
const input = { credential, jwt: 'h.p.s', now: '2026-06-01T00:00:00.000Z', verifyUrl: 'https://r.example/verify' };

describe('certificateView', () => {
  it('prints the subject fields flattened with labels, apart from its id, and the issuer and dates', () => {
    const view = certificateView(input);
    expect(view).toMatchObject({
      title: 'Enrolment Certificate',
      credentialType: 'EnrolmentCredential',
      subjectId: 'urn:uuid:5e0c3b8a-2f4d-4c6e-9a1b-7d8e9f0a1b2c',
      issuer: 'did:web:localhost%3A8000',
      validFrom: '2026-01-01T00:00:00.000Z',
      validUntil: '2027-01-01T00:00:00.000Z',
      status: 'active',
      qrPayload: 'h.p.s',
    });
    expect(view.fields).toEqual([
      { label: 'Full Name', value: 'Ada Lovelace' },
      { label: 'School › Name', value: 'GHS Mysuru' },
      { label: 'School › Grades', value: '1, 2' },
      { label: 'Courses 1 › Title', value: 'Maths' },
    ]);
  });

  it('says revoked before anything else, then expired or not yet valid by the clock', () => {
    expect(certificateView({ ...input, revokedAt: '2026-05-01T00:00:00.000Z' }).status).toBe('revoked');
    expect(certificateView({ ...input, now: '2027-06-01T00:00:00.000Z' }).status).toBe('expired');
    expect(certificateStatus(undefined, '2026-01-01T00:00:00Z', undefined, '2025-01-01T00:00:00Z')).toBe(
      'not-yet-valid',
    );
  });

  it('says suspended (its entity deactivated) after revoked and before the validity period', () => {
    const suspendedAt = '2026-06-01T00:00:00.000Z';
    expect(certificateView({ ...input, suspendedAt })).toMatchObject({ status: 'suspended', suspendedAt });
    expect(certificateView({ ...input, suspendedAt, revokedAt: suspendedAt }).status).toBe('revoked');
    expect(certificateView({ ...input, suspendedAt, now: '2027-06-01T00:00:00.000Z' }).status).toBe('suspended');
  });

  it('cuts very long values (the QR code carries the whole credential)', () => {
    const view = certificateView({
      ...input,
      credential: { ...credential, credentialSubject: { note: 'x'.repeat(5000) } },
    });
    expect(view.fields[0]!.value).toHaveLength(MAX_FIELD_LENGTH);
    expect(view.fields[0]!.value.endsWith('…')).toBe(true);
  });

  it('titles a certificate after the most specific type', () => {
    expect(certificateTitle('TeacherCredential')).toBe('Teacher Certificate');
    expect(certificateTitle('VerifiableCredential')).toBe('Verifiable Credential');
    expect(certificateTitle('student_award')).toBe('student award Certificate');
  });
});
