import { z } from 'zod';

/**
 * Integration events published by registry/registry (its published language). Topic names
 * follow `<system>.<service>.<event-name>.v<major>`; key = item id; CloudEvents `type` =
 * `archipelago.registry.registry.<Name>`. A breaking change gets a new major (new topic);
 * additive optional fields keep the major. Recorded in ../../schemas/<Name>.json.
 */
export const registryItemCreatedV1Schema = z.object({
  itemId: z.uuid(),
  name: z.string(),
  occurredAt: z.iso.datetime(),
});
export type RegistryItemCreatedV1 = z.infer<typeof registryItemCreatedV1Schema>;

/**
 * A definition version now serves new entities of its type (`title`). Carries no schema body:
 * consumers that need it read `GET /registry/v1/schema/{definitionId}`. Key = definition id.
 */
export const definitionActivatedV1Schema = z.object({
  definitionId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  title: z.string(),
  version: z.number().int().min(1),
  activatedBy: z.string(),
  occurredAt: z.iso.datetime(),
});
export type DefinitionActivatedV1 = z.infer<typeof definitionActivatedV1Schema>;

/** What every entity event names: the entity, its type (the definition's title) and version. */
const entityEventBase = {
  entityId: z.uuid(),
  entityType: z.string(),
  definitionId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  /** The entity's version after the change (its ETag). */
  version: z.number().int().min(1),
  actor: z.string(),
  occurredAt: z.iso.datetime(),
};

/**
 * An entity was created. `body` never carries the type's `privateFields` nor `internalFields`
 * (`_osConfig`). Key = entity id.
 */
export const entityCreatedV1Schema = z.object({
  ...entityEventBase,
  definitionVersion: z.number().int().min(1),
  body: z.record(z.string(), z.unknown()),
});
export type EntityCreatedV1 = z.infer<typeof entityCreatedV1Schema>;

/** An entity was replaced or merge-patched: the new body (without private/internal fields) and the JSON Pointers of its public fields that changed (a private or internal field is never named). */
export const entityUpdatedV1Schema = z.object({
  ...entityEventBase,
  definitionVersion: z.number().int().min(1),
  body: z.record(z.string(), z.unknown()),
  changed: z.array(z.string()),
});
export type EntityUpdatedV1 = z.infer<typeof entityUpdatedV1Schema>;

/** An entity was deleted. */
export const entityDeletedV1Schema = z.object(entityEventBase);
export type EntityDeletedV1 = z.infer<typeof entityDeletedV1Schema>;

/**
 * A manager deactivated an entity (`active`/`invited` → `deactivated`): a reversible suspension (a
 * licence under review). Names the entity only: never a body, nor a private or internal field.
 * `version` is the entity's version after the change; a consumer that also reads
 * {@link EntityReactivatedV1} (another topic, so no order between the two) applies the higher
 * version and ignores an older one. Key = entity id.
 */
export const entityDeactivatedV1Schema = z.object(entityEventBase);
export type EntityDeactivatedV1 = z.infer<typeof entityDeactivatedV1Schema>;

/**
 * A manager reactivated a deactivated entity (`deactivated` → `active`); same shape and ordering
 * rule as {@link EntityDeactivatedV1}. Key = entity id.
 */
export const entityReactivatedV1Schema = z.object(entityEventBase);
export type EntityReactivatedV1 = z.infer<typeof entityReactivatedV1Schema>;

/**
 * Someone was invited into the registry (or registered themselves): an entity now exists in status
 * `invited`, owned by the person its `ownershipAttributes` name. `inviteeEmail` is the e-mail the
 * invitation goes to (the first owner e-mail of the entity; the person may have no account yet);
 * `actor` is the inviter's user id, `anonymous` for a self-registration. Never carries the body.
 * The e-mail may be a private field of the entity (the one private value an event carries, for the
 * invitation): a consumer keeps it no longer than it needs to, and forgets it on the entity's
 * `EntityDeletedV1` (same key); the registry deletes its outbox copies then (docs/systems/registry.md).
 * Key = entity id.
 */
export const entityInvitedV1Schema = z.object({
  ...entityEventBase,
  inviteeEmail: z.string().min(3),
});
export type EntityInvitedV1 = z.infer<typeof entityInvitedV1Schema>;

/**
 * What every claim event names. A claim is an owner's request that the properties of one
 * attestation policy (`_osConfig.attestationPolicies[].name`) of their entity be attested.
 */
const claimEventBase = {
  /** The claim (its own aggregate). Key of every claim event. */
  claimId: z.uuid(),
  /** The entity's type (its definition's `title`). */
  entityType: z.string(),
  entityId: z.uuid(),
  /** The definition version the policy was read from. */
  definitionId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  /** The attestation policy's name. */
  policy: z.string(),
  /** User id (token `sub`) of the entity owner who requested the attestation. */
  requester: z.string(),
  /** The policy's property paths (JSON Pointers, e.g. `/educationDetails/0/degree`). */
  properties: z.array(z.string()),
  occurredAt: z.iso.datetime(),
};

/**
 * The policy's credential template (a JSON object with `{{path}}` placeholders), present only
 * when the policy has one: a consumer issues a credential on attestation exactly when present.
 */
const credentialTemplateField = z.record(z.string(), z.unknown()).optional();

/**
 * An owner requested attestation of a policy on their entity: a claim is open. `values` are the
 * policy's property values at request time: the entity body restricted to the policy's properties,
 * same nesting (never private nor internal fields). Key = claim id.
 */
