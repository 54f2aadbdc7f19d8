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
