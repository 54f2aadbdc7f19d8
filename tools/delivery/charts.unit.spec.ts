// Every system chart × environment: helm lint --strict, helm template, offline validation of every
// object against Kubernetes 1.34 and the operators' CRD schemas; then what matters in the output
// (probes, security context, hooks, selectors, per-environment differences, schema rejections) and
// parity of the Kong routes and plugins with infra/kong/kong.yml.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  byKind,
  ENVIRONMENTS,
  type Environment,
  type K8sObject,
  one,
  prepareToolchain,
  render,
  repoRoot,
  run,
  systemCharts,
  template,
  type Toolchain,
  validate,
} from './chart-harness.js';

// First run on a machine builds Helm with `go install` (about 5 minutes on 2 cores).
const SETUP_TIMEOUT = 20 * 60_000;
let tc: Toolchain;
beforeAll(() => {
  tc = prepareToolchain();
}, SETUP_TIMEOUT);

const charts = systemCharts();

describe('charts: lint, render, validate', { timeout: 120_000 }, () => {
  it('finds every system chart with all four environments', () => {
    expect(charts.map((c) => c.name)).toEqual(expect.arrayContaining(['commerce', 'identity']));
    for (const c of charts) expect(c.envs).toEqual(['dev', 'qa', 'staging', 'prod']);
  });

  it('lints the library chart strictly', () => {
    const r = run(tc.helm, ['lint', '--strict', join(tc.chartsDir, 'service')]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  for (const { name, envs } of charts) {
    for (const env of envs) {
      it(`${name}/${env}: helm lint --strict`, () => {
        const dir = join(tc.chartsDir, name);
        const r = run(tc.helm, ['lint', '--strict', dir, '-f', join(dir, `values-${env}.yaml`)]);
        expect(r.status, r.stdout + r.stderr).toBe(0);
      });

      it(`${name}/${env}: every rendered object is valid (Kubernetes ${'1.34'} + CRDs, strict)`, () => {
        const r = template(tc, name, env);
        expect(r.status, r.stderr).toBe(0);
        const results = validate(tc, r.stdout);
        expect(results.length).toBeGreaterThan(10);
        const bad = results.filter((x) => x.status !== 'statusValid');
        expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
        const kinds = new Set(results.map((x) => x.kind));
        for (const k of [
          'Deployment',
          'Service',
          'ServiceAccount',
          'ConfigMap',
          'NetworkPolicy',
          'ServiceMonitor',
          'Job',
          'Ingress',
          'KongPlugin',
          'KafkaTopic',
        ]) {
          expect(kinds, k).toContain(k);
        }
      });
    }
  }

  it('validation rejects objects that break the schemas (the check can fail)', () => {
    const manifest = [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: x, image: x, imagePullPolice: Always}]}}}',
      'apiVersion: configuration.konghq.com/v1\nkind: KongPlugin\nmetadata: {name: x}\nplugins: cors',
      'apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: {name: x}\nspec: {partitions: 0}',
      'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: x}\nspec: {instances: "three"}',
      'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec: {selector: {}, endpoints: [{portt: http}]}',
      'apiVersion: example.com/v1\nkind: Unknown\nmetadata: {name: x}',
    ].join('\n---\n');
    const results = validate(tc, manifest);
    expect(results.map((x) => [x.kind, x.status]).sort()).toEqual([
      ['Cluster', 'statusInvalid'],
      ['Deployment', 'statusInvalid'],
      ['KafkaTopic', 'statusInvalid'],
      ['KongPlugin', 'statusInvalid'],
      ['ServiceMonitor', 'statusInvalid'],
      ['Unknown', 'statusError'],
    ]);
  });
});

