const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Content-Security-Policy of identity's HTML pages: no script at all, no framing (clickjacking). */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

const layout = (title: string, body: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Archipelago</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1b1f24; }
  main { max-width: 24rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: .5rem; }
  h1 { font-size: 1.5rem; margin-top: 0; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .6rem; margin-top: .25rem; font-size: 1rem;
          border: 1px solid #5c6670; border-radius: .25rem; }
  input:focus, button:focus { outline: 3px solid #1f6feb; outline-offset: 2px; }
  button { margin-top: 1.5rem; width: 100%; padding: .7rem; font-size: 1rem; background: #1f4fbf;
           color: #fff; border: 0; border-radius: .25rem; cursor: pointer; }
  .error { background: #fde8e8; color: #8a1c1c; padding: .75rem; border-radius: .25rem; }
  .notice { background: #e6f4ea; color: #14532d; padding: .75rem; border-radius: .25rem; }
  button.secondary { background: #fff; color: #1f4fbf; border: 1px solid #1f4fbf; }
  .qr svg { display: block; width: 12rem; height: 12rem; margin: 1rem auto; }
  code, .codes { font-family: ui-monospace, monospace; word-break: break-all; }
  .codes { columns: 2; padding-left: 1.25rem; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;

/**
 * The sign-in page of the authorization endpoint: server-rendered, no script, accessible (WCAG
 * 2.2: a language, one h1, labelled fields with autocomplete, the error announced with
 * role="alert" and tied to the fields with aria-describedby, visible focus, 4.5:1 contrast).
 */
export function loginPage(options: { requestId: string; clientId: string; message?: string; email?: string }): string {
  const error = options.message
    ? `<p id="login-error" class="error" role="alert">${escape(options.message)}</p>\n`
    : '';
  const describedBy = options.message ? ' aria-describedby="login-error" aria-invalid="true"' : '';
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <strong>${escape(options.clientId)}</strong></p>
${error}<form method="post" action="authorize" novalidate>
  <input type="hidden" name="request_id" value="${escape(options.requestId)}">
  <label for="email">E-mail address</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="${escape(options.email ?? '')}"${describedBy}>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}>
  <button type="submit">Sign in</button>
</form>`,
  );
}

/** The one-time code field of the second-factor pages (WCAG: label, autocomplete, announced error). */
function codeForm(requestId: string, message: string | undefined, button: string, digitsOnly: boolean): string {
  const error = message ? `<p id="code-error" class="error" role="alert">${escape(message)}</p>\n` : '';
  const describedBy = message
    ? ' aria-describedby="code-hint code-error" aria-invalid="true"'
    : ' aria-describedby="code-hint"';
  return `${error}<form method="post" action="authorize" novalidate>
  <input type="hidden" name="request_id" value="${escape(requestId)}">
  <label for="otp">One-time code</label>
  <input id="otp" name="otp" type="text" inputmode="${digitsOnly ? 'numeric' : 'text'}" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required${describedBy}>
  <button type="submit">${escape(button)}</button>
</form>`;
}

/**
 * The second step of the sign-in page for an account with TOTP (RFC 6238): the 6-digit code of
 * the authenticator app, or a recovery code. Same accessibility rules as {@link loginPage}.
 */
export function secondFactorPage(options: {
  requestId: string;
  clientId: string;
  message?: string;
  notice?: string;
}): string {
  const notice = options.notice ? `<p class="notice" role="status">${escape(options.notice)}</p>\n` : '';
  return layout(
    'Two-step verification',
    `<h1>Two-step verification</h1>
<p>to continue to <strong>${escape(options.clientId)}</strong></p>
${notice}<p id="code-hint">Enter the 6-digit code your authenticator app shows, one of your recovery codes, or the 8-digit code we e-mailed you.</p>
${codeForm(options.requestId, options.message, 'Verify', false)}
<form method="post" action="authorize">
  <input type="hidden" name="request_id" value="${escape(options.requestId)}">
  <input type="hidden" name="send_email_code" value="1">
  <button type="submit" class="secondary">No phone at hand? E-mail me a code</button>
</form>`,
  );
}

/**
 * Enrolment on the sign-in page (the user's role requires a second factor): the QR code of the
 * `otpauth://` key URI (an inline SVG, described for screen readers), the key for typing, a link
 * for an app on this device, then the first code confirms it.
 */
export function enrolPage(options: {
  requestId: string;
  clientId: string;
  enrolment: { otpauthUri: string; qrCodeSvg: string; secret: string };
  message?: string;
}): string {
  const { otpauthUri, qrCodeSvg, secret } = options.enrolment;
  // The SVG comes from the qrcode library (paths only); anything else is escaped.
  const svg = qrCodeSvg.replace(/^<\?xml[^>]*>/, '').replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
  return layout(
    'Set up two-step verification',
    `<h1>Set up two-step verification</h1>
<p>Your account needs a second factor to continue to <strong>${escape(options.clientId)}</strong>.
Scan this QR code with an authenticator app, or enter the key by hand.</p>
<figure class="qr" role="img" aria-label="QR code of your authenticator key">${svg}</figure>
<p>Key: <code>${escape(secret.replace(/(.{4})/g, '$1 ').trim())}</code></p>
<p><a href="${escape(otpauthUri)}">Open in an authenticator app on this device</a></p>
<p id="code-hint">Then enter the 6-digit code the app shows.</p>
${codeForm(options.requestId, options.message, 'Turn on two-step verification', true)}`,
  );
}

/** After an enrolment on the sign-in page: the recovery codes, shown once, then continue. */
export function recoveryCodesPage(options: {
  requestId: string;
  clientId: string;
  recoveryCodes: readonly string[];
}): string {
  const items = options.recoveryCodes.map((c) => `<li>${escape(c)}</li>`).join('\n');
  return layout(
    'Save your recovery codes',
    `<h1>Save your recovery codes</h1>
<p>Two-step verification is on. If you lose your authenticator, each of these codes signs you in once.
They are shown only now: keep them somewhere safe.</p>
<ul class="codes">
${items}
</ul>
<form method="post" action="authorize">
  <input type="hidden" name="request_id" value="${escape(options.requestId)}">
  <button type="submit">Continue to ${escape(options.clientId)}</button>
</form>`,
  );
}

/** An error the user cannot fix by retrying here (unknown client, redirect URI, expired page). */
export function errorPage(error: string, description: string): string {
  return layout(
    'Sign-in error',
    `<h1>Sign-in error</h1>
<p role="alert">${escape(description)}</p>
<p>Error code: <code>${escape(error)}</code>. Go back to the application and start again.</p>`,
  );
}

/** After RP-initiated logout without a registered place to return to. */
export function signedOutPage(): string {
  return layout('Signed out', '<h1>Signed out</h1>\n<p>You have signed out. You can close this page.</p>');
}

/** A one-button page: the token of an e-mailed link is posted back (a mail scanner's GET uses nothing). */
export function verifyEmailPage(token: string): string {
  return layout(
    'Verify your e-mail address',
    `<h1>Verify your e-mail address</h1>
<p>Confirm that this address is yours.</p>
<form method="post" action="page">
  <input type="hidden" name="token" value="${escape(token)}">
  <button type="submit">Verify my address</button>
</form>`,
  );
}

/** The form of a password reset link: a new password (twice is left to password managers). */
export function resetPasswordPage(token: string, message?: string): string {
  const error = message ? `<p id="reset-error" class="error" role="alert">${escape(message)}</p>\n` : '';
  const describedBy = message ? ' aria-describedby="reset-error" aria-invalid="true"' : '';
  return layout(
    'Choose a new password',
    `<h1>Choose a new password</h1>
${error}<form method="post" action="page" novalidate>
  <input type="hidden" name="token" value="${escape(token)}">
  <label for="new-password">New password (at least 8 characters)</label>
  <input id="new-password" name="newPassword" type="password" autocomplete="new-password" minlength="8" maxlength="256" required${describedBy}>
  <button type="submit">Set the new password</button>
</form>`,
  );
}

/** The outcome of an e-mailed link: done, or why not (role="alert" for the latter). */
export function outcomePage(title: string, text: string, failed = false): string {
  return layout(title, `<h1>${escape(title)}</h1>\n<p${failed ? ' role="alert"' : ''}>${escape(text)}</p>`);
}
