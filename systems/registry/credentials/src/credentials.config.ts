import { authConfigShape, baseServiceConfigSchema } from '@archipelago/platform-config';
import { z } from 'zod';

/**
 * Configuration of the registry/credentials service: the platform contract, the auth contract, and
 * the issuer:
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | `CREDENTIALS_ISSUER_DID` | the deployment's did:web (host, port as `%3A`) | `did:web:localhost%3A8000` |
 * | `CREDENTIALS_PUBLIC_URL` | public base URL (status list URLs in credentials) | `http://localhost:8000` |
 * | `CREDENTIALS_ISSUER_KEYS` | JSON JWK Set of private EC P-256 keys, current first (a Secret) | — |
 * | `CREDENTIALS_KEYS_DIR` | dir with `issuer-keys.json` (local: generated) | local: `<repo>/.data/registry/credentials/keys` |
 */
export const credentialsConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
  CREDENTIALS_ISSUER_DID: z
    .string()
    .regex(/^did:web:[A-Za-z0-9.%-]+(:[A-Za-z0-9._%-]+)*$/, 'must be a did:web DID')
    .default('did:web:localhost%3A8000'),
  CREDENTIALS_PUBLIC_URL: z.url().default('http://localhost:8000'),
  CREDENTIALS_ISSUER_KEYS: z.string().min(1).optional(),
  CREDENTIALS_KEYS_DIR: z.string().min(1).optional(),
});
export type CredentialsConfig = z.output<typeof credentialsConfigSchema>;
