#!/usr/bin/env python3
"""Deployment benchmark on the local lab: fresh deploy, no-op up, the failover proof's figures, the write
outage after a primary host loses power, and the write outage of a planned switchover.

  python3 tests/bench/deploy_bench.py [--releases 12,13] [--tls on] [--deploy-runs 3] [--verify-runs 7] [--power-runs 3] [--switchover-runs 3]

--tls on,off measures each release with TLS (the default: etcd, Patroni's REST API, PostgreSQL and PgBouncer) and
without it (hastack:tls.enabled: false), side by side: the cost of TLS. Its figures go to deploy-tls.{json,md}.

For each Debian release in turn, side by side in one run: recreates the lab on that release (tests/lab/down.sh,
up.sh) and deploys Pulumi.lab.yaml with a fresh state, --deploy-runs times (each on new hosts), then measures on the
last deployment. Writes are
timed by a writer on a surviving lab host (psql through the VIP every 20 ms); the lab shares one kernel, so its
clock and this script's are the same. Figures go to tests/bench/results/deploy.{json,md}. Root; needs the agent
binary (artifacts/hastack-vrrpd) and the CLI built (Release).
"""
import argparse, json, os, re, statistics, subprocess, sys, threading, time
from datetime import datetime, timezone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAB = os.path.join(ROOT, "tests", "lab")
LAB_DIR = os.environ.get("HASTACK_LAB_DIR", "/run/hastack-lab")
HASTACK = ["dotnet", os.path.join(ROOT, "infra", "HaStack.Cli", "bin", "Release", "net10.0", "hastack.dll")]
VIP = "10.77.0.100"
ENV = dict(os.environ, PULUMI_CONFIG_PASSPHRASE="bench passphrase", HASTACK_AGENT_BINARY=os.path.join(ROOT, "artifacts", "hastack-vrrpd", "hastack-vrrpd"))


def sh(*args, check=True, **kw):
    r = subprocess.run(list(args), capture_output=True, text=True, env=ENV, **kw)
    if check and r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
    return r


PROJECT = ROOT  # where the lab stack is read from: the repository, or a copy with TLS off


def hastack(*args, check=True):
    return sh(*HASTACK, *args, "--stack", "lab", "--cwd", PROJECT, check=check)


def project(tls):
    """The repository's lab stack as it is (TLS on), or a copy of it with hastack:tls.enabled: false."""
    if tls == "on":
        return ROOT
    directory = os.path.join("/tmp", "hastack-bench-notls")
    os.makedirs(directory, exist_ok=True)
    for name in ("Pulumi.yaml", "Pulumi.lab.yaml"):
        with open(os.path.join(ROOT, name)) as source, open(os.path.join(directory, name), "w") as target:
            target.write(source.read() + ("  hastack:tls:\n    enabled: false\n" if name == "Pulumi.lab.yaml" else ""))
    return directory


def ssh(node, command, stdin=None, check=True):
    r = subprocess.run(["ssh", "-F", f"{LAB_DIR}/ssh_config", node, command], input=stdin, capture_output=True, text=True, timeout=300)
    if check and r.returncode != 0:
        sys.exit(f"{node}: {command} failed: {r.stderr}")
    return r.stdout


def members():
    for node in ("node1", "node2", "node3"):
        r = subprocess.run(["ssh", "-F", f"{LAB_DIR}/ssh_config", node, "patronictl -c /etc/patroni/config.yml list -f json"],
                           capture_output=True, text=True, timeout=30)
        if r.returncode == 0:
            return json.loads(r.stdout)
    return []


def wait(what, condition, limit):
    deadline = time.time() + limit
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.5)
    sys.exit(f"{what}: not within {limit} s")


# Patroni 3.0's named synchronous standby, Patroni 4's quorum commit (Debian 13)
SYNCHRONOUS = ("Sync Standby", "Quorum Standby")


def healthy():
    """Whole again: one leader, every member running, and (synchronous mode) a sync standby named. Patroni 3.0.2
    promotes only the named sync standby; a primary lost while none is named is not replaced (see the note)."""
    m = members()
    return (len(m) == 3 and sum(x["Role"] == "Leader" for x in m) == 1 and any(x["Role"] in SYNCHRONOUS for x in m)
            and all(x["State"] in ("running", "streaming") for x in m))


