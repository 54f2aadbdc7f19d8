// The notifications chart per environment (helm template, as charts.unit.spec.ts): the pod gets
// everything the service requires in production (NODE_ENV=production in every chart): the VAPID
// key pair by reference to a Secret (or from Vault), its subject, the allowed push hosts, SMTP and
// PUBLIC_BASE_URL. "Would start" is checked with the service's own configuration schema and VAPID
// loader, fed the rendered environment plus a value for each Secret reference.
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { loadVapidKeys } from '../../systems/notifications/notifications/src/gateway/vapid-keys.js';
import {
  notificationsConfigSchema,
  publicBaseUrlOf,
  smtpSettingsOf,
} from '../../systems/notifications/notifications/src/notifications.config.js';
import { API_HOSTS, ENVIRONMENTS, type K8sObject, one, render, template, toolchainBeforeAll } from './chart-harness.js';

const toolchain = toolchainBeforeAll();

const VAULT = ['--set', 'secrets.vault.enabled=true', '--set', 'secrets.vault.path=kv/data/notifications'];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

const container = (objects: K8sObject[], kind = 'Deployment', name = 'notifications') =>
  one(objects, kind, name).spec.template.spec.containers[0] as { env?: EnvVar[]; args: string[] };

const secretRef = (name: string, secret: string, key: string): EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

/**
 * The environment the container would see: the ConfigMap (envFrom), plain env values, and for each
 * Secret reference the value `secrets` holds for that variable (what the Secret would contain).
 */
function podEnvironment(objects: K8sObject[], secrets: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { ...(one(objects, 'ConfigMap', 'notifications-config').data as object) };
  for (const v of container(objects).env ?? []) {
    if (v.value !== undefined) env[v.name] = v.value;
    else if (v.valueFrom?.secretKeyRef) {
      const value = secrets[v.name];
      if (value === undefined) throw new Error(`no test value for the Secret-backed ${v.name}`);
      env[v.name] = value;
    }
  }
  return env;
}

