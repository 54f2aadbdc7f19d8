import type { Caller } from './caller.js';

const callers = new WeakMap<object, Caller>();

/** Records the verified caller of an HTTP request (the Fastify request object). */
export function attachCaller(request: object, caller: Caller): void {
  callers.set(request, caller);
}

/** The verified caller of an HTTP request, or `undefined` when it carried no valid token. */
export function callerOf(request: object): Caller | undefined {
  return callers.get(request);
}
