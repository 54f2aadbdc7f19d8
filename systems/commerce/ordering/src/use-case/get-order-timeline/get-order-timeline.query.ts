import type { Viewer } from '../port/command-context.js';

/** Every step of one order with its time; only the owner or an admin sees it. */
export class GetOrderTimelineQuery {
  constructor(
    readonly orderId: string,
    readonly viewer: Viewer,
  ) {}
}
