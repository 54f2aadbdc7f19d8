import type pg from 'pg';
import { PeriodicPass } from '../background-pass.js';
import type { DataKeyStore } from './data-key.store.js';

/** A KEK that wraps data keys but is not configured. */
export interface MissingKek {
  readonly kid: string;
  /** How many data keys it wraps (entities whose private fields cannot be opened). */
  readonly keys: number;
}

/**
 * Whether every key-encryption key that wraps a data key is configured: checked from the key
 * table (`entity_data_key`: which kek ids are referenced) at {@link start} and every `intervalMs`
 * (default 60 s), and told at once by the data-key store when a request meets a missing one
 * ({@link noteMissing}). {@link readiness} is the `/health/ready` check `keks`: it fails, naming the
 * missing kids, while any is missing; it reads the last result, never the table. Missing kids are
 * logged (`key-encryption key missing`, at most once a minute per kid), never key material.
 */
export class KekAvailability {
  private readonly schedule: PeriodicPass;
  private missing: readonly MissingKek[] | undefined;
  private readonly loggedAt = new Map<string, number>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly dataKeys: Pick<DataKeyStore, 'missingKeks'>,
    private readonly options: {
      readonly intervalMs?: number;
      readonly onError?: (error: unknown) => void;
      /** A missing KEK to log (throttled): its kid, the number of keys it wraps, an entity that needed it. */
      readonly log?: (missing: { kid: string; keys?: number; entityId?: string }) => void;
    } = {},
  ) {
    this.schedule = new PeriodicPass(() => this.refresh(), options.intervalMs ?? 60_000, options.onError);
  }

  start(): void {
    this.schedule.start();
  }

  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** Reads the key table now; returns (and keeps) the missing KEKs. */
  async refresh(): Promise<readonly MissingKek[]> {
    const missing = await this.dataKeys.missingKeks(this.pool);
    this.missing = missing;
    for (const m of missing) this.log(m.kid, { keys: m.keys });
    return missing;
  }

  /** A request met a data key wrapped by `kid`, which is not configured: readiness fails from now. */
  noteMissing(kid: string, entityId: string): void {
    if (!this.missing?.some((m) => m.kid === kid)) this.missing = [...(this.missing ?? []), { kid, keys: 1 }];
    this.log(kid, { entityId });
  }

  /**
   * The readiness check: `{ missing: [] }` when every KEK in use is configured.
   * @throws Error naming the missing kids (shown in `/health/ready`'s `checks.keks.message`)
   */
  async readiness(): Promise<{ missing: readonly MissingKek[] }> {
    const missing = this.missing ?? (await this.refresh());
    if (missing.length > 0) {
      throw new Error(
        `key-encryption keys missing from REGISTRY_KEKS: ${missing.map((m) => `${m.kid} (${m.keys} data keys)`).join(', ')}`,
      );
    }
    return { missing };
  }

  private log(kid: string, extra: { keys?: number; entityId?: string }): void {
    const now = Date.now();
    if (now - (this.loggedAt.get(kid) ?? -Infinity) < 60_000) return;
    this.loggedAt.set(kid, now);
    this.options.log?.({ kid, ...extra });
  }
}
