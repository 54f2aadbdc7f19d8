#!/usr/bin/env bash
# Delivery checks for .ci/run: actionlint on the workflows, gitleaks on the repository, and the
# dependency audit. One line per check (`ok: …` / `FAILED: …`); exits non-zero if any failed.
# Tools come from tools/delivery/install-tools.sh (go install, cached in .tools/).
set -uo pipefail
cd "$(dirname "$0")/../.."
failed=0
check() { # check <name> <command...>
  local name=$1 out; shift
  if out=$("$@" 2>&1); then echo "ok: $name"; else failed=$((failed + 1)); echo "$out" | tail -n 40; echo "FAILED: $name"; fi
}
tools=$(tools/delivery/install-tools.sh actionlint gitleaks) || { echo "FAILED: install delivery tools"; exit 1; }
actionlint=$(sed -n 1p <<<"$tools")
gitleaks=$(sed -n 2p <<<"$tools")

check "actionlint (.github/workflows)" "$actionlint" -color=false
# The working tree as it is (tracked and untracked files, not git-ignored ones: local data such as
# .data/ holds generated dev secrets by design and never reaches git), then the whole history.
worktree=$(mktemp -d)
trap 'rm -rf "$worktree"' EXIT
if git rev-parse --git-dir >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$worktree"
else
  cp -a . "$worktree"
fi
check "gitleaks (working tree)" "$gitleaks" dir --no-banner --redact --exit-code 1 "$worktree"
if git rev-parse --verify -q HEAD >/dev/null; then
  check "gitleaks (git history)" "$gitleaks" git --no-banner --redact --exit-code 1 .
fi
# The registry's audit endpoint may be unreachable from CI machines: a failure to reach it is
# reported, not counted; a finding at high or above fails.
audit_out=$(npm audit --audit-level=high --omit=dev 2>&1); audit_status=$?
if [ $audit_status -eq 0 ]; then
  echo "ok: npm audit --audit-level=high (production dependencies)"
elif grep -qiE 'audit endpoint returned an error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network' <<<"$audit_out"; then
  echo "skipped: npm audit (registry audit endpoint unreachable)"
else
  echo "$audit_out" | tail -n 40
  failed=$((failed + 1))
  echo "FAILED: npm audit --audit-level=high"
fi
exit $(( failed > 0 ))
