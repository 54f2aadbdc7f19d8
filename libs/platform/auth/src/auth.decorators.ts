import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { Caller as CallerShape } from './caller.js';
import { callerOf } from './caller-of-request.js';

/**
 * Metadata key marking a route (or controller) public. A plain string, not a symbol, so that
 * `@archipelago/platform-service` can mark its health and metrics controllers without importing
 * this library (which depends on it).
 */
export const PUBLIC_ROUTE_KEY = 'archipelago:public';

/** Metadata key of the roles a route requires (see {@link Roles}). */
export const REQUIRED_ROLES_KEY = 'archipelago:roles';

/**
 * Marks a route or a whole controller as public: it is served without a token. A valid bearer
 * token is still verified and gives the handler its {@link Caller}; an invalid one is ignored
 * (the request is served as anonymous), so a public route never answers 401. In OpenAPI the
 * operation's security becomes `[]` (public; a bearer token is still read when sent).
 */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE_KEY, true), ApiSecurity({}));

/**
 * Requires the caller to hold at least one of `roles` (e.g. `@Roles('admin')`); the method's
 * decorator overrides the controller's. A caller without any of them gets 403 problem+json
 * (a missing or bad token is 401 first). Without it, any authenticated caller is served.
 */
export const Roles = (...roles: [string, ...string[]]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES_KEY, roles);

/**
 * Parameter decorator giving the handler the verified {@link CallerShape | Caller} of the request;
 * `undefined` only on a {@link Public} route called without a valid token.
 */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): CallerShape | undefined =>
  callerOf(context.switchToHttp().getRequest<object>()),
);
/** The verified caller of a request (the type of a `@Caller()` parameter); see `caller.ts`. */
export type Caller = CallerShape;
