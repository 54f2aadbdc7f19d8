import { z } from 'zod';

/** No U+0000 in a string: the platform refuses it in every request (PostgreSQL text and jsonb cannot hold it). */
const STORABLE_NAMES = { pattern: '^[^\\u0000]*$' };

/**
 * Any JSON value the platform stores: strings and member names without U+0000 (which every service
 * refuses with a 400 naming the field). The OpenAPI component `StorableJson`: a body made of it is
 * schema-valid exactly when the platform's input rule lets it through.
 */
export const storableJson: z.ZodType<unknown> = z
  .lazy(() =>
    z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(storableJson), z.record(z.string(), storableJson)]),
  )
  .meta({ id: 'StorableJson', description: 'Any JSON value whose strings and member names hold no U+0000' });

/** A JSON object of storable JSON values (member names without U+0000). */
export const storableObject = () => z.record(z.string(), storableJson);

/** JSON Schema for an object's member names (`propertyNames`), for objects with a catch-all. */
export const storableMemberNames = { propertyNames: STORABLE_NAMES };
