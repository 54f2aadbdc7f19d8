import { z } from 'zod';

/**
 * Integration events published by registry/credentials (its published language). Topic names
 * follow `<system>.<service>.<event-name>.v<major>`; key = item id; CloudEvents `type` =
 * `archipelago.registry.credentials.<Name>`. A breaking change gets a new major (new topic);
 * additive optional fields keep the major. Recorded in ../../schemas/<Name>.json.
 */
export const credentialsItemCreatedV1Schema = z.object({
  itemId: z.uuid(),
  name: z.string(),
  occurredAt: z.iso.datetime(),
});
export type CredentialsItemCreatedV1 = z.infer<typeof credentialsItemCreatedV1Schema>;

/** Every integration event of credentials: topic, CloudEvents type and payload schema. */
export const CREDENTIALS_EVENTS = {
  CredentialsItemCreatedV1: {
    topic: 'registry.credentials.item-created.v1',
    type: 'archipelago.registry.credentials.CredentialsItemCreatedV1',
    schema: credentialsItemCreatedV1Schema,
  },
} as const;
