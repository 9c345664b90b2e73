#!/bin/bash
# ssh.sh NODE CMD...: run CMD on a lab host as root. Standard input is passed through and the
# command's exit status is kept. Host keys are checked against the lab's known_hosts.
. "$(dirname "$0")/lib.sh"
(($# >= 2)) || die "usage: ssh.sh NODE CMD...   (e.g. ssh.sh node1 systemctl is-system-running)"
[[ -f $LAB_DIR/ssh_config ]] || die "no lab is up (no $LAB_DIR/ssh_config); run tests/lab/up.sh"
node=$1; shift
exec ssh "${LAB_SSH_OPTS[@]}" "$node" -- "$@"