class Writer:
    """psql through the VIP every 20 ms from one lab host (each attempt at most 15 s); each success prints its wall
    time, each failure "failed" and its wall time."""

    def __init__(self, node, password):
        script = f"""read -r PGPASSWORD; export PGPASSWORD
psql -h {VIP} -p 5000 -U postgres -d postgres -qAtc 'CREATE TABLE IF NOT EXISTS bench_writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())' >/dev/null
while true; do
  if timeout 15 psql -h {VIP} -p 5000 -U postgres -d postgres -qAtc 'INSERT INTO bench_writes DEFAULT VALUES' >/dev/null 2>&1
  then date +%s.%N; else echo "failed $(date +%s.%N)"; fi
  sleep 0.02
done"""
        self.successes, self.failures = [], []
        self.node = node
        ssh(node, "cat > /tmp/bench-writer.sh", stdin=script)
        self.process = subprocess.Popen(["ssh", "-F", f"{LAB_DIR}/ssh_config", node, "timeout 600 bash /tmp/bench-writer.sh"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.process.stdin.write(password + "\n")
        self.process.stdin.flush()
        threading.Thread(target=self._read, daemon=True).start()
        wait("the writer's first write", lambda: len(self.successes) > 5, 30)

    def _read(self):
        for line in self.process.stdout:
            if line.startswith("failed "):
                self.failures.append(float(line.split()[1]))
            else:
                self.successes.append(float(line))

    def failed_between(self, start, end):
        return sum(1 for f in self.failures if start <= f <= end)

    def first_after(self, t):
        return next((s for s in self.successes if s > t), None)

    def longest_gap(self, start, end):
        window = [s for s in self.successes if start <= s <= end]
        return max((b - a for a, b in zip(window, window[1:])), default=None)

    def close(self):
        self.process.terminate()
        self.process.wait()
        ssh(self.node, "pkill -f bench-writer.sh || true", check=False)


def summary(values):
    values = [v for v in values if v is not None]
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1), "max": round(max(values), 1), "n": len(values)} if values else None


def measure(release, tls, args):
    """Every figure on a lab of Debian `release`, with TLS `tls` (on or off)."""
    global PROJECT
    PROJECT = project(tls)
    report = {"release": release, "tls": tls}
    ENV["HASTACK_LAB_RELEASE"] = release
    deploys = []
    for run in range(args.deploy_runs):
        sh("bash", f"{LAB}/down.sh")
        sh("bash", f"{LAB}/up.sh", "3")
        sh("rm", "-rf", os.path.join(PROJECT, ".hastack", "stacks", "hastack", "lab.json"))
        t = time.monotonic()
        hastack("up", "--yes")
        deploys.append(time.monotonic() - t)
        print(f"  fresh deploy run {run + 1} (packages, cluster, proof): {deploys[-1]:.1f} s", flush=True)
    report["freshDeploySeconds"] = summary(deploys)
    print(f"fresh deploy: {report['freshDeploySeconds']} s", flush=True)

    noop = []
    for _ in range(5):
        t = time.monotonic()
        r = hastack("up", "--yes")
        noop.append(time.monotonic() - t)
        assert re.search(r"Resources:\n\s+\d+ unchanged\n\nUpdating", r.stdout), r.stdout
    report["noopUpSeconds"] = summary(noop)
    print(f"no-op up: {report['noopUpSeconds']}", flush=True)

    moves, recoveries = [], []
    for _ in range(args.verify_runs):
        out = hastack("verify").stdout
        moves.append(float(re.search(r"vipMoveMs: (\d+)", out).group(1)))
        recoveries.append(float(re.search(r"sqlRecoveryMs: (\d+)", out).group(1)))
    report["verifyVipMoveMs"], report["verifySqlRecoveryMs"] = summary(moves), summary(recoveries)
    print(f"verify: VIP move {report['verifyVipMoveMs']} ms, SQL recovery {report['verifySqlRecoveryMs']} ms", flush=True)

    password = hastack("output", "postgresPassword", "--show-secrets").stdout.strip()
    outages = []
    for run in range(args.power_runs):
        wait("a whole cluster", healthy, 120)
        primary = next(x["Member"] for x in members() if x["Role"] == "Leader")
        writer_node = next(n for n in ("node1", "node2", "node3") if n != primary)
        writer = Writer(writer_node, password)
        time.sleep(2)
        cut = time.time()
        sh("bash", f"{LAB}/power.sh", primary, "off")
        deadline = time.time() + 90
        while writer.first_after(cut + 0.5) is None and time.time() < deadline:
            time.sleep(0.5)
        resumed = writer.first_after(cut + 0.5)
        writer.close()
        if resumed is None:
            # said and counted, not fatal: the other runs' figures still count
            report.setdefault("powerOffWithoutWritesIn90s", 0)
            report["powerOffWithoutWritesIn90s"] += 1
            print(f"  power-off run {run + 1}: {primary} cut, no write seen through the VIP within 90 s "
                  f"({len(writer.successes)} before, {len(writer.failures)} failed)", flush=True)
        else:
            outages.append(resumed - cut)
            print(f"  power-off run {run + 1}: {primary} cut, writes through the VIP again after {outages[-1]:.1f} s", flush=True)
        sh("bash", f"{LAB}/power.sh", primary, "on")
        wait(f"{primary} back as a replica", healthy, 180)
    report["powerOffToWritesSeconds"] = summary(outages)

    gaps = []
    for run in range(args.switchover_runs):
        wait("a whole cluster", healthy, 120)
        m = members()
        leader = next(x["Member"] for x in m if x["Role"] == "Leader")
        candidate = next((x["Member"] for x in m if x["Role"] in SYNCHRONOUS), next(x["Member"] for x in m if x["Role"] != "Leader"))
        writer = Writer(next(n for n in ("node1", "node2", "node3") if n != leader), password)
        time.sleep(2)
        start = time.time()
        ssh(leader, f"patronictl -c /etc/patroni/config.yml switchover --leader {leader} --candidate {candidate} --force")
        wait("the new primary", lambda: any(x["Member"] == candidate and x["Role"] == "Leader" for x in members()), 60)
        time.sleep(5)
        gaps.append(writer.longest_gap(start - 1, time.time()) - 0.02)
        writer.close()
        print(f"  switchover run {run + 1}: {leader} -> {candidate}, longest write gap {gaps[-1]:.2f} s", flush=True)
    report["switchoverWriteGapSeconds"] = summary(gaps)
    sh("bash", f"{LAB}/down.sh")
    return report


