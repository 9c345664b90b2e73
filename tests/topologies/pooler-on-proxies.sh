#!/bin/bash
# pooler-on-proxies.sh: PgBouncer on the proxy hosts (pgbouncer.placement: proxy) and the VIP on the pgbouncer
# layer, end to end on its own 5-host lab (3 database hosts, 2 proxies). Deploys tests/topologies/Pulumi.pooled.yaml
# (the deployment ends with the failover proof), checks PgBouncer landed on the proxies only and writes reach the
# primary through it, then runs the fault matrix: no acknowledged write lost, no write hanging, each gap within
# half again its budget, and the switchover (every proxy's PgBouncer paused around it) without one failed write;
# TLS on the client's path (tls_checks) and a renewal of every certificate under a session through the VIP (tls_rotation).
# Destroys with --purge-data. Run by tests/run.sh after the xunit projects.
. "$(dirname "$0")/lib.sh"
topology_setup pooled 5
VIP=10.77.0.103

hastack up --yes > "$DIR/up.log" 2>&1 || { tail -40 "$DIR/up.log"; fail "up"; }
grep -E "vipMoveMs|sqlRecoveryMs|vipHolder" "$DIR/up.log"
for n in node1 node2 node3; do
  ssh_node $n "! systemctl is-active --quiet pgbouncer && ! test -e /etc/pgbouncer/pgbouncer.ini" || fail "$n runs PgBouncer"
done
for n in node4 node5; do
  [[ $(ssh_node $n "systemctl is-active pgbouncer haproxy hastack-vrrpd" | sort -u) == active ]] || fail "$n: proxy services"
done
[[ $(hastack output writer) == *":6432/"* ]] || fail "the writer output is not PgBouncer's port: $(hastack output writer)"
# a write through the VIP lands on the primary, through PgBouncer and HAProxy (password on standard input only)
password=$(hastack output postgresPassword --show-secrets)
primary=$(ssh_node node4 "read -r PGPASSWORD; export PGPASSWORD; psql -X -A -t -h $VIP -p 6432 -U postgres -d postgres \
  -c 'SELECT inet_server_addr(), pg_is_in_recovery()'" <<< "$password")
[[ $primary == *"|f" ]] || fail "a query through the VIP reached '$primary', not a primary"
# writes end their TLS at a proxy's PgBouncer (which goes on over TLS to PostgreSQL), reads at a replica's PostgreSQL
tls_checks node4 10.77.0.11

fault_matrix
python3 - "$DIR/faults.json" <<'PY' || fail "the switchover is not held to 0 failed writes with PgBouncer on the proxies"
import json, sys
switchover = next(f for f in map(json.loads, filter(str.strip, open(sys.argv[1]))) if f.get("fault") == "switchover")
sys.exit(0 if switchover["failedWriteBudget"] == 0 and switchover["failedWrites"] == 0 else 1)
PY

tls_rotation node4

hastack destroy --yes --purge-data > "$DIR/destroy.log" 2>&1 || { tail -20 "$DIR/destroy.log"; fail "destroy"; }
echo "pooler-on-proxies: passed (PgBouncer on the proxies, VIP over them: deployed, proof passed, fault matrix within bounds, switchover without a failed write, destroyed)"
