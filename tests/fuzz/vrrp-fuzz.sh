#!/bin/bash
# vrrp-fuzz.sh [ITERATIONS] [SEED]: the long fuzz run of the VRRP receive path (default 2,000,000 inputs):
# random bytes and mutations of real keepalived packets through ReceiveValidator. Writes the figures to
# tests/fuzz/results.txt; exits non-zero if any input raised an exception.
set -euo pipefail
cd "$(dirname "$0")/../.."
export HASTACK_FUZZ_ITERATIONS=${1:-2000000} HASTACK_FUZZ_SEED=${2:-$RANDOM}
export HASTACK_FUZZ_REPORT=$PWD/tests/fuzz/results.txt
dotnet test tests/HaStack.Vrrp.Tests -c Release --nologo -v quiet --filter "FullyQualifiedName~FuzzTests"
cat "$HASTACK_FUZZ_REPORT"
