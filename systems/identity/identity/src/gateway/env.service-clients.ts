import { ConfigError } from '@archipelago/platform-config';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { PasswordHasherPort } from '../use-case/port/password-hasher.port.js';
import type { ServiceClient, ServiceClientsPort } from '../use-case/port/service-clients.port.js';
import { parseHash } from './scrypt.password-hasher.js';

/** File of the generated local client inside the keys dir (mode 0600). */
export const LOCAL_CLIENTS_FILE = 'clients.json';

const clientsSchema = z.array(
  z
    .object({
      id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
      secretHash: z
        .string()
        .refine((h) => parseHash(h) !== undefined, 'must be a scrypt$… hash')
        .optional(),
      secret: z.string().min(16).optional(),
      roles: z.array(z.string().min(1)).default([]),
      scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/)).default([]),
      audiences: z.array(z.string().min(1).max(200)).default([]),
    })
    .refine(
      (c) => (c.secret === undefined) !== (c.secretHash === undefined),
      'give exactly one of secret and secretHash',
    ),
);

/** Two JSON client arrays as one (the second wins per id); malformed input is left for the schema to refuse. */
function mergeClientLists(first: string, second: string): string {
  try {
    const a = JSON.parse(first) as Array<{ id?: unknown }>;
    const b = JSON.parse(second) as Array<{ id?: unknown }>;
    if (!Array.isArray(a) || !Array.isArray(b)) return second;
    return JSON.stringify([...a.filter((c) => !b.some((d) => d.id === c.id)), ...b]);
  } catch {
    return second;
  }
}

/** Service clients looked up by id. */
class StaticServiceClients implements ServiceClientsPort {
  private readonly byId: Map<string, ServiceClient>;
  constructor(clients: readonly ServiceClient[]) {
    this.byId = new Map(clients.map((c) => [c.id, c]));
  }
  find(clientId: string): ServiceClient | undefined {
    return this.byId.get(clientId);
  }
}

/**
 * Loads the client_credentials clients from `IDENTITY_CLIENTS`, a JSON array of
 * `{ "id", "secretHash": "scrypt$…" | "secret": "…", "roles": [...], "scopes": [...], "audiences": [...] }`
 * (`scopes`: the scopes it may request; `audiences`: the services it may get a token for, e.g. for
 * gRPC calls; both default to none). Plain `secret` is for
 * local use and refused in production; it is hashed in memory at start. Local mode uses (and on
 * first start writes, mode 0600) `<keysDir>/clients.json` with one client `load-tests` (role
 * customer) and a random secret, plus the clients of the variable; production has only the latter.
 * @returns the port and, in local mode, the file the local client was read from
 * @throws ConfigError naming IDENTITY_CLIENTS when it is malformed
 */
export async function loadServiceClients(
  options: { readonly json?: string; readonly production: boolean; readonly keysDir?: string },
  hasher: PasswordHasherPort,
): Promise<{ clients: ServiceClientsPort; localFile?: string }> {
  let raw: string | undefined = options.json;
  let localFile: string | undefined;
  if (!options.production && options.keysDir) {
    localFile = join(options.keysDir, LOCAL_CLIENTS_FILE);
    if (!existsSync(localFile)) {
      await mkdir(options.keysDir, { recursive: true, mode: 0o700 });
      const generated = [{ id: 'load-tests', secret: randomBytes(24).toString('base64url'), roles: ['customer'] }];
      await writeFile(localFile, JSON.stringify(generated, null, 2), { mode: 0o600 });
    }
    const local = await readFile(localFile, 'utf8');
    // Local mode: the generated file's clients plus IDENTITY_CLIENTS (the devstack's ordering client).
    raw = options.json === undefined ? local : mergeClientLists(local, options.json);
  }
  if (raw === undefined) return { clients: new StaticServiceClients([]) };
  let parsed: z.output<typeof clientsSchema>;
  try {
    parsed = clientsSchema.parse(JSON.parse(raw));
  } catch {
    throw new ConfigError(['IDENTITY_CLIENTS must be a JSON array of {id, secretHash | secret, roles}']);
  }
  if (options.production && parsed.some((c) => c.secret !== undefined)) {
    throw new ConfigError(['IDENTITY_CLIENTS must use secretHash, not secret, when NODE_ENV is production']);
  }
  const clients = await Promise.all(
    parsed.map(async (c) => ({
      id: c.id,
      roles: c.roles,
      scopes: c.scopes,
      audiences: c.audiences,
      secretHash: c.secretHash ?? (await hasher.hash(c.secret!)),
    })),
  );
  return { clients: new StaticServiceClients(clients), ...(localFile && { localFile }) };
}
