# lib.sh: names, addresses and helpers shared by the lab scripts (sourced, not run).
#
# Persistent, per machine (kept across labs; override with HASTACK_LAB_VAR):
#   $LAB_VAR/base-debianR/    cached root filesystem of Debian R (12 or 13), read-only lower layer of R's hosts
#   $LAB_VAR/base-debianR.stamp  hash of what that base was built from (packages.txt + build-base.sh + R)
#   $LAB_VAR/nodes/nodeN/     upper/ work/ of the host's overlay, root/ its merged view
# Per lab (removed by down.sh; override with HASTACK_LAB_DIR):
#   $LAB_DIR/id_ed25519       client key, authorised for root and deploy on every host
#   $LAB_DIR/ssh_config       ssh -F file: Host node1..N, strict host key checking
#   $LAB_DIR/known_hosts      the hosts' real host keys, written at boot
#   $LAB_DIR/hosts            "nodeN ADDRESS" per line: what the tests read
#   $LAB_DIR/logs/nodeN.console.log, $LAB_DIR/run/nodeN.nspawn.pid
# Network: bridge hslab0 10.77.0.1/24; host N at 10.77.0.(10+N) in netns hsnodeN through veth hsvN.
# 10.77.0.100-109 are left free for virtual IPs. Nothing is routed off the bridge.

LAB_VAR=${HASTACK_LAB_VAR:-/var/lib/hastack-lab}
LAB_DIR=${HASTACK_LAB_DIR:-/run/hastack-lab}
# The release of each host: HASTACK_LAB_RELEASE=13 for all, or a list by host (12,12,13); Debian 12 by default.
_releases=${HASTACK_LAB_RELEASE:-12}
LAB_RELEASES=(${_releases//,/ })
LAB_KNOWN_RELEASES="12 13"
LAB_NODES_DIR=$LAB_VAR/nodes
LAB_RUN=$LAB_DIR/run
LAB_LOGS=$LAB_DIR/logs
LAB_KEY=$LAB_DIR/id_ed25519
LAB_BRIDGE=hslab0
LAB_BRIDGE_IP=10.77.0.1
LAB_SUBNET=10.77.0.0/24
LAB_PREFIX=24
LAB_CGROUP=hastack-lab
LAB_MAX_NODES=9
LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

node_ip()   { echo "10.77.0.$((10 + $1))"; }
node_ns()   { echo "hsnode$1"; }
node_veth() { echo "hsv$1"; }
node_mac()  { printf '02:77:00:00:00:%02x' $((0x10 + $1)); }
node_dir()  { echo "$LAB_NODES_DIR/node$1"; }
node_root() { echo "$LAB_NODES_DIR/node$1/root"; }

# Debian release R's suite, its base and the stamp that says what the base was built from.
release_suite() {
  case $1 in 12) echo bookworm ;; 13) echo trixie ;; *) die "Debian release '$1' is not one the lab builds (use one of: $LAB_KNOWN_RELEASES)" ;; esac
}
base_dir() { echo "$LAB_VAR/base-debian$1"; }
base_stamp_file() { echo "$LAB_VAR/base-debian$1.stamp"; }
# node $1's release: its entry in HASTACK_LAB_RELEASE, else the list's last (so "13" means every host)
node_release() {
  local i=$1
  ((i <= ${#LAB_RELEASES[@]})) && echo "${LAB_RELEASES[i - 1]}" || echo "${LAB_RELEASES[-1]}"
}

# The hash that says whether release $1's cached base is current: the package list, the recipe and the release.
base_wanted_stamp() { { cat "$LAB_SCRIPTS/packages.txt" "$LAB_SCRIPTS/build-base.sh"; echo "release $1"; } | sha256sum | cut -d' ' -f1; }
base_is_current() { local b; b=$(base_dir "$1"); [[ -d $b && -f $(base_stamp_file "$1") && $(<"$(base_stamp_file "$1")") == "$(base_wanted_stamp "$1")" ]]; }
base_in_use() { findmnt -rn -o OPTIONS | grep -q "lowerdir=$(base_dir "$1"),"; }

# PID of the systemd-nspawn that supervises node $1, empty when it is not running.
node_nspawn_pid() {
  local f=$LAB_RUN/node$1.nspawn.pid p
  [[ -f $f ]] || return 0
  p=$(<"$f")
  if [[ -n $p && -r /proc/$p/cmdline ]] && tr '\0' ' ' < "/proc/$p/cmdline" | grep -q "systemd-nspawn.*--machine=node$1 "; then
    echo "$p"
  fi
  return 0
}

# Node indexes that have anything on this machine (a directory, a namespace or a veth).
lab_node_indexes() {
  {
    ls "$LAB_NODES_DIR" 2>/dev/null | sed -n 's/^node\([0-9]\+\)$/\1/p'
    ip netns list 2>/dev/null | sed -n 's/^hsnode\([0-9]\+\).*/\1/p'
    ip -o link 2>/dev/null | sed -n 's/^[0-9]\+: hsv\([0-9]\+\)[@:].*/\1/p'
  } | sort -un
}

# cgroup layout: "unified" (v2 only), "hybrid" (v1 + name=systemd + unified), or "legacy".
cgroup_mode() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then echo unified
  elif [[ -d /sys/fs/cgroup/unified && -d /sys/fs/cgroup/systemd ]]; then echo hybrid
  else echo legacy; fi
}
lab_cgroup_roots() {
  local h
  for h in /sys/fs/cgroup /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
    [[ -d $h/$LAB_CGROUP ]] && echo "$h/$LAB_CGROUP"
  done
  return 0
}
node_cgroup_dirs() {
  case $(cgroup_mode) in
    unified) echo "/sys/fs/cgroup/$LAB_CGROUP/node$1" ;;
    hybrid)  echo "/sys/fs/cgroup/systemd/$LAB_CGROUP/node$1 /sys/fs/cgroup/unified/$LAB_CGROUP/node$1" ;;
    legacy)  echo "/sys/fs/cgroup/systemd/$LAB_CGROUP/node$1" ;;
  esac
}
# Every process in a lab cgroup: the hosts' systemd and all they started.
lab_cgroup_pids() {
  local r
  for r in $(lab_cgroup_roots); do find "$r" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -un
}
host_runs_systemd() { [[ $(cat /proc/1/comm 2>/dev/null) == systemd ]]; }