ROWS = [("freshDeploySeconds", "fresh deploy: packages, etcd, Patroni, PgBouncer, HAProxy, agent, SQL setup, failover proof", "s"),
        ("noopUpSeconds", "no-op `up`", "s"),
        ("verifyVipMoveMs", "proof: VIP on another host after HAProxy stops on the holder", "ms"),
        ("verifySqlRecoveryMs", "proof: SQL through the VIP again", "ms"),
        ("powerOffToWritesSeconds", "primary host power-off → writes through the VIP again", "s"),
        ("switchoverWriteGapSeconds", "planned switchover (`patronictl switchover`): longest write gap", "s")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", default="12,13", help="Debian releases to measure, in turn (comma-separated)")
    parser.add_argument("--deploy-runs", type=int, default=3)
    parser.add_argument("--verify-runs", type=int, default=7)
    parser.add_argument("--power-runs", type=int, default=3)
    parser.add_argument("--switchover-runs", type=int, default=3)
    parser.add_argument("--tls", default="on", help="on, off or on,off: with TLS (the default), without, or both side by side")
    args = parser.parse_args()
    settings = args.tls.split(",")
    if not set(settings) <= {"on", "off"}:
        sys.exit(f"--tls takes on, off or on,off, not {args.tls}")
    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "releases": []}
    for release in args.releases.split(","):
        for tls in settings:
            print(f"== Debian {release}, TLS {tls}", flush=True)
            report["releases"].append(measure(release, tls, args))

    name = "deploy" if settings == ["on"] else "deploy-tls"
    out = os.path.join(ROOT, "tests", "bench", "results")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(report, f, indent=2)
    fmt = lambda s: "n/a" if s is None else f"**{s['median']}** ({s['min']}-{s['max']}, n={s['n']})"
    releases = report["releases"]
    column = (lambda r: f"Debian {r['release']}") if settings == ["on"] else (lambda r: f"Debian {r['release']}, TLS {r['tls']}")
    lines = [f"# Deployment on the lab: 3 hosts, every role ({report['date']})", "",
             "Median (min-max) per setup, measured in turn in one run.", "",
             "| measure | " + " | ".join(column(r) for r in releases) + " |",
             "|---|" + "---|" * len(releases)]
    lines += [f"| {label} | " + " | ".join(f"{fmt(r[key])} {unit}" for r in releases) + " |" for key, label, unit in ROWS]
    with open(os.path.join(out, f"{name}.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
