#!/usr/bin/env bash
# Installs the delivery tools (Helm 4, kubeconform, actionlint, gitleaks, osv-scanner, k6, promtool) and the
# local mail sink (Mailpit) with `go install` into the git-ignored cache .tools/<name>-<version>/, once per
# machine and version.
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
  # Mailpit: the SMTP sink + web UI that `npm start` and the test harness run. Built by build_mailpit below,
  # not `go install`: the module ships without its web UI bundle (server/ui/dist is made by npm in Mailpit's
  # repo), so a plain `go install` serves an empty page. Keep tools/delivery/mailpit-ui/ on the same version.
  [mailpit]="github.com/axllent/mailpit@v1.33.1 mailpit"
)

# build_mailpit MODULE@VERSION OUT: copies the module's source from the Go module cache, bundles its web UI
# with Mailpit's own esbuild.config.mjs from the npm dependencies pinned in tools/delivery/mailpit-ui/
# (npm install there, once), then `go build`s it with the UI embedded.
build_mailpit() {
  local module="$1" out="$2" src work ui="$root/tools/delivery/mailpit-ui"
  # Outside any Go module (go.mod-free folder), so `go mod download` only fetches into the module cache.
  src="$(cd / && GOFLAGS= GOWORK=off go mod download -json "$module" | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(j.Error)throw new Error(j.Error);process.stdout.write(j.Dir)})')"
  [ -d "$src" ] || { echo "install-tools: go mod download $module failed" >&2; return 1; }
  # `npm install --no-save` (versions from the lock file, which it leaves alone) rather than `npm ci`: the lock
  # records only the sass-embedded platform package that this registry serves, and `npm ci` wants all of them.
  [ -x "$ui/node_modules/.bin/esbuild" ] || (cd "$ui" && npm install --no-save --no-audit --no-fund >&2)
  work="$(mktemp -d)"
  cp -r "$src/." "$work/src" && chmod -R u+w "$work/src"
  ln -s "$ui/node_modules" "$work/src/node_modules"
  ( cd "$work/src" && MINIFY=true node esbuild.config.mjs >&2 \
    && [ -s server/ui/dist/app.js ] \
    && CGO_ENABLED=0 GOFLAGS= go build -mod=mod -trimpath \
      -ldflags "-s -w -X github.com/axllent/mailpit/config.Version=${module##*@}" -o "$out" . >&2 ) \
    || { rm -rf "$work"; return 1; }
  rm -rf "$work"
}

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
        if [ "$name" = mailpit ]; then
          build_mailpit "$module" "$tmp/$bin_name" || { rm -rf "$tmp"; exit 1; }
        elif ! CGO_ENABLED=0 GOFLAGS= GOBIN="$tmp" go install "$module" >&2; then
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
