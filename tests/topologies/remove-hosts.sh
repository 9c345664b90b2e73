#!/bin/bash
# remove-hosts.sh: hosts leave a deployed stack, on a 5-host lab of its own. Deploys Pulumi.removal.yaml (node4
# and node5 carry the db and proxy roles), then:
#  - a tampered state value (a file path carrying a command, its hash recomputed) is refused by preview, refresh
#    and up, and no host is even logged into;
#  - node4 is removed from the stack file: up stops its services and removes its files from what state recorded,
#    the other hosts' HAProxy and agent configs drop it, Patroni goes on with the rest, its data directory stays;
#  - node5 is removed with up --purge-data: its data directory goes too;
#  - a second up changes nothing, and destroy --purge-data cleans up.
# Run by tests/run.sh; needs root and a built CLI.
. "$(dirname "$0")/lib.sh"
topology_setup removal
STATE=$DIR/.hastack/stacks/hastack/removal.json

hastack up --yes > "$DIR/up.log" 2>&1 || { tail -40 "$DIR/up.log"; fail "up"; }
grep -E "vipMoveMs|sqlRecoveryMs" "$DIR/up.log"

# -- a tampered state value: refused before any host is contacted
logins() { for n in node1 node2 node3 node4 node5; do ssh_node $n "journalctl -q -u ssh.service --no-pager | grep -c 'Accepted publickey' || true"; done | paste -sd' '; }
cp "$STATE" "$DIR/state.good"
# the issue-26 attack: files, units and data HaStack never writes, and a host only state knows, every input hash
# recomputed as HaStack computes it; the state's authentication code (keyed by the passphrase) cannot be
python3 - "$STATE" <<'PY'
import hashlib, json, sys
path = sys.argv[1]
state = json.load(open(path))
def add(kind, host, name, inputs):
    text = kind + "\n" + name + "\n" + json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    state["resources"].append({"id": f"{kind}::{name}", "type": kind, "name": name, "host": host, "dependsOn": [], "inputs": inputs,
                               "outputs": {}, "inputHash": hashlib.sha256(text.encode()).hexdigest()})
add("hastack:host:File", "node1", "node1:/etc/shadow", {"path": "/etc/shadow", "mode": "0640", "owner": "root", "group": "shadow", "content": "x", "checkAsAgentConfig": False})
add("hastack:host:Service", "node1", "node1:ssh", {"unit": "ssh", "ready": {"kind": "Active", "seconds": 30}, "data": [], "reads": {}})
add("hastack:host:File", "node9", "node9:/etc/passwd", {"path": "/etc/passwd", "mode": "0644", "owner": "root", "group": "root", "content": "x", "checkAsAgentConfig": False})
state["hosts"]["node9"] = {"address": "10.77.0.99", "sshPort": 22}
json.dump(state, open(path, "w"), indent=2)
PY
before=$(logins)
tampered=$(sha256sum < "$STATE")
for verb in preview refresh "up --yes"; do
  if hastack $verb > "$DIR/tampered.log" 2>&1; then fail "$verb accepted a tampered state"; fi
  grep -q "removal.json: its authentication code does not match" "$DIR/tampered.log" || { cat "$DIR/tampered.log"; fail "$verb: no state-file error"; }
done
# each count of logins is a login itself: exactly one more per host means HaStack logged into none
after=$(logins)
[[ $(python3 -c 'import sys; b, a = sys.argv[1].split(), sys.argv[2].split(); print(all(int(y) == int(x) + 1 for x, y in zip(b, a)))' "$before" "$after") == True ]] ||
  fail "a host was logged into while the state was tampered (logins $before -> $after)"
