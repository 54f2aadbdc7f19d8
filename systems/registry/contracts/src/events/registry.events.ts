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

/** An entity was replaced or merge-patched: the new body (without private/internal fields) and the JSON Pointers that changed. */
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
} as const;
