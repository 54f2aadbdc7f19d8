{{- define "service.configMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .name }}-config
  namespace: {{ include "service.namespace" .root }}
  labels:
    {{- include "service.labels" . | nindent 4 }}
data:
  {{- include "service.configData" . | nindent 2 }}
{{- end -}}
