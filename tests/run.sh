#!/bin/bash
# run.sh: every test. Unit tests need nothing; the lab tests bring up the lab (tests/lab/up.sh) when none
# is up and tear it down afterwards; then the topologies run, each on a lab of its own. Needs root and the
# .NET 10 SDK. Both Debian releases HaStack deploys onto are exercised: the lab tests and the topologies on Debian 12
# (HASTACK_LAB_RELEASE picks another for the lab tests), the 3-host stack on Debian 13 (debian13.sh), and a stack
# mixing the two refused (database-layer.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/lab/host-setup.sh
# each part says how long it took: CI's time budget is spent here
timed() { # WHAT COMMAND...
  local what=$1 start=$SECONDS; shift
  "$@"
  echo "run.sh: $what took $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
}
dotnet build HaStack.sln -c Release --nologo -v quiet
# the Python programs HaStack puts on hosts, with each release's Python and Patroni (a few seconds)
timed "host programs" bash tests/host-programs/run.sh
timed "the tests" dotnet test HaStack.sln -c Release --no-build --nologo "$@"
unset HASTACK_LAB_RELEASE  # each topology picks its hosts' release
# the removal of hosts and PgBouncer on the proxies (3 database hosts, 2 proxies) each need a 5-host lab of their
# own, the VIP on the database layer and Debian 13 a 3-host one; not when a filter was given. five-hosts.sh (the same
# 5 hosts with PgBouncer beside PostgreSQL) is left to HASTACK_ALL_TOPOLOGIES=1: CI's time budget.
if (($# == 0)); then
  [[ ${HASTACK_ALL_TOPOLOGIES:-0} == 1 ]] && timed five-hosts bash tests/topologies/five-hosts.sh
  timed remove-hosts bash tests/topologies/remove-hosts.sh
  timed database-layer bash tests/topologies/database-layer.sh
  timed pooler-on-proxies bash tests/topologies/pooler-on-proxies.sh
  timed debian13 bash tests/topologies/debian13.sh
fi
