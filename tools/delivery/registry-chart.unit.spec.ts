// The registry chart's credentials issuer per environment (helm template, as charts.unit.spec.ts):
// the did:web DID and public URL differ per environment and match Kong's host, and the signing keys
// come from a Secret by reference, never as a value.
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS, one, prepareToolchain, render, template, type Toolchain } from './chart-harness.js';

// First run on a machine builds Helm with `go install` (about 5 minutes on 2 cores).
const SETUP_TIMEOUT = 20 * 60_000;
let tc: Toolchain;
beforeAll(() => {
  tc = prepareToolchain();
}, SETUP_TIMEOUT);

const HOSTS = {
  dev: 'api.dev.archipelago.example',
  qa: 'api.qa.archipelago.example',
  staging: 'api.staging.archipelago.example',
  prod: 'api.archipelago.example',
} as const;

describe('registry chart: the credentials issuer per environment', { timeout: 120_000 }, () => {
  for (const env of ENVIRONMENTS) {
    it(`${env}: the issuer is did:web of the environment's public host; keys from the Secret`, () => {
      const objects = render(tc, 'registry', env);
      const host = HOSTS[env];
      const cm = one(objects, 'ConfigMap', 'credentials-config').data;
      expect(cm).toMatchObject({
        CREDENTIALS_ISSUER_DID: `did:web:${host}`,
        CREDENTIALS_PUBLIC_URL: `https://${host}`,
        NODE_ENV: 'production',
      });
      expect(Object.keys(cm)).not.toContain('CREDENTIALS_ISSUER_KEYS');
      expect(Object.keys(cm)).not.toContain('CREDENTIALS_KEYS_DIR');
      // The DID resolves through this environment's Kong host (did:web → https://<host>/.well-known/did.json).
      const didRoute = objects.find(
        (o) => o.kind === 'Ingress' && o.spec?.rules?.some((r: { host?: string }) => r.host === host),
      );
      expect(didRoute).toBeDefined();
      for (const kind of ['Deployment', 'Job']) {
        const name = kind === 'Job' ? 'credentials-migrate' : 'credentials';
        const container = one(objects, kind, name).spec.template.spec.containers[0];
        expect(container.env).toContainEqual({
          name: 'CREDENTIALS_ISSUER_KEYS',
          valueFrom: { secretKeyRef: { name: 'registry-credentials-issuer', key: 'issuer-keys.json' } },
        });
      }
      // The registry service itself gets no issuer keys.
      const registry = one(objects, 'Deployment', 'registry').spec.template.spec.containers[0];
      expect((registry.env ?? []).map((e: { name: string }) => e.name)).not.toContain('CREDENTIALS_ISSUER_KEYS');
    });
  }

  it('refuses an issuer that is not did:web and a missing Secret name (values schema, required)', () => {
    const notDidWeb = template(tc, 'registry', 'prod', ['--set', 'credentialsIssuer.did=did:key:z6Mk']);
    expect(notDidWeb.status).not.toBe(0);
    expect(notDidWeb.stderr).toContain('credentialsIssuer');
    const noSecret = template(tc, 'registry', 'prod', ['--set', 'credentialsIssuer.existingSecret=']);
    expect(noSecret.status).not.toBe(0);
  });
});
