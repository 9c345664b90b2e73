#!/bin/bash
# power.sh NODE off|on: pull a lab host's plug, as the other hosts see it, and put it back.
# off: the host leaves the bridge (no packet in or out, ARP included) and every process on it is frozen
# (cgroup v2 freezer), so it neither answers nor acts; on: thawed and back on the bridge, where it carries on
# as a machine that was paused would (its clocks jump; its services find out what changed while it was away).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[[ $# == 2 && $1 =~ ^node([1-9])$ && $2 =~ ^(on|off)$ ]] || die "usage: power.sh nodeN off|on"
i=${1#node}
[[ -n $(node_nspawn_pid "$i") ]] || die "node$i is not running"
freeze=""
for d in $(node_cgroup_dirs "$i"); do [[ -f $d/cgroup.freeze ]] && freeze=$d/cgroup.freeze; done
[[ -n $freeze ]] || die "no cgroup v2 freezer for node$i (cgroup mode $(cgroup_mode))"
case $2 in
  off)
    ip link set "$(node_veth "$i")" nomaster
    echo 1 > "$freeze" ;;
  on)
    echo 0 > "$freeze"
    ip link set "$(node_veth "$i")" master "$LAB_BRIDGE" ;;
esac
