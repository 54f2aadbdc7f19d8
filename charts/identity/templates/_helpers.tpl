{{- define "identity.labels" -}}
app.kubernetes.io/part-of: {{ .Values.system }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
archipelago.dev/environment: {{ .Values.environment }}
{{- end -}}


{{/*
The identity service's configuration and secrets, as library-chart options (env, secretEnv,
secretVolumes, vaultEnv), merged into services.identity by services.yaml. Only references: the
Secrets are created outside the chart.
*/}}
{{- define "identity.serviceOptions" -}}
{{- $id := .Values.identity -}}
{{- $keys := $id.signingKeys -}}
{{- $vault := .Values.secrets.vault.enabled -}}
env:
  IDENTITY_ISSUER: {{ $id.issuer | quote }}
  IDENTITY_AUDIENCE: {{ $id.audience | quote }}
  IDENTITY_ACCESS_TOKEN_TTL_SECONDS: {{ $id.accessTokenTtlSeconds | quote }}
  {{- if eq $keys.as "file" }}
  IDENTITY_KEYS_DIR: {{ $keys.mountPath | quote }}
  {{- end }}
secretEnv:
  {{- if eq $keys.as "env" }}
  - name: IDENTITY_SIGNING_KEYS
    secretName: {{ required "identity.signingKeys.existingSecret is required" $keys.existingSecret }}
    key: {{ $keys.key }}
  {{- end }}
  {{- if not $vault }}
  - name: ADMIN_EMAIL
    secretName: {{ required "identity.admin.existingSecret is required without Vault" $id.admin.existingSecret }}
    key: {{ $id.admin.emailKey }}
  - name: ADMIN_PASSWORD
    secretName: {{ $id.admin.existingSecret }}
    key: {{ $id.admin.passwordKey }}
  {{- end }}
  {{- with $id.clients.existingSecret }}
  - name: IDENTITY_CLIENTS
    secretName: {{ . }}
    key: {{ $id.clients.key }}
  {{- end }}
  - name: IDENTITY_TOTP_ENCRYPTION_KEYS
    secretName: {{ required "identity.totpEncryption.existingSecret is required" $id.totpEncryption.existingSecret }}
    key: {{ $id.totpEncryption.key }}
  {{- with ($id.oidcClients | default dict).existingSecret }}
  - name: IDENTITY_OIDC_CLIENTS
    secretName: {{ . }}
    key: {{ $id.oidcClients.key }}
  {{- end }}
{{- if eq $keys.as "file" }}
secretVolumes:
  - name: signing-keys
    secretName: {{ required "identity.signingKeys.existingSecret is required" $keys.existingSecret }}
    mountPath: {{ $keys.mountPath }}
    items:
      - key: {{ $keys.key }}
        path: signing-keys.json
{{- end }}
{{- if $vault }}
vaultEnv:
  ADMIN_EMAIL: {{ $id.admin.vault.emailKey }}
  ADMIN_PASSWORD: {{ $id.admin.vault.passwordKey }}
{{- end }}
{{- end -}}
