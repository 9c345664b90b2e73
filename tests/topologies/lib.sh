# lib.sh: what the topology tests share. Source it, then call topology_setup STACK; it leaves:
#   DIR       a project of its own (the repository's Pulumi.yaml and tests/topologies/Pulumi.STACK.yaml) with its own state
#   hastack   the built CLI on that project and stack
#   ssh_node  a command on a lab host
#   fail      the test's failure line and exit 1
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
