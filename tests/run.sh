#!/bin/bash
# run.sh: every test. Unit tests need nothing; the lab tests bring up the lab (tests/lab/up.sh) when none
# is up and tear it down afterwards; then the topologies run, each on a lab of its own. Needs root and the
# .NET 10 SDK. Both Debian releases HaStack deploys onto are exercised: the lab tests' 3-host stack on Debian 13
# (HASTACK_LAB_RELEASE, default 13), the topologies on Debian 12 (HASTACK_TOPOLOGY_RELEASE, default 12).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/lab/host-setup.sh
dotnet build HaStack.sln -c Release --nologo -v quiet
HASTACK_LAB_RELEASE=${HASTACK_LAB_RELEASE:-13} dotnet test HaStack.sln -c Release --no-build --nologo "$@"
export HASTACK_LAB_RELEASE=${HASTACK_TOPOLOGY_RELEASE:-12}
# the second topology (3 database hosts, 2 proxies), the removal of hosts and PgBouncer on the proxies each need
# a 5-host lab of their own, the VIP on the database layer a 3-host one; not when a filter was given
if (($# == 0)); then
  bash tests/topologies/five-hosts.sh
  bash tests/topologies/remove-hosts.sh
  bash tests/topologies/database-layer.sh
  bash tests/topologies/pooler-on-proxies.sh
fi
