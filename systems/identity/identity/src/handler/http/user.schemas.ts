import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';
import { ROLES } from '../../entity/user/roles.js';
import { MAX_DISPLAY_NAME } from '../../entity/user/user.decider.js';

const displayName = z.string().trim().min(1).max(MAX_DISPLAY_NAME);

export const registerUserBody = z
  .object({
    email: z
      .string()
      .trim()
      .max(254)
      .email('must be an e-mail address')
      // RFC 5321 §4.5.3.1.1, as JSON Schema's `format: email` checks it.
      .refine((email) => email.slice(0, email.lastIndexOf('@')).length <= 64, 'the part before @ must be at most 64 characters'),
    password: z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters'),
    displayName,
  })
  .strict()
  .meta({
    id: 'RegisterUser',
    examples: [{ email: 'ada@example.com', password: 'correct horse battery', displayName: 'Ada Lovelace' }],
  });
export type RegisterUserBody = z.infer<typeof registerUserBody>;

export const changeMeBody = z.object({ displayName }).strict().meta({ id: 'ChangeMe', examples: [{ displayName: 'Ada King' }] });
export type ChangeMeBody = z.infer<typeof changeMeBody>;

export const changeRolesBody = z
  .object({
    roles: z
      .array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }))
      .min(1)
      .max(ROLES.length * 2),
  })
  .strict()
  .meta({ id: 'ChangeRoles', examples: [{ roles: ['customer', 'admin'] }] });
export type ChangeRolesBody = z.infer<typeof changeRolesBody>;

export const userIdParams = z.object({ id: z.string().uuid('must be a UUID') });

export const listUsersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
});

/** A user on the wire: never a password, never a hash. */
export const userDto = z
  .object({
    id: z.string().uuid(),
    email: z.string(),
    displayName: z.string(),
    roles: z.array(z.string()),
  })
  .meta({ id: 'User' });
export type UserDto = z.infer<typeof userDto>;

export const userPageDto = z
  .object({ items: z.array(userDto), nextCursor: z.string().nullable() })
  .meta({ id: 'UserPage' });
