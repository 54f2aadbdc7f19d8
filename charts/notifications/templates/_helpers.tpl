{{- define "notifications.labels" -}}
app.kubernetes.io/part-of: {{ .Values.system }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
archipelago.dev/environment: {{ .Values.environment }}
{{- end -}}

{{/*
The notifications service's settings and secrets, as library-chart options (env, secretEnv,
vaultEnv), merged into services.notifications by services.yaml: Web Push (VAPID keys by reference to
webPush.existingSecret, subject, allowed push hosts), SMTP (server in values, login by reference)
and PUBLIC_BASE_URL. Only references: the Secrets are created outside the chart. With Vault the keys
and the login come from the Vault secret and the Secrets are not referenced.
*/}}
{{- define "notifications.serviceOptions" -}}
{{- $push := .Values.webPush -}}
{{- $smtp := .Values.smtp -}}
{{- $vault := .Values.secrets.vault.enabled -}}
env:
  VAPID_SUBJECT: {{ $push.subject | quote }}
  NOTIFICATIONS_PUSH_ALLOWED_HOSTS: {{ join "," $push.allowedHosts | quote }}
  SMTP_HOST: {{ $smtp.host | quote }}
  SMTP_PORT: {{ $smtp.port | quote }}
  SMTP_TLS: {{ $smtp.tls | quote }}
  SMTP_FROM: {{ $smtp.from | quote }}
  PUBLIC_BASE_URL: {{ .Values.publicBaseUrl | quote }}
{{- if $vault }}
vaultEnv:
  VAPID_PUBLIC_KEY: {{ $push.vault.publicKeyKey }}
  VAPID_PRIVATE_KEY: {{ $push.vault.privateKeyKey }}
  {{- if $smtp.auth }}
  SMTP_USER: {{ $smtp.vault.userKey }}
  SMTP_PASSWORD: {{ $smtp.vault.passwordKey }}
  {{- end }}
{{- else }}
secretEnv:
  - name: VAPID_PUBLIC_KEY
    secretName: {{ required "webPush.existingSecret is required without Vault (the VAPID key pair)" $push.existingSecret }}
    key: {{ $push.publicKeyKey }}
  - name: VAPID_PRIVATE_KEY
    secretName: {{ $push.existingSecret }}
    key: {{ $push.privateKeyKey }}
  {{- if $smtp.auth }}
  - name: SMTP_USER
    secretName: {{ required "smtp.existingSecret is required with smtp.auth without Vault (the SMTP login)" $smtp.existingSecret }}
    key: {{ $smtp.userKey }}
  - name: SMTP_PASSWORD
    secretName: {{ $smtp.existingSecret }}
    key: {{ $smtp.passwordKey }}
  {{- end }}
{{- end }}
{{- end -}}
