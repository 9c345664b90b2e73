#!/bin/bash
# host-setup.sh: install what the lab needs on this machine (Debian/Ubuntu, root). Quick when done already.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[[ $(id -u) == 0 ]] || die "host-setup.sh needs root"
# postgresql: the SQL setup is run against a throwaway local server (on a socket of its own; its main cluster is not used)
NEEDED=(debootstrap systemd-container iproute2 openssh-client util-linux zstd tshark debian-archive-keyring openssl curl postgresql)
missing=()
for p in "${NEEDED[@]}"; do
  dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0
echo "installing: ${missing[*]}"
# tshark asks whether non-root users may capture; the lab captures as root only
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get -q update >/dev/null
apt-get -q -y install --no-install-recommends "${missing[@]}" >/dev/null
