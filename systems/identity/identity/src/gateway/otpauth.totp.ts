import { Secret, TOTP as Totp } from 'otpauth';
import QRCode from 'qrcode';
import type { TotpPort } from '../use-case/port/totp.port.js';

/** RFC 6238 parameters every common authenticator app understands. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
const ALGORITHM = 'SHA1';

/**
 * TOTP with the `otpauth` library (RFC 4226/6238) and QR codes with `qrcode` (SVG, no script).
 * `issuer` names the service in the user's app (`Archipelago`).
 */
export class OtpauthTotp implements TotpPort {
  constructor(private readonly issuer = 'Archipelago') {}

  newSecret(): string {
    return new Secret({ size: 20 }).base32;
  }

  keyUri(secret: string, accountName: string): string {
    return this.totp(secret, accountName).toString();
  }

  qrCodeSvg(uri: string): Promise<string> {
    return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  stepAt(now: Date): number {
    return Totp.counter({ period: PERIOD_SECONDS, timestamp: now.getTime() });
  }

  matchStep(secret: string, code: string, now: Date): number | undefined {
    const delta = this.totp(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
    return delta === null ? undefined : this.stepAt(now) + delta;
  }

  private totp(secret: string, label = 'user'): Totp {
    return new Totp({
      issuer: this.issuer,
      label,
      algorithm: ALGORITHM,
      digits: DIGITS,
      period: PERIOD_SECONDS,
      secret: Secret.fromBase32(secret),
    });
  }
}