describe('notifications chart: what the service needs in production, per environment', { timeout: 120_000 }, () => {
  // A key pair made for the test run (never stored): the service checks that the two halves match.
  const vapid = webpush.generateVAPIDKeys();
  const secretValues = {
    DATABASE_URL: 'postgres://notifications@notifications-db-rw:5432/app',
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    SMTP_USER: 'notifications',
    SMTP_PASSWORD: 'not-a-real-password',
  };

  for (const env of ENVIRONMENTS) {
    it(`${env}: VAPID keys by reference, subject, allowed hosts, SMTP and PUBLIC_BASE_URL; the pod would start`, async () => {
      const objects = render(toolchain(), 'notifications', env);
      const cm = one(objects, 'ConfigMap', 'notifications-config').data as Record<string, string>;
      expect(cm).toMatchObject({
        NODE_ENV: 'production',
        VAPID_SUBJECT: 'mailto:notifications@archipelago.example',
        NOTIFICATIONS_PUSH_ALLOWED_HOSTS:
          'fcm.googleapis.com,android.googleapis.com,updates.push.services.mozilla.com,*.push.apple.com,*.notify.windows.com',
        SMTP_HOST: 'smtp.archipelago.example',
        SMTP_PORT: '587',
        SMTP_TLS: 'starttls',
        SMTP_FROM: 'Archipelago <notifications@archipelago.example>',
        // Links go to this environment's edge (Kong's host), never localhost.
        PUBLIC_BASE_URL: `https://${API_HOSTS[env]}`,
      });
      // Secrets only by reference.
      for (const name of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_URL'])
        expect(Object.keys(cm)).not.toContain(name);
      for (const [kind, name] of [
        ['Deployment', 'notifications'],
        ['Job', 'notifications-migrate'],
      ] as const) {
        const vars = container(objects, kind, name).env;
        expect(vars).toContainEqual(secretRef('VAPID_PUBLIC_KEY', 'notifications-vapid', 'VAPID_PUBLIC_KEY'));
        expect(vars).toContainEqual(secretRef('VAPID_PRIVATE_KEY', 'notifications-vapid', 'VAPID_PRIVATE_KEY'));
        expect(vars).toContainEqual(secretRef('SMTP_USER', 'notifications-smtp', 'username'));
        expect(vars).toContainEqual(secretRef('SMTP_PASSWORD', 'notifications-smtp', 'password'));
      }

      // The service's own start-up checks, on what the pod would get.
      const podEnv = podEnvironment(objects, secretValues);
      const parsed = notificationsConfigSchema.safeParse(podEnv);
      expect(parsed.error?.issues ?? []).toEqual([]);
      const config = parsed.data!;
      expect(config.NODE_ENV).toBe('production');
      await expect(
        loadVapidKeys({
          production: true,
          publicKey: config.VAPID_PUBLIC_KEY,
          privateKey: config.VAPID_PRIVATE_KEY,
          subject: config.VAPID_SUBJECT,
        }),
      ).resolves.toMatchObject({ publicKey: vapid.publicKey, subject: 'mailto:notifications@archipelago.example' });
      expect(smtpSettingsOf(config)).toMatchObject({
        host: 'smtp.archipelago.example',
        port: 587,
        tls: 'starttls',
        auth: { user: 'notifications', pass: 'not-a-real-password' },
      });
      expect(publicBaseUrlOf(config)).toBe(`https://${API_HOSTS[env]}`);
      expect(config.NOTIFICATIONS_PUSH_ALLOWED_HOSTS).toContain('*.push.apple.com');
    });
  }

  it('the same check fails without the chart wiring: production refuses the bare pod environment', async () => {
    // What the chart rendered before this wiring: the ConfigMap without the notifications settings.
    const objects = render(toolchain(), 'notifications', 'prod');
    const cm = { ...(one(objects, 'ConfigMap', 'notifications-config').data as Record<string, string>) };
    for (const name of ['PUBLIC_BASE_URL', 'SMTP_HOST', 'SMTP_PORT', 'SMTP_TLS', 'SMTP_FROM', 'VAPID_SUBJECT'])
      delete cm[name];
    const parsed = notificationsConfigSchema.safeParse({ ...cm, DATABASE_URL: secretValues.DATABASE_URL });
    expect(parsed.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['PUBLIC_BASE_URL', 'SMTP_HOST']);
    await expect(loadVapidKeys({ production: true })).rejects.toThrow(
      /VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT/,
    );
  });

  it('with Vault: the keys and the SMTP login are exported from the Vault secret, no Secret is referenced', () => {
    const objects = render(toolchain(), 'notifications', 'prod', VAULT);
    for (const [kind, name] of [
      ['Deployment', 'notifications'],
      ['Job', 'notifications-migrate'],
    ] as const) {
      const pod = one(objects, kind, name).spec.template;
      const vault = pod.metadata.annotations['vault.hashicorp.com/agent-inject-template-env'] as string;
      for (const [variable, key] of [
        ['VAPID_PUBLIC_KEY', 'vapid_public_key'],
        ['VAPID_PRIVATE_KEY', 'vapid_private_key'],
        ['SMTP_USER', 'smtp_username'],
        ['SMTP_PASSWORD', 'smtp_password'],
      ])
        expect(vault).toContain(`export ${variable}='{{ .Data.data.${key} | replaceAll`);
      expect(pod.spec.containers[0].args[0]).toMatch(/^\. \/vault\/secrets\/env && exec node /);
      expect((pod.spec.containers[0].env ?? []).filter((v: EnvVar) => v.valueFrom)).toEqual([]);
    }
    // No Secret name needed with Vault.
    expect(template(toolchain(), 'notifications', 'prod', [...VAULT, '--set', 'webPush.existingSecret=']).status).toBe(
      0,
    );
  });

  it('an SMTP relay without login (smtp.auth=false): no SMTP_USER/SMTP_PASSWORD reference', () => {
    const objects = render(toolchain(), 'notifications', 'prod', [
      '--set',
      'smtp.auth=false',
      '--set',
      'smtp.tls=none',
    ]);
    const names = (container(objects).env ?? []).map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY']));
    expect(names).not.toContain('SMTP_USER');
    expect(names).not.toContain('SMTP_PASSWORD');
    expect((one(objects, 'ConfigMap', 'notifications-config').data as Record<string, string>).SMTP_TLS).toBe('none');
  });

  it.each([
    ['no VAPID Secret without Vault', ['--set', 'webPush.existingSecret='], 'webPush.existingSecret'],
    ['no SMTP login Secret with auth', ['--set', 'smtp.existingSecret='], 'smtp.existingSecret'],
    ['an unknown SMTP TLS mode', ['--set', 'smtp.tls=ssl'], 'schema'],
    ['a PUBLIC_BASE_URL that is not a URL', ['--set', 'publicBaseUrl=api.archipelago.example'], 'schema'],
    ['a push host with a scheme', ['--set', 'webPush.allowedHosts={https://fcm.googleapis.com}'], 'schema'],
  ] as const)('refuses %s', (_label, extra, message) => {
    const r = template(toolchain(), 'notifications', 'prod', [...extra]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});
