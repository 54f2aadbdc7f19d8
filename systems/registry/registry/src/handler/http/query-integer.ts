import { z } from 'zod';

/**
 * An optional integer query parameter from `min` to `max` (`fallback` when absent), documented as
 * an OpenAPI `integer`. Unlike `z.coerce.number()`, which reads `?offset=` (empty) as 0, anything but
 * decimal digits — empty, signed, fractional, repeated — is a 400 naming the parameter.
 */
export const queryInteger = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^[0-9]{1,16}$/, `must be an integer from ${min} to ${max}`)
    .optional()
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .pipe(z.number().int().min(min).max(max))
    .meta({ type: 'integer', minimum: min, maximum: max, default: fallback });
