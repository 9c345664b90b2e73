#!/bin/bash
# debian13.sh: the 3-host stack (every role on every host, the VIP on HAProxy) on its own lab of Debian 13 hosts:
# PostgreSQL 17, Patroni 4 with quorum commit, etcd 3.5, HAProxy 3.0, PgBouncer 1.24. Deploys
# tests/topologies/Pulumi.trixie.yaml (the deployment ends with the failover proof), then:
#   - the preview named the hosts' release, and a second up changes nothing;
#   - status is healthy, PostgreSQL is 17 and Patroni runs quorum commit (its standbys are quorum_standby);
#   - TLS on the client's path with PgBouncer 1.24 and PostgreSQL 17 (tls_checks), and a renewal under a session (tls_rotation);
#   - hastack switchover moves the primary under a writer through the VIP;
#   - the primary (not the VIP holder) powered off under a writer: writes resume through the VIP, no acknowledged write
#     is lost, and no client opening a connection through the VIP meanwhile is left waiting (connect_probe.py);
# then destroys with --purge-data. Run by tests/run.sh after the xunit projects.
. "$(dirname "$0")/lib.sh"
export HASTACK_LAB_RELEASE=13
topology_setup trixie 3

hastack up --yes > "$DIR/up.log" 2>&1 || { tail -40 "$DIR/up.log"; fail "up"; }
grep -q "Hosts: Debian 13 (trixie) (node1, node2, node3): PostgreSQL 17, Patroni 4.0.7" "$DIR/up.log" ||
  { head -20 "$DIR/up.log"; fail "up did not name the hosts' release"; }
grep -E "vipMoveMs|sqlRecoveryMs|vipHolder" "$DIR/up.log"
hastack up --yes --expect-no-changes > "$DIR/noop.log" 2>&1 || { tail -20 "$DIR/noop.log"; fail "second up changed something"; }

hastack status > "$DIR/status.log" 2>&1 || { cat "$DIR/status.log"; fail "status is not healthy"; }
[[ $(grep -c "quorum_standby" "$DIR/status.log") == 2 ]] || { cat "$DIR/status.log"; fail "Patroni does not run quorum commit"; }
version=$(ssh_node node1 "runuser -u postgres -- psql -XAtc 'show server_version_num'")
[[ $version == 17* ]] || fail "PostgreSQL is $version, not 17"
tls_checks node2 10.77.0.13

# Patroni's REST API is HTTPS with the cluster's CA: trusted here from node1's copy (read once, while every host is up)
ssh_node node1 "cat /etc/hastack/tls/ca.crt" > "$DIR/ca.crt"
members() { curl -s --max-time 3 --cacert "$DIR/ca.crt" "https://10.77.0.1$1:8008/cluster"; }
primary() { for i in 1 2 3; do members "$i" 2>/dev/null | python3 -c 'import json,sys; print(next(m["name"] for m in json.load(sys.stdin)["members"] if m["role"] == "leader"))' 2>/dev/null && return; done; }
other_than() { for n in node1 node2 node3; do [[ $n != "$1" ]] && { echo "$n"; return; }; done; }
wait_whole() { # WHAT: healthy status within 180 s
  local deadline=$((SECONDS + 180))
  until hastack status > "$DIR/status.log" 2>&1; do
    ((SECONDS < deadline)) || { cat "$DIR/status.log"; fail "not whole again after $1 within 180 s"; }
    sleep 3
  done
}

first=$(primary)
writer_start "$(other_than "$first")" 1
hastack switchover > "$DIR/switchover.log" 2>&1 || { cat "$DIR/switchover.log"; fail "switchover"; }
grep -E "is the primary" "$DIR/switchover.log"
writer_stop "switchover" 8
wait_whole "the switchover"

# the primary loses power, not the VIP holder: HAProxy on the holder must end what it had opened to the lost primary
victim=$(primary)
holder=$(hastack status 2>/dev/null | awk '/holds the VIP/ { print $1 }' || true)
if [[ $victim == "$holder" ]]; then
  hastack switchover --to "$(other_than "$holder")" > "$DIR/switchover.log" 2>&1 || { cat "$DIR/switchover.log"; fail "switchover away from the VIP holder"; }
  wait_whole "the switchover away from the VIP holder"
  victim=$(primary)
fi
writer_start "$(other_than "$victim")" 2
# new connections through the VIP all along: HAProxy 3.0 left some of those opened just before the loss waiting for ever
python3 tests/topologies/connect_probe.py "$(hastack output vipAddress)" "$(writer_port)" 20 > "$DIR/probe.log" 2>&1 & probe=$!
sleep 3
bash tests/lab/power.sh "$victim" off
deadline=$((SECONDS + 90))
until [[ -n $(primary) && $(primary) != "$victim" ]]; do
  ((SECONDS < deadline)) || fail "no new primary within 90 s of $victim's power-off"
  sleep 1
done
sleep 10
writer_stop "power-off of the primary ($victim)" 40
wait "$probe" || { cat "$DIR/probe.log"; fail "a client connecting through the VIP was left waiting at $victim's power-off"; }
echo "connects through the VIP during $victim's power-off: $(cat "$DIR/probe.log")"
bash tests/lab/power.sh "$victim" on
wait_whole "$victim's power-off"

tls_rotation node2

hastack destroy --yes --purge-data > "$DIR/destroy.log" 2>&1 || { tail -20 "$DIR/destroy.log"; fail "destroy"; }
echo "debian13: passed (Debian 13: deployed, proof passed, idempotent, quorum commit, switchover and a primary power-off under a writer with nothing lost and no connect left waiting, destroyed)"
