{{/*
PrometheusRule of a system (root context): alerts on the metrics every service serves at /metrics
(docs/runbooks.md, "Alerts"). Labels come from the ServiceMonitor scrape: namespace, service, pod.
The same rules, rendered, are checked by `promtool check rules` and unit-tested by
`promtool test rules` (tools/delivery/alert-rules.test.yaml) in CI.
*/}}
{{- define "service.prometheusRule" -}}
{{- $ns := include "service.namespace" . -}}
{{- $a := .Values.monitoring.alerts | default dict -}}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ .Values.system }}-alerts
  namespace: {{ $ns }}
  labels:
    app.kubernetes.io/part-of: archipelago
    app.kubernetes.io/managed-by: {{ .Release.Service }}
    {{- with .Values.monitoring.serviceMonitorLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  groups:
    - name: {{ .Values.system }}.slo
      rules:
        - alert: ArchipelagoHighErrorRatio
          expr: |
            sum by (namespace, service) (rate(http_server_request_duration_seconds_count{namespace="{{ $ns }}",status=~"5.."}[5m]))
              / sum by (namespace, service) (rate(http_server_request_duration_seconds_count{namespace="{{ $ns }}"}[5m]))
              > {{ $a.errorRatio | default 0.01 }}
          for: 5m
          labels: { severity: page }
          annotations:
            summary: '{{ "{{ $labels.service }}" }}: {{ "{{ $value | humanizePercentage }}" }} of HTTP requests fail with 5xx'
            runbook: docs/runbooks.md#alerts
        - alert: ArchipelagoHighLatencyP95
          expr: |
            histogram_quantile(0.95, sum by (namespace, service, le) (rate(http_server_request_duration_seconds_bucket{namespace="{{ $ns }}"}[5m])))
              > {{ $a.p95Seconds | default 0.5 }}
          for: 10m
          labels: { severity: ticket }
          annotations:
            summary: '{{ "{{ $labels.service }}" }}: p95 HTTP latency {{ "{{ $value | humanizeDuration }}" }}'
            runbook: docs/runbooks.md#alerts
    - name: {{ .Values.system }}.messaging
      rules:
        - alert: ArchipelagoDeadLetters
          expr: sum by (namespace, service, consumer_group) (dead_letters{namespace="{{ $ns }}"}) > 0
          for: 1m
          labels: { severity: ticket }
          annotations:
            summary: '{{ "{{ $labels.consumer_group }}" }} has {{ "{{ $value }}" }} dead letters'
            runbook: docs/runbooks.md#replay-dead-letters
        - alert: ArchipelagoDeadDeliveries
          expr: max by (namespace, service, channel) (notifications_deliveries{namespace="{{ $ns }}",status="dead"}) > 0
          for: 5m
          labels: { severity: ticket }
          annotations:
            summary: '{{ "{{ $labels.service }}" }}: {{ "{{ $value }}" }} dead {{ "{{ $labels.channel }}" }} deliveries'
            runbook: docs/operate.md#dead-deliveries-notifications-e-mail-and-web-push
        - alert: ArchipelagoOutboxStale
          expr: max by (namespace, service) (outbox_oldest_unpublished_age_seconds{namespace="{{ $ns }}"}) > {{ $a.outboxAgeSeconds | default 60 }}
          for: 5m
          labels: { severity: page }
          annotations:
            summary: '{{ "{{ $labels.service }}" }}: oldest unpublished outbox row is {{ "{{ $value | humanizeDuration }}" }} old'
            runbook: docs/runbooks.md#an-event-is-not-arriving
        - alert: ArchipelagoConsumerLag
          expr: max by (namespace, service, consumer_group) (consumer_lag_messages{namespace="{{ $ns }}"}) > {{ $a.consumerLagMessages | default 1000 }}
          for: 10m
          labels: { severity: ticket }
          annotations:
            summary: '{{ "{{ $labels.consumer_group }}" }} is {{ "{{ $value }}" }} messages behind'
            runbook: docs/runbooks.md#an-event-is-not-arriving
        - alert: ArchipelagoProjectionLag
          expr: max by (namespace, service, projection) (projection_lag_events{namespace="{{ $ns }}"}) > {{ $a.projectionLagEvents | default 1000 }}
          for: 10m
          labels: { severity: ticket }
          annotations:
            summary: '{{ "{{ $labels.service }}" }}: projection {{ "{{ $labels.projection }}" }} is {{ "{{ $value }}" }} events behind'
            runbook: docs/runbooks.md#rebuild-a-projection
        - alert: ArchipelagoSagaTimeouts
          expr: sum by (namespace, service, saga) (increase(saga_timeouts_total{namespace="{{ $ns }}"}[15m])) > {{ $a.sagaTimeouts | default 0 }}
          labels: { severity: ticket }
          annotations:
            summary: '{{ "{{ $labels.service }}" }}: {{ "{{ $labels.saga }}" }} sagas are timing out (a participant does not answer before the deadline)'
            runbook: docs/runbooks.md#alerts
        - alert: ArchipelagoDbPoolExhausted
          expr: max by (namespace, service, pool_name) (db_client_connection_pending_requests{namespace="{{ $ns }}"}) > 0
          for: 5m
          labels: { severity: ticket }
          annotations:
            summary: '{{ "{{ $labels.service }}" }}: queries wait for a connection of pool {{ "{{ $labels.pool_name }}" }} for 5 minutes'
            runbook: docs/runbooks.md#alerts
    - name: {{ .Values.system }}.pods
      rules:
        - alert: ArchipelagoPodsNotReady
          # kube-state-metrics
          expr: sum by (namespace, pod) (kube_pod_status_ready{namespace="{{ $ns }}",condition="false"}) > 0
          for: 10m
          labels: { severity: page }
          annotations:
            summary: 'pod {{ "{{ $labels.pod }}" }} not ready for 10 minutes'
            runbook: docs/runbooks.md#alerts
{{- end -}}
