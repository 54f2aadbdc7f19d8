/**
 * What the credentials service keeps of a registry entity's activation (EntityDeactivatedV1 /
 * EntityReactivatedV1) and the rule for applying one. The two events travel on two topics, so they
 * may arrive in either order: each carries the entity version after the change, and only an event
 * newer than the last one applied counts. Pure.
 */

/** The last activation change applied for an entity. */
export interface AppliedActivation {
  /** The entity version that change made (its `version`). */
  readonly version: number;
  readonly deactivated: boolean;
}

/** A registry entity was deactivated (`deactivated: true`) or reactivated, making `version`. */
export interface EntityActivationChange {
  readonly entityType: string;
  readonly entityId: string;
  readonly version: number;
  readonly deactivated: boolean;
  /** ISO 8601 instant of the change. */
  readonly occurredAt: string;
}

/**
 * `apply` when `change` is newer than the last applied activation (or none was applied): then the
 * entity's credentials are suspended (`deactivated`) or restored; `stale` when an equal or newer
 * version was applied already (an older event delivered late, or a redelivery under a new id).
 */
export function decideActivation(
  last: AppliedActivation | undefined,
  change: Pick<EntityActivationChange, 'version'>,
): 'apply' | 'stale' {
  return last !== undefined && last.version >= change.version ? 'stale' : 'apply';
}
