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

/** Every integration event of registry: topic, CloudEvents type and payload schema. */
export const REGISTRY_EVENTS = {
  RegistryItemCreatedV1: {
    topic: 'registry.registry.item-created.v1',
    type: 'archipelago.registry.registry.RegistryItemCreatedV1',
    schema: registryItemCreatedV1Schema,
  },
} as const;
