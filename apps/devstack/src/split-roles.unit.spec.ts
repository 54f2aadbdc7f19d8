import { describe, expect, it } from 'vitest';
import { splitRoles } from './split-roles.js';
import type { StackService } from './stack-file.schema.js';

const tasks: StackService = {
  name: 'tasks',
  system: 'scheduling',
  main: 'systems/scheduling/tasks/src/main.ts',
  httpPort: 3301,
  upstream: 'tasks.scheduling:8080',
  extraUpstreams: ['tasks-query.scheduling:8080'],
  readyPath: '/health/ready',
  env: { AUTH_JWKS_URL: 'http://127.0.0.1:${identity.httpPort}/jwks', ROLE: 'all' },
};
const catalog: StackService = {
  name: 'catalog',
  system: 'commerce',
  main: 'systems/commerce/catalog/src/main.ts',
  httpPort: 3101,
  grpcPort: 5101,
  upstream: 'catalog.commerce:8080',
  readyPath: '/health/ready',
  env: {},
};

describe('splitRoles (npm start -- --split)', () => {
  it('runs a ROLE=all service as a command process on its upstream and a query process on the query upstream, same schema, migrated once', () => {
    expect(splitRoles([tasks])).toEqual([
      {
        name: 'tasks',
        system: 'scheduling',
        main: tasks.main,
        httpPort: 3301,
        upstream: 'tasks.scheduling:8080',
        readyPath: '/health/ready',
        env: { AUTH_JWKS_URL: tasks.env.AUTH_JWKS_URL, ROLE: 'command' },
      },
      {
        name: 'tasks-query',
        serviceName: 'tasks',
        system: 'scheduling',
        main: tasks.main,
        schema: 'tasks',
        httpPort: 3351,
        grpcPort: undefined,
        upstream: 'tasks-query.scheduling:8080',
        readyPath: '/health/ready',
        env: { AUTH_JWKS_URL: tasks.env.AUTH_JWKS_URL, ROLE: 'query' },
        migrate: false,
      },
    ]);
  });

  it('leaves services that are not split (no ROLE=all, or no query upstream) as they are', () => {
    const single = { ...tasks, env: { ROLE: 'command' } };
    expect(splitRoles([catalog, single, { ...tasks, extraUpstreams: [] }])).toEqual([
      catalog,
      single,
      { ...tasks, extraUpstreams: [] },
    ]);
  });
});
