"""The sync guard (Components/Patroni/templates/patroni_sync_guard.py in HaStack.Infra) against a fake etcd and a fake local PostgreSQL.

It must delete /sync only when this host is the primary, its synchronous_standby_names is empty, and /sync names it
as leader with a standby, seen unchanged (same revision) three checks running; and then only by a compare on that
revision, so a /sync Patroni rewrote meanwhile is kept. Run by tests/host-programs/run.sh with each release's Python.
"""
import base64
import io
import json
import os
import tempfile
import unittest
from unittest import mock

import patroni_sync_guard as guard


class Clock:
    """time.monotonic and time.sleep for the guard's loop: sleeping advances the clock, nothing waits."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class FakeEtcd:
    """/sync as etcd holds it: each read returns the next (value, revision) of a script, the last one repeating."""

    def __init__(self, reads, delete_succeeds=True):
        self.reads = list(reads)
        self.deletes = []
        self.delete_succeeds = delete_succeeds

    def get(self, key):
        return self.reads.pop(0) if len(self.reads) > 1 else self.reads[0]

    def delete_if_unchanged(self, key, revision):
        self.deletes.append((key, revision))
        return self.delete_succeeds


PATRONI_CONFIG = """
name: node1
scope: hastack
namespace: /service/
postgresql:
  listen: 10.77.0.11:5432
  parameters: {unix_socket_directories: /var/run/postgresql}
etcd3: {hosts: "10.77.0.11:2379,10.77.0.12:2379", protocol: http}
"""

NAMES_NODE2 = {"leader": "node1", "sync_standby": "node2"}


class GuardLoop(unittest.TestCase):
    def run_guard(self, etcd, local):
        """The guard's whole watch (120 s of checks every 0.5 s) with /sync from etcd and PostgreSQL's answer from local."""
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as config:
            config.write(PATRONI_CONFIG)
        self.addCleanup(os.unlink, config.name)
        clock = Clock()
        with mock.patch.object(guard, "time", clock), mock.patch.object(guard, "Etcd", lambda section: etcd), \
                mock.patch.object(guard, "local_state", lambda socket_dir, port: local), \
                mock.patch("sys.stdout", new_callable=io.StringIO) as out:
            self.assertEqual(0, guard.main(config.name))
        self.assertGreaterEqual(clock.now, guard.WATCH_SECONDS)
        return out.getvalue()

    def test_a_primary_without_standby_names_that_sync_names_loses_sync_after_three_unchanged_reads(self):
        etcd = FakeEtcd([(NAMES_NODE2, "41")])
        printed = self.run_guard(etcd, (True, ""))
        self.assertEqual(("/service/hastack/sync", "41"), etcd.deletes[0])
        self.assertIn("deleted it", printed)

    def test_an_empty_quoted_setting_counts_as_empty(self):
        etcd = FakeEtcd([(NAMES_NODE2, "41")])
        self.run_guard(etcd, (True, "''"))
        self.assertTrue(etcd.deletes)

    def test_a_primary_that_names_its_standby_is_left_alone(self):
        etcd = FakeEtcd([(NAMES_NODE2, "41")])
        self.run_guard(etcd, (True, '"node2"'))
        self.assertEqual([], etcd.deletes)

    def test_a_replica_is_left_alone(self):
        etcd = FakeEtcd([(NAMES_NODE2, "41")])
        self.run_guard(etcd, (False, ""))
        self.assertEqual([], etcd.deletes)

    def test_sync_naming_another_leader_or_no_standby_is_left_alone(self):
        for value in ({"leader": "node2", "sync_standby": "node3"}, {"leader": "node1", "sync_standby": None},
                      {"leader": "node1", "sync_standby": "  "}, None):
            with self.subTest(value=value):
                etcd = FakeEtcd([(value, "41")])
                self.run_guard(etcd, (True, ""))
                self.assertEqual([], etcd.deletes)

    def test_a_sync_key_that_changes_between_reads_is_never_confirmed(self):
        # Patroni is working on it: each read sees a new revision, so no three reads agree
        etcd = FakeEtcd([(NAMES_NODE2, str(r)) for r in range(41, 41 + 400)])
        self.run_guard(etcd, (True, ""))
        self.assertEqual([], etcd.deletes)

    def test_an_unanswered_read_restarts_the_count(self):
        etcd = FakeEtcd([(NAMES_NODE2, "41"), (NAMES_NODE2, "41"), None] * 200)
        self.run_guard(etcd, (True, ""))
        self.assertEqual([], etcd.deletes)

    def test_postgresql_not_answering_restarts_the_count(self):
        etcd = FakeEtcd([(NAMES_NODE2, "41")])
        self.run_guard(etcd, None)
        self.assertEqual([], etcd.deletes)


class Answer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class EtcdClient(unittest.TestCase):
    """The guard's own etcd v3 JSON client: the requests it sends and how it reads the answers."""

    def client(self, answers):
        sent = []

        def urlopen(request, timeout, context):
            sent.append((request.full_url, json.loads(request.data)))
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return Answer(json.dumps(answer).encode())

        patcher = mock.patch.object(guard.urllib.request, "urlopen", urlopen)
        patcher.start()
        self.addCleanup(patcher.stop)
        return guard.Etcd({"hosts": "10.77.0.11:2379, 10.77.0.12:2379", "protocol": "http"}), sent

    def test_the_delete_is_a_transaction_on_the_revision_that_was_read(self):
        etcd, sent = self.client([{"succeeded": False}])
        self.assertFalse(etcd.delete_if_unchanged("/service/hastack/sync", "41"))
        url, body = sent[0]
        self.assertEqual("http://10.77.0.11:2379/v3/kv/txn", url)
        key = base64.b64encode(b"/service/hastack/sync").decode()
        self.assertEqual([{"key": key, "target": "MOD", "result": "EQUAL", "mod_revision": "41"}], body["compare"])
        self.assertEqual([{"request_delete_range": {"key": key}}], body["success"])
        self.assertNotIn("failure", body)

    def test_a_member_that_does_not_answer_passes_the_call_to_the_next(self):
        value = base64.b64encode(json.dumps(NAMES_NODE2).encode()).decode()
        etcd, sent = self.client([OSError("refused"), {"kvs": [{"value": value, "mod_revision": 41}]}])
        self.assertEqual((NAMES_NODE2, "41"), etcd.get("/service/hastack/sync"))
        self.assertEqual(["http://10.77.0.11:2379/v3/kv/range", "http://10.77.0.12:2379/v3/kv/range"], [u for u, _ in sent])

    def test_no_member_answering_is_none_and_an_absent_or_unreadable_key_is_empty(self):
        etcd, _ = self.client([OSError("a"), OSError("b")])
        self.assertIsNone(etcd.get("/k"))
        etcd, _ = self.client([{}])
        self.assertEqual((None, None), etcd.get("/k"))
        etcd, _ = self.client([{"kvs": [{"value": base64.b64encode(b"not json").decode(), "mod_revision": 3}]}])
        self.assertEqual((None, None), etcd.get("/k"))


if __name__ == "__main__":
    unittest.main()
