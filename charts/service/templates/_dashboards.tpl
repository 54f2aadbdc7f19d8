{{/*
Grafana dashboards of a system chart (root context): every `dashboards/*.json` of the chart as a
ConfigMap labelled grafana_dashboard: "1", which Grafana's dashboard sidecar loads. The JSON is
taken as is (.Files.Get, not tpl: Grafana's own `{{ }}` legends stay intact).
*/}}
{{- define "service.dashboards" -}}
{{- range $path, $_ := .Files.Glob "dashboards/*.json" }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $.Values.system }}-dashboard-{{ base $path | trimSuffix ".json" }}
  namespace: {{ include "service.namespace" $ }}
  labels:
    grafana_dashboard: "1"
    app.kubernetes.io/part-of: archipelago
    app.kubernetes.io/managed-by: {{ $.Release.Service }}
data:
  {{ base $path }}: {{ $.Files.Get $path | quote }}
{{- end }}
{{- end -}}
