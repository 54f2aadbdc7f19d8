/**
 * Upcasters turn an event written with an old schema version into the newest shape when it is
 * read; stored events are never rewritten. For each event type, `steps[v]` converts data of
 * version `v` to version `v + 1`. The newest version of a type is one past its highest step.
 */
export type Upcasters = Readonly<Record<string, Readonly<Record<number, (data: never) => unknown>>>>;

/** Newest schema version of `type` (1 when it has no upcasters). */
export function latestSchemaVersion(upcasters: Upcasters, type: string): number {
  const steps = upcasters[type];
  if (!steps) return 1;
  return Math.max(1, ...Object.keys(steps).map((v) => Number(v) + 1));
}

/**
 * Applies the upcaster chain to `data` written at `version`. Throws when a step is missing
 * (a gap in the chain is a programming error, not bad input).
 */
export function upcast(upcasters: Upcasters, type: string, version: number, data: unknown): unknown {
  const latest = latestSchemaVersion(upcasters, type);
  let current = data;
  for (let v = version; v < latest; v++) {
    const step = upcasters[type]?.[v];
    if (!step) throw new Error(`No upcaster for ${type} v${v} → v${v + 1}`);
    current = (step as (data: unknown) => unknown)(current);
  }
  return current;
}
