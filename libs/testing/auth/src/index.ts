export {
  startTestIssuer,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_JWKS_PATH,
  type IssueOptions,
  type TestIssuer,
  type TestTokenClaims,
} from './test-issuer.js';
