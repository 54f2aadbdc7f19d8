{{- define "service.main" -}}
{{- .svc.main | default (printf "dist/systems/%s/%s/src/main.js" .root.Values.system .name) -}}
{{- end -}}

{{- define "service.deployment" -}}
{{- $main := include "service.main" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  namespace: {{ include "service.namespace" .root }}
  labels:
    {{- include "service.labels" . | nindent 4 }}
spec:
  {{- if not .svc.autoscaling.enabled }}
  replicas: {{ .svc.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      {{- include "service.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "service.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ include "service.configData" . | sha256sum }}
        {{- include "service.vaultAnnotations" . | nindent 8 }}
    spec:
      serviceAccountName: {{ .name }}
      automountServiceAccountToken: {{ .root.Values.secrets.vault.enabled }}
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ .svc.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "service.podSecurityContext" . | nindent 8 }}
      {{- if .svc.topologySpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: {{ .svc.topologySpread.maxSkew }}
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: {{ .svc.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "service.selectorLabels" . | nindent 14 }}
        - maxSkew: {{ .svc.topologySpread.maxSkew }}
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "service.selectorLabels" . | nindent 14 }}
      {{- end }}
      {{- with .root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      containers:
        - name: {{ .name }}
          image: {{ include "service.image" . }}
          imagePullPolicy: IfNotPresent
          {{- include "service.command" (dict "ctx" . "args" (list "--import" "./dist/libs/platform/telemetry/src/register.js" "--import" "./tools/register.mjs" $main)) | nindent 10 }}
          ports:
            - name: http
              containerPort: {{ .svc.ports.http }}
              protocol: TCP
            {{- if include "service.grpcEnabled" . }}
            - name: grpc
              containerPort: {{ .svc.ports.grpc }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ .name }}-config
          {{- $secretEnv := include "service.secretEnv" . | trim }}
          {{- if $secretEnv }}
          env:
            {{- $secretEnv | nindent 12 }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: 5
            failureThreshold: {{ .svc.probes.startupFailureThreshold }}
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            {{- toYaml .svc.resources | nindent 12 }}
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
