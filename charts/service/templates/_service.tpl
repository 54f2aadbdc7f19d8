{{- define "service.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: {{ include "service.namespace" .root }}
  labels:
    {{- include "service.labels" . | nindent 4 }}
  annotations:
    # Kong service settings (kong.yml services[]), read by the Kong Ingress Controller.
    {{- with .svc.upstream }}
    konghq.com/connect-timeout: {{ .connectTimeout | quote }}
    konghq.com/read-timeout: {{ .readTimeout | quote }}
    konghq.com/write-timeout: {{ .writeTimeout | quote }}
    {{- end }}
    {{- with (.root.Values.kong | default dict).enabled }}
    konghq.com/plugins: {{ include "service.kongServicePlugins" $ | quote }}
    {{- end }}
spec:
  type: ClusterIP
  selector:
    {{- include "service.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .svc.servicePorts.http }}
      targetPort: http
      protocol: TCP
    {{- if include "service.grpcEnabled" . }}
    - name: grpc
      port: {{ .svc.servicePorts.grpc }}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
    {{- end }}
{{- end -}}
