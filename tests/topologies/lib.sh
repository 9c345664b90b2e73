# lib.sh: what the topology tests share. Source it, then call topology_setup STACK; it leaves:
#   DIR       a project of its own (the repository's Pulumi.yaml and tests/topologies/Pulumi.STACK.yaml) with its own state
#   hastack   the built CLI on that project and stack
#   ssh_node  a command on a lab host
#   fail      the test's failure line and exit 1
#   fault_matrix  hastack verify --faults on the stack, held to what every topology promises
# and a lab (5 hosts unless told) brought up for the test, torn down (with DIR) when the script exits. A test skips itself, exit 0,
# when a lab is already up: it needs one of its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

topology_setup() { # STACK [HOSTS, default 5]
  TOPOLOGY=$1
  local hosts=${2:-5}
  fail() { echo "$TOPOLOGY: FAILED: $*" >&2; exit 1; }
  # a command that fails under set -e says which, instead of ending the test in silence
  trap 'echo "$TOPOLOGY: FAILED at line $LINENO: $BASH_COMMAND" >&2' ERR
  DIR=$(mktemp -d "/tmp/hastack-$TOPOLOGY.XXXXXX")
  cp Pulumi.yaml "tests/topologies/Pulumi.$TOPOLOGY.yaml" "$DIR/"
  # the project is a copy outside the checkout, so the agent binary is named (hastack publishes it only in a checkout)
  export PULUMI_CONFIG_PASSPHRASE="$TOPOLOGY passphrase" HASTACK_AGENT_BINARY=$PWD/artifacts/hastack-vrrpd/hastack-vrrpd
  [[ -x $HASTACK_AGENT_BINARY ]] ||
    dotnet publish agent/HaStack.Vrrpd -c Release -r linux-x64 -p:PublishAot=true -o artifacts/hastack-vrrpd --nologo -v quiet
  if [[ -f ${HASTACK_LAB_DIR:-/run/hastack-lab}/hosts ]]; then
    echo "$TOPOLOGY: skipped: a lab is up, and this test needs a $hosts-host lab of its own (run it after tests/lab/down.sh)"
    rm -rf "$DIR"
    exit 0
  fi
  bash tests/lab/down.sh >/dev/null
  trap 'bash tests/lab/down.sh >/dev/null; rm -rf "$DIR"' EXIT
  bash tests/lab/up.sh "$hosts" | tail -1
}

hastack() { dotnet infra/HaStack.Cli/bin/Release/net10.0/hastack.dll "$@" --stack "$TOPOLOGY" --cwd "$DIR"; }
ssh_node() { bash tests/lab/ssh.sh "$@"; }

# What the HA services logged on every lab host in the last minutes: a failure in CI leaves nothing else to read.
journals() {
  local host
  while read -r host _; do
    echo "---- $host: patroni, hastack-vrrpd, pgbouncer, the last 4 minutes" >&2
    ssh_node "$host" "journalctl -u patroni -u hastack-vrrpd -u pgbouncer -u hastack-patroni-sync-guard --since -4min --no-pager -o short-precise | grep -v 'check_layer\|no action' | tail -80" >&2 || true
  done < "${HASTACK_LAB_DIR:-/run/hastack-lab}/hosts"
}

# The fault matrix under a writer through the VIP: every fault asked for, in order, no acknowledged write lost, writes resumed
# after each, none hanging (10 s), each gap within half again its budget, and each failed-write budget kept (the
# switchover's 0 with PgBouncer on the proxies). Prints a row per fault.
fault_matrix() { # [LIST: the faults, comma-separated; default all six]
  local list=${1:-layer-stop,agent-kill,pgbouncer-kill,patroni-kill,postmaster-kill,switchover}
  hastack verify --faults "$list" --json > "$DIR/faults.json" 2> "$DIR/faults.err" || true
  python3 - "$DIR/faults.json" "$list" <<'PY' || { cat "$DIR/faults.err"; journals; fail "fault matrix"; }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
faults = [l for l in lines if l["kind"] == "fault"]
for f in faults:
    print(f"  {f['fault']:16} {f['host']:6} failed {f['failedWrites']:4}  gap {f['longestGapMs'] / 1000:6.2f} s (budget {f['gapBudgetMs'] / 1000:.0f} s)  {f['verdict']}")
names = [f["fault"] for f in faults]
assert names == sys.argv[2].split(","), names
assert any(l["kind"] == "diagnostic" and "no acknowledged write lost" in l["message"] for l in lines), "acknowledged writes lost"
for f in faults:
    assert f["recovered"], f"{f['fault']}: writes did not resume"
    assert f["longestWriteMs"] < 10000, f"{f['fault']}: a write hung"
    assert f["longestGapMs"] <= f["gapBudgetMs"] * 1.5, f"{f['fault']}: gap far over budget"
    budget = f.get("failedWriteBudget")
    assert budget is None or f["failedWrites"] <= budget, f"{f['fault']}: {f['failedWrites']} failed write(s), budget {budget}"
PY
}

