#!/bin/bash
# demo.sh: the newcomer's first command. Installs what the lab needs, brings up 3 local lab hosts
# (building the Debian base on first use) and shows them. Tear down with tests/lab/down.sh.
set -euo pipefail
cd "$(dirname "$0")"
bash host-setup.sh
if [[ -f ${HASTACK_LAB_DIR:-/run/hastack-lab}/hosts ]]; then
  echo "a lab is already up; starting afresh"
fi
bash down.sh >/dev/null
bash up.sh 3
