import type { Viewer } from '../port/command-context.js';

/** One order by id, from its event stream (always current); only the owner or an admin sees it. */
export class GetOrderQuery {
  constructor(
    readonly orderId: string,
    readonly viewer: Viewer,
  ) {}
}
