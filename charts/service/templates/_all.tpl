{{/*
service.all: every object of one service. Call from a system chart:
  {{ include "service.all" (dict "root" $ "name" "catalog" "svc" .Values.services.catalog) }}
*/}}
{{- define "service.all" -}}
{{- $svc := include "service.values" . | fromYaml -}}
{{- $ctx := dict "root" .root "name" .name "svc" $svc -}}
{{- if $svc.enabled }}
{{ include "service.serviceAccount" $ctx }}
---
{{ include "service.configMap" $ctx }}
---
{{ include "service.deployment" $ctx }}
---
{{ include "service.service" $ctx }}
{{- if $svc.autoscaling.enabled }}
---
{{ include "service.hpa" $ctx }}
{{- end }}
{{- if $svc.pdb.enabled }}
---
{{ include "service.pdb" $ctx }}
{{- end }}
{{- if $svc.networkPolicy.enabled }}
---
{{ include "service.networkPolicy" $ctx }}
{{- end }}
{{- if $svc.serviceMonitor.enabled }}
---
{{ include "service.serviceMonitor" $ctx }}
{{- end }}
{{- if $svc.migration.enabled }}
---
{{ include "service.migrationJob" $ctx }}
{{- end }}
{{- if $svc.cronJobs }}
{{ include "service.cronJobs" $ctx }}
{{- end }}
{{- end }}
{{- end -}}