[[ $(sha256sum < "$STATE") == "$tampered" ]] || fail "the tampered state was rewritten"
for n in node1 node2 node3 node4 node5; do ssh_node $n "test -e /etc/shadow" || fail "$n lost /etc/shadow"; done
# a state of an earlier release (no authentication code) is refused until the operator adopts it, once
python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); del s["authentication"]; json.dump(s, open(sys.argv[1], "w"), indent=2)' "$DIR/state.good"
cp "$DIR/state.good" "$STATE"
before=$(logins)
if hastack preview > "$DIR/unsealed.log" 2>&1; then fail "preview accepted a state without an authentication code"; fi
grep -q "adopt-state" "$DIR/unsealed.log" || { cat "$DIR/unsealed.log"; fail "no word on adopting the state"; }
if hastack adopt-state > "$DIR/adopt.log" 2>&1; then fail "adopt-state adopted without --yes"; fi
hastack adopt-state --yes > "$DIR/adopt.log" 2>&1 || { cat "$DIR/adopt.log"; fail "adopt-state --yes"; }
after=$(logins)
[[ $(python3 -c 'import sys; b, a = sys.argv[1].split(), sys.argv[2].split(); print(all(int(y) == int(x) + 1 for x, y in zip(b, a)))' "$before" "$after") == True ]] ||
  fail "a host was logged into while the state was unauthenticated (logins $before -> $after)"
hastack preview --expect-no-changes > "$DIR/adopted.log" 2>&1 || { tail -20 "$DIR/adopted.log"; fail "the adopted state does not match the hosts"; }
echo "remove-hosts: a tampered state is refused and no host was logged into; an earlier release's state is adopted once, on --yes"

# the primary is put on a host that leaves (node4 or node5): up must switch over to a host that stays before anything
# else. In synchronous mode Patroni switches over only to the named sync standby: step until it is one of them.
roles() { ssh_node node1 "patronictl -c /etc/patroni/config.yml list -f json" |
  python3 -c 'import json,sys; m=json.load(sys.stdin); print(next((x["Member"] for x in m if x["Role"]=="Leader"), "none"), next((x["Member"] for x in m if x["Role"]=="Sync Standby"), "none"))'; }
for i in $(seq 60); do
  read -r leader sync < <(roles)
  [[ $leader == node[45] ]] && break
  if [[ $leader != none && $sync != none ]]; then
    ssh_node node1 "patronictl -c /etc/patroni/config.yml switchover --leader $leader --candidate $sync --force" >/dev/null || true
  fi
  sleep 3
done
[[ $leader == node[45] ]] || fail "the primary could not be moved to node4 or node5 (leader $leader, sync standby $sync)"
echo "remove-hosts: the primary is $leader"

# -- etcd grows by one member and shrinks back, one membership change per up, under a writer
# etcd speaks TLS and asks for a certificate of the cluster's CA: the host's own, as HaStack's etcdctl calls present it
ETCDCTL="ETCDCTL_API=3 ETCDCTL_CACERT=/etc/hastack/tls/ca.crt ETCDCTL_CERT=/etc/hastack/tls/host.crt ETCDCTL_KEY=/etc/hastack/tls/host.key etcdctl --endpoints=https://127.0.0.1:2379"
etcd_members() { ssh_node node1 "$ETCDCTL member list" | awk -F', ' '{ print $3 ":" $2 }' | sort | paste -sd' '; }
etcd_healthy() { ssh_node node1 "$ETCDCTL endpoint health --cluster 2>&1" | grep -c 'is healthy' || true; }
etcd_started() { for n in node1 node2 node3; do ssh_node $n "systemctl show etcd -p ActiveEnterTimestampMonotonic --value"; done | paste -sd' '; }
with_etcd() { sed -i -E "s/(name: ($1), address: [0-9.]+, roles: )\[db, proxy\]/\1[etcd, db, proxy]/" "$DIR/Pulumi.removal.yaml"; }
cp "$DIR/Pulumi.removal.yaml" "$DIR/Pulumi.removal.yaml.good"
with_etcd 'node4|node5'
if hastack preview > "$DIR/preview-two-members.log" 2>&1; then cat "$DIR/preview-two-members.log"; fail "preview accepted two etcd members joining at once"; fi
grep -q "node4, node5 would join in one up" "$DIR/preview-two-members.log" || { cat "$DIR/preview-two-members.log"; fail "no reason given for refusing two etcd members"; }
cp "$DIR/Pulumi.removal.yaml.good" "$DIR/Pulumi.removal.yaml"
echo "remove-hosts: two etcd members joining in one up are refused at preview"

