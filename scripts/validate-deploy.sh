#!/usr/bin/env bash
# Validates deploy/ offline: the Kubernetes base, rendered as `kubectl kustomize` would
# (scripts/render-k8s.ts), against the strict schemas of two Kubernetes versions, and the
# compose file against the compose-spec schema. Both validators come from PyPI and ship their
# schemas, so nothing is fetched at validation time.
#
#   bash scripts/validate-deploy.sh install            # once: the validators in .cache/deploy-venv
#   bash scripts/validate-deploy.sh [k8s-dir] [compose-file]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${DFS_VALIDATORS_VENV:-.cache/deploy-venv}
k8s_versions=(1.30.0 1.37.0)

if [[ ${1:-} == install ]]; then
  [[ -x $venv/bin/pip ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check kubernetes-validate==1.37.0 check-jsonschema==0.39.0
  exit 0
fi

k8s_dir=${1:-deploy/k8s}
compose=${2:-deploy/docker-compose.yml}
[[ -x $venv/bin/kubernetes-validate && -x $venv/bin/check-jsonschema ]] || { echo "validators missing: run bash scripts/validate-deploy.sh install" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx tsx scripts/render-k8s.ts "$k8s_dir" --out "$out/k8s.yaml"
for v in "${k8s_versions[@]}"; do
  "$venv/bin/kubernetes-validate" --strict --quiet -k "$v" "$out/k8s.yaml"
  echo "kubernetes $v: $(grep -c '^kind:' "$out/k8s.yaml") resources valid (strict)"
done
"$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec "$compose"
