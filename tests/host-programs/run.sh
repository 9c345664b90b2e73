#!/bin/bash
# run.sh: the Python programs HaStack puts on hosts, checked with each Debian release's own Python and Patroni:
# py_compile of each, then the unit tests beside this script (test_*.py: the sync guard and the safe-leader launcher
# against a fake etcd, the launcher patching that release's real Patroni). The interpreter is the lab base's
# (tests/lab/build-base.sh); Patroni and its Python dependencies are unpacked from the .debs in the base's apt cache
# into a scratch directory, bound into the base under /mnt in a mount namespace of this run only: the base itself is
# not changed. Needs root.
#
#   tests/host-programs/run.sh [R...]   releases to check (default: 12 13)
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lab/lib.sh
(($# > 0)) || set -- 12 13
bash tests/lab/build-base.sh "$@" > /dev/null

PROGRAMS=(infra/HaStack.Infra/Components/Patroni/templates/patroni_sync_guard.py infra/HaStack.Infra/Components/Patroni/templates/patroni_safe_leader.py infra/HaStack.Infra/Operations/Host/hastack_http.py)
SCRATCH=$(mktemp -d /tmp/hastack-host-programs.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
for release in "$@"; do
  base=$(base_dir "$release")
  work=$SCRATCH/$release
  mkdir -p "$work/src" "$work/root"
  # what Patroni imports, and libpq for psycopg2: the same packages a database host installs
  for deb in "$base"/var/cache/apt/archives/{patroni,python3-,libpq5_,libldap,libsasl2,libgssapi,libkrb5,libk5crypto,libkeyutils}*.deb; do
    [[ -f $deb ]] && dpkg-deb -x "$deb" "$work/root"
  done
  cp "${PROGRAMS[@]}" tests/host-programs/test_*.py "$work/src/"
  echo "host programs on Debian $release:"
  # the bind mount lives in this command's namespace only; -I is not used: the tests import from /mnt/src
  timeout 120 unshare --mount --propagation private sh -c '
    mount --bind "$1" "$2/mnt" && exec chroot "$2" env -i PATH=/usr/bin:/bin PYTHONDONTWRITEBYTECODE=1 \
      PYTHONPATH=/mnt/src:/mnt/root/usr/lib/python3/dist-packages LD_LIBRARY_PATH=/mnt/root/usr/lib/x86_64-linux-gnu \
      sh -c "cd /mnt/src && python3 --version && python3 -m py_compile $3 && python3 -m unittest -v test_patroni_sync_guard test_patroni_safe_leader"
  ' sh "$work" "$base" "$(printf '%s ' "${PROGRAMS[@]##*/}")"
done
echo "host programs: checked on Debian $*"
