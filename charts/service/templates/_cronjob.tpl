{{/*
Batch jobs of a service (svc.cronJobs, by name): a CronJob each, running `main.js <args…>` of the
service's image with its configuration, hardened like the Deployment. Pods are labelled
`<service>-<job>` (component batch), never selected by the service's Service. concurrencyPolicy
Forbid: a run still going when the next is due is not doubled (the job itself resumes a killed run).
*/}}
{{- define "service.cronJobs" -}}
{{- $ctx := . -}}
{{- $main := include "service.main" . -}}
{{- range $job, $cron := .svc.cronJobs }}
{{- if $cron.enabled }}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ $ctx.name }}-{{ $job }}
  namespace: {{ include "service.namespace" $ctx.root }}
  labels:
    app.kubernetes.io/name: {{ $ctx.name }}-{{ $job }}
    app.kubernetes.io/instance: {{ $ctx.root.Release.Name }}
    app.kubernetes.io/part-of: {{ $ctx.root.Values.system }}
    app.kubernetes.io/component: batch
    app.kubernetes.io/managed-by: {{ $ctx.root.Release.Service }}
    archipelago.dev/environment: {{ $ctx.root.Values.environment }}
spec:
  schedule: {{ $cron.schedule | quote }}
  timeZone: {{ $cron.timeZone | default "Etc/UTC" | quote }}
  suspend: {{ $cron.suspend | default false }}
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: {{ $cron.startingDeadlineSeconds | default 3600 }}
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 3
  jobTemplate:
    spec:
      backoffLimit: {{ $cron.backoffLimit | default 3 }}
      activeDeadlineSeconds: {{ $cron.activeDeadlineSeconds | default 3600 }}
      ttlSecondsAfterFinished: 86400
      template:
        metadata:
          labels:
            app.kubernetes.io/name: {{ $ctx.name }}-{{ $job }}
            app.kubernetes.io/instance: {{ $ctx.root.Release.Name }}
            app.kubernetes.io/part-of: {{ $ctx.root.Values.system }}
            app.kubernetes.io/component: batch
          annotations:
            {{- include "service.vaultAnnotations" $ctx | nindent 12 }}
            {{- if $ctx.root.Values.secrets.vault.enabled }}
            vault.hashicorp.com/agent-pre-populate-only: "true"
            {{- end }}
        spec:
          restartPolicy: Never
          automountServiceAccountToken: {{ $ctx.root.Values.secrets.vault.enabled }}
          serviceAccountName: {{ $ctx.name }}
          enableServiceLinks: false
          securityContext:
            {{- include "service.podSecurityContext" $ctx | nindent 12 }}
          {{- with $ctx.root.Values.imagePullSecrets }}
          imagePullSecrets:
            {{- range . }}
            - name: {{ . }}
            {{- end }}
          {{- end }}
          containers:
            - name: {{ $job }}
              image: {{ include "service.image" $ctx }}
              imagePullPolicy: IfNotPresent
              {{- include "service.command" (dict "ctx" $ctx "args" (concat (list "--import" "./dist/libs/platform/telemetry/src/register.js" "--import" "./tools/register.mjs" $main) $cron.args)) | nindent 14 }}
              env:
                {{- range $k, $v := (include "service.configData" $ctx | fromYaml) }}
                - name: {{ $k }}
                  value: {{ $v | quote }}
                {{- end }}
                {{- range $k, $v := ($cron.env | default dict) }}
                - name: {{ $k }}
                  value: {{ $v | quote }}
                {{- end }}
                {{- include "service.secretEnv" $ctx | nindent 16 }}
              resources:
                {{- toYaml $cron.resources | nindent 16 }}
              securityContext:
                {{- include "service.containerSecurityContext" $ctx | nindent 16 }}
              volumeMounts:
                - name: tmp
                  mountPath: /tmp
                {{- if $ctx.svc.secretVolumes }}
                {{- include "service.secretVolumeMounts" $ctx | nindent 16 }}
                {{- end }}
          volumes:
            - name: tmp
              emptyDir:
                sizeLimit: 64Mi
            {{- if $ctx.svc.secretVolumes }}
            {{- include "service.secretVolumes" $ctx | nindent 12 }}
            {{- end }}
{{- end }}
{{- end }}
{{- end -}}
