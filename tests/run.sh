#!/bin/bash
# run.sh: every test. Unit tests need nothing; the lab tests bring up the lab (tests/lab/up.sh) when none
# is up and tear it down afterwards. Needs root and the .NET 10 SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/lab/host-setup.sh
dotnet build HaStack.sln -c Release --nologo -v quiet
dotnet test HaStack.sln -c Release --no-build --nologo "$@"
