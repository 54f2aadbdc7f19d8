import type { TotpFactor, TotpFactorsPort, TotpPort } from '../src/use-case/port/totp.port.js';

/** In-memory {@link TotpFactorsPort} for use-case unit tests (recovery codes kept as given). */
export class InMemoryTotpFactors implements TotpFactorsPort {
  readonly factors = new Map<string, TotpFactor>();
  readonly recoveryCodes = new Map<string, Map<string, boolean>>();

  async find(userId: string) {
    return this.factors.get(userId);
  }
  async savePending(userId: string, secret: string) {
    if (this.factors.get(userId)?.status === 'active') return false;
    this.factors.set(userId, { userId, status: 'pending', secret });
    return true;
  }
  async activate(userId: string, step: number, codes: readonly string[]) {
    const factor = this.factors.get(userId);
    if (factor?.status !== 'pending') return false;
    this.factors.set(userId, { ...factor, status: 'active', lastUsedStep: step });
    this.recoveryCodes.set(userId, new Map(codes.map((c) => [c, false])));
    return true;
  }
  async useStep(userId: string, step: number) {
    const factor = this.factors.get(userId);
    if (factor?.status !== 'active' || (factor.lastUsedStep ?? -1) >= step) return false;
    this.factors.set(userId, { ...factor, lastUsedStep: step });
    return true;
  }
  async useRecoveryCode(userId: string, code: string) {
    const codes = this.recoveryCodes.get(userId);
    if (codes?.get(code) !== false) return false;
    codes.set(code, true);
    return true;
  }
  async recoveryCodesLeft(userId: string) {
    return [...(this.recoveryCodes.get(userId)?.values() ?? [])].filter((used) => !used).length;
  }
  async remove(userId: string) {
    this.recoveryCodes.delete(userId);
    return this.factors.delete(userId);
  }
}

/**
 * A predictable {@link TotpPort}: 30 s steps; the code of a step is `<secret digits><step>` cut to
 * its last 6 digits ({@link FakeTotp.codeAt}); the window is ±1 step like the real one.
 */
export class FakeTotp implements TotpPort {
  private next = 0;
  newSecret() {
    return `S${++this.next}`;
  }
  keyUri(secret: string, accountName: string) {
    return `otpauth://totp/Test:${encodeURIComponent(accountName)}?secret=${secret}`;
  }
  async qrCodeSvg(uri: string) {
    return `<svg data-uri="${uri}"></svg>`;
  }
  stepAt(now: Date) {
    return Math.floor(now.getTime() / 30_000);
  }
  static codeAt(secret: string, step: number): string {
    return `${secret.replace(/\D/g, '')}${step}`.slice(-6).padStart(6, '0');
  }
  matchStep(secret: string, code: string, now: Date) {
    const step = this.stepAt(now);
    return [step - 1, step, step + 1].find((s) => FakeTotp.codeAt(secret, s) === code);
  }
}