describe('commerce chart: what the platform relies on', { timeout: 120_000 }, () => {
  const objects = (env: Environment, extra: string[] = []) => render(tc, 'commerce', env, extra);
  const SERVICES = ['catalog', 'ordering', 'payments'] as const;

  it('deploys catalog, ordering and payments, each with its objects', () => {
    const objs = objects('prod');
    // At least these: a service generated into commerce (nx g @archipelago/tools:service) adds its own.
    expect(
      byKind(objs, 'Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(expect.arrayContaining([...SERVICES]));
    for (const name of SERVICES) {
      for (const kind of ['ServiceAccount', 'Service', 'NetworkPolicy', 'ServiceMonitor', 'PodDisruptionBudget'])
        one(objs, kind, name);
      one(objs, 'ConfigMap', `${name}-config`);
      one(objs, 'Job', `${name}-migrate`);
      expect(one(objs, 'ConfigMap', `${name}-config`).data.DB_SCHEMA).toBe(name);
    }
  });

  it('probes the health endpoints and starts the service without migrating', () => {
    for (const name of SERVICES) {
      const pod = one(objects('prod'), 'Deployment', name).spec.template.spec;
      const c = pod.containers[0];
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(c.startupProbe.httpGet.path).toBe('/health/live');
      expect(c.args).toEqual([
        '--import',
        './dist/libs/platform/telemetry/src/register.js',
        '--import',
        './tools/register.mjs',
        `dist/systems/commerce/${name}/src/main.js`,
      ]);
    }
  });

  it('configures OpenTelemetry per environment: OTLP endpoint, parent-based ratio sampling, resource attributes', () => {
    for (const [env, ratio] of [
      ['dev', '1'],
      ['prod', '0.05'],
    ] as const) {
      const data = one(objects(env), 'ConfigMap', 'catalog-config').data;
      expect(data.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector.observability.svc:4318');
      expect(data.OTEL_TRACES_SAMPLER).toBe('parentbased_traceidratio');
      expect(data.OTEL_TRACES_SAMPLER_ARG).toBe(ratio);
      expect(data.OTEL_SERVICE_NAME).toBe('catalog');
      expect(data.OTEL_RESOURCE_ATTRIBUTES).toBe(`service.namespace=commerce,deployment.environment.name=${env}`);
    }
  });

  it('exposes a gRPC port only where a gRPC server runs (catalog)', () => {
    const objs = objects('prod');
    const portNames = (ports: { name: string }[]) => ports.map((p) => p.name);
    expect(portNames(one(objs, 'Deployment', 'catalog').spec.template.spec.containers[0].ports)).toEqual([
      'http',
      'grpc',
    ]);
    expect(portNames(one(objs, 'Service', 'catalog').spec.ports)).toEqual(['http', 'grpc']);
    expect(one(objs, 'ConfigMap', 'catalog-config').data.GRPC_PORT).toBe('50051');
    for (const name of ['ordering', 'payments']) {
      expect(portNames(one(objs, 'Deployment', name).spec.template.spec.containers[0].ports)).toEqual(['http']);
      expect(portNames(one(objs, 'Service', name).spec.ports)).toEqual(['http']);
      // No GRPC_PORT: the platform config reads its absence as "no gRPC server".
      expect(Object.keys(one(objs, 'ConfigMap', `${name}-config`).data)).not.toContain('GRPC_PORT');
      const job = one(objs, 'Job', `${name}-migrate`).spec.template.spec.containers[0];
      expect(job.env.map((e: { name: string }) => e.name)).not.toContain('GRPC_PORT');
    }
  });

  it("points ordering at catalog's gRPC Service port, which catalog's NetworkPolicy admits from ordering", () => {
    for (const env of ['dev', 'prod'] as const) {
      const objs = objects(env);
      const cm = one(objs, 'ConfigMap', 'ordering-config').data;
      const [host, port] = cm.CATALOG_GRPC_ADDRESS.split(':');
      const catalog = one(objs, 'Service', 'catalog');
      expect(host).toBe(`catalog.${catalog.metadata.namespace}`);
      const grpc = catalog.spec.ports.find((p: { name: string }) => p.name === 'grpc');
      expect(Number(port)).toBe(grpc.port);
      expect(grpc.targetPort).toBe('grpc');
      expect(cm).toMatchObject({ ORDER_TIMEOUT_MS: '30000', CATALOG_GRPC_DEADLINE_MS: '2000' });
      // catalog's gRPC server authenticates every call: ordering gets a service token as its client.
      expect(cm.SERVICE_CLIENT_ID).toBe('ordering');
      const container = one(objs, 'Deployment', 'ordering').spec.template.spec.containers[0];
      expect(container.env).toContainEqual({
        name: 'SERVICE_CLIENT_SECRET',
        valueFrom: { secretKeyRef: { name: 'commerce-ordering-client', key: 'client-secret' } },
      });
      // ordering's pods (same namespace) match a rule of catalog's policy that admits the grpc port.
      const orderingLabels = one(objs, 'Deployment', 'ordering').spec.template.metadata.labels as Record<
        string,
        string
      >;
      const np = one(objs, 'NetworkPolicy', 'catalog').spec;
      const admits = (
        np.ingress as {
          from: { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: object }[];
          ports?: { port: string | number }[];
        }[]
      ).some(
        (rule) =>
          (!rule.ports || rule.ports.some((p) => p.port === 'grpc' || p.port === grpc.port)) &&
          rule.from.some(
            (f) =>
              !f.namespaceSelector &&
              f.podSelector &&
              Object.entries(f.podSelector.matchLabels ?? {}).every(([k, v]) => orderingLabels[k] === v),
          ),
      );
      expect(admits).toBe(true);
    }
  });

  it('runs hardened: non-root, read-only root filesystem, RuntimeDefault seccomp, no capabilities', () => {
    for (const env of ['dev', 'prod'] as const) {
      const objs = objects(env);
      for (const pod of SERVICES.flatMap((n) => [one(objs, 'Deployment', n), one(objs, 'Job', `${n}-migrate`)]).map(
        (o) => o.spec.template.spec,
      )) {
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        for (const c of pod.containers) {
          expect(c.securityContext).toMatchObject({
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          });
          expect(c.resources.limits.memory).toBeTruthy();
        }
        expect(pod.volumes).toContainEqual(expect.objectContaining({ name: 'tmp', emptyDir: expect.anything() }));
      }
    }
  });

  it("runs ordering's daily sales report as a CronJob: a schedule per environment, hardened, never behind the Service", () => {
    const schedules = ENVIRONMENTS.map((env) => {
      const objs = objects(env);
      const cron = one(objs, 'CronJob', 'ordering-daily-sales-report');
      expect(cron.spec).toMatchObject({ concurrencyPolicy: 'Forbid', timeZone: 'Etc/UTC' });
      const pod = cron.spec.jobTemplate.spec.template.spec;
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      const [c] = pod.containers;
      expect(c.args.slice(-3)).toEqual(['dist/systems/commerce/ordering/src/main.js', 'report', 'daily-sales']);
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.resources.limits.memory).toBeTruthy();
      const vars = Object.fromEntries(
        c.env
          .filter((e: { value?: string }) => e.value !== undefined)
          .map((e: { name: string; value: string }) => [e.name, e.value]),
      );
      expect(vars).toMatchObject({ DB_SCHEMA: 'ordering', REPORT_TIME_ZONE: 'UTC' });
      // The Service selects the serving pods only, never the job's.
      const selector = one(objs, 'Service', 'ordering').spec.selector as Record<string, string>;
      const labels = cron.spec.jobTemplate.spec.template.metadata.labels as Record<string, string>;
      expect(Object.entries(selector).every(([k, v]) => labels[k] === v)).toBe(false);
      return cron.spec.schedule;
    });
    expect(new Set(schedules).size).toBeGreaterThan(1);
    expect(byKind(objects('prod'), 'CronJob').map((c) => c.metadata.name)).toEqual(['ordering-daily-sales-report']);
  });

  it('runs migrations as a Helm hook before upgrades (and before install with an external database)', () => {
    const prod = one(objects('prod'), 'Job', 'catalog-migrate');
    expect(prod.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    expect(prod.spec.template.spec.containers[0].args.at(-1)).toBe('migrate');
    expect(prod.spec.template.spec.restartPolicy).toBe('Never');
    // The in-release CloudNativePG Cluster only exists after install: first migration runs post-install.
    expect(one(objects('dev'), 'Job', 'catalog-migrate').metadata.annotations!['helm.sh/hook']).toBe(
      'post-install,pre-upgrade',
    );
  });

  it('selects its pods with labels the pods carry, everywhere a selector is used', () => {
    const objs = objects('prod');
    const podLabels = one(objs, 'Deployment', 'catalog').spec.template.metadata.labels;
    const selectors = [
      one(objs, 'Deployment', 'catalog').spec.selector.matchLabels,
      one(objs, 'Service', 'catalog').spec.selector,
      one(objs, 'PodDisruptionBudget', 'catalog').spec.selector.matchLabels,
      one(objs, 'NetworkPolicy', 'catalog').spec.podSelector.matchLabels,
      one(objs, 'ServiceMonitor', 'catalog').spec.selector.matchLabels,
      ...one(objs, 'Deployment', 'catalog').spec.template.spec.topologySpreadConstraints.map(
        (t: { labelSelector: { matchLabels: object } }) => t.labelSelector.matchLabels,
      ),
    ];
    for (const s of selectors) {
      expect(Object.keys(s).length).toBeGreaterThan(0);
      expect(podLabels).toMatchObject(s);
    }
    // The ServiceMonitor selects the Service, whose labels include the selector.
    expect(one(objs, 'Service', 'catalog').metadata.labels).toMatchObject(
      one(objs, 'ServiceMonitor', 'catalog').spec.selector.matchLabels,
    );
    // Labels that vary per release (version, chart) never enter a selector: upgrades keep selecting.
    for (const s of selectors) expect(Object.keys(s)).not.toContain('app.kubernetes.io/version');
    expect(one(objs, 'HorizontalPodAutoscaler', 'catalog').spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'catalog',
    });
  });

  it('admits traffic only from its namespace, Kong and monitoring', () => {
    for (const name of SERVICES) {
      const np = one(objects('prod'), 'NetworkPolicy', name);
      expect(np.spec.policyTypes).toEqual(['Ingress']);
      const namespaces = np.spec.ingress.flatMap(
        (r: { from: { namespaceSelector?: { matchLabels: Record<string, string> } }[] }) =>
          r.from.map((f) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] ?? 'same-namespace'),
      );
      expect(namespaces.sort()).toEqual(['kong', 'monitoring', 'same-namespace']);
    }
  });

  it('takes secrets by reference only', () => {
    const dev = one(objects('dev'), 'Deployment', 'catalog').spec.template.spec.containers[0];
    expect(dev.env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'commerce-db-app', key: 'uri' } },
    });
    const prod = one(objects('prod'), 'Deployment', 'catalog').spec.template.spec.containers[0];
    expect(prod.env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'commerce-database', key: 'DATABASE_URL' } },
    });
    for (const name of ['ordering', 'payments']) {
      expect(one(objects('prod'), 'Deployment', name).spec.template.spec.containers[0].env).toContainEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'commerce-database', key: 'DATABASE_URL' } },
      });
      const data = one(objects('prod'), 'ConfigMap', `${name}-config`).data;
      expect(Object.keys(data)).not.toContain('DATABASE_URL');
      expect(data).toMatchObject({
        SERVICE_NAME: name,
        DB_SCHEMA: name,
        COMMERCE_CURRENCY: 'USD',
        AUTH_JWKS_URL: 'http://identity.identity:8080/identity/v1/.well-known/jwks.json',
        AUTH_AUDIENCE: 'archipelago',
        AUTH_ISSUER: 'https://api.archipelago.example/identity/v1',
      });
    }
    const cm = one(objects('prod'), 'ConfigMap', 'catalog-config');
    expect(Object.keys(cm.data)).not.toContain('DATABASE_URL');
    expect(cm.data).toMatchObject({
      SERVICE_NAME: 'catalog',
      SYSTEM: 'commerce',
      HTTP_PORT: '8080',
      GRPC_PORT: '50051',
      DB_SCHEMA: 'catalog',
      MESSAGING_TRANSPORT: 'kafka',
      COMMERCE_CURRENCY: 'USD',
      AUTH_JWKS_URL: 'http://identity.identity:8080/identity/v1/.well-known/jwks.json',
      AUTH_ISSUER: 'https://api.archipelago.example/identity/v1',
    });

    const vault = objects('prod', [
      '--set',
      'secrets.vault.enabled=true',
      '--set',
      'secrets.vault.path=secret/data/commerce/catalog',
    ]);
    const pod = one(vault, 'Deployment', 'catalog').spec.template;
    expect(pod.metadata.annotations).toMatchObject({
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/agent-inject-secret-env': 'secret/data/commerce/catalog',
    });
    expect(pod.spec.containers[0].env ?? []).toEqual([]);
    expect(pod.spec.containers[0].args[0]).toMatch(/^\. \/vault\/secrets\/env && exec node /);
  });

  it('creates a KafkaTopic per topic and per dead-letter topic', () => {
    const topics = byKind(objects('prod'), 'KafkaTopic');
    // The order saga's topics: docs/systems/commerce-saga-contract.md (a generated service adds its own).
    expect(topics.map((t) => t.spec.topicName).sort()).toEqual(
      expect.arrayContaining(
        [
          'commerce.catalog.product-created.v1',
          'commerce.catalog.stock-adjusted.v1',
          'commerce.catalog.stock-levels.v1',
          'commerce.catalog.stock-reservations.v1',
          'commerce.ordering.orders.v1',
          'commerce.ordering.payment-commands.v1',
          'commerce.ordering.stock-commands.v1',
          'commerce.payments.payments.v1',
          'commerce.payments.wallet.v1',
        ]
          .flatMap((t) => [t, `${t}.dlq`])
          .sort(),
      ),
    );
    for (const t of topics) expect(t.metadata.labels!['strimzi.io/cluster']).toBe('archipelago');
  });

  it('differs per environment where it should', () => {
    const dev = objects('dev');
    const qa = objects('qa');
    const staging = objects('staging');
    const prod = objects('prod');
    // replicas: fixed in dev/qa, HPA-driven in staging/prod — the same for every service
    for (const name of SERVICES) {
      expect(one(dev, 'Deployment', name).spec.replicas).toBe(1);
      expect(one(qa, 'Deployment', name).spec.replicas).toBe(2);
      expect(one(prod, 'Deployment', name).spec.replicas).toBeUndefined();
      expect(one(staging, 'HorizontalPodAutoscaler', name).spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
      expect(one(prod, 'HorizontalPodAutoscaler', name).spec).toMatchObject({ minReplicas: 3, maxReplicas: 12 });
      expect(one(prod, 'PodDisruptionBudget', name).spec.minAvailable).toBe(2);
      expect(one(prod, 'Deployment', name).spec.template.spec.containers[0].resources.requests.cpu).toBe('500m');
    }
    expect(byKind(dev, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(byKind(dev, 'PodDisruptionBudget')).toEqual([]);
    // database: in-cluster CloudNativePG in dev/qa, external in staging/prod
    expect(one(dev, 'Cluster').spec.instances).toBe(1);
    expect(one(qa, 'Cluster').spec.instances).toBe(2);
    expect(byKind(prod, 'Cluster')).toEqual([]);
    // log level, rate limits, CORS origins, Kafka sizing
    for (const name of SERVICES) {
      const cm = (o: K8sObject[]) => one(o, 'ConfigMap', `${name}-config`).data.LOG_LEVEL;
      expect([cm(dev), cm(qa), cm(staging), cm(prod)]).toEqual(['debug', 'info', 'info', 'warn']);
      // Every service expects the issuer of its environment.
      const issuer = (o: K8sObject[]) => one(o, 'ConfigMap', `${name}-config`).data.AUTH_ISSUER;
      expect([issuer(dev), issuer(qa), issuer(staging), issuer(prod)]).toEqual([
        'https://api.dev.archipelago.example/identity/v1',
        'https://api.qa.archipelago.example/identity/v1',
        'https://api.staging.archipelago.example/identity/v1',
        'https://api.archipelago.example/identity/v1',
      ]);
    }
    const limit = (o: K8sObject[]) => one(o, 'KongPlugin', 'commerce-rate-limiting').config.minute;
    expect(limit(dev)).toBeGreaterThan(limit(prod));
    expect(one(prod, 'KongPlugin', 'commerce-cors').config.origins).toEqual(['https://console.archipelago.example']);
    expect(byKind(dev, 'KafkaTopic')[0]!.spec.replicas).toBe(1);
    expect(byKind(prod, 'KafkaTopic')[0]!.spec.replicas).toBe(3);
  });

  it('pins the image by digest', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    for (const name of SERVICES) {
      const objs = objects('prod', ['--set', `services.${name}.image.digest=${digest}`]);
      expect(one(objs, 'Deployment', name).spec.template.spec.containers[0].image).toBe(
        `ghcr.io/archipelago/commerce-${name}@${digest}`,
      );
      expect(one(objs, 'Job', `${name}-migrate`).spec.template.spec.containers[0].image).toBe(
        `ghcr.io/archipelago/commerce-${name}@${digest}`,
      );
    }
  });

  it.each([
    [
      'a tag instead of a digest in prod',
      'prod',
      ['--set', 'services.catalog.image.digest=', '--set', 'services.catalog.image.tag=latest'],
    ],
    [
      'a tag instead of a digest in prod (ordering)',
      'prod',
      ['--set', 'services.ordering.image.digest=', '--set', 'services.ordering.image.tag=latest'],
    ],
    ['a malformed digest', 'dev', ['--set', 'services.catalog.image.digest=sha256:abc']],
    ['an unknown key under grpc', 'dev', ['--set', 'services.payments.grpc.port=50051']],
    ['zero replicas', 'dev', ['--set', 'serviceDefaults.replicas=0']],
    ['an unknown environment', 'dev', ['--set', 'environment=test']],
    ['an unknown top-level key', 'dev', ['--set', 'replicaCount=3']],
    ['a wildcard CORS origin in prod', 'prod', ['--set', 'kong.plugins.cors.origins={*}']],
    ['an external database without its Secret', 'staging', ['--set', 'database.external.existingSecret=']],
    ['a non-Kong ingress class', 'dev', ['--set', 'kong.ingressClassName=nginx']],
    ['a bad CPU quantity', 'dev', ['--set', 'serviceDefaults.resources.requests.cpu=lots']],
    ['overriding DATABASE_URL as plain env', 'dev', ['--set', 'services.catalog.env.DATABASE_URL=postgres://x']],
    ['a topic name outside the naming rule', 'dev', ['--set', 'kafka.topics.list[0].name=Products']],
    ['no PDB in prod', 'prod', ['--set', 'serviceDefaults.pdb.enabled=false']],
  ] as const)('values.schema.json rejects %s', (_label, env, extra) => {
    const r = template(tc, 'commerce', env, [...extra]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/schema/i);
  });
});

