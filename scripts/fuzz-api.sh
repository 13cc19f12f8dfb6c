#!/usr/bin/env bash
# Fuzzes the integrator REST API against its own OpenAPI with Schemathesis (PyPI): every operation of
# the served /openapi.json, with a bounded number of generated requests each (at least 2,000 in all);
# it fails on any 5xx and on any response that does not conform to its documented status, content type
# and schema. It first runs the same against a copy of the API with one route broken on purpose
# (scripts/fuzz-broken-proxy.mjs answers 500) and requires that run to fail.
#
#   bash scripts/fuzz-api.sh install      # once: Schemathesis in .cache/schemathesis-venv
#   bash scripts/fuzz-api.sh [examples]   # starts the embedded stack, fuzzes it, stops it (default 400 per operation)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${DFS_FUZZ_VENV:-.cache/schemathesis-venv}
version=4.32.5
if [[ ${1:-} == install ]]; then
  [[ -x $venv/bin/pip ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
  exit 0
fi
[[ -x $venv/bin/schemathesis ]] || { echo "Schemathesis missing: run bash scripts/fuzz-api.sh install" >&2; exit 2; }
examples=${1:-400}
min_cases=2000
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

read -r -a ports < <(node -e '
  const net = require("node:net");
  Promise.all(Array.from({ length: 10 }, () => new Promise((ok) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); });
  }))).then((p) => console.log(p.join(" ")));')
export MNO_HTTP_PORT=${ports[0]} RISK_GRPC_PORT=${ports[1]} RISK_HTTP_PORT=${ports[2]}
export ATTESTATION_GRPC_PORT=${ports[3]} ATTESTATION_HTTP_PORT=${ports[4]} TRANSACTION_GRPC_PORT=${ports[5]}
export TRANSACTION_HTTP_PORT=${ports[6]} FOTA_HTTPS_PORT=${ports[7]} CONSOLE_PORT=${ports[8]}
broken_port=${ports[9]}
# The fuzzer sends thousands of requests a minute from one integrator: lift the per-integrator rate limit.
export INTEGRATOR_RATE_PER_SEC=10000 INTEGRATOR_RATE_BURST=10000 LOG_LEVEL=warn
env -u MONGODB_URI -u KAFKA_BROKERS node bin/dfs.mjs serve --state-dir "$work/state" >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do grep -q '^READY' "$work/serve.log" && break; sleep 1; done
grep -q '^READY' "$work/serve.log" || { cat "$work/serve.log" >&2; echo "the stack did not start" >&2; exit 1; }
api="https://127.0.0.1:$TRANSACTION_HTTP_PORT"
ca="$work/state/pki/ca.crt"
key=$(node -e 'console.log(require(process.argv[1]).integrators[0].apiKey)' "$work/state/integrators.json")
token=$(cat "$work/state/keys/transaction-operator.token")

# An Authorization header would be taken for an integrator access token, so the integrator routes are
# fuzzed with the API key alone and the operator's route with the operator token alone.
fuzz() { # base-url report-file [schemathesis args...]
  "$venv/bin/schemathesis" run "$1/openapi.json" --url "$1" "${@:3}" --tls-verify "$ca" \
    -n "$examples" --seed 20261203 --max-failures 1 --no-color \
    -c not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --report-json-path "$2" >"$2.log" 2>&1
}
as_integrator=(-H "X-API-Key: $key" --exclude-path /v1/journal/verify)
as_operator=(-H "Authorization: Bearer $token" --include-path /v1/journal/verify)
report() { node -e '
  const r = require(process.argv[1]);
  console.log(`${r.test_cases.generated} requests over ${r.operations.tested} operations, ${r.failures.length} failures (exit ${r.exit_code})`);
  for (const f of r.failures) console.log(`  ${f.operation ?? ""} ${JSON.stringify(f).slice(0, 300)}`);' "$1"; }

node scripts/fuzz-broken-proxy.mjs "$broken_port" "$api" "$work/state/pki" &
pids+=($!)
sleep 0.5
if fuzz "https://127.0.0.1:$broken_port" "$work/broken.json" "${as_integrator[@]}"; then
  echo "fuzz-api: the run against a route broken on purpose passed: Schemathesis is not checking" >&2
  exit 1
fi
grep -q not_a_server_error "$work/broken.json" || { cat "$work/broken.json.log" >&2; exit 1; }
echo "fuzz-api: broken route caught: $(report "$work/broken.json" | head -1)"

for run in api operator; do
  [[ $run == api ]] && args=("${as_integrator[@]}") || args=("${as_operator[@]}")
  if ! fuzz "$api" "$work/$run.json" "${args[@]}"; then
    tail -60 "$work/$run.json.log" >&2
    report "$work/$run.json" >&2
    exit 1
  fi
  echo "fuzz-api ($run): $(report "$work/$run.json")"
done
node -e '
  const r = require(process.argv[1]);
  if (r.test_cases.generated < Number(process.argv[2])) { console.error(`fewer than ${process.argv[2]} requests`); process.exit(1); }' \
  "$work/api.json" "$min_cases"
