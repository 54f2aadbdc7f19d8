import { POSITION_CURSOR_PATTERN } from '@archipelago/platform-event-store';
import { z } from 'zod';

/**
 * The `cursor` query parameter of a keyset-paginated list ({@link keysetPageBySeq}): the
 * `nextCursor` of an earlier page. Its pattern accepts exactly the cursors the list can decode, so
 * a malformed one is a 400 validation problem and the OpenAPI document says which are valid.
 */
export const keysetCursorParam = z
  .string()
  .regex(new RegExp(POSITION_CURSOR_PATTERN), 'must be the nextCursor of an earlier page')
  .describe('The nextCursor of an earlier page (opaque); omit it for the first page.');
