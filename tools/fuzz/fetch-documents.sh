#!/usr/bin/env bash
# tools/fuzz/fetch-documents.sh <folder>: writes the OpenAPI document of every service deployed in the
# current kubectl context (Services labelled app.kubernetes.io/component=service by charts/service) to
# <folder>/<namespace>-<service>.json, for `FUZZ_DOCUMENTS=<folder> BASE_URL=https://<Kong> npm run fuzz`
# (the QA DAST step of .github/workflows/deploy-env.yml). Kong routes no /docs, so each document is
# read from the service itself over `kubectl port-forward` (GET /docs/openapi.json on its http port).
# Needs kubectl, curl and jq; exits 1 when a service's document cannot be read.
set -euo pipefail
out=${1:?usage: tools/fuzz/fetch-documents.sh <folder>}
mkdir -p "$out"
services=$(kubectl get services --all-namespaces -l app.kubernetes.io/component=service \
  -o jsonpath='{range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{"\n"}{end}')
[ -n "$services" ] || { echo "fetch-documents: no Service labelled app.kubernetes.io/component=service" >&2; exit 1; }
status=0
while read -r namespace name; do
  [ -n "$name" ] || continue
  log=$(mktemp)
  # Port 0: kubectl picks a free local port and prints it.
  kubectl port-forward --namespace "$namespace" "service/$name" :http >"$log" 2>&1 &
  forward=$!
  port=
  for _ in $(seq 1 30); do
    port=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$port" ] && break
    sleep 1
  done
  file="$out/$namespace-$name.json"
  if [ -n "$port" ] && curl -fsS --retry 5 --retry-connrefused --max-time 20 "http://127.0.0.1:$port/docs/openapi.json" -o "$file" \
    && jq -e '.openapi and .paths' "$file" >/dev/null; then
    echo "fetch-documents: $namespace/$name → $file ($(jq '.paths | length' "$file") paths)"
  else
    echo "fetch-documents: $namespace/$name: no OpenAPI document ($(tr '\n' ' ' <"$log"))" >&2
    rm -f "$file"
    status=1
  fi
  kill "$forward" 2>/dev/null || true
  wait "$forward" 2>/dev/null || true
  rm -f "$log"
done <<<"$services"
exit "$status"
