import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { KekAvailability, type MissingKek } from './kek-availability.js';

const availability = (missing: MissingKek[]) => {
  const logged: object[] = [];
  const kek = new KekAvailability({} as pg.Pool, { missingKeks: async () => missing }, { log: (m) => logged.push(m) });
  return { kek, logged };
};

describe('KekAvailability', () => {
  it('is ready when every KEK in the key table is configured', async () => {
    const { kek, logged } = availability([]);
    await expect(kek.readiness()).resolves.toEqual({ missing: [] });
    expect(logged).toEqual([]);
  });

  it('is not ready while a referenced KEK is missing, naming its kid and how many keys it wraps', async () => {
    const { kek, logged } = availability([{ kid: 'kid-gone', keys: 3 }]);
    await expect(kek.readiness()).rejects.toThrow(
      'key-encryption keys missing from REGISTRY_KEKS: kid-gone (3 data keys)',
    );
    expect(logged).toEqual([{ kid: 'kid-gone', keys: 3 }]);
  });

  it('fails readiness as soon as a request meets a missing KEK, logging its kid once a minute at most', async () => {
    const { kek, logged } = availability([]);
    await kek.refresh();
    kek.noteMissing('kid-late', 'entity-1');
    kek.noteMissing('kid-late', 'entity-2');
    await expect(kek.readiness()).rejects.toThrow('kid-late');
    expect(logged).toEqual([{ kid: 'kid-late', entityId: 'entity-1' }]);
  });
});
