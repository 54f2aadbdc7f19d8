import { z } from 'zod';

const oneTimeCode = z
  .string()
  .trim()
  .min(6)
  .max(32)
  .describe('The 6-digit code of the authenticator app (spaces allowed), or for removal also a recovery code');

export const confirmTotpBody = z
  .object({ code: oneTimeCode })
  .strict()
  .meta({ id: 'ConfirmTotp', examples: [{ code: '123456' }] });
export type ConfirmTotpBody = z.infer<typeof confirmTotpBody>;

/** Starting an enrolment: the current password again (re-prompt). */
export const beginTotpBody = z
  .object({ password: z.string().min(1).max(256).describe('The current password (asked again before enrolling)') })
  .strict()
  .meta({ id: 'BeginTotp', examples: [{ password: '<current password>' }] });
export type BeginTotpBody = z.infer<typeof beginTotpBody>;

export const disableTotpBody = z
  .union([
    z.object({ password: z.string().min(1).max(256).describe('The current password') }).strict(),
    z.object({ code: oneTimeCode }).strict(),
  ])
  .meta({ id: 'DisableTotp', examples: [{ password: '<current password>' }, { code: '123456' }] });
export type DisableTotpBody = z.infer<typeof disableTotpBody>;

/** A pending enrolment: shown once, then the secret is never returned again. */
export const totpEnrolmentDto = z
  .object({
    otpauthUri: z
      .string()
      .describe('Key URI (Google Authenticator key URI format): open it on the phone or scan the QR code'),
    qrCodeSvg: z.string().describe('The key URI as a QR code, an SVG document'),
    secret: z.string().describe('Base32 secret (RFC 4648) for typing into an app that cannot scan'),
    status: z.literal('pending').describe('Pending until confirmed with POST /identity/v1/users/me/totp/confirm'),
  })
  .meta({
    id: 'TotpEnrolment',
    examples: [
      {
        otpauthUri:
          'otpauth://totp/Archipelago:ada%40example.com?issuer=Archipelago&secret=<secret>&algorithm=SHA1&digits=6&period=30',
        qrCodeSvg: '<svg xmlns="http://www.w3.org/2000/svg" …></svg>',
        secret: '<secret>',
        status: 'pending',
      },
    ],
  });

/** The recovery codes of a confirmed enrolment: shown this once, each works once. */
export const recoveryCodesDto = z
  .object({
    recoveryCodes: z
      .array(z.string())
      .describe('10 one-time recovery codes (xxxx-xxxx-xxxx-xxxx); identity keeps only their SHA-256'),
  })
  .meta({ id: 'TotpRecoveryCodes', examples: [{ recoveryCodes: ['<recovery-code-1>', '<recovery-code-2>'] }] });

/** Whether TOTP protects the caller's account. */
export const totpStatusDto = z
  .object({
    status: z.enum(['none', 'pending', 'enabled']).describe('enabled: required at every sign-in'),
    recoveryCodesLeft: z.number().int().min(0).describe('Unused recovery codes (0 unless enabled)'),
    required: z.boolean().describe("The caller's role requires a second factor (IDENTITY_MFA_REQUIRED_ROLES)"),
  })
  .meta({ id: 'TotpStatus', examples: [{ status: 'enabled', recoveryCodesLeft: 9, required: false }] });
