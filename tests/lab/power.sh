#!/bin/bash
# power.sh NODE off|on: pull a lab host's plug and put it back, as a real power cut would go.
# off: the host leaves the bridge first (so no last packet, not even a TCP reset, gets out), then every
#      process of it is killed at once (no clean shutdown), and its interface loses every address, as a
#      machine that loses power does (a VIP it held included).
# on:  its own address comes back, it rejoins the bridge and boots again from its disk (the overlay keeps
#      whatever it had written); returns once SSH answers (60 s at most).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[[ $# == 2 && $1 =~ ^node[1-9]$ && $2 =~ ^(on|off)$ ]] || die "usage: power.sh nodeN off|on"
i=${1#node}
NS=$(node_ns "$i"); V=$(node_veth "$i")
[[ -e /run/netns/$NS ]] || die "node$i is not part of the lab"
case $2 in
  off)
    [[ -n $(node_nspawn_pid "$i") ]] || die "node$i is already off"
    ip link set "$V" nomaster
    if host_runs_systemd && systemctl is-active -q "hastack-lab-node$i"; then
      systemctl kill -s KILL "hastack-lab-node$i"
    fi
    for _ in $(seq 1 50); do
      pids=$(node_pids "$i"); [[ -n $pids ]] || break
      kill -KILL $pids 2>/dev/null || true
      sleep 0.1
    done
    [[ -z $(node_pids "$i") ]] || die "node$i: processes survive SIGKILL: $(node_pids "$i" | tr '\n' ' ')"
    rm -f "$LAB_RUN/node$i.nspawn.pid"
    ip -n "$NS" addr flush dev eth0 ;;
  on)
    [[ -z $(node_nspawn_pid "$i") ]] || die "node$i is already on"
    ip -n "$NS" addr add "$(node_ip "$i")/$LAB_PREFIX" dev eth0 2>/dev/null || true
    ip link set "$V" master "$LAB_BRIDGE"
    node_boot "$i"
    deadline=$(( $(date +%s) + 60 ))
    until ssh "${LAB_SSH_OPTS[@]}" "node$i" true 2>/dev/null; do
      (( $(date +%s) < deadline )) || die "node$i: no SSH 60 s after power on (console: $LAB_LOGS/node$i.console.log)"
      sleep 0.2
    done ;;
esac
