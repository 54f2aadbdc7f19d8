// The runtime model the edge serves from: kong.yml after validation, with references resolved,
// defaults applied and plugins already scoped per route (Kong's precedence computed once at start).

/** An upstream service as Kong sees it (url shorthand expanded into its parts). */
export interface EdgeService {
  readonly name: string;
  readonly protocol: 'http' | 'https';
  readonly host: string;
  /** TCP port; Kong's default is 80 for http and 443 for https. */
  readonly port: number;
  /** Base path prepended to the proxied path; `undefined` when the service has none. */
  readonly path: string | undefined;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
}

/** Effective plugin configurations for one request scope, by plugin name (already parsed). */
export type EdgePluginSet = ReadonlyMap<string, unknown>;

/** A route with its service and the plugins that apply to it. */
export interface EdgeRoute {
  /** `name` when set, otherwise a stable label (`<service>.routes[<i>]` / `routes[<i>]`) for logs. */
  readonly label: string;
  readonly name: string | undefined;
  readonly service: EdgeService;
  readonly paths: readonly string[];
  readonly methods: readonly string[] | undefined;
  readonly hosts: readonly string[] | undefined;
  readonly stripPath: boolean;
  readonly preserveHost: boolean;
  readonly regexPriority: number;
  /** Declaration order: the last tie-breaker between equally specific routes. */
  readonly order: number;
  readonly plugins: EdgePluginSet;
}

/** Everything the edge needs from one kong.yml. */
export interface EdgeConfig {
  /** The file it was read from (for messages). */
  readonly source: string;
  readonly services: readonly EdgeService[];
  readonly routes: readonly EdgeRoute[];
  /** Names of plugins configured anywhere (enabled), so unused plugins install nothing. */
  readonly pluginsInUse: ReadonlySet<string>;
}
