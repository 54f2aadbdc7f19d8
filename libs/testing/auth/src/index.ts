export {
  startTestIssuer,
  TEST_AUDIENCE,
  TEST_CLIENT_SECRET,
  TEST_ISSUER,
  TEST_JWKS_PATH,
  TEST_TOKEN_PATH,
  type IssueOptions,
  type TestIssuer,
  type TestTokenClaims,
} from './test-issuer.js';
