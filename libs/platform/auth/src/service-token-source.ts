/** Where and as whom a service obtains tokens for calling another service. */
export interface ServiceTokenSourceOptions {
  /** Identity's token endpoint, e.g. `http://127.0.0.1:3201/identity/v1/token`. */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The callee (RFC 8707 `resource`), e.g. `catalog.commerce`: the token's audience. */
  readonly audience: string;
  /** Renew this many seconds before `expires_in` runs out; default 30. */
  readonly renewBeforeSec?: number;
  /** Timeout of one token request in ms; default 5000. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

/** Identity refused or could not issue the service token. */
export class ServiceTokenError extends Error {}

/**
 * Service tokens from the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) with the callee as
 * audience (RFC 8707 `resource`), cached until shortly before they expire; concurrent callers share
 * one request. Client authentication: HTTP Basic (RFC 6749 §2.3.1).
 */
export class ServiceTokenSource {
  private cached: { token: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: ServiceTokenSourceOptions) {}

  /**
   * A valid access token for the audience.
   * @throws ServiceTokenError when identity refuses or is unreachable
   */
  async token(): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    if (this.cached && now < this.cached.renewAt) return this.cached.token;
    this.pending ??= this.fetchToken(now).finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(now: number): Promise<string> {
    const { tokenUrl, clientId, clientSecret, audience } = this.options;
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: audience }).toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new ServiceTokenError(`token endpoint unreachable: ${(error as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    };
    if (!res.ok || typeof body.access_token !== 'string')
      throw new ServiceTokenError(`token endpoint answered ${res.status} ${String(body.error ?? '')}`.trim());
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 60;
    const renewAt = now + Math.max(lifetime - (this.options.renewBeforeSec ?? 30), lifetime / 2) * 1000;
    this.cached = { token: body.access_token, renewAt };
    return body.access_token;
  }
}
