{{- define "service.serviceMonitor" -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .name }}
  namespace: {{ include "service.namespace" .root }}
  labels:
    {{- include "service.labels" . | nindent 4 }}
    {{- with .root.Values.monitoring.serviceMonitorLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "service.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ include "service.namespace" .root }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ .svc.serviceMonitor.interval }}
      scrapeTimeout: {{ .svc.serviceMonitor.scrapeTimeout }}
{{- end -}}
