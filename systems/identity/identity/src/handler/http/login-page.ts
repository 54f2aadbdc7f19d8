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
