#!/usr/bin/env bash
# Load test of POST /api/messages (issue 3): the production bot host in-process on Kestrel over loopback, authenticated
# against a loopback authority, a fresh SQLite file with the sample data, `customer <id>` turns from the sample clerk,
# each reply delivered to a loopback connector. Prints turns/s, p50/p90/p99/max latency and errors by status.
# Not part of `dotnet test`. Usage: tests/load-test.sh [--concurrency 32] [--duration 20] [--warmup 20] [--set Key=Value]…
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--concurrency 32 --duration 20 --warmup 20)
fi
exec dotnet run -c Release --project tests/CustomerWorkflow.LoadTest -- "${args[@]}"
