#!/bin/bash
# demo.sh: the newcomer's first command. Installs what the lab needs, brings up 3 local lab hosts (building
# the Debian base on first use), builds hastack and its agent, then deploys the lab stack (Pulumi.lab.yaml)
# with `hastack up`: etcd, Patroni/PostgreSQL, PgBouncer, HAProxy and the VIP, ending with the failover proof.
# Prints the stack's outputs. Tear down with tests/lab/down.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/lab/host-setup.sh
if [[ -f ${HASTACK_LAB_DIR:-/run/hastack-lab}/hosts ]]; then
  echo "a lab is already up; starting afresh"
fi
bash tests/lab/down.sh >/dev/null
rm -rf .hastack/stacks/hastack/lab.json   # the lab is new: so is its state
bash tests/lab/up.sh 3

echo "== building hastack (it publishes the native agent itself when it is missing or older than its sources)"
dotnet build infra/HaStack.Cli -c Release --nologo -v quiet

# the state keeps generated passwords encrypted with the stack's passphrase; the lab's is made up here
LAB_DIR=${HASTACK_LAB_DIR:-/run/hastack-lab}
[[ -s $LAB_DIR/passphrase ]] || { head -c 24 /dev/urandom | base64 > "$LAB_DIR/passphrase"; chmod 600 "$LAB_DIR/passphrase"; }
export PULUMI_CONFIG_PASSPHRASE_FILE=$LAB_DIR/passphrase
hastack() { dotnet infra/HaStack.Cli/bin/Release/net10.0/hastack.dll "$@"; }

echo "== hastack up --stack lab"
hastack up --stack lab --yes
echo
hastack output --stack lab
echo
echo "Connect (TLS, the server checked against the cluster's CA):"
echo "  mkdir -p ~/.postgresql && PULUMI_CONFIG_PASSPHRASE_FILE=$LAB_DIR/passphrase dotnet infra/HaStack.Cli/bin/Release/net10.0/hastack.dll output caCertificate --stack lab > ~/.postgresql/root.crt"
echo "  psql \"\$(PULUMI_CONFIG_PASSPHRASE_FILE=$LAB_DIR/passphrase dotnet infra/HaStack.Cli/bin/Release/net10.0/hastack.dll output writer --stack lab)\""
echo "  (password: PULUMI_CONFIG_PASSPHRASE_FILE=$LAB_DIR/passphrase dotnet infra/HaStack.Cli/bin/Release/net10.0/hastack.dll output postgresPassword --show-secrets --stack lab)"
