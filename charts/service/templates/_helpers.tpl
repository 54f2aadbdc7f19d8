{{/*
Conventions shared by every template of the library. Each template takes a context dict:
  root: the system chart's root context ($)
  name: the service name (Kubernetes Service name = DNS name Kong routes to)
  svc:  serviceDefaults merged with services.<name> (see "service.values")
*/}}

{{/* serviceDefaults deep-merged with the service's own entry (the entry wins). */}}
{{- define "service.values" -}}
{{- $defaults := deepCopy (.root.Values.serviceDefaults | default dict) -}}
{{- $own := deepCopy (.svc | default dict) -}}
{{- toYaml (mergeOverwrite $defaults $own) -}}
{{- end -}}

{{/* Whether the service serves gRPC (svc.grpc.enabled, default true): its port, Service port and GRPC_PORT. */}}
{{- define "service.grpcEnabled" -}}
{{- if dig "grpc" "enabled" true .svc }}true{{ end -}}
{{- end -}}

{{- define "service.namespace" -}}
{{- .Values.namespace.name | default .Values.system -}}
{{- end -}}

{{- define "service.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: {{ .root.Values.system }}
{{- end -}}

{{- define "service.labels" -}}
{{ include "service.selectorLabels" . }}
app.kubernetes.io/component: service
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .svc.image.tag | default .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
archipelago.dev/environment: {{ .root.Values.environment }}
{{- end -}}

{{/*
image reference: a digest pins the image (promotion moves digests, never tags).
svc.imageFrom: <service> runs that service's image (repository, digest, tag) instead of its own, e.g.
a query role of a command service: CI builds and deploy-env.yml sets one digest per built project
(services.<service>.image.digest), and every role built from it follows. imageFrom wins over the
service's own image, so a digest left from an earlier release's values cannot pin it.
*/}}
{{- define "service.image" -}}
{{- $img := .svc.image -}}
{{- $imageName := .name -}}
{{- with .svc.imageFrom -}}
{{- $source := index ($.root.Values.services | default dict) . -}}
{{- if not $source -}}
{{- fail (printf "services.%s.imageFrom: no service %q in services" $.name .) -}}
{{- end -}}
{{- if $source.imageFrom -}}
{{- fail (printf "services.%s.imageFrom: %s takes its image from another service itself (no chains)" $.name .) -}}
{{- end -}}
{{- $img = (include "service.values" (dict "root" $.root "svc" $source) | fromYaml).image -}}
{{- $imageName = . -}}
{{- end -}}
{{- $repo := $img.repository | default (printf "%s/%s-%s" .root.Values.imageRegistry .root.Values.system $imageName) -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $repo $img.digest -}}
{{- else if $img.tag -}}
{{- printf "%s:%s" $repo $img.tag -}}
{{- else -}}
{{- fail (printf "services.%s.image: set digest (or tag outside prod)" $imageName) -}}
{{- end -}}
{{- end -}}

{{/* Non-secret environment, shared by the Deployment (through the ConfigMap) and the migration Job. */}}
{{- define "service.configData" -}}
SERVICE_NAME: {{ .name | quote }}
SYSTEM: {{ .root.Values.system | quote }}
HOST: "0.0.0.0"
HTTP_PORT: {{ .svc.ports.http | quote }}
{{- if include "service.grpcEnabled" . }}
GRPC_PORT: {{ .svc.ports.grpc | quote }}
{{- end }}
DB_SCHEMA: {{ .svc.dbSchema | default .name | quote }}
LOG_LEVEL: {{ .svc.logLevel | default .root.Values.logLevel | quote }}
MESSAGING_TRANSPORT: {{ .root.Values.messaging.transport | quote }}
{{- if eq .root.Values.messaging.transport "kafka" }}
KAFKA_BROKERS: {{ .root.Values.messaging.kafka.bootstrapServers | quote }}
{{- end }}
NODE_ENV: "production"
{{- with .root.Values.telemetry }}
{{- if .otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ .otlpEndpoint | quote }}
OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf"
OTEL_TRACES_SAMPLER: {{ .sampler | default "parentbased_traceidratio" | quote }}
OTEL_TRACES_SAMPLER_ARG: {{ .samplerRatio | toString | quote }}
{{- end }}
{{- end }}
OTEL_SERVICE_NAME: {{ .name | quote }}
DEPLOYMENT_ENVIRONMENT: {{ .root.Values.environment | quote }}
{{- $attrs := list (printf "service.namespace=%s" .root.Values.system) (printf "deployment.environment.name=%s" .root.Values.environment) }}
{{- range $k, $v := (.root.Values.telemetry | default dict).resourceAttributes }}
{{- $attrs = append $attrs (printf "%s=%s" $k $v) }}
{{- end }}
OTEL_RESOURCE_ATTRIBUTES: {{ join "," $attrs | quote }}
{{- range $k, $v := .svc.env }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/*
DATABASE_URL by reference: CloudNativePG's generated app secret, or an existing Secret (not with
Vault). Then the service's own Secret references:
  svc.secretEnv: [{ name: ENV_NAME, secretName, key, optional? }]
With Vault, a variable svc.vaultEnv exports comes from Vault instead: its Secret reference is left out
(the Secret need not exist).
*/}}
{{- define "service.secretEnv" -}}
{{- if not .root.Values.secrets.vault.enabled }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if .root.Values.database.cnpg.enabled }}
      name: {{ printf "%s-app" (include "service.dbClusterName" .root) }}
      key: uri
      {{- else }}
      name: {{ required "database.external.existingSecret is required when database.cnpg.enabled is false" .root.Values.database.external.existingSecret }}
      key: {{ .root.Values.database.external.key }}
      {{- end }}
{{- end }}
{{- $fromVault := ternary (.svc.vaultEnv | default dict) (dict) (.root.Values.secrets.vault.enabled | default false) }}
{{- range .svc.secretEnv }}
{{- if not (hasKey $fromVault .name) }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Secrets mounted as files (read-only, group-readable through fsGroup), e.g. a key ring:
  svc.secretVolumes: [{ name, secretName, mountPath, items?: [{ key, path }] }]
*/}}
{{- define "service.secretVolumeMounts" -}}
{{- range .svc.secretVolumes }}
- name: {{ .name }}
  mountPath: {{ .mountPath }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "service.secretVolumes" -}}
{{- range .svc.secretVolumes }}
- name: {{ .name }}
  secret:
    secretName: {{ .secretName }}
    defaultMode: 288 # 0440: owner and group (fsGroup) read; decimal, as YAML 1.1 and 1.2 agree on it
    {{- with .items }}
    items:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end }}
{{- end -}}

