import { type BaseServiceConfig, ConfigError } from '@archipelago/platform-config';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { z } from 'zod';
import { runServiceMain, type ServiceMainOptions } from './run-service-main.js';
import type { ServiceInfrastructure, ServiceInfrastructureClass } from './service-infrastructure.js';

// The command dispatch of an entry point, without a database: only commands that do not open one.

const CONFIG = { DATABASE_URL: 'postgres://localhost/none', DB_SCHEMA: 'none' } as unknown as BaseServiceConfig;

class Exit extends Error {
  constructor(readonly code: number | string | null | undefined) {
    super(`exit ${code}`);
  }
}

let exit: MockInstance<typeof process.exit>;
let stderr: MockInstance<typeof process.stderr.write>;
let consoleError: MockInstance<typeof console.error>;

beforeEach(() => {
  exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Exit(code);
  });
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function options(commands: ServiceMainOptions<BaseServiceConfig, ServiceInfrastructure, undefined>['commands']) {
  const infrastructure = {
    database: { system: 's', service: 'x', records: [], migrations: () => [] },
  } as unknown as ServiceInfrastructureClass<ServiceInfrastructure>;
  return {
    configSchema: z.object({}).transform(() => CONFIG),
    infrastructure,
    commands,
    module: () => {
      throw new Error('serve must not be reached');
    },
    domainErrors: {},
    openapi: { title: 'x', version: '1' },
  } satisfies ServiceMainOptions<BaseServiceConfig, ServiceInfrastructure, undefined>;
}

describe('runServiceMain', () => {
  it('runs an extra command with the configuration, then exits 0', async () => {
    const rotate = vi.fn(async () => undefined);
    await expect(runServiceMain(options({ 'rotate-keys': rotate }), ['rotate-keys'])).rejects.toEqual(new Exit(0));
    expect(rotate).toHaveBeenCalledWith(CONFIG);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 with the message of a ConfigError thrown by a command', async () => {
    const rotate = async () => {
      throw new ConfigError(['IDENTITY_KEYS_DIR is required to rotate keys']);
    };
    await expect(runServiceMain(options({ 'rotate-keys': rotate }), ['rotate-keys'])).rejects.toEqual(new Exit(1));
    expect(stderr).toHaveBeenCalledWith('Invalid configuration: IDENTITY_KEYS_DIR is required to rotate keys\n');
  });

  it('lets any other error of a command propagate', async () => {
    const boom = new Error('disk full');
    await expect(runServiceMain(options({ 'rotate-keys': () => Promise.reject(boom) }), ['rotate-keys'])).rejects.toBe(
      boom,
    );
    expect(exit).not.toHaveBeenCalled();
  });

  it('answers an unknown command with the usage on stderr and exit 2', async () => {
    const rotate = vi.fn(async () => undefined);
    await expect(runServiceMain(options({ 'rotate-keys': rotate }), ['rotate'])).rejects.toEqual(new Exit(2));
    expect(consoleError).toHaveBeenCalledWith(
      'unknown command rotate; use migrate, rotate-keys, rebuild-projections, dead-letters or nothing',
    );
    expect(rotate).not.toHaveBeenCalled();
  });

  it('lists only the built-in commands when there are no others', async () => {
    await expect(runServiceMain(options(undefined), ['toString'])).rejects.toEqual(new Exit(2));
    expect(consoleError).toHaveBeenCalledWith('unknown command toString; use migrate, rebuild-projections, dead-letters or nothing');
  });
});

describe('runServiceMain maintenance commands', () => {
  it('validate only the maintenance configuration, naming what it misses, not the serving settings', async () => {
    const saved = { ...process.env };
    delete process.env.DATABASE_URL;
    delete process.env.DB_SCHEMA;
    try {
      for (const command of ['migrate', 'rebuild-projections', 'dead-letters']) {
        stderr.mockClear();
        await expect(runServiceMain(options(undefined), [command])).rejects.toEqual(new Exit(1));
        expect(stderr).toHaveBeenCalledWith('Invalid configuration: DATABASE_URL is required; DB_SCHEMA is required\n');
      }
    } finally {
      process.env = saved;
    }
  });
});
