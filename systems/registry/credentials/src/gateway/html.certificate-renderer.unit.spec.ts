import { describe, expect, it } from 'vitest';
import { certificateView } from '../entity/credential/certificate.js';
import { escapeHtml, HtmlCertificateRenderer } from './html.certificate-renderer.js';

const renderer = new HtmlCertificateRenderer();
const view = (
  subject: Record<string, unknown>,
  jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJ0eXBlIjoiVkMifQ.c2ln',
  revokedAt?: string,
) =>
  certificateView({
    credential: {
      id: 'urn:uuid:0b7e2c1a-3d4f-4a5b-8c6d-7e8f9a0b1c2d',
      type: ['VerifiableCredential', 'EnrolmentCredential'],
      issuer: 'did:web:localhost%3A8000',
      validFrom: '2026-01-01T00:00:00.000Z',
      credentialSubject: { id: 'urn:uuid:5e0c3b8a-2f4d-4c6e-9a1b-7d8e9f0a1b2c', ...subject },
    },
    jwt,
    ...(revokedAt && { revokedAt }),
    now: '2026-06-01T00:00:00.000Z',
    verifyUrl: 'http://localhost:8000/registry/v1/credentials/verify',
  });

describe('HtmlCertificateRenderer', () => {
  it('escapes every value: a subject holding markup prints as text, never as elements', async () => {
    const html = await renderer.html(
      view({ '<img src=x onerror=alert(1)>': '<script>alert("x")</script>', quote: `"'><b>` }),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('&#34;&#39;&#62;&#60;b&#62;');
  });

  it('prints title, fields, issuer, dates, status and an inline SVG QR code', async () => {
    const html = await renderer.html(view({ fullName: 'Ada Lovelace' }));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>Enrolment Certificate</title>');
    expect(html).toContain('<th scope="row">Full Name</th><td>Ada Lovelace</td>');
    expect(html).toContain('did:web:localhost%3A8000');
    expect(html).toContain('2026-01-01 00:00:00 UTC');
    expect(html).toContain('data-status="active"');
    expect(html).toMatch(/<svg role="img" aria-label="QR code of the signed credential"[^>]*viewBox/);
    expect(html).toContain('POST http://localhost:8000/registry/v1/credentials/verify');
  });

  it('marks a revoked credential and the date of revocation', async () => {
    const html = await renderer.html(view({ fullName: 'Ada' }, undefined, '2026-03-04T05:06:07.000Z'));
    expect(html).toContain('data-status="revoked"');
    expect(html).toContain('REVOKED</span> since 2026-03-04 05:06:07 UTC');
  });

  it('prints a note instead of a QR code for a credential too large for one', async () => {
    const html = await renderer.html(view({ fullName: 'Ada' }, 'a'.repeat(4000)));
    expect(html).not.toContain('<svg');
    expect(html).toContain('too large for a QR code');
  });

  it('escapes the five HTML-significant characters and the backtick', () => {
    expect(escapeHtml(`<>&"'\``)).toBe('&#60;&#62;&#38;&#34;&#39;&#96;');
  });
});