describe('identity chart: secrets by reference, the issuer consumer, its topics', { timeout: 120_000 }, () => {
  const objects = (env: Environment, extra: string[] = []) => render(tc, 'identity', env, extra);
  const container = (objs: K8sObject[], kind = 'Deployment') =>
    one(objs, kind, kind === 'Job' ? 'identity-migrate' : 'identity').spec.template.spec.containers[0];
  const secretRef = (name: string, key: string) => ({ valueFrom: { secretKeyRef: { name, key } } });

  it('mounts the signing keys from an existing Secret and reads the admin from one, in Deployment and Job', () => {
    for (const env of ['dev', 'prod'] as const) {
      const objs = objects(env);
      for (const kind of ['Deployment', 'Job']) {
        const pod = one(objs, kind, kind === 'Job' ? 'identity-migrate' : 'identity').spec.template.spec;
        const c = pod.containers[0];
        expect(c.volumeMounts).toContainEqual({
          name: 'signing-keys',
          mountPath: '/var/run/secrets/archipelago/identity-keys',
          readOnly: true,
        });
        expect(pod.volumes).toContainEqual({
          name: 'signing-keys',
          secret: {
            secretName: 'identity-signing-keys',
            defaultMode: 0o440,
            items: [{ key: 'signing-keys.json', path: 'signing-keys.json' }],
          },
        });
        expect(c.env).toContainEqual({ name: 'ADMIN_EMAIL', ...secretRef('identity-admin', 'email') });
        expect(c.env).toContainEqual({ name: 'ADMIN_PASSWORD', ...secretRef('identity-admin', 'password') });
        expect(c.env).toContainEqual({
          name: 'IDENTITY_TOTP_ENCRYPTION_KEYS',
          ...secretRef('identity-totp-encryption', 'keys'),
        });
      }
      const cm = one(objs, 'ConfigMap', 'identity-config').data;
      expect(cm.IDENTITY_KEYS_DIR).toBe('/var/run/secrets/archipelago/identity-keys');
      expect(cm.NODE_ENV).toBe('production');
      for (const k of [
        'ADMIN_EMAIL',
        'ADMIN_PASSWORD',
        'IDENTITY_SIGNING_KEYS',
        'IDENTITY_CLIENTS',
        'IDENTITY_TOTP_ENCRYPTION_KEYS',
        'DATABASE_URL',
      ])
        expect(Object.keys(cm)).not.toContain(k);
    }
    expect(one(objects('prod'), 'ConfigMap', 'identity-config').data.IDENTITY_ISSUER).toBe(
      'https://api.archipelago.example/identity/v1',
    );
  });

  it('takes the signing keys as IDENTITY_SIGNING_KEYS, service clients, and admin from Vault when asked', () => {
    const env = container(
      objects('prod', [
        '--set',
        'identity.signingKeys.as=env',
        '--set',
        'identity.clients.existingSecret=identity-clients',
      ]),
    ).env;
    expect(env).toContainEqual({
      name: 'IDENTITY_SIGNING_KEYS',
      ...secretRef('identity-signing-keys', 'signing-keys.json'),
    });
    expect(env).toContainEqual({ name: 'IDENTITY_CLIENTS', ...secretRef('identity-clients', 'clients.json') });
    const vault = objects('prod', [
      '--set',
      'secrets.vault.enabled=true',
      '--set',
      'secrets.vault.path=kv/data/identity',
      '--set',
      'identity.admin.existingSecret=',
    ]);
    const pod = one(vault, 'Deployment', 'identity').spec.template;
    expect((pod.spec.containers[0].env ?? []).map((e: { name: string }) => e.name)).not.toContain('ADMIN_PASSWORD');
    const template = pod.metadata.annotations['vault.hashicorp.com/agent-inject-template-env'];
    // Single-quoted for the shell, ' escaped by Vault Agent: a password with " $ or ` arrives unchanged.
    const quoted = `| replaceAll "'" "'\\"'\\"'" }}'`;
    expect(template).toContain(`export ADMIN_EMAIL='{{ .Data.data.admin_email ${quoted}`);
    expect(template).toContain(`export ADMIN_PASSWORD='{{ .Data.data.admin_password ${quoted}`);
    // The keys stay a mounted Secret with Vault too.
    expect(pod.spec.volumes.map((v: { name: string }) => v.name)).toContain('signing-keys');
  });

  it('renders no key material anywhere, and the credential Secret holds only a Kong vault reference', () => {
    for (const { name } of charts) {
      for (const env of ['dev', 'prod'] as const) {
        const r = template(tc, name, env);
        expect(r.stdout).not.toMatch(/-----BEGIN|"d"\s*:|PRIVATE KEY/);
      }
    }
    const secrets = byKind(objects('prod'), 'Secret');
    expect(secrets.map((x) => x.metadata.name)).toEqual(['identity-issuer-jwt']);
    expect(secrets[0]!.stringData.rsa_public_key).toMatch(/^\{vault:\/\/env\/[a-z-]+\}$/);
    // A platform-provided credential Secret: the chart creates none and references it.
    const external = objects('prod', ['--set', 'kong.consumer.credential.existingSecret=identity-issuer-credential']);
    expect(byKind(external, 'Secret')).toEqual([]);
    expect(one(external, 'KongConsumer').credentials).toEqual(['identity-issuer-credential']);
  });

  it('declares its topics with DLQs and admits commerce (JWKS) through its NetworkPolicy', () => {
    const objs = objects('prod');
    expect(
      byKind(objs, 'KafkaTopic')
        .map((t) => t.spec.topicName)
        .sort(),
    ).toEqual([
      'identity.identity.email-otp-requested.v1',
      'identity.identity.email-otp-requested.v1.dlq',
      'identity.identity.email-verification-requested.v1',
      'identity.identity.email-verification-requested.v1.dlq',
      'identity.identity.new-sign-in-detected.v1',
      'identity.identity.new-sign-in-detected.v1.dlq',
      'identity.identity.password-changed.v1',
      'identity.identity.password-changed.v1.dlq',
      'identity.identity.password-reset-requested.v1',
      'identity.identity.password-reset-requested.v1.dlq',
      'identity.identity.registration-attempted.v1',
      'identity.identity.registration-attempted.v1.dlq',
      'identity.identity.totp-disabled.v1',
      'identity.identity.totp-disabled.v1.dlq',
      'identity.identity.totp-enabled.v1',
      'identity.identity.totp-enabled.v1.dlq',
      'identity.identity.user-disabled.v1',
      'identity.identity.user-disabled.v1.dlq',
      'identity.identity.user-enabled.v1',
      'identity.identity.user-enabled.v1.dlq',
      'identity.identity.user-registered.v1',
      'identity.identity.user-registered.v1.dlq',
      'identity.identity.user-roles-changed.v1',
      'identity.identity.user-roles-changed.v1.dlq',
    ]);
    // Topics carrying e-mail tokens are kept one day, not the default week.
    const retention = (name: string) =>
      byKind(objs, 'KafkaTopic').find((t) => t.spec.topicName === name)!.spec.config['retention.ms'];
    expect(retention('identity.identity.password-reset-requested.v1')).toBe(86400000);
    expect(retention('identity.identity.email-otp-requested.v1')).toBe(86400000);
    expect(retention('identity.identity.user-registered.v1')).toBe(604800000);
    const np = one(objs, 'NetworkPolicy', 'identity');
    expect(np.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'commerce' } } }],
      ports: [{ port: 'http', protocol: 'TCP' }],
    });
    // commerce validates tokens against identity's JWKS at the in-cluster address identity serves.
    const jwks = new URL(one(render(tc, 'commerce', 'prod'), 'ConfigMap', 'catalog-config').data.AUTH_JWKS_URL);
    expect(jwks.hostname).toBe('identity.identity');
    expect(Number(jwks.port)).toBe(one(objs, 'Service', 'identity').spec.ports[0].port);
  });

  it('runs migrations as a hook, hardened, and differs per environment', () => {
    const dev = objects('dev');
    const prod = objects('prod');
    expect(one(prod, 'Job', 'identity-migrate').metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(one(dev, 'Job', 'identity-migrate').metadata.annotations!['helm.sh/hook']).toBe('post-install,pre-upgrade');
    expect(container(prod, 'Job').args.at(-1)).toBe('migrate');
    expect(container(prod).securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(container(prod).livenessProbe.httpGet.path).toBe('/health/live');
    expect(one(dev, 'Cluster').spec.bootstrap.initdb.database).toBe('identity');
    expect(byKind(prod, 'Cluster')).toEqual([]);
    expect(container(prod).env).toContainEqual({
      name: 'DATABASE_URL',
      ...secretRef('identity-database', 'DATABASE_URL'),
    });
    const tokenLimit = (o: K8sObject[]) => one(o, 'KongPlugin', 'identity-token-rate-limiting').config;
    expect(tokenLimit(dev).minute).toBeGreaterThan(tokenLimit(prod).minute);
    expect(tokenLimit(prod)).toMatchObject({ limit_by: 'ip', minute: 30 });
    expect(one(prod, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 3, maxReplicas: 12 });
    expect(byKind(dev, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it.each([
    ['a plain-text admin password', 'dev', ['--set', 'services.identity.env.ADMIN_PASSWORD=secret123']],
    ['signing keys as plain env', 'dev', ['--set', 'services.identity.env.IDENTITY_SIGNING_KEYS={}']],
    ['no signing keys Secret', 'dev', ['--set', 'identity.signingKeys.existingSecret=']],
    ['no admin Secret without Vault', 'prod', ['--set', 'identity.admin.existingSecret=']],
    [
      'a PEM instead of a vault reference',
      'dev',
      ['--set', 'kong.consumer.credential.rsaPublicKeyRef=-----BEGIN PUBLIC KEY-----'],
    ],
    ['an algorithm other than ES256', 'dev', ['--set', 'kong.consumer.credential.algorithm=HS256']],
    ['an http issuer in prod', 'prod', ['--set', 'identity.issuer=http://api.archipelago.example/identity/v1']],
    ['an access token TTL above 900 s', 'dev', ['--set', 'identity.accessTokenTtlSeconds=3600']],
    [
      'a tag instead of a digest in prod',
      'prod',
      ['--set', 'services.identity.image.digest=', '--set', 'services.identity.image.tag=latest'],
    ],
    ['library options set from values', 'dev', ['--set', 'services.identity.secretEnv[0].name=X']],
  ] as const)('values.schema.json rejects %s', (_label, env, extra) => {
    const r = template(tc, 'identity', env, [...extra]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/schema/i);
  });

  it('fails on a route plugin override for a plugin the route does not have', () => {
    const r = template(tc, 'identity', 'dev', [
      '--set',
      'kong.routePluginOverrides.identity-well-known.rate-limiting.minute=5',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no such route plugin/);
  });
});

describe('Kong on Kubernetes matches infra/kong/kong.yml', { timeout: 120_000 }, () => {
  interface KongPluginEntry {
    name: string;
    enabled?: boolean;
    config?: Record<string, unknown>;
  }
  interface KongRoute {
    name: string;
    paths: string[];
    methods: string[];
    strip_path: boolean;
    preserve_host?: boolean;
    protocols: string[];
    plugins?: KongPluginEntry[];
  }
  interface KongService {
    name: string;
    url: string;
    connect_timeout: number;
    read_timeout: number;
    write_timeout: number;
    routes: KongRoute[];
    plugins?: KongPluginEntry[];
  }
  const kong = parse(readFileSync(join(repoRoot, 'infra/kong/kong.yml'), 'utf8'), { merge: true }) as {
    services: KongService[];
    plugins?: KongPluginEntry[];
    consumers?: { username: string; jwt_secrets?: { key: string; algorithm: string; rsa_public_key: string }[] }[];
  };
  // Configuration that differs per environment by design (kong.yml also serves the local edge).
  const PER_ENVIRONMENT: Record<string, string[]> = { cors: ['origins'], 'rate-limiting': ['minute'] };
  const upstream = (s: KongService) => {
    const url = new URL(s.url); // http://<service>.<namespace>:<port>
    const [name, namespace] = url.hostname.split('.') as [string, string];
    return { name, namespace, port: Number(url.port) };
  };
  const charted = new Set(systemCharts().map((c) => c.name));
  /** kong.yml services whose namespace has a system chart (a system without one yet is reported). */
  const chartedServices = () => kong.services.filter((s) => charted.has(upstream(s).namespace));

  /** Kong's precedence: route > service > global, by plugin name. */
  const effective = (...levels: (KongPluginEntry[] | undefined)[]) => {
    const out = new Map<string, Record<string, unknown>>();
    for (const level of levels) for (const p of level ?? []) if (p.enabled !== false) out.set(p.name, p.config ?? {});
    return out;
  };
  const withoutPerEnvironment = (plugin: string, config: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(config).filter(([k]) => !(PER_ENVIRONMENT[plugin] ?? []).includes(k)));

  it('every kong.yml service belongs to a system with a chart', () => {
    const missing = kong.services.filter((s) => !charted.has(upstream(s).namespace)).map((s) => s.name);
    expect(missing, 'kong.yml services whose system has no chart').toEqual([]);
    expect(chartedServices().length).toBe(kong.services.length);
  });

  it('the API docs (/docs, Swagger UIs) stay local: neither kong.yml nor any chart routes them', () => {
    // The local edge serves /docs itself when EDGE_DOCS=on (apps/edge/src/edge-docs.route.ts);
    // Kong has no such route, and production must not expose the Swagger UIs.
    const isDocs = (path: string) => /^\/docs(\/|$)/.test(path);
    expect(
      chartedServices()
        .flatMap((s) => s.routes.flatMap((r) => r.paths))
        .filter(isDocs),
    ).toEqual([]);
    for (const env of ENVIRONMENTS) {
      const ingressPaths = byKind(
        systemCharts().flatMap((c) => render(tc, c.name, env)),
        'Ingress',
      ).flatMap((i) =>
        i.spec.rules.flatMap((r: { http: { paths: { path: string }[] } }) => r.http.paths.map((p) => p.path)),
      );
      expect(ingressPaths.length).toBeGreaterThan(0);
      expect(ingressPaths.filter(isDocs)).toEqual([]);
    }
  });

  for (const env of ['dev', 'prod'] as const) {
    it(`${env}: every kong.yml route is an Ingress to the same upstream with the same match rules`, () => {
      const objs = systemCharts().flatMap((c) => render(tc, c.name, env));
      const ingresses = byKind(objs, 'Ingress');
      const routes = chartedServices().flatMap((s) => s.routes.map((r) => ({ service: s, route: r })));
      expect(ingresses.map((i) => i.metadata.name).sort()).toEqual(routes.map((r) => r.route.name).sort());
      for (const { service, route } of routes) {
        const ing = one(ingresses, 'Ingress', route.name);
        const { name: svcName, namespace, port } = upstream(service);
        expect(ing.spec.ingressClassName).toBe('kong');
        expect(ing.metadata.namespace).toBe(namespace);
        const paths = ing.spec.rules.flatMap((r: { http: { paths: object[] } }) => r.http.paths);
        // kong.yml regex paths (`~…`) are `/~…` with pathType ImplementationSpecific in KIC 3.x.
        expect(paths).toEqual(
          route.paths.map((p) => ({
            path: p.startsWith('~') ? `/${p}` : p,
            pathType: p.startsWith('~') ? 'ImplementationSpecific' : 'Prefix',
            backend: { service: { name: svcName, port: { number: port } } },
          })),
        );
        const a = ing.metadata.annotations!;
        expect(a['konghq.com/methods']!.split(',')).toEqual(route.methods);
        expect(a['konghq.com/protocols']!.split(',')).toEqual(route.protocols);
        expect(a['konghq.com/strip-path']).toBe(String(route.strip_path));
        expect(a['konghq.com/preserve-host']).toBe(String(route.preserve_host ?? true));
        const svc = one(
          objs.filter((o) => o.metadata.namespace === namespace),
          'Service',
          svcName,
        );
        expect(svc.metadata.annotations).toMatchObject({
          'konghq.com/connect-timeout': String(service.connect_timeout),
          'konghq.com/read-timeout': String(service.read_timeout),
          'konghq.com/write-timeout': String(service.write_timeout),
        });
        expect(svc.spec.ports.find((p: { name: string }) => p.name === 'http').port).toBe(port);
      }
    });

    it(`${env}: each route gets the plugins Kong would apply from kong.yml, with the same config`, () => {
      const objs = systemCharts().flatMap((c) => render(tc, c.name, env));
      for (const service of chartedServices()) {
        const { name: svcName, namespace } = upstream(service);
        const inNs = objs.filter((o) => o.metadata.namespace === namespace);
        const attached = (o: K8sObject) =>
          (o.metadata.annotations?.['konghq.com/plugins'] ?? '')
            .split(',')
            .filter(Boolean)
            .map((n) => one(inNs, 'KongPlugin', n))
            .map((p) => ({ name: p.plugin as string, config: p.config as Record<string, unknown> }));
        const svcPlugins = attached(one(inNs, 'Service', svcName));
        for (const route of service.routes) {
          const expected = effective(kong.plugins, service.plugins, route.plugins);
          const actual = effective(svcPlugins, attached(one(inNs, 'Ingress', route.name)));
          expect([...actual.keys()].sort(), route.name).toEqual([...expected.keys()].sort());
          for (const [plugin, config] of expected) {
            expect(withoutPerEnvironment(plugin, actual.get(plugin)!), `${route.name}: ${plugin}`).toEqual(
              withoutPerEnvironment(plugin, config),
            );
          }
        }
      }
    });

    it(`${env}: kong.yml consumers exist as KongConsumers with their JWT credential, keyed by the issuer`, () => {
      const objs = systemCharts().flatMap((c) => render(tc, c.name, env));
      const consumers = byKind(objs, 'KongConsumer');
      expect(consumers.map((c) => c.username).sort()).toEqual((kong.consumers ?? []).map((c) => c.username).sort());
      // The issuer of this environment: identity's IDENTITY_ISSUER, and what commerce expects.
      const issuer = one(objs, 'ConfigMap', 'identity-config').data.IDENTITY_ISSUER;
      expect(one(objs, 'ConfigMap', 'catalog-config').data.AUTH_ISSUER).toBe(issuer);
      for (const expected of kong.consumers ?? []) {
        const consumer = one(consumers, 'KongConsumer', expected.username);
        expect(consumer.metadata.annotations!['kubernetes.io/ingress.class']).toBe('kong');
        const credentials = (consumer.credentials as string[]).map((name) =>
          one(
            objs.filter((o) => o.metadata.namespace === consumer.metadata.namespace),
            'Secret',
            name,
          ),
        );
        expect(credentials.map((c) => c.metadata.labels!['konghq.com/credential'])).toEqual(
          (expected.jwt_secrets ?? []).map(() => 'jwt'),
        );
        for (const [i, secret] of (expected.jwt_secrets ?? []).entries()) {
          const data = credentials[i]!.stringData;
          // kong.yml's key is the local issuer; each environment's is its own.
          expect(data).toEqual({ key: issuer, algorithm: secret.algorithm, rsa_public_key: secret.rsa_public_key });
        }
      }
    });
  }
});

describe('infra/k8s: the namespace baseline the charts assume', { timeout: 120_000 }, () => {
  const dir = join(repoRoot, 'infra/k8s');
  const kustomization = (path: string) =>
    parse(readFileSync(join(dir, path, 'kustomization.yaml'), 'utf8')) as { namespace?: string; resources: string[] };

  it('validates every baseline object (Kubernetes 1.34, strict)', () => {
    const files = kustomization('baseline').resources;
    expect(files.length).toBeGreaterThan(0);
    const manifest = files.map((f) => readFileSync(join(dir, 'baseline', f), 'utf8')).join('\n---\n');
    const results = validate(tc, manifest);
    expect(results.map((r) => r.kind).sort()).toEqual([
      'LimitRange',
      'NetworkPolicy',
      'NetworkPolicy',
      'ResourceQuota',
    ]);
    const bad = results.filter((x) => x.status !== 'statusValid');
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
    // Namespace-less: each overlay sets the namespace.
    for (const doc of parseAllDocuments(manifest)) expect(doc.toJS()?.metadata?.namespace).toBeUndefined();
  });

  it('applies the baseline to the namespace of every system chart, and only those', () => {
    const namespaces = charts.map(({ name }) => {
      const values = parse(readFileSync(join(repoRoot, 'charts', name, 'values.yaml'), 'utf8'));
      return (values.namespace?.name || values.system) as string;
    });
    const overlays = readdirSync(join(dir, 'namespaces'));
    expect(overlays.sort()).toEqual([...namespaces].sort());
    for (const ns of namespaces) {
      expect(kustomization(`namespaces/${ns}`)).toEqual(
        expect.objectContaining({ namespace: ns, resources: ['../../baseline'] }),
      );
    }
    expect(kustomization('.').resources.sort()).toEqual(namespaces.map((n) => `namespaces/${n}`).sort());
    for (const r of kustomization('.').resources) expect(existsSync(join(dir, r, 'kustomization.yaml'))).toBe(true);
  });

  it('lets the charts’ traffic through: Kong and monitoring are admitted by the services, CNPG by the baseline', () => {
    const policies = parseAllDocuments(readFileSync(join(dir, 'baseline/networkpolicies.yaml'), 'utf8')).map(
      (d) => d.toJS() as K8sObject,
    );
    expect(one(policies, 'NetworkPolicy', 'default-deny-ingress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    const cnpg = one(policies, 'NetworkPolicy', 'allow-cnpg-instances').spec;
    expect(cnpg.podSelector.matchExpressions).toEqual([{ key: 'cnpg.io/cluster', operator: 'Exists' }]);
    for (const { name } of charts) expect(byKind(render(tc, name, 'prod'), 'NetworkPolicy').length).toBeGreaterThan(0);
  });

  it('pins in README.md the operator versions whose schemas the charts are validated against', () => {
    const pins = readFileSync(join(repoRoot, 'tools/delivery/fetch-schemas.mjs'), 'utf8');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const key of ['kongConfiguration', 'cnpg', 'prometheusOperator', 'strimzi']) {
      const version = new RegExp(`\\b${key}: '(v?[0-9.]+)'`).exec(pins)?.[1];
      expect(version, key).toBeTruthy();
      expect(readme, key).toContain(version!.replace(/^v/, ''));
    }
  });
});

describe('PrometheusRule alerts: promtool check rules and test rules', { timeout: SETUP_TIMEOUT }, () => {
  it('renders the alerts only where the Prometheus Operator CRDs exist, valid for promtool, and passes the alert unit tests', () => {
    expect(byKind(render(tc, 'commerce', 'prod'), 'PrometheusRule')).toEqual([]);
    for (const chart of charts.map((c) => c.name)) {
      const rules = byKind(
        render(tc, chart, 'prod', ['--api-versions', 'monitoring.coreos.com/v1/PrometheusRule']),
        'PrometheusRule',
      );
      expect(rules).toHaveLength(1);
      const spec = rules[0]!.spec as { groups: { rules: { alert: string }[] }[] };
      expect(spec.groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual(
        expect.arrayContaining([
          'ArchipelagoHighErrorRatio',
          'ArchipelagoHighLatencyP95',
          'ArchipelagoDeadLetters',
          'ArchipelagoDeadDeliveries',
          'ArchipelagoOutboxStale',
          'ArchipelagoProjectionLag',
          'ArchipelagoPodsNotReady',
          'ArchipelagoSagaTimeouts',
          'ArchipelagoDbPoolExhausted',
        ]),
      );
      // promtool (Prometheus 3.x, go install through tools/delivery/install-tools.sh) on the rendered groups
      const promtool = execFileSync('bash', [join(repoRoot, 'tools/delivery/install-tools.sh'), 'promtool'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }).trim();
      const dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
      writeFileSync(join(dir, 'rules.yaml'), stringify(spec));
      const check = run(promtool, ['check', 'rules', join(dir, 'rules.yaml')]);
      expect(check.status, check.stdout + check.stderr).toBe(0);
      if (chart !== 'commerce') continue;
      copyFileSync(join(repoRoot, 'tools/delivery/alert-rules.test.yaml'), join(dir, 'alert-rules.test.yaml'));
      const test = run(promtool, ['test', 'rules', join(dir, 'alert-rules.test.yaml')]);
      expect(test.status, test.stdout + test.stderr).toBe(0);
      expect(test.stdout).toContain('SUCCESS');
    }
  });
});

// Issue 13 in every system chart, the ones built after it included (registry, scheduling,
// notifications): traces exported per environment, a dashboard ConfigMap of its own.
describe('every system chart: OpenTelemetry per environment and its Grafana dashboard', { timeout: 120_000 }, () => {
  const SAMPLING: Record<Environment, string> = { dev: '1', qa: '1', staging: '0.25', prod: '0.05' };

  for (const { name, envs } of charts) {
    it(`${name}: every service exports traces over OTLP with the environment's sampling ratio and resource attributes`, () => {
      for (const env of envs) {
        const objs = render(tc, name, env);
        const deployments = byKind(objs, 'Deployment');
        expect(deployments.length, `${name}/${env}`).toBeGreaterThan(0);
        for (const d of deployments) {
          const data = one(objs, 'ConfigMap', `${d.metadata.name}-config`).data as Record<string, string>;
          expect(data, `${name}/${env}/${d.metadata.name}`).toMatchObject({
            OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc:4318',
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
            OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
            OTEL_TRACES_SAMPLER_ARG: SAMPLING[env],
            OTEL_SERVICE_NAME: d.metadata.name,
            OTEL_RESOURCE_ATTRIBUTES: `service.namespace=${name},deployment.environment.name=${env}`,
          });
        }
      }
    });

    it(`${name}: ships its Grafana dashboard as a ConfigMap the sidecar loads (grafana_dashboard: "1")`, () => {
      const dashboards = byKind(render(tc, name, 'prod'), 'ConfigMap').filter(
        (c) => c.metadata.labels?.grafana_dashboard === '1',
      );
      expect(dashboards.map((c) => c.metadata.name)).toContain(`${name}-dashboard-${name}`);
      const board = JSON.parse(
        (dashboards.find((c) => c.metadata.name === `${name}-dashboard-${name}`)!.data as Record<string, string>)[
          `${name}.json`
        ]!,
      ) as {
        uid: string;
        panels: unknown[];
      };
      expect(board.uid).toBe(`archipelago-${name}`);
      expect(board.panels.length).toBeGreaterThan(5);
    });
  }
});

// Issue: the query roles of scheduling have no CI project of their own, so deploy-env.yml only moves
// services.tasks / services.calendar's digest; each query role takes its command role's image (imageFrom).
describe('scheduling chart: a query role runs the image of its command role', { timeout: 120_000 }, () => {
  const digest = (c: string) => `sha256:${c.repeat(64)}`;
  const imageOf = (objs: K8sObject[], kind: string, name: string) =>
    one(objs, kind, name).spec.template.spec.containers[0].image as string;

  for (const env of ENVIRONMENTS) {
    it(`${env}: --set services.<command>.image.digest moves the command and query Deployments together`, () => {
      // What deploy-env.yml passes for the built projects scheduling-tasks and scheduling-calendar.
      const objs = render(tc, 'scheduling', env, [
        '--set-string',
        `services.tasks.image.digest=${digest('a')}`,
        '--set-string',
        `services.calendar.image.digest=${digest('b')}`,
      ]);
      const tasks = `ghcr.io/archipelago/scheduling-tasks@${digest('a')}`;
      const calendar = `ghcr.io/archipelago/scheduling-calendar@${digest('b')}`;
      expect(imageOf(objs, 'Deployment', 'tasks')).toBe(tasks);
      expect(imageOf(objs, 'Deployment', 'tasks-query')).toBe(tasks);
      expect(imageOf(objs, 'Job', 'tasks-migrate')).toBe(tasks);
      expect(imageOf(objs, 'Deployment', 'calendar')).toBe(calendar);
      expect(imageOf(objs, 'Deployment', 'calendar-query')).toBe(calendar);
      expect(one(objs, 'ConfigMap', 'tasks-query-config').data.ROLE).toBe('query');
    });
  }

  it("imageFrom wins over a query role's own digest (one left in a previous release's values)", () => {
    const objs = render(tc, 'scheduling', 'prod', [
      '--set-string',
      `services.tasks.image.digest=${digest('a')}`,
      '--set-string',
      `services.tasks-query.image.digest=${digest('c')}`,
    ]);
    expect(imageOf(objs, 'Deployment', 'tasks-query')).toBe(`ghcr.io/archipelago/scheduling-tasks@${digest('a')}`);
  });

  it('refuses imageFrom naming no service, or a service that takes its image from another', () => {
    const unknown = template(tc, 'scheduling', 'dev', ['--set', 'services.tasks-query.imageFrom=nope']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('services.tasks-query.imageFrom: no service "nope"');
    const chained = template(tc, 'scheduling', 'dev', ['--set', 'services.calendar-query.imageFrom=tasks-query']);
    expect(chained.status).not.toBe(0);
    expect(chained.stderr).toContain('no chains');
    const invalid = template(tc, 'scheduling', 'dev', ['--set', 'services.tasks-query.imageFrom=Tasks_Query']);
    expect(invalid.status).not.toBe(0);
    expect(invalid.stderr).toMatch(/schema/i);
  });
});
