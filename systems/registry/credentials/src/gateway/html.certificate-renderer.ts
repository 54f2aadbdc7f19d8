import QRCode from 'qrcode';
import type { CertificateStatus, CertificateView } from '../entity/credential/certificate.js';
import type { CertificateRendererPort } from '../use-case/port/certificate-renderer.port.js';

/** Escapes text for HTML element content and double-quoted attribute values (OWASP rule #1/#2). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STATUS_TEXT: Record<CertificateStatus, string> = {
  active: 'Active',
  revoked: 'REVOKED',
  suspended: 'SUSPENDED',
  expired: 'EXPIRED',
  'not-yet-valid': 'Not yet valid',
};

function day(iso: string | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t)
    ? iso
    : new Date(t)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

/**
 * The certificate layout of one credential type: a heading line above the title and a sentence
 * under it. Types without their own template get {@link DEFAULT_TEMPLATE}.
 */
export interface CertificateTemplate {
  readonly kicker: string;
  readonly lead: string;
}

const DEFAULT_TEMPLATE: CertificateTemplate = {
  kicker: 'Verifiable credential',
  lead: 'This certifies that the registry attested the following record.',
};

/** Per credential type templates (the type is the credential's most specific `type`). */
export const CERTIFICATE_TEMPLATES: Readonly<Record<string, CertificateTemplate>> = {
  EnrolmentCredential: { kicker: 'Certificate of enrolment', lead: 'This certifies the enrolment recorded below.' },
  TeacherCredential: { kicker: 'Teacher certificate', lead: 'This certifies the teacher record below.' },
};

/**
 * Renders printable HTML certificates with the `qrcode` library (inline SVG, no script, no external
 * resource). The QR code holds the compact credential (byte mode, error correction M, L when it only
 * fits so); a credential too large for any QR code (> 2,953 bytes) gets a note instead.
 */
export class HtmlCertificateRenderer implements CertificateRendererPort {
  async html(view: CertificateView): Promise<string> {
    const template = CERTIFICATE_TEMPLATES[view.credentialType] ?? DEFAULT_TEMPLATE;
    const qr = await this.qrSvg(view.qrPayload);
    const e = escapeHtml;
    const rows = view.fields.map((f) => `<tr><th scope="row">${e(f.label)}</th><td>${e(f.value)}</td></tr>`).join('\n');
    const since =
      view.status === 'revoked' ? view.revokedAt : view.status === 'suspended' ? view.suspendedAt : undefined;
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(view.title)}</title>
<style>
  @page { size: A4; margin: 18mm; }
  body { font-family: Georgia, 'Times New Roman', serif; color: #1d1d1f; margin: 0; }
  main { max-width: 180mm; margin: 0 auto; padding: 12mm; border: 3px double #5b4a1f; }
  .kicker { text-transform: uppercase; letter-spacing: .2em; font-size: .8rem; color: #5b4a1f; margin: 0; }
  h1 { font-size: 2rem; margin: .3rem 0 1rem; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #ddd; overflow-wrap: anywhere; }
  th { width: 35%; font-weight: normal; color: #555; }
  .status { display: inline-block; padding: .2rem .6rem; border: 2px solid #2f6b2f; color: #2f6b2f; font-weight: bold; }
  .status.bad { border-color: #a31515; color: #a31515; }
  .verify { display: flex; gap: 1rem; align-items: flex-start; margin-top: 1rem; font-size: .85rem; }
  .verify svg { width: 60mm; height: 60mm; flex: none; }
  code { font-size: .75rem; overflow-wrap: anywhere; }
  @media print { main { border-width: 3px; } }
</style>
</head>
<body>
<main>
<p class="kicker">${e(template.kicker)}</p>
<h1>${e(view.title)}</h1>
<p>${e(template.lead)}</p>
<p>Status: <span class="status${view.status === 'active' ? '' : ' bad'}" data-status="${e(view.status)}">${e(STATUS_TEXT[view.status])}</span>${
      since ? ` since ${e(day(since))}` : ''
    }</p>
<table>
<tbody>
${rows}
</tbody>
</table>
<table class="meta">
<tbody>
<tr><th scope="row">Subject</th><td><code>${e(view.subjectId ?? '—')}</code></td></tr>
<tr><th scope="row">Issuer</th><td><code>${e(view.issuer)}</code></td></tr>
<tr><th scope="row">Valid from</th><td>${e(day(view.validFrom))}</td></tr>
<tr><th scope="row">Valid until</th><td>${e(view.validUntil ? day(view.validUntil) : 'no end date')}</td></tr>
<tr><th scope="row">Credential</th><td><code>${e(view.credentialId)}</code></td></tr>
</tbody>
</table>
<div class="verify">
${qr ?? '<p class="no-qr">This credential is too large for a QR code; ask the holder for it as application/vc+jwt.</p>'}
<p>The QR code holds the signed credential (W3C VC 2.0, VC-JOSE <code>application/vc+jwt</code>). Any VC-JOSE verifier can check it offline against the issuer's DID document, or send it to <code>POST ${e(view.verifyUrl)}</code> as <code>{"credential": "&lt;scanned text&gt;"}</code>. The current revocation and suspension status is in the credential's status lists, not on this paper.</p>
</div>
</main>
</body>
</html>
`;
  }

  private async qrSvg(payload: string): Promise<string | undefined> {
    for (const errorCorrectionLevel of ['M', 'L'] as const) {
      try {
        const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel, margin: 2 });
        return svg.replace('<svg ', '<svg role="img" aria-label="QR code of the signed credential" ');
      } catch {
        // too large for this level: try the next (lower) one
      }
    }
    return undefined;
  }
}
