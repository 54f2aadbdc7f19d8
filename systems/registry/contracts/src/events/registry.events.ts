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
} as const;
