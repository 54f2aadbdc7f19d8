import { IDEMPOTENCY_KEY_PATTERN } from '../openapi/zod-openapi.decorators.js';
import { ValidationProblemException } from '../problem/problem-details.js';

const KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

/**
 * The `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header) as
 * {@link ApiIdempotencyKey} documents it: 1–255 visible ASCII characters, or absent (undefined).
 * @throws ValidationProblemException (400, parameter `Idempotency-Key`) for any other value
 */
export function parseIdempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (KEY.test(raw)) return raw;
  throw new ValidationProblemException([
    { parameter: 'Idempotency-Key', detail: 'must be 1–255 visible ASCII characters' },
  ]);
}