# Boots node $1's Debian (its root, namespace and veth made by up.sh) under systemd-nspawn; records the PID.
node_boot() {
  local i=$1 R NS
  R=$(node_root "$i"); NS=$(node_ns "$i")
  local NSPAWN=(systemd-nspawn --boot --machine="node$i" --directory="$R"
          --network-namespace-path="/run/netns/$NS"
          --capability=CAP_NET_ADMIN   # not implied by a namespace path; a VRRP agent adds the VIP with it
          --register=no --keep-unit    # no machined to register with
          --resolv-conf=off --timezone=off --link-journal=no --console=read-only)
  if host_runs_systemd; then
    # systemd hosts: a transient unit with a delegated cgroup of its own
    systemctl reset-failed "hastack-lab-node$i" 2>/dev/null || true
    systemd-run --quiet --unit="hastack-lab-node$i" -p Delegate=yes -p KillMode=mixed -p Type=notify \
      -p StandardOutput="file:$LAB_LOGS/node$i.console.log" -p StandardError="file:$LAB_LOGS/node$i.console.log" \
      "${NSPAWN[@]}"
    systemctl show -p MainPID --value "hastack-lab-node$i" > "$LAB_RUN/node$i.nspawn.pid"
  else
    # no systemd on the host: a cgroup per host by hand, or every --keep-unit nspawn would share
    # /payload and /supervisor at the cgroup root
    local CG; CG=$(node_cgroup_dirs "$i"); mkdir -p $CG
    setsid /bin/bash -c 'for d in $1; do echo $$ > "$d/cgroup.procs"; done; shift; exec "$@"' \
      _ "$CG" "${NSPAWN[@]}" </dev/null >>"$LAB_LOGS/node$i.console.log" 2>&1 &
    echo $! > "$LAB_RUN/node$i.nspawn.pid"
  fi
}

# Every process of node $1 (its nspawn, its systemd and all they started), by cgroup.
node_pids() {
  local d
  for d in $(node_cgroup_dirs "$1"); do [[ -d $d ]] && find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -un
}

LAB_SSH_OPTS=(-F "$LAB_DIR/ssh_config")
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
die() { echo "lab: $*" >&2; exit 1; }
