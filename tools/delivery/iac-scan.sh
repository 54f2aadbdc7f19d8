#!/usr/bin/env bash
# IaC scan (pull requests and .ci/run): Checkov's Kubernetes checks over what would be applied —
# every system chart rendered for every environment (helm template, Kubernetes 1.34) and the
# infra/k8s manifests. Fails on any finding not excepted, with its justification, in
# tools/delivery/checkov.yaml. Reports (CLI text and JUnit XML) go to reports/iac/.
# Checkov comes from PyPI into a git-ignored venv, .tools/checkov-<version>/, on first use (about
# 2.5 min and 290 MB; Python 3 with venv and pip needed); Helm from install-tools.sh.
# A self-check first: the scanner must fail tools/delivery/iac-fixtures/privileged-pod.yaml.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
CHECKOV_VERSION=3.3.30
tools_dir="${ARCHIPELAGO_TOOLS_DIR:-$root/.tools}"
venv="$tools_dir/checkov-$CHECKOV_VERSION"
mkdir -p "$tools_dir"

if [ ! -f "$venv/.installed" ]; then
  (
    flock 9
    if [ ! -f "$venv/.installed" ]; then
      python=$(command -v python3 || command -v python) || { echo "iac-scan: Python 3 is required (apt-get install python3 python3-venv python3-pip)" >&2; exit 1; }
      echo "iac-scan: pip install checkov==$CHECKOV_VERSION into $venv (first time on this machine)" >&2
      start=$(date +%s)
      rm -rf "$venv"   # a venv is not relocatable: build it in place, mark it complete at the end
      "$python" -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" >&2
      touch "$venv/.installed"
      echo "iac-scan: checkov installed in $(( $(date +%s) - start ))s" >&2
    fi
  ) 9>"$tools_dir/.checkov.lock"
fi
checkov() { "$venv/bin/python" -m checkov.main "$@"; }
helm=$(tools/delivery/install-tools.sh helm)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rendered/infra-k8s" reports/iac
cp -r charts "$work/charts"
for chart_dir in "$work"/charts/*/; do
  name=$(basename "$chart_dir")
  grep -q '^type: application' "$chart_dir/Chart.yaml" || continue
  "$helm" dependency build --skip-refresh "$chart_dir" >/dev/null
  for values in "$chart_dir"/values-*.yaml; do
    env=$(basename "$values" .yaml); env=${env#values-}
    "$helm" template "$name" "$chart_dir" -f "$values" --kube-version 1.34 > "$work/rendered/$name-$env.yaml"
  done
done
find infra/k8s -name '*.yaml' ! -name kustomization.yaml -exec cp --parents {} "$work/rendered/infra-k8s/" \;

if checkov --config-file tools/delivery/checkov.yaml -f tools/delivery/iac-fixtures/privileged-pod.yaml >/dev/null 2>&1; then
  echo "iac-scan: the self-check passed a privileged pod: the scanner is not checking anything" >&2
  exit 1
fi

echo "iac-scan: $(find "$work/rendered" -name '*.yaml' | wc -l) manifests (charts × environments, infra/k8s)" >&2
status=0
checkov --config-file tools/delivery/checkov.yaml -d "$work/rendered" \
  -o cli -o junitxml --output-file-path reports/iac >/dev/null 2>&1 || status=$?
# The findings (or the passed/failed counts) from the CLI report; the JUnit XML is for CI to attach.
if [ -s reports/iac/results_cli.txt ]; then
  grep -E '^(Passed checks|Check: |\s+(FAILED|File:))' reports/iac/results_cli.txt | sed -n '1,200p'
fi
[ "$status" -eq 0 ] && echo "iac-scan: ok (no finding outside tools/delivery/checkov.yaml's exceptions)" >&2
exit "$status"
