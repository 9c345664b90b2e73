#!/bin/bash
# build-base.sh: build the cached root filesystem of a Debian release that the lab's hosts of that release boot from.
#
#   tests/lab/build-base.sh [R...]          build release R's base (12, 13; default: the releases of
#                                           HASTACK_LAB_RELEASE, else 12) when missing or out of date
#   FORCE=1 tests/lab/build-base.sh [R...]  rebuild regardless
#
# A base has the packages of packages.txt's "installed:" line, and the .debs of its "downloaded:" and
# "downloaded-R:" lines (with dependencies, with and without recommends) in apt's cache, uninstalled, with apt's
# lists kept.
# Services are therefore not installed, not configured and not running: the provisioner does that.
# The mirror is the host's own (first deb822 URIs: or sources.list line), MIRROR=... overrides it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[[ $(id -u) == 0 ]] || die "build-base.sh needs root"
if (($# == 0)); then
  set -- $(printf '%s\n' "${LAB_RELEASES[@]}" | sort -u)
fi
if (($# > 1)); then
  for r in "$@"; do "$0" "$r"; done
  exit 0
fi
RELEASE=$1
SUITE=$(release_suite "$RELEASE")
LAB_BASE=$(base_dir "$RELEASE")
# the single Debian 12 base of earlier versions of this script
[[ -d $LAB_VAR/base ]] && ! findmnt -rn -o OPTIONS | grep -q "lowerdir=$LAB_VAR/base," && rm -rf "$LAB_VAR/base" "$LAB_VAR/base.stamp"
if base_is_current "$RELEASE" && [[ ${FORCE:-0} != 1 ]]; then
  echo "base at $LAB_BASE is current"; exit 0
fi
base_in_use "$RELEASE" && die "hosts are running on $LAB_BASE; run tests/lab/down.sh first"
command -v debootstrap >/dev/null || die "debootstrap missing: apt-get install -y debootstrap"
[[ -f /usr/share/debootstrap/scripts/$SUITE ]] || die "this debootstrap does not know $SUITE: apt-get install -y debootstrap (a newer one)"

list() { sed -n "s/^$1:[[:space:]]*//p" "$LAB_SCRIPTS/packages.txt"; }
read -ra INSTALLED <<< "$(list installed)"
read -ra DOWNLOADED <<< "$(list downloaded) $(list "downloaded-$RELEASE")"
MIRROR=${MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
MIRROR=${MIRROR:-$(awk '$1=="deb" && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
TMP=$LAB_VAR/base-debian$RELEASE.tmp
mkdir -p "$LAB_VAR"
rm -rf "$TMP"
T0=$(now)

echo "== debootstrap $SUITE (minbase) from $MIRROR"
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
  "$SUITE" "$TMP" "$MIRROR" > "$LAB_VAR/debootstrap-$RELEASE.log" 2>&1 ||
  { tail -n 30 "$LAB_VAR/debootstrap-$RELEASE.log" >&2; die "debootstrap failed (full log: $LAB_VAR/debootstrap-$RELEASE.log)"; }

echo "== apt sources and settings (the host's)"
rm -f "$TMP/etc/apt/sources.list"
if [[ -f /etc/apt/sources.list.d/debian.sources ]] && grep -q "$SUITE" /etc/apt/sources.list.d/debian.sources; then
  install -D -m644 /etc/apt/sources.list.d/debian.sources "$TMP/etc/apt/sources.list.d/debian.sources"
else
  cat > "$TMP/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
# proxy and snapshot-validity settings of the host, so the chroot reaches the same mirror the same way
for f in /etc/apt/apt.conf.d/*; do
  grep -qiE 'proxy|Check-Valid-Until|Check-Date' "$f" 2>/dev/null && cp "$f" "$TMP/etc/apt/apt.conf.d/"
done
cp /etc/resolv.conf "$TMP/etc/resolv.conf"            # name resolution for the build only
printf '#!/bin/sh\nexit 101\n' > "$TMP/usr/sbin/policy-rc.d"; chmod 755 "$TMP/usr/sbin/policy-rc.d"
# smaller and faster: no docs, man pages or translations; dpkg without fsync (a base is rebuilt, never repaired)
cat > "$TMP/etc/dpkg/dpkg.cfg.d/01-hastack-lab" <<'CFG'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
force-unsafe-io
CFG

echo "== install: ${INSTALLED[*]}"
echo "== download only: ${DOWNLOADED[*]}"
# A private mount namespace: /proc, /sys and /dev/pts vanish with it, even on failure.
unshare --mount --propagation private /bin/bash -euo pipefail -c '
  root=$1; installed=$2; downloaded=$3
  mount -t proc proc "$root/proc"; mount -t sysfs sys "$root/sys"; mount --bind /dev/pts "$root/dev/pts"
  in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
  in_root apt-get -q update
  in_root apt-get -q -y --no-install-recommends -o Dpkg::Options::=--force-confold dist-upgrade
  in_root apt-get -q -y --no-install-recommends -o Dpkg::Options::=--force-confold install $installed
  # both resolutions (with and without recommends) so either kind of install works offline
  in_root apt-get -q -y --download-only --no-install-recommends install $downloaded
  in_root apt-get -q -y --download-only install $downloaded
' _ "$TMP" "${INSTALLED[*]}" "${DOWNLOADED[*]}" > "$LAB_VAR/apt-$RELEASE.log" 2>&1 ||
  { tail -n 30 "$LAB_VAR/apt-$RELEASE.log" >&2; die "apt in the base failed (full log: $LAB_VAR/apt-$RELEASE.log)"; }

echo "== host-independent setup"
# useless or failing inside a container
chroot "$TMP" systemctl mask systemd-timesyncd.service getty@tty1.service console-getty.service \
  apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service >/dev/null 2>&1 || true
chroot "$TMP" systemctl enable ssh.service >/dev/null 2>&1
# one host key type, made per host at boot; strict: keys only
cat > "$TMP/etc/ssh/sshd_config.d/hastack-lab.conf" <<'CFG'
HostKey /etc/ssh/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UseDNS no
CFG
# the non-root deployer that production setups use: key login, passwordless sudo
chroot "$TMP" useradd --create-home --shell /bin/bash deploy
echo 'deploy ALL=(ALL:ALL) NOPASSWD: ALL' > "$TMP/etc/sudoers.d/deploy"; chmod 440 "$TMP/etc/sudoers.d/deploy"
install -d -m700 "$TMP/root/.ssh"
install -d -m700 -o "$(chroot "$TMP" id -u deploy)" -g "$(chroot "$TMP" id -g deploy)" "$TMP/home/deploy/.ssh"
# per-host identity is made by up.sh
rm -f "$TMP"/etc/ssh/ssh_host_* "$TMP/usr/sbin/policy-rc.d" "$TMP"/var/cache/apt/*.bin
: > "$TMP/etc/machine-id"; rm -f "$TMP/var/lib/dbus/machine-id"
printf '# hastack lab: no DNS; names come from /etc/hosts\n' > "$TMP/etc/resolv.conf"

base_wanted_stamp "$RELEASE" > "$TMP/.hastack-lab-stamp"
rm -rf "$LAB_BASE"
mv "$TMP" "$LAB_BASE"
cp "$LAB_BASE/.hastack-lab-stamp" "$(base_stamp_file "$RELEASE")"
echo "Debian $RELEASE base built in $(since "$T0")s: $(du -sh "$LAB_BASE" | cut -f1), $(ls "$LAB_BASE"/var/cache/apt/archives/*.deb | wc -l) .debs waiting in apt's cache"