export const claimRaisedV1Schema = z.object({
  ...claimEventBase,
  /** Entity version whose values are to be attested. */
  entityVersion: z.number().int().min(1),
  values: z.record(z.string(), z.unknown()),
  credentialTemplate: credentialTemplateField,
  /**
   * The policy's `attestorRoles`: who may decide (a holder of one of them, never the requester).
   * Additive (absent on claims raised before it existed); notifications tells these users.
   */
  attestorRoles: z.array(z.string()).optional(),
  /**
   * User ids (token `sub`) of the owners of the attestor entities that satisfied the policy's
   * `attestorEntity` condition when the claim was raised (at most 20 entities; never the requester;
   * user ids only, no e-mails nor other entity fields). Empty or absent when the policy has no
   * attestor entity, no condition (any owner of the type may decide: nobody is named), or the
   * entities name no owner user id. Additive (1.x); notifications tells these users too.
   */
  attestorUserIds: z.array(z.string()).optional(),
});
export type ClaimRaisedV1 = z.infer<typeof claimRaisedV1Schema>;

/**
 * An attestor attested the claim. `attestedData` are the attested property values, frozen: the
 * entity body restricted to the policy's properties, same nesting (never private nor internal
 * fields). They are what the entity shows as `_osAttestedData[policy]` and what a credential's
 * `{{path}}` placeholders are rendered from. Key = claim id.
 */
export const claimAttestedV1Schema = z.object({
  ...claimEventBase,
  /** Entity version whose values were attested. */
  entityVersion: z.number().int().min(1),
  /** User id (token `sub`) of the attestor who decided. */
  attestor: z.string(),
  attestedData: z.record(z.string(), z.unknown()),
  /** The attestor's note, when given. */
  note: z.string().optional(),
  credentialTemplate: credentialTemplateField,
});
export type ClaimAttestedV1 = z.infer<typeof claimAttestedV1Schema>;

/** An attestor rejected the claim, with a note saying why. Key = claim id. */
export const claimRejectedV1Schema = z.object({
  ...claimEventBase,
  /** User id (token `sub`) of the attestor who decided. */
  attestor: z.string(),
  note: z.string(),
});
export type ClaimRejectedV1 = z.infer<typeof claimRejectedV1Schema>;

/**
 * A newer claim of the same policy on the same entity was raised while this one was open: this one
 * is closed undecided (status `superseded`; deciding it afterwards is refused). `requester` is the
 * owner who raised both. Key = claim id (the superseded one).
 */
export const claimSupersededV1Schema = z.object({
  ...claimEventBase,
  /** The newer claim that replaced this one. */
  supersededBy: z.uuid(),
});
export type ClaimSupersededV1 = z.infer<typeof claimSupersededV1Schema>;

/** Every integration event of registry: topic, CloudEvents type and payload schema. */
export const REGISTRY_EVENTS = {
  RegistryItemCreatedV1: {
    topic: 'registry.registry.item-created.v1',
    type: 'archipelago.registry.registry.RegistryItemCreatedV1',
    schema: registryItemCreatedV1Schema,
  },
  DefinitionActivatedV1: {
    topic: 'registry.registry.definition-activated.v1',
    type: 'archipelago.registry.registry.DefinitionActivatedV1',
    schema: definitionActivatedV1Schema,
  },
  EntityCreatedV1: {
    topic: 'registry.registry.entity-created.v1',
    type: 'archipelago.registry.registry.EntityCreatedV1',
    schema: entityCreatedV1Schema,
  },
  EntityUpdatedV1: {
    topic: 'registry.registry.entity-updated.v1',
    type: 'archipelago.registry.registry.EntityUpdatedV1',
    schema: entityUpdatedV1Schema,
  },
  EntityDeletedV1: {
    topic: 'registry.registry.entity-deleted.v1',
    type: 'archipelago.registry.registry.EntityDeletedV1',
    schema: entityDeletedV1Schema,
  },
  EntityDeactivatedV1: {
    topic: 'registry.registry.entity-deactivated.v1',
    type: 'archipelago.registry.registry.EntityDeactivatedV1',
    schema: entityDeactivatedV1Schema,
  },
  EntityReactivatedV1: {
    topic: 'registry.registry.entity-reactivated.v1',
    type: 'archipelago.registry.registry.EntityReactivatedV1',
    schema: entityReactivatedV1Schema,
  },
  EntityInvitedV1: {
    topic: 'registry.registry.entity-invited.v1',
    type: 'archipelago.registry.registry.EntityInvitedV1',
    schema: entityInvitedV1Schema,
  },
  ClaimRaisedV1: {
    topic: 'registry.registry.claim-raised.v1',
    type: 'archipelago.registry.registry.ClaimRaisedV1',
    schema: claimRaisedV1Schema,
  },
  ClaimAttestedV1: {
    topic: 'registry.registry.claim-attested.v1',
    type: 'archipelago.registry.registry.ClaimAttestedV1',
    schema: claimAttestedV1Schema,
  },
  ClaimRejectedV1: {
    topic: 'registry.registry.claim-rejected.v1',
    type: 'archipelago.registry.registry.ClaimRejectedV1',
    schema: claimRejectedV1Schema,
  },
  ClaimSupersededV1: {
    topic: 'registry.registry.claim-superseded.v1',
    type: 'archipelago.registry.registry.ClaimSupersededV1',
    schema: claimSupersededV1Schema,
  },
} as const;