with_etcd node5
# the member add is a planned step, just before node5's etcd first starts, in preview and in its JSON
hastack preview > "$DIR/preview-etcd-node5.log" 2>&1 || { cat "$DIR/preview-etcd-node5.log"; fail "preview with node5 as an etcd member"; }
grep -A1 -E "^ \+ +hastack:cluster:EtcdJoin +node5 " "$DIR/preview-etcd-node5.log" | grep -qE "^ \+ +hastack:host:Service +node5:etcd " ||
  { cat "$DIR/preview-etcd-node5.log"; fail "preview does not plan node5's etcd member add just before its etcd starts"; }
hastack preview --json > "$DIR/preview-etcd-node5.json" 2>&1 || fail "preview --json with node5 as an etcd member"
grep -q '"type":"hastack:cluster:EtcdJoin","name":"node5"' "$DIR/preview-etcd-node5.json" || { cat "$DIR/preview-etcd-node5.json"; fail "preview --json has no EtcdJoin step"; }
started_before=$(etcd_started)
writer_start node1 1
hastack up --yes > "$DIR/up-etcd-node5.log" 2>&1 || { tail -40 "$DIR/up-etcd-node5.log"; writer_stop "etcd member added"; fail "up with node5 as an etcd member"; }
writer_stop "etcd member node5 added (up)" 8
[[ $(etcd_members) == "node1:started node2:started node3:started node5:started" ]] || fail "etcd members after the add: $(etcd_members)"
[[ $(etcd_healthy) == 4 ]] || fail "not every etcd member is healthy after the add"
[[ $(etcd_started) == "$started_before" ]] || fail "a running etcd member was restarted to add node5"
ssh_node node5 "grep -q '^ETCD_INITIAL_CLUSTER_STATE=existing' /etc/default/etcd-join" || fail "node5 did not join as a member of the running cluster"
echo "remove-hosts: node5 joined etcd ($(etcd_members)); the running members were not restarted"

