/** Who and what caused a command; stored as event metadata (correlation, causation, actor, W3C traceparent). */
export interface CommandContext {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor?: string;
  readonly traceparent?: string;
}

/** Who reads or acts on orders: a customer sees only their own orders, an admin sees all. */
export interface Viewer {
  /** The token's `sub`. */
  readonly id: string;
  readonly admin: boolean;
}
