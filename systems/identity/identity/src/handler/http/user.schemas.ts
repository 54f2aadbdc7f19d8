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
    /** A disabled account cannot sign in (admin action). */
    disabled: z.boolean(),
  })
  .meta({ id: 'User' });
export type UserDto = z.infer<typeof userDto>;

export const userPageDto = z
  .object({ items: z.array(userDto), nextCursor: z.string().nullable() })
  .meta({ id: 'UserPage' });

export const changePasswordBody = z
  .object({
    currentPassword: z.string().min(1).max(256),
    newPassword: z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters'),
  })
  .strict()
  .meta({ id: 'ChangePassword' });
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;

export const sessionIdParams = z.object({ id: z.string().uuid('must be a UUID') });

/** A live session (refresh-token family) of the caller. */
export const sessionDto = z
  .object({
    id: z.string().uuid(),
    clientId: z.string().nullable(),
    createdAt: z.string().datetime(),
    lastUsedAt: z.string().datetime(),
    ip: z.string().nullable(),
    expiresAt: z.string().datetime(),
    /** The session of the access token making this request. */
    current: z.boolean(),
  })
  .meta({ id: 'Session' });
export const sessionListDto = z.object({ items: z.array(sessionDto) }).meta({ id: 'SessionList' });

export const changeStatusBody = z.object({ disabled: z.boolean() }).strict().meta({ id: 'ChangeUserStatus' });
export type ChangeStatusBody = z.infer<typeof changeStatusBody>;
