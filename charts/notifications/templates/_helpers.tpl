{{- define "notifications.labels" -}}
app.kubernetes.io/part-of: {{ .Values.system }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
archipelago.dev/environment: {{ .Values.environment }}
{{- end -}}

