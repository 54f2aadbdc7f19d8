/** Who and what caused a command; stored as event metadata (correlation, causation, actor, W3C traceparent). */
export interface CommandContext {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor?: string;
  readonly traceparent?: string;
}
