import { describe, expect, it } from 'vitest';
import { enrolPage, recoveryCodesPage, secondFactorPage } from './login-page.js';

describe('second-factor pages', () => {
  it('ask for the code with a labelled field, the error announced and tied to it, no script', () => {
    const html = secondFactorPage({ requestId: 'r"1', clientId: '<app>', message: 'The code is incorrect.' });
    expect(html).toContain('<label for="otp">One-time code</label>');
    expect(html).toContain('autocomplete="one-time-code"');
    expect(html).toContain('inputmode="text"'); // recovery codes have letters
    expect(html).toContain('<p id="code-error" class="error" role="alert">The code is incorrect.</p>');
    expect(html).toContain('aria-describedby="code-hint code-error" aria-invalid="true"');
    expect(html).toContain('value="r&quot;1"');
    expect(html).toContain('&lt;app&gt;');
    expect(html).not.toContain('<script');
  });

  it('show the enrolment QR code as a described image, the key in groups, and an escaped otpauth link', () => {
    const html = enrolPage({
      requestId: 'r1',
      clientId: 'console',
      enrolment: {
        otpauthUri: 'otpauth://totp/Archipelago:a%40b.c?secret=ABCDEFGH&issuer=Archipelago',
        qrCodeSvg: '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1"/></svg>',
        secret: 'ABCDEFGH',
      },
    });
    expect(html).toContain(
      '<figure class="qr" role="img" aria-label="QR code of your authenticator key"><svg aria-hidden="true"',
    );
    expect(html).toContain('<code>ABCD EFGH</code>');
    expect(html).toContain('href="otpauth://totp/Archipelago:a%40b.c?secret=ABCDEFGH&amp;issuer=Archipelago"');
    expect(html).toContain('inputmode="numeric"');
  });

  it('list the recovery codes once with a form to continue', () => {
    const html = recoveryCodesPage({ requestId: 'r1', clientId: 'console', recoveryCodes: ['aaaa-bbbb-cccc-dddd'] });
    expect(html).toContain('<li>aaaa-bbbb-cccc-dddd</li>');
    expect(html).toMatch(
      /<form method="post" action="authorize">\s*<input type="hidden" name="request_id" value="r1">/,
    );
  });
});
