"""The safe-leader launcher (Components/Patroni/templates/patroni_safe_leader.py in HaStack.Infra) patching the release's real Patroni, with a fake etcd client.

What it must change, on Patroni 3.0 (Debian 12) and 4.0 (Debian 13) alike:
- an etcd error while the leader key is renewed is a DCS error (etcd unreachable: failsafe mode decides), not the
  "lock lost" that demotes the primary at once; outside the renewal Patroni's own handling is untouched;
- the leader key is renewed by compare-and-swap: a key that names another member is never overwritten (3.0 did a
  plain put; 4.0 does this itself, and the launcher must keep it so).
Run by tests/host-programs/run.sh with each release's Python and Patroni.
"""
import unittest

import etcd
from patroni.dcs import Leader, ReturnFalseException
from patroni.dcs import etcd3
from patroni.utils import Retry
from patroni.version import __version__ as patroni_version

import patroni_safe_leader as launcher

NAME = "node1"
LEADER_PATH = "/service/hastack/leader"


class FakeClient:
    """Patroni's etcd v3 client as the renewal uses it; a plain put of the leader key fails the test."""

    ERROR_CLS = etcd3.Etcd3Error

    def __init__(self, answer):
        self.answer = answer
        self.transactions = []

    def call_rpc(self, method, fields, retry=None):
        self.transactions.append(fields)
        return self.answer

    def txn(self, compare, success, failure=None, retry=None):
        fields = {"compare": [compare], "success": [success]}
        if failure:
            fields["failure"] = [failure]
        self.transactions.append(fields)
        return self.answer

    def put(self, *args, **kwargs):
        raise AssertionError(f"the leader key was written by a plain put: {args}")


class Member(etcd3.Etcd3):
    """An Etcd3 DCS without its constructor (no etcd), renewing with a fake client and a scripted lease refresh."""

    leader_path = LEADER_PATH
    _client = None  # a property in Patroni 4: a plain attribute here
    cluster = None
    refresh_error = None

    def __init__(self, client, lease="lease-2", holder_lease="lease-1"):
        self._client = client
        self._name = NAME
        self._lease = None
        self.next_lease = lease
        self.holder = Leader(0, holder_lease, None)
        self._retry = Retry(deadline=10, max_delay=1, max_tries=1, retry_exceptions=())
        self.handled = []

    def _do_refresh_lease(self, force=False, retry=None):
        if self.refresh_error is not None:
            raise self.refresh_error
        self._lease = self.next_lease
        return True

    def _handle_exception(self, e, name="", do_sleep=False, raise_ex=None):
        self.handled.append(e)
        if raise_ex is not None:
            raise raise_ex

    def renew(self):
        """Patroni's renewal of the leader key, as its version calls it."""
        if patroni_version.startswith("3.0."):
            type(self).cluster = type("Cluster", (), {"leader": self.holder})()
            return self._update_leader()
        return self._update_leader(self.holder)


KEY = etcd3.base64_encode(LEADER_PATH)
MINE = etcd3.base64_encode(NAME)


class Renewal(unittest.TestCase):
    def test_the_launcher_applies_to_this_release(self):
        self.assertTrue(patroni_version.startswith(("3.0.", "4.0.")), patroni_version)
        self.assertIs(etcd3.Etcd3._run_and_handle_exceptions, launcher._run_and_handle_exceptions)

    def test_an_etcd_error_while_renewing_is_etcd_unreachable_not_a_lost_lock(self):
        member = Member(FakeClient({"succeeded": True}))
        member.refresh_error = etcd.EtcdException("reply cut short by a member stopping")
        with self.assertRaises(etcd3.Etcd3Error):
            member.renew()
        self.assertEqual(1, len(member.handled))

    def test_outside_the_renewal_an_etcd_error_is_handled_as_patroni_does(self):
        member = Member(FakeClient({"succeeded": True}))
        member.refresh_error = etcd.EtcdException("refused")
        with self.assertRaises(etcd3.Etcd3Error):
            member.renew()
        # the renewal is over: the same error elsewhere is Patroni's own "return False" again
        with self.assertRaises(ReturnFalseException):
            member._run_and_handle_exceptions(member._do_refresh_lease, retry=None)

    def test_a_key_that_still_names_this_member_gets_the_new_lease(self):
        client = FakeClient({"succeeded": True})
        self.assertTrue(Member(client).renew())
        compare = client.transactions[0]["compare"][0]
        self.assertEqual({"key": KEY, "target": "VALUE", "value": MINE}, compare)
        put = client.transactions[0]["success"][0]["request_put"]
        self.assertEqual((KEY, MINE, "lease-2"), (put["key"], put["value"], put["lease"]))

    def test_a_key_nobody_holds_is_taken(self):
        client = FakeClient({"succeeded": False, "responses": [{"response_txn": {"succeeded": True}}]})
        self.assertTrue(Member(client).renew())
        nested = client.transactions[0]["failure"][0]["request_txn"]
        self.assertEqual([{"key": KEY, "target": "CREATE", "create_revision": "0"}], nested["compare"])

    def test_a_key_another_member_holds_is_never_overwritten(self):
        # the replica promoted while this primary was cut off holds the key: the renewal fails, nothing is put
        client = FakeClient({"succeeded": False, "responses": [{"response_txn": {"succeeded": False}}]})
        self.assertFalse(Member(client).renew())
        self.assertEqual(1, len(client.transactions))

    def test_a_lease_the_key_already_has_writes_nothing(self):
        client = FakeClient({"succeeded": True})
        self.assertTrue(Member(client, lease="lease-1", holder_lease="lease-1").renew())
        self.assertEqual([], client.transactions)


if __name__ == "__main__":
    unittest.main()
