#!/bin/bash
# database-layer.sh: the VIP on the database layer (vip.floatsOver: database) end to end on its own lab.
# Deploys tests/topologies/Pulumi.dblayer.yaml (the deployment ends with the failover proof), then:
#   - a client with default settings, in a query through the VIP when the primary switches over, gets an error
#     within seconds instead of hanging on the old holder (the agent closes the connections on the address it gives up);
#   - the fault matrix (hastack verify --faults) loses no acknowledged write, leaves no
#     write hanging and keeps each gap within half again its budget (the budgets themselves: tests/bench/faults.py);
# then destroys with --purge-data. Run by tests/run.sh after the xunit projects.
# Its lab has a fourth host on Debian 13 beside the stack's three on Debian 12: a stack that takes that host in is
# refused before any change (one cluster runs one release).
. "$(dirname "$0")/lib.sh"
export HASTACK_LAB_RELEASE=12,12,12,13
topology_setup dblayer 4
VIP=10.77.0.102

# the mixed stack: the same three hosts and node4 (Debian 13); preview and up refuse it, and no host is touched
sed 's/^    - { name: node3, address: 10.77.0.13, roles: \[etcd, db\] }$/&\n    - { name: node4, address: 10.77.0.14, roles: [db] }/' \
  "$DIR/Pulumi.dblayer.yaml" > "$DIR/Pulumi.mixed.yaml"
grep -q node4 "$DIR/Pulumi.mixed.yaml" || fail "the mixed stack file was not written"
for command in preview "up --yes"; do
  if dotnet infra/HaStack.Cli/bin/Release/net10.0/hastack.dll $command --stack mixed --cwd "$DIR" > "$DIR/mixed.log" 2>&1; then
    fail "$command of a stack mixing Debian 12 and 13 succeeded"
  fi
  grep -q "different Debian releases (Debian 12 (bookworm): node1, node2, node3; Debian 13 (trixie): node4)" "$DIR/mixed.log" ||
    { cat "$DIR/mixed.log"; fail "$command of the mixed stack did not name each host's release"; }
done
for n in node1 node2 node3 node4; do
  ssh_node $n "test ! -e /usr/sbin/policy-rc.d && ! dpkg -s patroni >/dev/null 2>&1" || fail "$n was changed by a refused up"
done
[[ ! -e $DIR/.hastack/stacks/hastack/mixed.json ]] || grep -q '"resources": \[\]' "$DIR/.hastack/stacks/hastack/mixed.json" ||
  fail "the refused up recorded resources in state"
echo "database-layer: a stack mixing Debian 12 and 13 was refused by preview and up, no host touched"

hastack up --yes > "$DIR/up.log" 2>&1 || { tail -40 "$DIR/up.log"; fail "up"; }
grep -E "vipMoveMs|sqlRecoveryMs|vipHolder" "$DIR/up.log"
password=$(hastack output postgresPassword --show-secrets)

members() { ssh_node node1 "patronictl -c /etc/patroni/config.yml list -f json"; }
role_of() { members | python3 -c "import json,sys; print(next(m['Member'] for m in json.load(sys.stdin) if m['Role'] == sys.argv[1]))" "$1"; }
leader=$(role_of Leader)
candidate=$(role_of "Sync Standby")
client=$(for n in node1 node2 node3; do if [[ $n != "$leader" && $n != "$candidate" ]]; then echo $n; fi; done)
holder=$(for n in node1 node2 node3; do ssh_node $n "ip -4 -o addr show dev eth0 | grep -qw $VIP && echo $n" || true; done)
[[ $holder == "$leader" ]] || fail "the VIP is on '$holder', the primary is $leader"

# a client connected through the VIP to the primary's PgBouncer sits idle while the primary switches over, then
# asks again on the same connection. psql's defaults (no timeouts at all), on the third host: without the agent
# closing the old holder's connections, its question goes to a host that no longer answers for the address, and
# it waits for TCP to give up (many minutes). The password goes on standard input, never on a command line.
ssh_node "$client" "read -r PGPASSWORD; export PGPASSWORD
  { echo 'SELECT 1;'; sleep 15; echo 'SELECT pg_sleep(1);'; } | timeout 90 psql -X -h $VIP -p 6432 -U postgres -d postgres >/tmp/idle.log 2>&1
  echo \$? > /tmp/idle.rc" <<< "$password" &
idle=$!
began=$(date +%s.%N)
sleep 3
ssh_node "$leader" "runuser -u postgres -- patronictl -c /etc/patroni/config.yml switchover --leader $leader --candidate $candidate --force" >/dev/null 2>&1 ||
  ssh_node "$leader" "runuser -u postgres -- patronictl -c /etc/patroni/config.yml switchover --master $leader --candidate $candidate --force" >/dev/null ||
  fail "switchover"
wait $idle || true
took=$(python3 -c "print(round($(date +%s.%N) - $began, 1))")
rc=$(ssh_node "$client" "cat /tmp/idle.rc")
echo "the idle client's next query through the VIP ended $took s after it connected (15 s of it idle; psql exit $rc): $(ssh_node "$client" "tail -1 /tmp/idle.log")"
[[ $rc != 124 ]] || fail "the client was left hanging on the old holder until timeout(1) ended it"
python3 -c "import sys; sys.exit(0 if $took < 30 else 1)" || fail "the client took $took s to hear its connection was gone"

tls_checks "$client" 10.77.0.11

fault_matrix

hastack destroy --yes --purge-data > "$DIR/destroy.log" 2>&1 || { tail -20 "$DIR/destroy.log"; fail "destroy"; }
echo "database-layer: passed (deployed, proof passed, no hung client on switchover, fault matrix within bounds, destroyed)"