# The port of the stack's writer output (postgresql://user@VIP:PORT/db?...): HAProxy's write port, or PgBouncer's.
# writer_port [URL]: that output when the caller already read it, else read here.
writer_port() {
  local url=${1:-$(hastack output writer)} port
  port=${url##*:}; echo "${port%%/*}"
}

# A writer through the VIP while the stack changes, from a lab host that stays (psql with bounded timeouts, a new
# connection per write, one attempt every 50 ms, at most 15 minutes): writer_start HOST PHASE, then writer_stop prints
# acknowledged and failed writes, the longest gap between acknowledged ones, and acknowledged writes not in the table.
writer_start() { # HOST PHASE (a number: ids are PHASE*1000000+n)
  WRITER_HOST=$1
  local phase=$2 port
  port=$(writer_port)
  WRITER_PASSWORD=$(hastack output postgresPassword --show-secrets)
  WRITER_TARGET="-h $(hastack output vipAddress) -p $port"
  ssh_node "$WRITER_HOST" "read -r PGPASSWORD; export PGPASSWORD PGCONNECT_TIMEOUT=5
    psql -X -q $WRITER_TARGET -U postgres -d postgres -c 'CREATE TABLE IF NOT EXISTS hastack_scale_writes (id bigint PRIMARY KEY)'
    rm -f /tmp/writer.log /tmp/writer.stop
    nohup sh -c 'end=\$(( \$(date +%s) + 900 )); i=0
      while [ ! -e /tmp/writer.stop ] && [ \$(date +%s) -lt \$end ]; do
        i=\$((i + 1)); id=\$(( $phase * 1000000 + i ))
        if timeout 15 psql -X -q -A -t $WRITER_TARGET -U postgres -d postgres -c \"INSERT INTO hastack_scale_writes VALUES (\$id)\" >/dev/null 2>&1
        then echo \"\$(date +%s%3N) ok \$id\"; else echo \"\$(date +%s%3N) fail \$id\"; fi
        sleep 0.05
      done > /tmp/writer.log' >/dev/null 2>&1 &
    echo \$! > /tmp/writer.pid" <<< "$WRITER_PASSWORD"
  sleep 3
}

writer_stop() { # WHAT [MAX_GAP_S]: prints "WHAT: N acknowledged, F failed, longest gap G s, L lost"; fails the test when any
  # acknowledged write is lost or the longest gap exceeds MAX_GAP_S
  local what=$1 max_gap=${2:-3600}
  ssh_node "$WRITER_HOST" "touch /tmp/writer.stop; for i in \$(seq 40); do kill -0 \$(cat /tmp/writer.pid) 2>/dev/null || break; sleep 0.5; done"
  ssh_node "$WRITER_HOST" "cat /tmp/writer.log" > "$DIR/writer.log"
  ssh_node "$WRITER_HOST" "read -r PGPASSWORD; export PGPASSWORD PGCONNECT_TIMEOUT=5
    psql -X -q -A -t $WRITER_TARGET -U postgres -d postgres -c 'SELECT id FROM hastack_scale_writes'" <<< "$WRITER_PASSWORD" > "$DIR/writer.ids"
  python3 - "$DIR/writer.log" "$DIR/writer.ids" "$what" "$max_gap" <<'PY' || { journals; fail "$what: over budget or acknowledged writes lost"; }
import sys
attempts = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 3]
acked = [(int(t), int(i)) for t, s, i in attempts if s == "ok"]
failed = sum(1 for _, s, _ in attempts if s == "fail")
stored = {int(l) for l in open(sys.argv[2]) if l.strip()}
lost = [i for _, i in acked if i not in stored]
gap = max((b[0] - a[0] for a, b in zip(acked, acked[1:])), default=0) / 1000
print(f"{sys.argv[3]}: {len(acked)} acknowledged, {failed} failed, longest gap {gap:.2f} s, {len(lost)} lost")
assert acked, "no write was acknowledged"
assert not lost, f"lost: {lost[:20]}"
assert gap <= float(sys.argv[4]), f"longest gap {gap:.2f} s, budget {sys.argv[4]} s"
PY
}

