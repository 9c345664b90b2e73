#!/bin/bash
# database-layer.sh: the VIP on the database layer (vip.floatsOver: database) end to end on its own 3-host lab.
# Deploys tests/topologies/Pulumi.dblayer.yaml (the deployment ends with the failover proof), then:
#   - a client with default settings, in a query through the VIP when the primary switches over, gets an error
#     within seconds instead of hanging on the old holder (the agent closes the connections on the address it gives up);
#   - the fault matrix (hastack verify --faults) loses no acknowledged write, leaves no
#     write hanging and keeps each gap within half again its budget (the budgets themselves: tests/bench/faults.py);
# then destroys with --purge-data. Run by tests/run.sh after the xunit projects.
. "$(dirname "$0")/lib.sh"
topology_setup dblayer 3
VIP=10.77.0.102

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

fault_matrix

hastack destroy --yes --purge-data > "$DIR/destroy.log" 2>&1 || { tail -20 "$DIR/destroy.log"; fail "destroy"; }
echo "database-layer: passed (deployed, proof passed, no hung client on switchover, fault matrix within bounds, destroyed)"
