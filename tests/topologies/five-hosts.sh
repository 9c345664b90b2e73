#!/bin/bash
# five-hosts.sh: the second topology end to end on its own 5-host lab: 3 database hosts and 2 proxies.
# Deploys tests/topologies/Pulumi.five.yaml with `hastack up` (which ends with the failover proof), checks the
# roles landed where they belong and a second up changes nothing, then destroys with --purge-data and removes
# the lab. Run by tests/run.sh after the xunit projects; needs the lab scripts, root and a built CLI and agent.
. "$(dirname "$0")/lib.sh"
topology_setup five

hastack up --yes > "$DIR/up.log" 2>&1 || { tail -40 "$DIR/up.log"; fail "up"; }
grep -E "vipMoveMs|sqlRecoveryMs|vipHolder" "$DIR/up.log"
# roles where they belong: databases only on node1-3, HAProxy and the agent only on node4-5
for n in node1 node2 node3; do
  [[ $(ssh_node $n "systemctl is-active patroni pgbouncer etcd" | sort -u) == active ]] || fail "$n: database services"
  ssh_node $n "! systemctl is-active --quiet hastack-vrrpd && ! systemctl is-active --quiet haproxy" || fail "$n runs a proxy or the agent"
done
for n in node4 node5; do
  [[ $(ssh_node $n "systemctl is-active haproxy hastack-vrrpd" | sort -u) == active ]] || fail "$n: proxy services"
  ssh_node $n "! systemctl is-active --quiet patroni && ! test -e /etc/patroni/config.yml" || fail "$n runs Patroni"
done
holders=$(for n in node4 node5; do ssh_node $n "ip -4 -o addr show dev eth0 | grep -qw 10.77.0.101 && echo $n" || true; done)
[[ $(echo "$holders" | grep -c node) == 1 ]] || fail "VIP holders: '$holders'"
leaders=$(ssh_node node1 "patronictl -c /etc/patroni/config.yml list -f json" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(sum(x["Role"]=="Leader" for x in m), len(m))')
[[ $leaders == "1 3" ]] || fail "Patroni leaders/members: $leaders"
hastack up --yes --expect-no-changes > "$DIR/noop.log" 2>&1 || { tail -20 "$DIR/noop.log"; fail "second up changed something"; }
hastack destroy --yes --purge-data > "$DIR/destroy.log" 2>&1 || { tail -20 "$DIR/destroy.log"; fail "destroy"; }
echo "five-hosts: passed (3 database hosts, 2 proxies: deployed, proof passed, idempotent, destroyed)"
