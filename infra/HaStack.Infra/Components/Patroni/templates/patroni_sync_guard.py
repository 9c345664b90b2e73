#!/usr/bin/python3
# Written by HaStack for {{ host.name }}. Started by patroni.service each time Patroni starts or reloads.
#
# Why: Patroni before 3.1.2 (Debian 12 ships 3.0.2), started beside a PostgreSQL that kept running (Patroni
# crashed or was killed; Debian's unit has KillMode=process), rewrites postgresql.conf without
# synchronous_standby_names while the /sync key in etcd still names a standby. It sets the parameter again only
# when the standby it would pick differs from /sync, which may be never: the primary then acknowledges commits
# asynchronously while Patroni still treats the named standby as safe to promote, and a failover loses them.
#
# What: for a while after Patroni (re)starts, if this host is the primary, its synchronous_standby_names is
# empty and /sync names this host as leader with a standby, the state is confirmed a few times and /sync is
# deleted (only if nobody changed it meanwhile). Patroni then assigns the standby again in its own safe order:
# the parameter first, /sync after the standby is seen synchronous. Everything is read from Patroni's own config.
import base64
import json
import ssl
import sys
import time
import urllib.request

import psycopg2
import yaml

WATCH_SECONDS = 120
CHECK_EVERY_SECONDS = 0.5
CONFIRMATIONS = 3


def b64(text):
    return base64.b64encode(text.encode()).decode()


class Etcd:
    def __init__(self, section):
        """From Patroni's etcd3 section: its hosts and, when etcd speaks TLS, the CA and client certificate Patroni uses."""
        self.endpoints = [h.strip() for h in str(section["hosts"]).split(",") if h.strip()]
        self.protocol = section.get("protocol", "http")
        self.context = None
        if self.protocol == "https":
            self.context = ssl.create_default_context(cafile=section["cacert"])
            self.context.load_cert_chain(section["cert"], section["key"])

    def call(self, path, body):
        for endpoint in self.endpoints:
            request = urllib.request.Request(f"{self.protocol}://{endpoint}/v3/{path}", data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=2, context=self.context) as answer:
                    return json.load(answer)
            except OSError:
                continue
        return None

    def get(self, key):
        """(value as a dict, mod_revision), (None, None) when the key is absent; None when no member answers."""
        answer = self.call("kv/range", {"key": b64(key)})
        if answer is None:
            return None
        kvs = answer.get("kvs") or []
        if not kvs:
            return None, None
        try:
            value = json.loads(base64.b64decode(kvs[0].get("value", "")).decode())
        except ValueError:
            return None, None
        return (value if isinstance(value, dict) else None), str(kvs[0].get("mod_revision", ""))

    def delete_if_unchanged(self, key, revision):
        answer = self.call("kv/txn", {
            "compare": [{"key": b64(key), "target": "MOD", "result": "EQUAL", "mod_revision": revision}],
            "success": [{"request_delete_range": {"key": b64(key)}}],
        })
        return bool(answer and answer.get("succeeded"))


def local_state(socket_dir, port):
    """(is primary, synchronous_standby_names) of this host's PostgreSQL; None while it does not answer."""
    try:
        conn = psycopg2.connect(host=socket_dir, port=port, dbname="postgres", user="postgres", connect_timeout=3)
    except psycopg2.Error:
        return None
    try:
        with conn.cursor() as cursor:
            cursor.execute("select not pg_is_in_recovery(), current_setting('synchronous_standby_names')")
            return cursor.fetchone()
    except psycopg2.Error:
        return None
    finally:
        conn.close()


def names_a_standby_for(me, sync):
    return bool(sync) and sync.get("leader") == me and bool(str(sync.get("sync_standby") or "").strip())


def main(config_path):
    with open(config_path) as f:
        config = yaml.safe_load(f)
    me = config["name"]
    key = f"{config.get('namespace', '/service/').rstrip('/')}/{config['scope']}/sync"
    postgresql = config["postgresql"]
    port = int(str(postgresql["listen"]).rsplit(":", 1)[1])
    socket_dir = str(postgresql.get("parameters", {}).get("unix_socket_directories", "/var/run/postgresql")).split(",")[0].strip()
    etcd = Etcd(config["etcd3"])

    deadline = time.monotonic() + WATCH_SECONDS
    seen, revision = 0, None
    while time.monotonic() < deadline:
        time.sleep(CHECK_EVERY_SECONDS)
        state = local_state(socket_dir, port)
        found = etcd.get(key)
        if state is None or found is None:
            seen = 0
            continue
        primary, names = state
        sync, at = found
        if not (primary and names.strip() in ("", "''") and names_a_standby_for(me, sync)):
            seen = 0
            continue
        seen = seen + 1 if at == revision else 1
        revision = at
        if seen < CONFIRMATIONS:
            continue
        if etcd.delete_if_unchanged(key, revision):
            print(f"{key} named {sync.get('sync_standby')} as synchronous, but this primary had no "
                  "synchronous_standby_names (Patroni restarted beside a running PostgreSQL): deleted it, "
                  "so Patroni assigns a synchronous standby again", flush=True)
        seen, revision = 0, None
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/etc/patroni/config.yml"))
