import { z } from 'zod';

/**
 * Integration events published by identity/identity (its published language). Topic names follow
 * `<system>.<service>.<event-name>.v<major>`; key = user id; CloudEvents `type` =
 * `archipelago.identity.identity.<Name>`. Payloads never carry credentials (no password, no
 * hash). A breaking change gets a new major (new topic); additive optional fields keep the major.
 */
export const userRegisteredV1Schema = z.object({
  /** User id (UUID). */
  id: z.string().uuid(),
  /** E-mail address, normalised to lower case. */
  email: z.string().email(),
  displayName: z.string(),
  roles: z.array(z.string()),
  occurredAt: z.string().datetime(),
});
export type UserRegisteredV1 = z.infer<typeof userRegisteredV1Schema>;

export const userRolesChangedV1Schema = z.object({
  /** User id (UUID). */
  id: z.string().uuid(),
  /** The user's roles after the change (the whole set, not a delta). */
  roles: z.array(z.string()),
  occurredAt: z.string().datetime(),
});
export type UserRolesChangedV1 = z.infer<typeof userRolesChangedV1Schema>;

export const userDisabledV1Schema = z.object({
  /** User id (UUID). The account can no longer sign in; its sessions were ended. */
  id: z.string().uuid(),
  occurredAt: z.string().datetime(),
});
export type UserDisabledV1 = z.infer<typeof userDisabledV1Schema>;

export const userEnabledV1Schema = z.object({
  /** User id (UUID). The account may sign in again. */
  id: z.string().uuid(),
  occurredAt: z.string().datetime(),
});
export type UserEnabledV1 = z.infer<typeof userEnabledV1Schema>;

export const totpEnabledV1Schema = z.object({
  /** User id (UUID). The user confirmed a TOTP authenticator: sign-ins now need a second factor. */
  id: z.string().uuid(),
  occurredAt: z.string().datetime(),
});
export type TotpEnabledV1 = z.infer<typeof totpEnabledV1Schema>;

export const totpDisabledV1Schema = z.object({
  /** User id (UUID). The user removed their TOTP authenticator: sign-ins need the password only. */
  id: z.string().uuid(),
  occurredAt: z.string().datetime(),
});
export type TotpDisabledV1 = z.infer<typeof totpDisabledV1Schema>;

/** Topic and CloudEvents type of each identity integration event. */
export const IDENTITY_EVENTS = {
  UserRegisteredV1: {
    topic: 'identity.identity.user-registered.v1',
    type: 'archipelago.identity.identity.UserRegisteredV1',
    schema: userRegisteredV1Schema,
  },
  UserRolesChangedV1: {
    topic: 'identity.identity.user-roles-changed.v1',
    type: 'archipelago.identity.identity.UserRolesChangedV1',
    schema: userRolesChangedV1Schema,
  },
  UserDisabledV1: {
    topic: 'identity.identity.user-disabled.v1',
    type: 'archipelago.identity.identity.UserDisabledV1',
    schema: userDisabledV1Schema,
  },
  UserEnabledV1: {
    topic: 'identity.identity.user-enabled.v1',
    type: 'archipelago.identity.identity.UserEnabledV1',
    schema: userEnabledV1Schema,
  },
  TotpEnabledV1: {
    topic: 'identity.identity.totp-enabled.v1',
    type: 'archipelago.identity.identity.TotpEnabledV1',
    schema: totpEnabledV1Schema,
  },
  TotpDisabledV1: {
    topic: 'identity.identity.totp-disabled.v1',
    type: 'archipelago.identity.identity.TotpDisabledV1',
    schema: totpDisabledV1Schema,
  },
} as const;
