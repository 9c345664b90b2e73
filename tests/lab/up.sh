#!/bin/bash
# up.sh [N]: bring up N lab hosts (default 3), node1..nodeN at 10.77.0.11.., on bridge hslab0.
#
# Each host is a real Debian system, 12 by default: HASTACK_LAB_RELEASE=13 makes every host Debian 13, a list
# (12,12,13) gives each host its own. A host is an overlayfs clone of its release's cached base (built or rebuilt
# here when missing or out of date), booted by systemd-nspawn --boot in its own network namespace, with sshd,
# root and `deploy` (passwordless sudo) logins by the lab key. Prints the hosts when they accept SSH.
# Refuses to run over a lab that exists, whole or in part: run down.sh first.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

N=${1:-3}
[[ $N =~ ^[1-9]$ ]] || die "usage: up.sh [N]  (N = number of hosts, 1..$LAB_MAX_NODES)"
[[ $(id -u) == 0 ]] || die "up.sh needs root (network namespaces, overlay mounts, nspawn)"
for c in systemd-nspawn ip ssh ssh-keygen debootstrap findmnt; do
  command -v "$c" >/dev/null ||
    die "$c is missing: apt-get install -y systemd-container iproute2 openssh-client debootstrap util-linux"
done

# ---- refuse over a whole or half-torn lab ----
left=()
ip link show "$LAB_BRIDGE" >/dev/null 2>&1 && left+=("bridge $LAB_BRIDGE")
for i in $(lab_node_indexes); do left+=("node$i"); done
[[ -n $(lab_cgroup_roots) ]] && left+=("cgroups $(lab_cgroup_roots | tr '\n' ' ')")
findmnt -rn -o TARGET | grep -q "^$LAB_NODES_DIR/" && left+=("mounts under $LAB_NODES_DIR")
((${#left[@]} == 0)) || die "a lab already exists here (${left[*]}); run tests/lab/down.sh first"

T0=$(now)
"$LAB_SCRIPTS/build-base.sh"
mkdir -p "$LAB_RUN" "$LAB_LOGS"
rm -f "$LAB_DIR/known_hosts" "$LAB_DIR/hosts"
[[ -f $LAB_KEY ]] || ssh-keygen -q -t ed25519 -N '' -C hastack-lab -f "$LAB_KEY"

# ---- bridge: no NAT, no forwarding, IPv4 only ----
ip link add "$LAB_BRIDGE" type bridge stp_state 0 forward_delay 0
ip addr add "$LAB_BRIDGE_IP/$LAB_PREFIX" dev "$LAB_BRIDGE"
sysctl -qw "net.ipv6.conf.$LAB_BRIDGE.disable_ipv6=1"
# IPv4 forwarding is decided by the receiving interface: off here, whatever the host's global setting
sysctl -qw "net.ipv4.conf.$LAB_BRIDGE.forwarding=0"
ip link set "$LAB_BRIDGE" up
# With br_netfilter and a FORWARD policy of DROP (Docker hosts), bridged frames between hosts would be
# dropped: allow hslab0 to hslab0 only. down.sh removes the rule.
if command -v iptables >/dev/null && [[ $(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null) == 1 ]]; then
  iptables -C FORWARD -i "$LAB_BRIDGE" -o "$LAB_BRIDGE" -j ACCEPT 2>/dev/null ||
    iptables -I FORWARD -i "$LAB_BRIDGE" -o "$LAB_BRIDGE" -j ACCEPT
fi

ETC_HOSTS=$(printf '127.0.0.1\tlocalhost\n'; for i in $(seq 1 "$N"); do printf '%s\tnode%s\n' "$(node_ip "$i")" "$i"; done)

# ---- hosts ----
for i in $(seq 1 "$N"); do
  D=$(node_dir "$i"); R=$(node_root "$i"); NS=$(node_ns "$i"); V=$(node_veth "$i")
  rm -rf "$D"; mkdir -p "$D/upper" "$D/work" "$R"
  mount -t overlay "hslab-node$i" -o "lowerdir=$(base_dir "$(node_release "$i")"),upperdir=$D/upper,workdir=$D/work" "$R"

  # identity, written into the host's own upper layer
  echo "node$i" > "$R/etc/hostname"
  echo "$ETC_HOSTS" > "$R/etc/hosts"
  systemd-id128 new > "$R/etc/machine-id"
  ssh-keygen -q -t ed25519 -N '' -C "node$i" -f "$R/etc/ssh/ssh_host_ed25519_key"
  install -m600 "$LAB_KEY.pub" "$R/root/.ssh/authorized_keys"
  install -m600 -o "$(stat -c %u "$R/home/deploy")" -g "$(stat -c %g "$R/home/deploy")" \
    "$LAB_KEY.pub" "$R/home/deploy/.ssh/authorized_keys"
  echo "$(node_ip "$i"),node$i $(cut -d' ' -f1,2 "$R/etc/ssh/ssh_host_ed25519_key.pub")" >> "$LAB_DIR/known_hosts"
  echo "node$i $(node_ip "$i")" >> "$LAB_DIR/hosts"

  # its own network namespace, one veth onto the bridge, no default route
  ip netns add "$NS"
  ip link add "$V" type veth peer name eth0 netns "$NS"
  ip -n "$NS" link set eth0 address "$(node_mac "$i")"
  ip link set "$V" master "$LAB_BRIDGE" up
  ip -n "$NS" link set lo up
  ip -n "$NS" addr add "$(node_ip "$i")/$LAB_PREFIX" dev eth0
  ip -n "$NS" link set eth0 up
  ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1

  node_boot "$i"
done

cat > "$LAB_DIR/ssh_config" <<CFG
# The hastack lab: ssh -F $LAB_DIR/ssh_config node1
$(for i in $(seq 1 "$N"); do printf 'Host node%s\n  HostName %s\n' "$i" "$(node_ip "$i")"; done)
Host node* 10.77.0.*
  User root
  IdentityFile $LAB_KEY
  IdentitiesOnly yes
  UserKnownHostsFile $LAB_DIR/known_hosts
  StrictHostKeyChecking yes
  HostKeyAlgorithms ssh-ed25519
  BatchMode yes
  ConnectTimeout 3
  LogLevel ERROR
CFG

# ---- wait for SSH (30 s a host at most), with the console's tail when a host does not come up ----
boot_failed() {
  echo "node$1: $2; last lines of its console ($LAB_LOGS/node$1.console.log):" >&2
  tail -n 25 "$LAB_LOGS/node$1.console.log" >&2
  exit 1
}
for i in $(seq 1 "$N"); do
  deadline=$(( $(date +%s) + 30 ))
  until out=$(ssh "${LAB_SSH_OPTS[@]}" "node$i" 'echo "$(hostname) $(systemctl is-system-running)"' 2>/dev/null) && [[ $out == node$i* ]]; do
    [[ -n $(node_nspawn_pid "$i") ]] || boot_failed "$i" "systemd-nspawn exited"
    (( $(date +%s) < deadline )) || boot_failed "$i" "no SSH after 30 s"
    sleep 0.2
  done
done
echo "lab up in $(since "$T0")s: $N hosts, ssh -F $LAB_DIR/ssh_config nodeN (or tests/lab/ssh.sh nodeN CMD)"
printf '  %-6s %-12s %s\n' HOST ADDRESS SYSTEM
for i in $(seq 1 "$N"); do
  printf '  %-6s %-12s %s\n' "node$i" "$(node_ip "$i")" \
    "$(ssh "${LAB_SSH_OPTS[@]}" "node$i" '. /etc/os-release; echo "$PRETTY_NAME, systemd $(systemctl is-system-running)"' 2>/dev/null)"
done