remove_host() { # NAME [up flags]
  local name=$1; shift
  sed -i "/name: $name,/d" "$DIR/Pulumi.removal.yaml"
  hastack preview > "$DIR/preview-$name.log" 2>&1 || { cat "$DIR/preview-$name.log"; fail "preview without $name"; }
  grep -qE "^ - +hastack:host:Service +$name:patroni " "$DIR/preview-$name.log" || { cat "$DIR/preview-$name.log"; fail "preview does not delete $name's Patroni"; }
  grep -qE "^ ~ +hastack:host:File +node1:/etc/haproxy/haproxy.cfg " "$DIR/preview-$name.log" || fail "preview does not update node1's HAProxy config"
  # the orchestration is planned, first and in the order up runs it: the agent, the handover, then (an etcd member) its removal
  local planned  # awk, not head, takes the first three: head would close the pipe early, and pipefail counts grep's SIGPIPE
  planned=$(grep -E "^ [-+~] " "$DIR/preview-$name.log" | awk 'NR <= 3 { print $2 " " $3 }' | paste -sd';')
  local want="hastack:cluster:AgentLeave $name;hastack:cluster:Handover $name"
  [[ $name == node5 ]] && want+=";hastack:cluster:EtcdLeave $name"
  [[ $planned == "$want"* ]] || { cat "$DIR/preview-$name.log"; fail "preview does not plan the leaving steps first: $planned"; }
  hastack preview --json > "$DIR/preview-$name.json" 2>&1 || fail "preview --json without $name"
  grep -q '"type":"hastack:cluster:Handover","name":"'"$name"'"' "$DIR/preview-$name.json" || { cat "$DIR/preview-$name.json"; fail "preview --json has no Handover step"; }
  local since
  since=$(ssh_node node1 "date '+%Y-%m-%d %H:%M:%S'")
  hastack up --yes "$@" > "$DIR/up-$name.log" 2>&1 || { tail -40 "$DIR/up-$name.log"; fail "up without $name"; }
  # the staying agents reloaded with new peers and priorities, and carried on: no instance restarted (which drops the VIP)
  for n in node1 node2 node3 node4 node5; do
    [[ $n == "$name" ]] || ! grep -q "name: $n," "$DIR/Pulumi.removal.yaml" && continue
    ! ssh_node $n "journalctl -u hastack-vrrpd --since '$since' --no-pager | grep -q 'INITIALIZE'" || fail "$n's agent restarted its instance on reload"
  done
  grep -q "$name leaves the VIP group: its agent stops first" "$DIR/up-$name.log" || fail "$name's agent was not stopped before the others dropped it"
  for unit in patroni pgbouncer haproxy hastack-vrrpd; do
    ! ssh_node $name "systemctl is-active --quiet $unit" || fail "$name: $unit still runs"
  done
  for file in /etc/patroni/config.yml /etc/pgbouncer/pgbouncer.ini /etc/haproxy/haproxy.cfg /etc/hastack-vrrpd/keepalived.conf /usr/local/sbin/hastack-vrrpd; do
    ssh_node $name "test ! -e $file" || fail "$name: $file is still there"
  done
  local address=10.77.0.1${name#node}
  for n in node1 node2 node3; do
    ssh_node $n "! grep -qw $address /etc/haproxy/haproxy.cfg /etc/hastack-vrrpd/keepalived.conf" || fail "$n's configs still name $name"
  done
  ! grep -q "\"host\": \"$name\"" "$STATE" || fail "state still records resources on $name"
  members=$(ssh_node node1 "patronictl -c /etc/patroni/config.yml list -f json" | python3 -c 'import json,sys; print(" ".join(sorted(x["Member"] for x in json.load(sys.stdin))))')
  [[ " $members " != *" $name "* ]] || fail "Patroni still lists $name: $members"
  if [[ $name == "$leader" ]]; then
    grep -q "$name leaves the stack and is the primary: switching over" "$DIR/up-$name.log" || { cat "$DIR/up-$name.log"; fail "no switchover before the primary's host left"; }
    echo "remove-hosts: $name was the primary: $(grep -o "[a-z0-9]* is the primary ($name was, and leaves), after [0-9.]* s" "$DIR/up-$name.log")"
    # where the switchover's time went, from the run's timestamped log
    grep -h "leaves the stack and is the primary\|PgBouncer\|switch\|leads after" "$(ls -t "$DIR"/.hastack/logs/*-up-*.log | head -1)" | sed 's/^/    /' || true
  fi
}

writer_start node1 3
remove_host node4
writer_stop "node4 removed (up)" 8
ssh_node node4 "test -d /var/lib/postgresql/15/main" || fail "node4's data directory was removed without --purge-data"
echo "remove-hosts: node4 removed: services stopped, files gone, others' configs updated, data kept"
writer_start node1 2
remove_host node5 --purge-data
writer_stop "node5 and its etcd member removed (up)" 8
ssh_node node5 "test ! -e /var/lib/postgresql/15/main" || fail "node5's data directory is still there after up --purge-data"
! ssh_node node5 "systemctl is-active --quiet etcd" || fail "node5: etcd still runs"
[[ $(etcd_members) == "node1:started node2:started node3:started" ]] || fail "etcd members after node5 left: $(etcd_members)"
[[ $(etcd_healthy) == 3 ]] || fail "not every etcd member is healthy after node5 left"
echo "remove-hosts: node5 removed with --purge-data: its data directory is gone, its etcd member removed before it stopped"

hastack up --yes --expect-no-changes > "$DIR/noop.log" 2>&1 || { tail -20 "$DIR/noop.log"; fail "a second up changed something"; }
hastack destroy --yes --purge-data > "$DIR/destroy.log" 2>&1 || { tail -20 "$DIR/destroy.log"; fail "destroy"; }
echo "remove-hosts: passed"