{{- define "service.dbClusterName" -}}
{{- .Values.database.cnpg.name | default (printf "%s-db" .Values.system) -}}
{{- end -}}

{{/*
Vault Agent injection: the agent renders /vault/secrets/env, sourced before node starts. It exports
DATABASE_URL and, per service, svc.vaultEnv (ENV_NAME: key in the same KV v2 secret). Values are
single-quoted for the shell, each ' written as '"'"' (Vault Agent's replaceAll), so JSON (a key ring),
$ and backticks arrive unchanged.
*/}}
{{- define "service.vaultAnnotations" -}}
{{- if .root.Values.secrets.vault.enabled }}
vault.hashicorp.com/agent-inject: "true"
vault.hashicorp.com/role: {{ .root.Values.secrets.vault.role | default (printf "%s-%s" .root.Values.system .name) | quote }}
vault.hashicorp.com/agent-inject-secret-env: {{ .root.Values.secrets.vault.path | quote }}
vault.hashicorp.com/agent-inject-template-env: |
  {{`{{- with secret "`}}{{ .root.Values.secrets.vault.path }}{{`" -}}`}}
  {{ include "service.vaultExport" (dict "env" "DATABASE_URL" "key" .root.Values.secrets.vault.databaseUrlKey) }}
  {{- range $env, $key := .svc.vaultEnv }}
  {{ include "service.vaultExport" (dict "env" $env "key" $key) }}
  {{- end }}
  {{`{{- end }}`}}
{{- end }}
{{- end -}}

{{/* One line of the Vault Agent template: export ENV='<value of key, shell-quoted>'. */}}
{{- define "service.vaultExport" -}}
export {{ .env }}='{{`{{ .Data.data.`}}{{ .key }}{{` | replaceAll "'" "'\"'\"'" }}`}}'
{{- end -}}

{{- define "service.command" -}}
{{- $args := .args -}}
{{- if .ctx.root.Values.secrets.vault.enabled }}
command: ["/bin/sh", "-c"]
args: [{{ printf ". /vault/secrets/env && exec node %s" (join " " $args) | quote }}]
{{- else }}
command: ["node"]
args: {{ toJson $args }}
{{- end }}
{{- end -}}

{{- define "service.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "service.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/*
Kong plugins of one service (annotation on its Service): the system's global plugins, except where
the service has its own plugin of the same name, plus the service's own. Route plugins go on the
Ingress and win over both, as in Kong's precedence (route > service > global).
*/}}
{{- define "service.kongServicePlugins" -}}
{{- $kong := .root.Values.kong -}}
{{- $own := index ($kong.servicePlugins | default dict) .name | default dict -}}
{{- $names := list -}}
{{- range $plugin, $_ := $kong.plugins -}}
{{- if not (hasKey $own $plugin) -}}{{- $names = append $names (printf "%s-%s" $.root.Values.system $plugin) -}}{{- end -}}
{{- end -}}
{{- range $plugin, $_ := $own -}}
{{- $names = append $names (include "service.kongServicePluginName" (dict "system" $.root.Values.system "service" $.name "plugin" $plugin)) -}}
{{- end -}}
{{- join "," $names -}}
{{- end -}}

{{/*
Name of a service-level KongPlugin: <service>-<plugin>, or <service>-svc-<plugin> when the service
is named like its system (registry/registry), whose global plugins are <system>-<plugin>.
*/}}
{{- define "service.kongServicePluginName" -}}
{{- if eq .service .system -}}{{ printf "%s-svc-%s" .service .plugin }}{{- else -}}{{ printf "%s-%s" .service .plugin }}{{- end -}}
{{- end -}}

{{- define "service.kongRoutePlugins" -}}
{{- $names := list -}}
{{- range $plugin, $_ := .plugins -}}{{- $names = append $names (printf "%s-%s" $.name $plugin) -}}{{- end -}}
{{- join "," $names -}}
{{- end -}}
