#!/usr/bin/env python3
"""Day-2 benchmark on the local lab: what changing a deployed stack costs clients writing through the VIP.

  python3 tests/bench/day2_bench.py [--rolls 3] [--scale-runs 2]

On a 4-host lab, deploys a 3-host stack (every role on node1-3; a project of its own in a temporary directory), then
under a writer through the VIP (psql every 20 ms from node1, a new connection each; see deploy_bench.Writer):
  - --rolls times, max_connections changed (a setting PostgreSQL takes only at a restart): `up` rolls the restart over
    the 3 members, replicas first, then a switchover, then the old primary;
  - --scale-runs times, node4 added with every role (etcd member add, a Patroni replica, a proxy) and removed again
    (etcd member remove before its etcd stops).
For each: the `up`'s duration, failed writes and the longest gap between acknowledged writes. Figures go to
tests/bench/results/day2.{json,md}. Root; needs the agent binary (artifacts/hastack-vrrpd) and the CLI built (Release).
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(__file__))
from deploy_bench import ENV, HASTACK, LAB, LAB_DIR, ROOT, SYNCHRONOUS, Writer, ssh, summary, wait  # noqa: E402

STACK = "day2"
HOST = "  - {{ name: {0}, address: 10.77.0.1{1}, roles: [etcd, db, proxy] }}\n"


def stack_file(hosts, max_connections):
    return ("config:\n  hastack:hosts:\n" + "".join(HOST.format(f"node{i}", i) for i in hosts) +
            "  hastack:ssh:\n    user: root\n    privateKeyFile: /run/hastack-lab/id_ed25519\n    knownHostsFile: /run/hastack-lab/known_hosts\n"
            "  hastack:vip:\n    address: 10.77.0.100/24\n"
            f"  hastack:postgres:\n    parameters:\n      max_connections: {max_connections}\n")


def members(nodes):
    for node in nodes:
        r = subprocess.run(["ssh", "-F", f"{LAB_DIR}/ssh_config", node, "patronictl -c /etc/patroni/config.yml list -f json"],
                           capture_output=True, text=True, timeout=30)
        if r.returncode == 0:
            return json.loads(r.stdout)
    return []


def whole(count):
    m = members(["node1", "node2", "node3"])
    return (len(m) == count and sum(x["Role"] == "Leader" for x in m) == 1 and any(x["Role"] in SYNCHRONOUS for x in m)
            and all(x["State"] in ("running", "streaming") for x in m))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rolls", type=int, default=3)
    parser.add_argument("--scale-runs", type=int, default=2)
    args = parser.parse_args()
    project = tempfile.mkdtemp(prefix="hastack-day2.")
    shutil.copy(os.path.join(ROOT, "Pulumi.yaml"), project)
    env = dict(ENV, PULUMI_CONFIG_PASSPHRASE="day2 passphrase")

    def up(hosts, max_connections):
        with open(os.path.join(project, f"Pulumi.{STACK}.yaml"), "w") as f:
            f.write(stack_file(hosts, max_connections))
        r = subprocess.run([*HASTACK, "up", "--yes", "--stack", STACK, "--cwd", project], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            sys.exit(f"up failed:\n{r.stdout[-4000:]}\n{r.stderr[-2000:]}")
        return r.stdout

    def measured(what, hosts, max_connections, password, members_after):
        writer = Writer("node1", password)
        time.sleep(2)
        start = time.time()
        up(hosts, max_connections)
        took = time.time() - start
        time.sleep(3)
        row = {"seconds": took, "failedWrites": writer.failed_between(start, time.time()),
               "longestGapSeconds": writer.longest_gap(start, time.time()) - 0.02}
        writer.close()
        print(f"  {what}: up {row['seconds']:.1f} s, {row['failedWrites']} failed write(s), longest gap {row['longestGapSeconds']:.2f} s", flush=True)
        wait(f"a whole cluster of {members_after} after {what}", lambda: whole(members_after), 180)
        return row

    try:
        subprocess.run(["bash", f"{LAB}/down.sh"], check=True, capture_output=True)
        subprocess.run(["bash", f"{LAB}/up.sh", "4"], check=True, capture_output=True)
        up([1, 2, 3], 100)
        password = subprocess.run([*HASTACK, "output", "postgresPassword", "--show-secrets", "--stack", STACK, "--cwd", project],
                                  capture_output=True, text=True, env=env, check=True).stdout.strip()
        wait("a whole cluster", lambda: whole(3), 180)
        report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "rolls": [], "adds": [], "removes": []}
        for run in range(args.rolls):
            report["rolls"].append(measured(f"max_connections rolled (run {run + 1})", [1, 2, 3], 110 + 10 * run, password, 3))
        for run in range(args.scale_runs):
            report["adds"].append(measured(f"node4 added (run {run + 1})", [1, 2, 3, 4], 110 + 10 * (args.rolls - 1), password, 4))
            report["removes"].append(measured(f"node4 removed (run {run + 1})", [1, 2, 3], 110 + 10 * (args.rolls - 1), password, 3))
    finally:
        subprocess.run([*HASTACK, "destroy", "--yes", "--purge-data", "--stack", STACK, "--cwd", project], capture_output=True, env=env)
        subprocess.run(["bash", f"{LAB}/down.sh"], capture_output=True)
        shutil.rmtree(project, ignore_errors=True)

    for kind in ("rolls", "adds", "removes"):
        rows = report[kind]
        report[f"{kind}Summary"] = {k: summary([r[k] for r in rows]) for k in ("seconds", "failedWrites", "longestGapSeconds")}
    out = os.path.join(ROOT, "tests", "bench", "results")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "day2.json"), "w") as f:
        json.dump(report, f, indent=2)
    fmt = lambda s: "n/a" if s is None else f"**{s['median']}** ({s['min']}-{s['max']}, n={s['n']})"
    lines = [f"# Day 2 on the lab: a 3-host stack changed under a writer through the VIP ({report['date']})", "",
             "| change (`up`) | duration, s | failed writes | longest write gap, s |", "|---|---|---|---|"]
    for kind, what in (("rolls", "max_connections rolled over 3 members (restart each, switchover)"),
                       ("adds", "node4 added: etcd member, Patroni replica, proxy"), ("removes", "node4 removed: etcd member removed first")):
        s = report[f"{kind}Summary"]
        lines.append(f"| {what} | {fmt(s['seconds'])} | {fmt(s['failedWrites'])} | {fmt(s['longestGapSeconds'])} |")
    with open(os.path.join(out, "day2.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
