#!/bin/bash
# down.sh: remove every process, mount, namespace, veth, cgroup and the bridge that the lab made, and
# nothing else; then check that nothing is left (exit 1 if something is). Idempotent.
# The cached base is kept; PURGE=1 removes it too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
[[ $(id -u) == 0 ]] || die "down.sh needs root"
T0=$(now)

# helpers (captures, monitors) started for the lab record their PIDs as run/*.helper.pid
for f in "$LAB_RUN"/*.helper.pid; do
  [[ -f $f ]] || continue
  p=$(<"$f"); [[ -n $p ]] && kill "$p" 2>/dev/null; rm -f "$f"
done

# ---- hosts: SIGTERM to nspawn halts the host's systemd cleanly ----
nodes=$(lab_node_indexes)
for i in $nodes; do
  if host_runs_systemd && systemctl is-active -q "hastack-lab-node$i" 2>/dev/null; then
    systemctl stop --no-block "hastack-lab-node$i"
  else
    p=$(node_nspawn_pid "$i"); [[ -n $p ]] && kill -TERM "$p"
  fi
done
for i in $nodes; do
  for _ in $(seq 1 100); do [[ -z $(node_nspawn_pid "$i") ]] && break; sleep 0.1; done
  p=$(node_nspawn_pid "$i")
  [[ -n $p ]] && { echo "node$i: nspawn $p still running after 10 s, SIGKILL"; kill -KILL "$p"; }
  rm -f "$LAB_RUN/node$i.nspawn.pid"
done
# Whatever still lives in a lab cgroup (after a SIGKILLed nspawn, the host's systemd survives,
# re-parented to PID 1): found by cgroup, ended by PID.
for _ in 1 2 3 4 5; do
  pids=$(lab_cgroup_pids); [[ -n $pids ]] || break
  echo "ending leftover lab processes: $(echo $pids)"
  kill -KILL $pids 2>/dev/null; sleep 0.3
done

# ---- mounts (deepest first), namespaces, links, firewall rule, cgroups, files ----
findmnt -rn -o TARGET | grep "^$LAB_NODES_DIR/" | sort -r | while read -r m; do
  umount "$m" 2>/dev/null || umount -l "$m"
done
for i in $nodes; do
  ip netns del "$(node_ns "$i")" 2>/dev/null
  ip link del "$(node_veth "$i")" 2>/dev/null
  rm -rf "/run/systemd/nspawn/propagate/node$i" "/run/systemd/nspawn/unix-export/node$i"
done
ip link del "$LAB_BRIDGE" 2>/dev/null
if command -v iptables >/dev/null; then
  while iptables -D FORWARD -i "$LAB_BRIDGE" -o "$LAB_BRIDGE" -j ACCEPT 2>/dev/null; do :; done
fi
for r in $(lab_cgroup_roots); do find "$r" -depth -type d -exec rmdir {} + 2>/dev/null; done
rm -rf "$LAB_NODES_DIR" "$LAB_DIR"
[[ ${PURGE:-0} == 1 ]] && rm -rf "$LAB_VAR"

# ---- check ----
bad=0
left() { if [[ -n $2 ]]; then echo "left over: $1: $2" >&2; bad=1; fi; }
left "nspawn"    "$(for i in $nodes; do node_nspawn_pid "$i"; done)"
left "processes" "$(lab_cgroup_pids | tr '\n' ' ')"
left "mounts"    "$(findmnt -rn -o TARGET | grep "^$LAB_VAR/")"
left "netns"     "$(ip netns list | grep -E '^hsnode[0-9]')"
left "links"     "$(ip -o link | grep -E ': (hslab0|hsv[0-9]+)[@:]')"
left "routes"    "$(ip route | grep -F '10.77.0.')"
left "cgroups"   "$(lab_cgroup_roots | tr '\n' ' ')"
left "files"     "$(ls -d "$LAB_NODES_DIR" "$LAB_DIR" 2>/dev/null)"
((bad == 0)) && echo "lab down, nothing left ($(since "$T0")s)"
exit $bad
