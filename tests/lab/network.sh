#!/bin/bash
# network.sh NODE cut|restore: take a lab host off the bridge and put it back. Unlike power.sh, every process of
# the host keeps running (a switch port or cable gone): it goes on believing what it believed, and must be
# corrected by its peers once it is back.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[[ $# == 2 && $1 =~ ^node[1-9]$ && $2 =~ ^(cut|restore)$ ]] || die "usage: network.sh nodeN cut|restore"
i=${1#node}
V=$(node_veth "$i")
[[ -e /run/netns/$(node_ns "$i") ]] || die "node$i is not part of the lab"
case $2 in
  cut)     ip link set "$V" nomaster ;;
  restore) ip link set "$V" master "$LAB_BRIDGE" ;;
esac
