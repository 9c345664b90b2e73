#!/usr/bin/python3
# Written by HaStack for {{ host.name }}: starts Patroni (as /usr/bin/patroni does) with fixes applied first. Named
# patroni, so the process is named as the packaged one is (what tracks Patroni by name finds it).
#
# First, Patroni 3.0 only: Patroni 3.0.2 (Debian 12) renews its leader key in etcd with a plain put. A primary cut
# off the network demotes itself, but when the network comes back its view of the cluster can still say it leads (etcd
# reads are serializable: its own etcd member answered while cut off), and that put overwrites the leader key of the
# replica promoted meanwhile. The old primary then promotes its stale copy and the new primary steps down: every write
# acknowledged since the failover is lost (seen in HaStack's lab, 2026-11-29). Patroni 4 writes the key only if it
# still holds its own name, or if nobody holds it; this does the same.
#
# Second, Patroni 3.0 and 4.0 (read in 3.0.2's and 4.0.7's source): failsafe mode. With etcd's quorum lost, a primary
# that still reaches every member keeps running. But when an etcd call of the renewal ends in an error other than a
# lost connection (a reply cut short by a member stopping, an error code Patroni does not retry), Patroni reads it as
# "the lock is lost" and demotes at once, bypassing failsafe mode (patroni/patroni#3572, open). Such an error says
# nothing about who holds the key: here it counts as etcd unreachable, so failsafe mode decides (continue only if
# every member answers and none runs as a primary).
#
# How: Etcd3._update_leader is replaced in Patroni 3.0; in 3.0 and 4.0 an error of an etcd call made while the leader
# key is renewed is raised as a DCS error. Any other version runs as packaged.
import logging
import sys
import threading
import time

from patroni.dcs import Leader, ReturnFalseException
from patroni.dcs import etcd3
from patroni.version import __version__ as patroni_version

logger = logging.getLogger("hastack.safe_leader")


_renewing = threading.local()
_packaged_run_and_handle_exceptions = etcd3.Etcd3._run_and_handle_exceptions


def _run_and_handle_exceptions(self, method, *args, **kwargs):
    """Patroni's own, except that in the leader key's renewal a failed etcd call means etcd unreachable, not a lost lock."""
    try:
        return _packaged_run_and_handle_exceptions(self, method, *args, **kwargs)
    except ReturnFalseException:
        if not getattr(_renewing, 'active', False):
            raise
        logger.warning('etcd answered the leader key renewal with an error: treated as unreachable, failsafe mode decides')
        raise etcd3.Etcd3Error('leader key renewal failed')


def _failsafe_aware(update_leader):
    def renew(self, *args, **kwargs):
        _renewing.active = True
        try:
            return update_leader(self, *args, **kwargs)
        finally:
            _renewing.active = False
    return renew


def _update_leader(self):
    retry = self._retry.copy()

    def _retry(*args, **kwargs):
        kwargs['retry'] = retry
        return retry(*args, **kwargs)

    self._run_and_handle_exceptions(self._do_refresh_lease, True, retry=_retry)
    if not self._lease:
        return False
    cluster = self.cluster
    leader_lease = cluster and isinstance(cluster.leader, Leader) and cluster.leader.session
    if leader_lease == self._lease:
        return True
    retry.deadline = retry.stoptime - time.time()
    if retry.deadline < 1:
        raise etcd3.Etcd3Error('update_leader timeout')
    key = etcd3.base64_encode(self.leader_path)
    put = {'request_put': {'key': key, 'value': etcd3.base64_encode(self._name), 'lease': self._lease}}
    # the key still names this member: a new lease on it; else only a key nobody holds is taken
    still_mine = {'key': key, 'target': 'VALUE', 'value': etcd3.base64_encode(self._name)}
    absent = {'key': key, 'target': 'CREATE', 'create_revision': '0'}
    fields = {'compare': [still_mine], 'success': [put], 'failure': [{'request_txn': {'compare': [absent], 'success': [put]}}]}
    ret = self._run_and_handle_exceptions(self._client.call_rpc, '/kv/txn', fields, retry=_retry)
    if ret.get('succeeded', False) or ret.get('responses', [{}])[0].get('response_txn', {}).get('succeeded', False):
        return True
    logger.warning('the leader key names another member: not overwritten')
    return False


# Patroni's processes started by multiprocessing import this file again: they get the fix too, and start nothing
if patroni_version.startswith('3.0.'):
    etcd3.Etcd3._update_leader = etcd3.catch_return_false_exception(_update_leader)
if patroni_version.startswith(('3.0.', '4.0.')):
    etcd3.Etcd3._run_and_handle_exceptions = _run_and_handle_exceptions
    etcd3.Etcd3._update_leader = _failsafe_aware(etcd3.Etcd3._update_leader)
elif __name__ == '__main__':
    print(f'hastack: Patroni {patroni_version} is not one this was written for; left as packaged', file=sys.stderr)

if __name__ == '__main__':
    from patroni.__main__ import main
    sys.exit(main())
