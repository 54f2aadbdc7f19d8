{{- define "service.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  namespace: {{ include "service.namespace" .root }}
  labels:
    {{- include "service.labels" . | nindent 4 }}
spec:
  {{- if hasKey .svc.pdb "maxUnavailable" }}
  maxUnavailable: {{ .svc.pdb.maxUnavailable }}
  {{- else }}
  minAvailable: {{ .svc.pdb.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "service.selectorLabels" . | nindent 6 }}
{{- end -}}
