#!/usr/bin/env bash
# Runs the whole test suite: sets up the machine and MNIST first (idempotent), then every test in Release.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"
scripts/setup.sh --mnist
# TorchSharp does not keep temporary Scalars alive across native calls; these runtime settings make that safe
# on multi-threaded pipelines (see Pipeline/Runs/RuntimeGuard.cs, where the pipeline command sets the same).
export DOTNET_TC_CallCounting=0 DOTNET_GCgen0size=0x10000000
echo "[test] building and running the tests (Release)"
log=$(mktemp)
set +e
dotnet test Pipeline.sln -c Release --nologo -v q 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line for CI: the totals of every test assembly.
awk '/Passed!|Failed!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { gsub(",", "", f); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
