// Signs in through OpenID Connect (authorization code + PKCE S256) with the independent
// `openid-client` library, then logs out — against the running platform (`npm start`).
//
//   node tools/examples/oidc-login.mjs [issuer] [e-mail] [password]
//
// Defaults: $E/identity/v1 when E (the edge URL, as in the README sessions) is set, else
// http://localhost:8000/identity/v1; the local admin, the local public client
// `archipelago-console` (redirect URI http://localhost:5173/callback). A script has no browser:
// it plays one — loads the sign-in page, posts the form and reads the redirect that a browser
// would follow to the application (which need not run).
import * as oidc from 'openid-client';

const [
  issuer = `${process.env.E ?? 'http://localhost:8000'}/identity/v1`,
  email = 'admin@archipelago.local',
  password = 'archipelago-admin',
] = process.argv.slice(2);
const clientId = 'archipelago-console';
const redirectUri = 'http://localhost:5173/callback';

const config = await oidc.discovery(new URL(issuer), clientId, { id_token_signed_response_alg: 'ES256' }, oidc.None(), {
  execute: [oidc.allowInsecureRequests], // http on localhost only
});

// 1. The application sends the browser to the authorization endpoint.
const verifier = oidc.randomPKCECodeVerifier();
const state = oidc.randomState();
const nonce = oidc.randomNonce();
const authorizationUrl = oidc.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid email profile offline_access',
  code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  state,
  nonce,
});

// 2. The user signs in on identity's page (here: the script fills in the form).
const page = await fetch(authorizationUrl);
const requestId = /name="request_id" value="([^"]+)"/.exec(await page.text())?.[1];
if (!requestId) throw new Error(`no sign-in form at ${authorizationUrl} (HTTP ${page.status})`);
const signedIn = await fetch(new URL('authorize', `${issuer}/`), {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ request_id: requestId, email, password }),
});
const callback = signedIn.headers.get('location');
if (!callback) throw new Error(`sign-in failed: HTTP ${signedIn.status}`);

// 3. Back at the application: exchange the code (with the PKCE verifier) for tokens.
const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
});
const claims = tokens.claims();
console.log('ID token claims:', claims);
console.log('userinfo:', await oidc.fetchUserInfo(config, tokens.access_token, claims.sub));

// 4. RP-initiated logout ends the session; its refresh token stops working.
const logout = await fetch(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token }), { redirect: 'manual' });
console.log('logout:', logout.status);
const refresh = await oidc.refreshTokenGrant(config, tokens.refresh_token).then(
  () => 'still works (unexpected)',
  (error) => `refused after logout (${error.error})`,
);
console.log('refresh token:', refresh);
// The docs smoke runs this script: anything but a clean logout is a failure.
if (logout.status >= 400 || !refresh.startsWith('refused')) process.exitCode = 1;
