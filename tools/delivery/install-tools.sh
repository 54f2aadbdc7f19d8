#!/usr/bin/env bash
# Installs the delivery tools (Helm 4, kubeconform, actionlint, gitleaks, osv-scanner, k6, promtool) with
# `go install` into the git-ignored cache .tools/<name>-<version>/, once per machine and version.
# Usage: tools/delivery/install-tools.sh [name...]   (default: helm kubeconform)
# Prints the absolute path of each installed binary, one per line, on stdout; progress on stderr.
# Concurrent callers (parallel test workers) wait on a lock instead of building twice.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tools_dir="${ARCHIPELAGO_TOOLS_DIR:-$root/.tools}"
mkdir -p "$tools_dir"

# name -> "module@version binary-name". Bump a version here and the cache key changes with it.
declare -A pins=(
  [helm]="helm.sh/helm/v4/cmd/helm@v4.3.1 helm"
  [kubeconform]="github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0 kubeconform"
  [actionlint]="github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 actionlint"
  [gitleaks]="github.com/zricethezav/gitleaks/v8@v8.30.1 gitleaks"
  [osv-scanner]="github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.6.0 osv-scanner"
  # k6 v2 (apps/load); `go.k6.io/k6@latest` would give the v1 line.
  [k6]="go.k6.io/k6/v2@v2.2.0 k6"
  # Prometheus 3.16 (module versions are v0.<minor>.<patch>): `promtool check rules` / `test rules`.
  [promtool]="github.com/prometheus/prometheus/cmd/promtool@v0.316.0 promtool"
)

names=("$@")
[ ${#names[@]} -eq 0 ] && names=(helm kubeconform)

command -v go >/dev/null || { echo "install-tools: Go is required (go install)" >&2; exit 1; }

for name in "${names[@]}"; do
  spec="${pins[$name]:-}"
  [ -n "$spec" ] || { echo "install-tools: unknown tool '$name'" >&2; exit 2; }
  module="${spec%% *}"
  bin_name="${spec##* }"
  version="${module##*@}"
  dest="$tools_dir/$name-$version"
  if [ ! -x "$dest/$bin_name" ]; then
    (
      flock 9
      if [ ! -x "$dest/$bin_name" ]; then
        echo "install-tools: go install $module (first time on this machine; takes a while)" >&2
        start=$(date +%s)
        tmp="$dest.tmp.$$"
        rm -rf "$tmp"
        mkdir -p "$tmp"
        # CGO off: static binaries, no C toolchain needed. GOFLAGS cleared: no -mod=vendor surprises.
        if ! CGO_ENABLED=0 GOFLAGS= GOBIN="$tmp" go install "$module" >&2; then
          # `go install m@v` also asks the proxy for the module's version list (deprecation check);
          # when only the pinned version is served (k6 v2 on some proxies: @v/list is 404) and the
          # `direct` fallback has no network, it fails. Building the same pinned version from a
          # throwaway module skips that check; MVS picks the same dependency versions. (Works when
          # the pinned path is the module root, as for k6; a sub-package path would need a real go.mod.)
          echo "install-tools: go install failed; building $module from a throwaway module" >&2
          work="$(mktemp -d)"
          ( cd "$work" && GOFLAGS= go mod init install-tools.local/build >/dev/null 2>&1 \
            && GOFLAGS= go mod edit -require="$module" \
            && CGO_ENABLED=0 GOFLAGS= go build -mod=mod -trimpath -o "$tmp/$bin_name" "${module%@*}" ) >&2 \
            || { rm -rf "$work" "$tmp"; exit 1; }
          rm -rf "$work"
        fi
        mv "$tmp" "$dest"
        echo "install-tools: $name $version built in $(( $(date +%s) - start ))s" >&2
      fi
    ) 9>"$tools_dir/.$name.lock"
  fi
  echo "$dest/$bin_name"
done
