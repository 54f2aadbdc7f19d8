// The registry chart's credentials issuer per environment (helm template, as charts.unit.spec.ts):
// the did:web DID and public URL differ per environment and match Kong's host, and the signing keys
// come from a Secret by reference, never as a value.
import { describe, expect, it } from 'vitest';
import { API_HOSTS, ENVIRONMENTS, one, render, template, toolchainBeforeAll } from './chart-harness.js';

const toolchain = toolchainBeforeAll();

describe('registry chart: the credentials issuer per environment', { timeout: 120_000 }, () => {
  for (const env of ENVIRONMENTS) {
    it(`${env}: the issuer is did:web of the environment's public host; keys from the Secret`, () => {
      const objects = render(toolchain(), 'registry', env);
      const host = API_HOSTS[env];
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
    const notDidWeb = template(toolchain(), 'registry', 'prod', ['--set', 'credentialsIssuer.did=did:key:z6Mk']);
    expect(notDidWeb.status).not.toBe(0);
    expect(notDidWeb.stderr).toContain('credentialsIssuer');
    const noSecret = template(toolchain(), 'registry', 'prod', ['--set', 'credentialsIssuer.existingSecret=']);
    expect(noSecret.status).not.toBe(0);
  });
});

// The key-encryption keys of private fields (REGISTRY_KEKS, docs/adr/0011) come from a Secret or,
// with secrets.vault.enabled, from Vault: only ever by reference, never in the ConfigMap.
describe('registry chart: the key-encryption keys from a Secret or Vault', { timeout: 120_000 }, () => {
  const VAULT = ['--set', 'secrets.vault.enabled=true', '--set', 'secrets.vault.path=kv/data/registry'];
  const containers = (objects: ReturnType<typeof render>) =>
    (['Deployment', 'Job'] as const).map((kind) => {
      const name = kind === 'Job' ? 'registry-migrate' : 'registry';
      const pod = one(objects, kind, name).spec.template;
      return { kind, pod, container: pod.spec.containers[0] };
    });

  for (const env of ENVIRONMENTS) {
    it(`${env}: REGISTRY_KEKS by secretKeyRef to registry-keks, nothing in the ConfigMap`, () => {
      const objects = render(toolchain(), 'registry', env);
      for (const { container } of containers(objects)) {
        expect(container.env).toContainEqual({
          name: 'REGISTRY_KEKS',
          valueFrom: { secretKeyRef: { name: 'registry-keks', key: 'keks.json' } },
        });
      }
      const cm = one(objects, 'ConfigMap', 'registry-config').data as Record<string, string>;
      expect(Object.keys(cm)).not.toContain('REGISTRY_KEKS');
      expect(Object.keys(cm)).not.toContain('REGISTRY_KEKS_DIR');
      expect(JSON.stringify(cm)).not.toMatch(/"kty"|keks\.json/);
    });
  }

  it('with Vault: REGISTRY_KEKS is exported from the Vault secret and the Secret is not referenced', () => {
    const objects = render(toolchain(), 'registry', 'prod', VAULT);
    for (const { pod, container } of containers(objects)) {
      const template = pod.metadata.annotations['vault.hashicorp.com/agent-inject-template-env'] as string;
      // Single-quoted for the shell, quotes escaped by Vault Agent: a JSON key ring survives `.`.
      expect(template).toContain(`export REGISTRY_KEKS='{{ .Data.data.registry_keks | replaceAll "'" "'\\"'\\"'" }}'`);
      expect(container.args[0]).toMatch(/^\. \/vault\/secrets\/env && exec node /);
      expect((container.env ?? []).map((e: { name: string }) => e.name)).not.toContain('REGISTRY_KEKS');
    }
    const cm = one(objects, 'ConfigMap', 'registry-config').data as Record<string, string>;
    expect(Object.keys(cm)).not.toContain('REGISTRY_KEKS');
    // The credentials service gets no registry keys; its own issuer keys come from Vault too.
    const credentials = one(objects, 'Deployment', 'credentials').spec.template;
    const credentialsVault = credentials.metadata.annotations['vault.hashicorp.com/agent-inject-template-env'];
    expect(credentialsVault).not.toContain('REGISTRY_KEKS');
    expect(credentialsVault).toContain(
      `export CREDENTIALS_ISSUER_KEYS='{{ .Data.data.credentials_issuer_keys | replaceAll`,
    );
    expect((credentials.spec.containers[0].env ?? []).map((e: { name: string }) => e.name)).not.toContain(
      'CREDENTIALS_ISSUER_KEYS',
    );
  });

  it('values.schema.json takes vaultEnv (ENV_NAME: Vault key) and rejects a key Vault templates cannot name', () => {
    expect(
      template(toolchain(), 'registry', 'prod', [...VAULT, '--set', 'services.registry.vaultEnv.REGISTRY_KEKS=keks_v2'])
        .status,
    ).toBe(0);
    const bad = template(toolchain(), 'registry', 'prod', [
      ...VAULT,
      '--set',
      'services.registry.vaultEnv.REGISTRY_KEKS=keks-v2',
    ]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/schema/i);
  });
});
