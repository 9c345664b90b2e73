# lib.sh: what the topology tests share. Source it, then call topology_setup STACK; it leaves:
#   DIR       a project of its own (the repository's Pulumi.yaml and tests/topologies/Pulumi.STACK.yaml) with its own state
#   hastack   the built CLI on that project and stack
#   ssh_node  a command on a lab host
#   fail      the test's failure line and exit 1
#   fault_matrix  hastack verify --faults on the stack, held to what every topology promises
# and a lab (5 hosts unless told) brought up for the test, torn down (with DIR) when the script exits. A test skips itself, exit 0,
# when a lab is already up: it needs one of its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

topology_setup() { # STACK [HOSTS, default 5]
  TOPOLOGY=$1
  local hosts=${2:-5}
  fail() { echo "$TOPOLOGY: FAILED: $*" >&2; exit 1; }
  # a command that fails under set -e says which, instead of ending the test in silence
  trap 'echo "$TOPOLOGY: FAILED at line $LINENO: $BASH_COMMAND" >&2' ERR
  DIR=$(mktemp -d "/tmp/hastack-$TOPOLOGY.XXXXXX")
  cp Pulumi.yaml "tests/topologies/Pulumi.$TOPOLOGY.yaml" "$DIR/"
  # the project is a copy outside the checkout, so the agent binary is named (hastack publishes it only in a checkout)
  export PULUMI_CONFIG_PASSPHRASE="$TOPOLOGY passphrase" HASTACK_AGENT_BINARY=$PWD/artifacts/hastack-vrrpd/hastack-vrrpd
  [[ -x $HASTACK_AGENT_BINARY ]] ||
    dotnet publish agent/HaStack.Vrrpd -c Release -r linux-x64 -p:PublishAot=true -o artifacts/hastack-vrrpd --nologo -v quiet
  if [[ -f ${HASTACK_LAB_DIR:-/run/hastack-lab}/hosts ]]; then
    echo "$TOPOLOGY: skipped: a lab is up, and this test needs a $hosts-host lab of its own (run it after tests/lab/down.sh)"
    rm -rf "$DIR"
    exit 0
  fi
  bash tests/lab/down.sh >/dev/null
  trap 'bash tests/lab/down.sh >/dev/null; rm -rf "$DIR"' EXIT
  bash tests/lab/up.sh "$hosts" | tail -1
}

hastack() { dotnet infra/HaStack.Cli/bin/Release/net10.0/hastack.dll "$@" --stack "$TOPOLOGY" --cwd "$DIR"; }
ssh_node() { bash tests/lab/ssh.sh "$@"; }

# What the HA services logged on every lab host in the last minutes: a failure in CI leaves nothing else to read.
journals() {
  local host
  while read -r host _; do
    echo "---- $host: patroni, hastack-vrrpd, pgbouncer, the last 4 minutes" >&2
    ssh_node "$host" "journalctl -u patroni -u hastack-vrrpd -u pgbouncer -u hastack-patroni-sync-guard --since -4min --no-pager -o short-precise | grep -v 'check_layer\|no action' | tail -80" >&2 || true
  done < "${HASTACK_LAB_DIR:-/run/hastack-lab}/hosts"
}

# The fault matrix under a writer through the VIP: every fault asked for, in order, no acknowledged write lost, writes resumed
# after each, none hanging (10 s), each gap within half again its budget, and each failed-write budget kept (the
# switchover's 0 with PgBouncer on the proxies). Prints a row per fault.
fault_matrix() { # [LIST: the faults, comma-separated; default all six]
  local list=${1:-layer-stop,agent-kill,pgbouncer-kill,patroni-kill,postmaster-kill,switchover}
  hastack verify --faults "$list" --json > "$DIR/faults.json" 2> "$DIR/faults.err" || true
  python3 - "$DIR/faults.json" "$list" <<'PY' || { cat "$DIR/faults.err"; journals; fail "fault matrix"; }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
faults = [l for l in lines if l["kind"] == "fault"]
for f in faults:
    print(f"  {f['fault']:16} {f['host']:6} failed {f['failedWrites']:4}  gap {f['longestGapMs'] / 1000:6.2f} s (budget {f['gapBudgetMs'] / 1000:.0f} s)  {f['verdict']}")
names = [f["fault"] for f in faults]
assert names == sys.argv[2].split(","), names
assert any(l["kind"] == "diagnostic" and "no acknowledged write lost" in l["message"] for l in lines), "acknowledged writes lost"
for f in faults:
    assert f["recovered"], f"{f['fault']}: writes did not resume"
    assert f["longestWriteMs"] < 10000, f"{f['fault']}: a write hung"
    assert f["longestGapMs"] <= f["gapBudgetMs"] * 1.5, f"{f['fault']}: gap far over budget"
    budget = f.get("failedWriteBudget")
    assert budget is None or f["failedWrites"] <= budget, f"{f['fault']}: {f['failedWrites']} failed write(s), budget {budget}"
PY
}