# TLS on the client's path (on by default), checked from HOST: each connection-string output asks for verify-full, and
# works through the VIP with the caCertificate output; a certificate of another CA is refused by the client; a
# plaintext connection is refused through the VIP and straight to PostgreSQL on DB_ADDRESS (pg_hba: hostssl only).
tls_checks() { # HOST DB_ADDRESS
  local host=$1 db=$2 password url output
  password=$(hastack output postgresPassword --show-secrets)
  hastack output caCertificate > "$DIR/ca.crt"
  grep -q "BEGIN CERTIFICATE" "$DIR/ca.crt" || fail "no caCertificate output"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=another-ca -days 1 \
    -keyout /dev/null -out "$DIR/other.crt" 2>/dev/null
  ssh_node "$host" "mkdir -p /tmp/tls-check && cat > /tmp/tls-check/ca.crt" < "$DIR/ca.crt"
  ssh_node "$host" "cat > /tmp/tls-check/other.crt" < "$DIR/other.crt"
  psql_on() { ssh_node "$host" "read -r PGPASSWORD; export PGPASSWORD PGCONNECT_TIMEOUT=5; psql -X -A -t '$1' -c 'SELECT 1'" <<< "$password"; }
  for output in writer reader; do
    url=$(hastack output "$output" 2>/dev/null) || continue
    [[ $url == *"?sslmode=verify-full" ]] || fail "the $output output does not ask for verify-full: $url"
    [[ $(psql_on "$url&sslrootcert=/tmp/tls-check/ca.crt") == 1 ]] || fail "verify-full through the VIP ($output) with the CA output"
    if psql_on "$url&sslrootcert=/tmp/tls-check/other.crt" > "$DIR/other.log" 2>&1; then fail "verify-full ($output) took a certificate of another CA"; fi
    grep -q "certificate verify failed" "$DIR/other.log" || { cat "$DIR/other.log"; fail "another CA ($output) was refused, but not for its certificate"; }
    if psql_on "${url%%\?*}?sslmode=disable" > "$DIR/plain.log" 2>&1; then fail "plaintext through the VIP ($output) was accepted"; fi
  done
  if psql_on "postgresql://postgres@$db:5432/postgres?sslmode=disable" > "$DIR/plain.log" 2>&1; then fail "plaintext to PostgreSQL on $db was accepted"; fi
  grep -q "no encryption" "$DIR/plain.log" || { cat "$DIR/plain.log"; fail "plaintext to PostgreSQL on $db was refused, but not for want of encryption"; }
  echo "$TOPOLOGY: TLS: verify-full through the VIP with the CA output, another CA refused, plaintext refused through the VIP and to PostgreSQL"
}

# The certificate a client of the VIP is served at PORT (openssl's STARTTLS for PostgreSQL), as its SHA-256 fingerprint.
served_certificate() { # PORT
  openssl s_client -starttls postgres -connect "$(hastack output vipAddress):$1" < /dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256
}

# A rotation by up under a client of the VIP: a new tls.certificateDays issues every host's certificate again (the
# proof is turned off for that up: it stops the VIP's holder, which is not what is measured here). A session through
# the VIP with verify-full, open across the up, runs every query without an error; the up restarts nothing (Patroni
# and PgBouncer reload); new connections are served the new certificate and verify-full still takes it. Leaves the
# stack with the proof off, so call it last before destroy.
tls_rotation() { # HOST
  local host=$1 password url port before after queries=90
  password=$(hastack output postgresPassword --show-secrets)
  url=$(hastack output writer); port=$(writer_port "$url")
  before=$(served_certificate "$port")
  [[ $before == *Fingerprint* ]] || fail "no certificate served through the VIP before the rotation"
  hastack output caCertificate | ssh_node "$host" "mkdir -p /tmp/tls-check && cat > /tmp/tls-check/ca.crt"
  ssh_node "$host" "read -r PGPASSWORD; export PGPASSWORD
    { for i in \$(seq $queries); do echo 'SELECT 1;'; sleep 0.5; done; } |
      timeout 120 psql -X -A -t -v ON_ERROR_STOP=1 '$url&sslrootcert=/tmp/tls-check/ca.crt' > /tmp/tls-check/session.log 2>&1
    echo \$? > /tmp/tls-check/session.rc" <<< "$password" &
  local session=$!
  sleep 3
  printf '  hastack:tls:\n    certificateDays: 200\n  hastack:verify:\n    enabled: false\n' >> "$DIR/Pulumi.$TOPOLOGY.yaml"
  hastack up --yes > "$DIR/rotate.log" 2>&1 || { tail -30 "$DIR/rotate.log"; fail "the up that issues the certificates again"; }
  { grep -E "reloading|starting" "$DIR/rotate.log" || true; } | sort | uniq -c | sed 's/^/  /'
  ! grep -q "(re)starting" "$DIR/rotate.log" || fail "the renewal restarted a service"
  wait "$session" || true
  [[ $(ssh_node "$host" "cat /tmp/tls-check/session.rc") == 0 && $(ssh_node "$host" "grep -cx 1 /tmp/tls-check/session.log") == "$queries" ]] ||
    { ssh_node "$host" "cat /tmp/tls-check/session.log" | tail -5; fail "the session through the VIP did not run all $queries queries across the renewal"; }
  after=$(served_certificate "$port")
  [[ $after == *Fingerprint* && $after != "$before" ]] || fail "the VIP serves the same certificate after the renewal ($after)"
  [[ $(ssh_node "$host" "read -r PGPASSWORD; export PGPASSWORD PGCONNECT_TIMEOUT=5; psql -X -A -t '$url&sslrootcert=/tmp/tls-check/ca.crt' -c 'SELECT 1'" <<< "$password") == 1 ]] ||
    fail "verify-full through the VIP after the renewal"
  echo "$TOPOLOGY: TLS rotation: every certificate issued again by up, $queries queries of a session through the VIP ran across it, nothing restarted, the new certificate served"
}
