import { ConfigError } from '@archipelago/platform-config';
import { z } from 'zod';
import type { PasswordHasherPort } from '../use-case/port/password-hasher.port.js';
import type { OidcClient, OidcClientsPort } from '../use-case/port/oidc-clients.port.js';
import { parseHash } from './scrypt.password-hasher.js';

/** The local web console's client (local mode only, when IDENTITY_OIDC_CLIENTS is not set). */
export const LOCAL_OIDC_CLIENTS = [
  {
    id: 'archipelago-console',
    public: true,
    redirectUris: ['http://localhost:5173/callback', 'http://127.0.0.1:5173/callback'],
    postLogoutRedirectUris: ['http://localhost:5173/', 'http://127.0.0.1:5173/'],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
  },
];

const uri = z
  .string()
  .url()
  .refine((u) => !u.includes('#'), 'must not contain a fragment');
const clientsSchema = z.array(
  z
    .object({
      id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
      public: z.boolean(),
      redirectUris: z.array(uri).min(1),
      postLogoutRedirectUris: z.array(uri).default([]),
      scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/)).default(['openid']),
      secret: z.string().min(16).optional(),
      secretHash: z
        .string()
        .refine((h) => parseHash(h) !== undefined, 'must be a scrypt$… hash')
        .optional(),
    })
    .refine((c) => c.public === (c.secret === undefined && c.secretHash === undefined), {
      message: 'a public client has no secret; a confidential one has secret or secretHash',
    }),
);

class StaticOidcClients implements OidcClientsPort {
  private readonly byId: Map<string, OidcClient>;
  constructor(clients: readonly OidcClient[]) {
    this.byId = new Map(clients.map((c) => [c.id, c]));
  }
  find(clientId: string): OidcClient | undefined {
    return this.byId.get(clientId);
  }
}

/**
 * The OpenID Connect clients from `IDENTITY_OIDC_CLIENTS`, a JSON array of `{ id, public,
 * redirectUris, postLogoutRedirectUris?, scopes?, secret? | secretHash? }` (plain `secret` only in
 * local mode). Without it: local mode registers {@link LOCAL_OIDC_CLIENTS}, production none.
 * @throws ConfigError naming IDENTITY_OIDC_CLIENTS when it is malformed
 */
export async function loadOidcClients(
  options: { readonly json?: string; readonly production: boolean },
  hasher: PasswordHasherPort,
): Promise<OidcClientsPort> {
  let parsed: z.output<typeof clientsSchema>;
  try {
    parsed = clientsSchema.parse(
      options.json !== undefined ? JSON.parse(options.json) : options.production ? [] : LOCAL_OIDC_CLIENTS,
    );
  } catch {
    throw new ConfigError([
      'IDENTITY_OIDC_CLIENTS must be a JSON array of {id, public, redirectUris, postLogoutRedirectUris?, scopes?, secret|secretHash?}',
    ]);
  }
  if (options.production && parsed.some((c) => c.secret !== undefined))
    throw new ConfigError(['IDENTITY_OIDC_CLIENTS must use secretHash, not secret, when NODE_ENV is production']);
  const clients = await Promise.all(
    parsed.map(async (c) => ({
      id: c.id,
      public: c.public,
      redirectUris: c.redirectUris,
      postLogoutRedirectUris: c.postLogoutRedirectUris,
      scopes: c.scopes,
      ...(!c.public && { secretHash: c.secretHash ?? (await hasher.hash(c.secret!)) }),
    })),
  );
  return new StaticOidcClients(clients);
}
