import type { EdgeRoute } from './edge-config.model.js';

/** The parts of a request that Kong routes on. */
export interface RouteRequest {
  readonly method: string;
  /** Request path as received, without the query string. */
  readonly path: string;
  /** Host header, possibly with a port. */
  readonly host?: string | undefined;
}

/** The chosen route and how the request maps to the upstream. */
export interface RouteMatch {
  readonly route: EdgeRoute;
  /** The normalized request path that was matched. */
  readonly path: string;
  /** The route path (prefix or `~regex`) that matched; undefined for routes without paths. */
  readonly routePath: string | undefined;
  /** The part removed by `strip_path` (sent as X-Forwarded-Prefix); undefined when nothing was stripped. */
  readonly strippedPrefix: string | undefined;
  /** Path to request upstream, relative to the upstream base (service path applied). */
  readonly upstreamPath: string;
}

/** The request path is not a valid absolute path (bad percent-encoding, no leading slash). */
export class InvalidRequestPathError extends Error {
  constructor(path: string) {
    super(`invalid request path: ${JSON.stringify(path)}`);
    this.name = 'InvalidRequestPathError';
  }
}

interface Candidate {
  readonly route: EdgeRoute;
  readonly routePath: string | undefined;
  readonly regex: RegExp | undefined;
  /** Compared left to right, larger first: Kong's traditional_compatible priority fields. */
  readonly priority: readonly number[];
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * Normalizes a request path the way Kong does before routing (RFC 3986 §6.2.2): percent-encoded
 * unreserved characters are decoded, other escapes upper-cased, `.`/`..` segments removed and
 * repeated slashes merged, so `/a/../b` cannot reach a route its raw text does not show.
 * @throws InvalidRequestPathError when the path is not absolute or has a malformed escape.
 */
export function normalizeRequestPath(raw: string): string {
  if (!raw.startsWith('/')) throw new InvalidRequestPathError(raw);
  let decoded = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '%') {
      decoded += ch;
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new InvalidRequestPathError(raw);
    const char = String.fromCharCode(parseInt(hex, 16));
    decoded += UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
    i += 2;
  }
  const output: string[] = [];
  const segments = decoded.replace(/\/{2,}/g, '/').split('/').slice(1);
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '.') {
      if (last) output.push('');
    } else if (segment === '..') {
      output.pop();
      if (last) output.push('');
    } else {
      output.push(segment);
    }
  });
  return `/${output.join('/')}`;
}

function compareDescending(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const diff = (b[i] ?? 0) - (a[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function hostMatches(patterns: readonly string[], rawHost: string | undefined): boolean {
  if (rawHost === undefined) return false;
  const host = rawHost.toLowerCase();
  const hostname = host.replace(/:\d+$/, '');
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    const subject = p.includes(':') ? host : hostname;
    if (p.startsWith('*.')) return subject.endsWith(p.slice(1));
    if (p.endsWith('.*')) return subject.startsWith(p.slice(0, -1));
    return subject === p;
  });
}

/**
 * Builds the upstream path from the service path and the request path the way Kong's default
 * `path_handling: v0` does: the service path and the rest of the request path are joined with
 * exactly one slash, and a trailing slash on either side is kept.
 * @param servicePath the service `path` (undefined → `/`)
 * @param requestPath normalized request path
 * @param postfix request path after the prefix removed by `strip_path`; undefined when not stripping
 */
export function buildUpstreamPath(servicePath: string | undefined, requestPath: string, postfix: string | undefined): string {
  const base = servicePath ?? '/';
  const baseEndsWithSlash = base.endsWith('/');
  if (postfix === undefined) {
    if (baseEndsWithSlash) return base + requestPath.slice(1);
    return requestPath === '/' ? base : base + requestPath;
  }
  if (postfix === '') {
    if (baseEndsWithSlash) return base;
    return requestPath.length > 1 && requestPath.endsWith('/') ? `${base}/` : base;
  }
  if (postfix.startsWith('/')) return baseEndsWithSlash ? base.slice(0, -1) + postfix : base + postfix;
  return baseEndsWithSlash ? base + postfix : `${base}/${postfix}`;
}

/**
 * Chooses the route for a request with Kong 3 semantics (traditional_compatible router):
 * every route path is a candidate; a candidate matches when its methods, hosts and path all match
 * (prefix paths by plain string prefix, `~` paths as regexes anchored at the start of the path);
 * among matches the most specific wins — more kinds of conditions, then plain hosts, then regex
 * over prefix, then higher `regex_priority`, then the longer prefix, then declaration order.
 */
export class RouteMatcher {
  private readonly candidates: readonly Candidate[];

  constructor(routes: readonly EdgeRoute[]) {
    const candidates: Candidate[] = [];
    for (const route of routes) {
      const weight = (route.methods?.length ? 1 : 0) + (route.hosts?.length ? 1 : 0) + (route.paths.length ? 1 : 0);
      const plainHostOnly = route.hosts?.length && route.hosts.every((h) => !h.includes('*')) ? 1 : 0;
      const paths: (string | undefined)[] = route.paths.length ? [...route.paths] : [undefined];
      for (const routePath of paths) {
        const isRegex = routePath?.startsWith('~') ?? false;
        const regex = isRegex ? new RegExp(`^(?:${routePath!.slice(1)})`) : undefined;
        const priority = [
          weight,
          plainHostOnly,
          0, // header count: header matching is not supported locally
          isRegex ? 1 : 0,
          isRegex ? route.regexPriority : 0,
          isRegex || routePath === undefined ? 0 : routePath.length,
        ];
        candidates.push({ route, routePath, regex, priority });
      }
    }
    this.candidates = candidates.sort((a, b) => compareDescending(a.priority, b.priority) || a.route.order - b.route.order);
  }

  /**
   * The methods of the routes whose hosts and path match the request, whatever its method: what
   * an `Allow` header should list when {@link match} found nothing only because of the method.
   * Empty when no route has that path (or one that matches it takes any method).
   * @throws InvalidRequestPathError for a malformed path.
   */
  allowedMethods(request: Omit<RouteRequest, 'method'>): string[] {
    const path = normalizeRequestPath(request.path);
    const methods = new Set<string>();
    for (const { route, routePath, regex } of this.candidates) {
      if (route.hosts?.length && !hostMatches(route.hosts, request.host)) continue;
      if (regex !== undefined ? !regex.test(path) : routePath !== undefined && !path.startsWith(routePath)) continue;
      if (!route.methods?.length) return [];
      for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }

  /**
   * @returns the match, or undefined when no route matches (Kong answers 404).
   * @throws InvalidRequestPathError for a malformed path (Kong answers 400).
   */
  match(request: RouteRequest): RouteMatch | undefined {
    const path = normalizeRequestPath(request.path);
    const method = request.method.toUpperCase();
    for (const { route, routePath, regex } of this.candidates) {
      if (route.methods?.length && !route.methods.includes(method)) continue;
      if (route.hosts?.length && !hostMatches(route.hosts, request.host)) continue;
      let matched: string | undefined;
      if (regex !== undefined) {
        matched = regex.exec(path)?.[0];
        if (matched === undefined) continue;
      } else if (routePath !== undefined) {
        if (!path.startsWith(routePath)) continue;
        matched = routePath;
      }
      const strip = route.stripPath && matched !== undefined && matched !== '';
      const postfix = strip ? path.slice(matched!.length) : undefined;
      return {
        route,
        path,
        routePath,
        strippedPrefix: strip && matched !== '/' ? matched : undefined,
        upstreamPath: buildUpstreamPath(route.service.path, path, postfix),
      };
    }
    return undefined;
  }
}
