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
      .refine(
        (email) => email.slice(0, email.lastIndexOf('@')).length <= 64,
        'the part before @ must be at most 64 characters',
      ),
    password: z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters'),
    displayName,
  })
  .strict()
  .meta({
    id: 'RegisterUser',
    examples: [{ email: 'ada@example.com', password: 'correct horse battery', displayName: 'Ada Lovelace' }],
  });
export type RegisterUserBody = z.infer<typeof registerUserBody>;

export const changeMeBody = z
  .object({ displayName })
  .strict()
  .meta({ id: 'ChangeMe', examples: [{ displayName: 'Ada King' }] });
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
    /** The user proved the address (e-mailed link); claim `email_verified`. */
    emailVerified: z.boolean(),
  })
  .meta({
    id: 'User',
    examples: [
      {
        id: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
        email: 'ann@example.com',
        displayName: 'Ann',
        roles: ['customer'],
        disabled: false,
        emailVerified: true,
      },
    ],
  });
export type UserDto = z.infer<typeof userDto>;

export const userPageDto = z
  .object({ items: z.array(userDto), nextCursor: z.string().nullable() })
  .meta({
    id: 'UserPage',
    examples: [
      {
        items: [
          {
            id: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
            email: 'ann@example.com',
            displayName: 'Ann',
            roles: ['customer'],
            disabled: false,
            emailVerified: true,
          },
        ],
        nextCursor: null,
      },
    ],
  });

export const changePasswordBody = z
  .object({
    currentPassword: z.string().min(1).max(256),
    newPassword: z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters'),
  })
  .strict()
  .meta({
    id: 'ChangePassword',
    examples: [{ currentPassword: 'correct horse battery', newPassword: 'staple battery horse correct' }],
  });
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
  .meta({
    id: 'Session',
    examples: [
      {
        id: '8d0f2b4c-6e8a-4c0e-9b1d-3f5a7c9e1b3d',
        clientId: null,
        createdAt: '2026-12-06T05:00:00.000Z',
        lastUsedAt: '2026-12-06T05:14:00.000Z',
        ip: '203.0.113.7',
        expiresAt: '2027-01-05T05:00:00.000Z',
        current: true,
      },
    ],
  });
export const sessionListDto = z.object({ items: z.array(sessionDto) }).meta({
  id: 'SessionList',
  examples: [
    {
      items: [
        {
          id: '8d0f2b4c-6e8a-4c0e-9b1d-3f5a7c9e1b3d',
          clientId: null,
          createdAt: '2026-12-06T05:00:00.000Z',
          lastUsedAt: '2026-12-06T05:14:00.000Z',
          ip: '203.0.113.7',
          expiresAt: '2027-01-05T05:00:00.000Z',
          current: true,
        },
      ],
    },
  ],
});

export const changeStatusBody = z
  .object({ disabled: z.boolean() })
  .strict()
  .meta({ id: 'ChangeUserStatus', examples: [{ disabled: true }] });
export type ChangeStatusBody = z.infer<typeof changeStatusBody>;

/** The neutral answer of a registration: the same whether or not the address already had an account. */
export const registrationAcceptedDto = z.object({ status: z.literal('accepted'), detail: z.string() }).meta({
  id: 'RegistrationAccepted',
  examples: [
    {
      status: 'accepted',
      detail: 'Check your e-mail: we sent a message to the address to finish the registration.',
    },
  ],
});
export type RegistrationAcceptedDto = z.infer<typeof registrationAcceptedDto>;

const emailAddress = z
  .string()
  .trim()
  .max(254)
  .email('must be an e-mail address')
  // RFC 5321 §4.5.3.1.1, as JSON Schema's `format: email` checks it (as for registration).
  .refine(
    (email) => email.slice(0, email.lastIndexOf('@')).length <= 64,
    'the part before @ must be at most 64 characters',
  );
/** A token from an e-mailed link: base64url, 43 characters for ours (anything else simply does not match). */
const emailToken = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be the token from the link (base64url)');

export const emailRequestBody = z
  .object({ email: emailAddress })
  .strict()
  .meta({ id: 'EmailRequest', examples: [{ email: 'ada@example.com' }] });
export type EmailRequestBody = z.infer<typeof emailRequestBody>;

export const verifyEmailBody = z
  .object({ token: emailToken })
  .strict()
  .meta({ id: 'VerifyEmail', examples: [{ token: '<token from the e-mailed link>' }] });
export type VerifyEmailBody = z.infer<typeof verifyEmailBody>;

export const confirmPasswordResetBody = z
  .object({
    token: emailToken,
    newPassword: z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters'),
  })
  .strict()
  .meta({
    id: 'ConfirmPasswordReset',
    examples: [{ token: '<token from the e-mailed link>', newPassword: 'staple battery horse correct' }],
  });
export type ConfirmPasswordResetBody = z.infer<typeof confirmPasswordResetBody>;

/** The neutral answer of a request that may send an e-mail. */
export const emailRequestAcceptedDto = z.object({ status: z.literal('accepted'), detail: z.string() }).meta({
  id: 'EmailRequestAccepted',
  examples: [{ status: 'accepted', detail: 'If an account has this address, we sent it a message.' }],
});
