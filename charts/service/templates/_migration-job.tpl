{{/*
Migrations run as a Helm hook, never at service start-up. Upgrades: pre-upgrade, so new pods only
start once the schema is migrated. First install: pre-install when the database already exists
(external DSN); post-install when this release creates the CloudNativePG Cluster, which does not
exist before the release's own resources are applied.
*/}}
{{- define "service.migrationJob" -}}
{{- $main := include "service.main" . -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name }}-migrate
  namespace: {{ include "service.namespace" .root }}
  labels:
    {{- include "service.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: migration
    app.kubernetes.io/managed-by: {{ .root.Release.Service }}
  annotations:
    helm.sh/hook: {{ ternary "post-install,pre-upgrade" "pre-install,pre-upgrade" .root.Values.database.cnpg.enabled }}
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .svc.migration.backoffLimit }}
  activeDeadlineSeconds: {{ .svc.migration.activeDeadlineSeconds }}
  ttlSecondsAfterFinished: 3600
  template:
    metadata:
      labels:
        {{- include "service.selectorLabels" . | nindent 8 }}
        app.kubernetes.io/component: migration
      annotations:
        {{- include "service.vaultAnnotations" . | nindent 8 }}
        {{- if .root.Values.secrets.vault.enabled }}
        vault.hashicorp.com/agent-pre-populate-only: "true"
        {{- end }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: {{ .root.Values.secrets.vault.enabled }}
      enableServiceLinks: false
      securityContext:
        {{- include "service.podSecurityContext" . | nindent 8 }}
      {{- with .root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ include "service.image" . }}
          imagePullPolicy: IfNotPresent
          {{- include "service.command" (dict "ctx" . "args" (list "--import" "./dist/libs/platform/telemetry/src/register.js" "--import" "./tools/register.mjs" $main "migrate")) | nindent 10 }}
          env:
            {{- range $k, $v := (include "service.configData" . | fromYaml) }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
            {{- include "service.secretEnv" . | nindent 12 }}
          resources:
            {{- toYaml .svc.migration.resources | nindent 12 }}
          securityContext:
            {{- include "service.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if .svc.secretVolumes }}
            {{- include "service.secretVolumeMounts" . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- if .svc.secretVolumes }}
        {{- include "service.secretVolumes" . | nindent 8 }}
        {{- end }}
{{- end -}}
