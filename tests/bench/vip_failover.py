#!/usr/bin/env python3
"""VIP failover benchmark: keepalived (2.2.7 on Debian 12, 2.3.3 on 13) and hastack-vrrpd side by side on the same lab hosts.

For each configuration, RUNS times: wait a random 0-1 s, stop HAProxy on the master (node1) and measure from
the moment node1 runs `systemctl stop haproxy` (t0, read on node1: the lab shares one CLOCK_MONOTONIC) to
  (a) the VIP added on node2 (rtnetlink event inside node2's namespace), and
  (b) the first TCP connect from the lab machine to VIP:5000 that succeeds (a new connect every 5 ms).
Then HAProxy is started again and the VIP returns to node1 (preemption) before the next run.
Also: RSS/PSS and idle CPU of each daemon, and (with --watch-minutes) false failovers of hastack-vrrpd with
HaStack's generated config, idle and with CPU hogs on both cores. Figures go to tests/bench/results/.

On a keepalived that takes millisecond script intervals (2.3.2 and later), also "ms-script": the best keepalived allows
inside a container (its process tracking does not work there): VRRPv3 every 0.1 s and HAProxy checked every 10 ms by
a script, FAULT when it fails; both daemons run it. Results go to vip-failover.{json,md}, or vip-failover-debianR.*
on Debian R other than 12.

Needs a lab (tests/lab/up.sh) and the agent binary (artifacts/hastack-vrrpd/hastack-vrrpd). Root.
"""
import argparse, json, os, random, re, select, socket, statistics, subprocess, sys, threading, time
from datetime import datetime, timezone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAB_DIR = os.environ.get("HASTACK_LAB_DIR", "/run/hastack-lab")
VIP, PORT = "10.77.0.100", 5000
NODES = {"node1": "10.77.0.11", "node2": "10.77.0.12"}
NS = {"node1": "hsnode1", "node2": "hsnode2"}


def ssh(node, command, stdin=None, check=True):
    result = subprocess.run(["ssh", "-F", f"{LAB_DIR}/ssh_config", node, command], input=stdin,
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        sys.exit(f"{node}: `{command}` failed: {result.stderr.strip()}")
    return result.stdout


def vip_holders():
    holders = []
    for node, ns in NS.items():
        out = subprocess.run(["ip", "-n", ns, "-4", "-o", "addr", "show", "dev", "eth0"], capture_output=True, text=True).stdout
        if f" {VIP}/" in out:
            holders.append(node)
    return holders


def wait_for(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    raise RuntimeError(f"{what}: not within {timeout} s")


HAPROXY_CFG = """global
    log /dev/log local0
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend writes
    bind :5000
    default_backend local
backend local
    server self 127.0.0.1:22
"""


def install():
    binary = os.path.join(ROOT, "artifacts", "hastack-vrrpd", "hastack-vrrpd")
    if not os.path.exists(binary):
        subprocess.run(["dotnet", "publish", os.path.join(ROOT, "agent", "HaStack.Vrrpd"), "-c", "Release", "-r", "linux-x64",
                        "-p:PublishAot=true", "-o", os.path.dirname(binary), "--nologo", "-v", "quiet"], check=True)
    # HaStack's own unit, with the values the generated stack gives it; any variable left over stops the run
    values = {"vip.status_port": "9651", "paths.agent_binary": "/usr/local/sbin/hastack-vrrpd",
              "paths.agent_config": "/etc/hastack-vrrpd/keepalived.conf", "service.restart": "always", "service.delay": "1s",
              "service.why": "a host whose agent died takes no part in electing the VIP holder until it is back"}
    unit = re.sub(r"\{\{ ([a-z_.]+) \}\}", lambda m: values[m.group(1)], open(os.path.join(ROOT, "infra", "HaStack.Infra", "Components", "Agent", "templates", "hastack-vrrpd.service.sbn")).read())
    for node in NODES:
        subprocess.run(["scp", "-q", "-F", f"{LAB_DIR}/ssh_config", binary, f"{node}:/usr/local/sbin/hastack-vrrpd.new"], check=True)
        ssh(node, "install -m 755 /usr/local/sbin/hastack-vrrpd.new /usr/local/sbin/hastack-vrrpd; rm -f /usr/local/sbin/hastack-vrrpd.new; "
                  "mkdir -p /etc/hastack-vrrpd; cat > /etc/systemd/system/hastack-vrrpd.service; systemctl daemon-reload", stdin=unit)
        ssh(node, "DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends haproxy keepalived >/dev/null")
        ssh(node, "cat > /etc/haproxy/haproxy.cfg; systemctl restart haproxy", stdin=HAPROXY_CFG)


def config(node, kind):
    """The keepalived-syntax config for node under one of the compared settings (identical for both daemons)."""
    me, peer = NODES[node], [a for n, a in NODES.items() if n != node][0]
    if kind in ("ms-script", "generated"):
        # VRRPv3 every 0.1 s, FAULT (priority-0 advert) on failure, backups one priority step apart (skew ~0.4 ms).
        # generated: what HaStack generates, HAProxy watched as a process (pidfd, no polling);
        # ms-script: keepalived 2.3.2+'s best inside a container, where its process tracking does not work: a 10 ms
        # script (a fork and exec each time)
        priority = 254 if node == "node1" else 253
        if kind == "generated":
            header = "    script_user nobody\n}\nvrrp_track_process haproxy {\n    process haproxy\n    weight 0\n}\n"
            track = "track_process"
        else:
            header = ("    script_user nobody\n    enable_script_security\n}\nvrrp_script chk_haproxy {\n"
                      "    script \"/usr/bin/pgrep -x haproxy\"\n    interval 0.01\n    timeout 0.5\n}\n")
            track = "track_script"
        tracked = "haproxy" if kind == "generated" else "chk_haproxy"
        return f"""global_defs {{
    vrrp_version 3
{header}vrrp_instance VI_HASTACK {{
    state BACKUP
    interface eth0
    virtual_router_id 77
    priority {priority}
    advert_int 0.1
    unicast_src_ip {me}
    unicast_peer {{
        {peer}
    }}
    virtual_ipaddress {{
        {VIP}/24 dev eth0
    }}
    {track} {{
        {tracked}
    }}
}}
"""
    weight = {"weight-50": "weight -50", "weight0": ""}[kind]
    priority = 100 if node == "node1" else 51
    return f"""global_defs {{
    script_user nobody
    enable_script_security
}}
vrrp_script chk_haproxy {{
    script "/usr/bin/pgrep -x haproxy"
    interval 1
    {weight}
}}
vrrp_instance VI_HASTACK {{
    state BACKUP
    interface eth0
    virtual_router_id 77
    priority {priority}
    advert_int 1
    unicast_src_ip {me}
    unicast_peer {{
        {peer}
    }}
    authentication {{
        auth_type PASS
        auth_pass hslab77
    }}
    virtual_ipaddress {{
        {VIP}/24 dev eth0
    }}
    track_script {{
        chk_haproxy
    }}
}}
"""


def start(daemon, kind):
    for node in NODES:
        ssh(node, f"systemctl stop hastack-vrrpd keepalived; ip addr del {VIP}/24 dev eth0 2>/dev/null; systemctl start haproxy; true", check=False)
    path = "/etc/keepalived/keepalived.conf" if daemon == "keepalived" else "/etc/hastack-vrrpd/keepalived.conf"
    unit = "keepalived" if daemon == "keepalived" else "hastack-vrrpd"
    for node in NODES:
        ssh(node, f"cat > {path}; systemctl restart {unit}", stdin=config(node, kind))
    wait_for("VIP on node1 alone", lambda: vip_holders() == ["node1"], 20)
    time.sleep(3)


class AddressWatch:
    """rtnetlink address events for the VIP inside one host's namespace."""

    def __init__(self, node):
        self.events = []
        self.process = subprocess.Popen(["ip", "netns", "exec", NS[node], sys.executable, "-u",
                                         os.path.join(os.path.dirname(__file__), "addr_watch.py"), VIP],
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            kind, at = line.split()
            self.events.append((kind, float(at)))

    def first(self, kind, after):
        return next((t for k, t in self.events if k == kind and t >= after), None)

    def close(self):
        self.process.terminate()
        self.process.wait()


class TcpProbe:
    """A non-blocking connect to VIP:5000 every 5 ms (each given 50 ms); records when each one succeeds."""

    def __init__(self):
        self.successes = []
        self.stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        pending = {}
        next_start = time.monotonic()
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= next_start:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                s.connect_ex((VIP, PORT))
                pending[s] = now
                next_start += 0.005
            if pending:
                _, writable, _ = select.select([], list(pending), [], max(0, next_start - time.monotonic()))
                done_at = time.monotonic()
                for s in writable:
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                        self.successes.append(done_at)
                    pending.pop(s)
                    s.close()
                for s, started in list(pending.items()):
                    if done_at - started > 0.05:
                        pending.pop(s)
                        s.close()
            else:
                time.sleep(max(0, next_start - time.monotonic()))

    def first_after(self, t):
        return next((x for x in self.successes if x >= t), None)

    def close(self):
        self.stop.set()


STOP_HAPROXY = "python3 -c \"import subprocess, time; t = time.monotonic(); subprocess.run(['systemctl', 'stop', 'haproxy'], check=True); print(t, time.monotonic())\""


def measure(daemon, kind, runs):
    start(daemon, kind)
    watch = AddressWatch("node2")
    results = []
    try:
        for run in range(runs):
            time.sleep(random.uniform(0, 1))
            probe = TcpProbe()
            before = time.monotonic()
            # t0 is taken on node1 just before systemctl is asked to stop HAProxy: the lab shares one kernel and
            # so one CLOCK_MONOTONIC, and a fast tracker may act before systemctl even returns
            # a connect that succeeds before systemctl returns is the old HAProxy still serving, not the new master
            t0, stopped = map(float, ssh("node1", STOP_HAPROXY).split())
            wait_for("VIP on node2", lambda: watch.first("add", before) is not None, 15)
            deadline = time.monotonic() + 5
            while probe.first_after(stopped) is None and time.monotonic() < deadline:
                time.sleep(0.01)
            probe.close()
            vip_at, tcp_at = watch.first("add", before), probe.first_after(stopped)
            results.append({"run": run + 1, "vipMs": round((vip_at - t0) * 1000, 1),
                            "tcpMs": None if tcp_at is None else round((tcp_at - t0) * 1000, 1),
                            "stopCommandMs": round((stopped - t0) * 1000, 1)})
            print(f"  {daemon:13} {kind:9} run {run + 1}: VIP {results[-1]['vipMs']} ms, TCP {results[-1]['tcpMs']} ms", flush=True)
            ssh("node1", "systemctl start haproxy")
            wait_for("VIP back on node1", lambda: vip_holders() == ["node1"], 20)
            time.sleep(1.5)
    finally:
        watch.close()
    return results


def footprint(daemon, seconds=30):
    """RSS and PSS (kB) and CPU (ms per minute) of the daemon's processes on the master, idle."""
    name = "keepalived" if daemon == "keepalived" else "hastack-vrrpd"
    script = f"""
import os, time
pids = [p for p in os.listdir('/proc') if p.isdigit() and open(f'/proc/{{p}}/comm').read().strip() == '{name}'[:15]]
def cpu(): return sum(int(open(f'/proc/{{p}}/stat').read().rsplit(')', 1)[1].split()[11]) + int(open(f'/proc/{{p}}/stat').read().rsplit(')', 1)[1].split()[12]) for p in pids)
def field(p, f, key): return next(int(l.split()[1]) for l in open(f'/proc/{{p}}/{{f}}') if l.startswith(key))
a = cpu(); time.sleep({seconds}); b = cpu()
print(len(pids), sum(field(p, 'status', 'VmRSS:') for p in pids), sum(field(p, 'smaps_rollup', 'Pss:') for p in pids),
      (b - a) * 1000 / os.sysconf('SC_CLK_TCK') * 60 / {seconds})
"""
    processes, rss, pss, cpu = ssh("node1", "python3 -", stdin=script).split()
    return {"processes": int(processes), "rssKb": int(rss), "pssKb": int(pss), "cpuMsPerMinute": round(float(cpu), 1)}


def watch_false_failovers(minutes, hogs):
    start("hastack-vrrpd", "generated")
    watches = {node: AddressWatch(node) for node in NODES}
    hog_processes = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2 if hogs else 0)]
    began = time.monotonic()
    try:
        time.sleep(minutes * 60)
    finally:
        for h in hog_processes:
            h.kill()
        for w in watches.values():
            w.close()
    events = sum(1 for w in watches.values() for _, t in w.events if t >= began)
    since = int(time.time() - (time.monotonic() - began))
    transitions = ssh("node2", f"journalctl -u hastack-vrrpd --no-pager -o cat -S @{since} | grep -c ' -> ' || true").strip()
    return {"minutes": minutes, "cpuHogs": 2 if hogs else 0, "vipEvents": events, "backupTransitionsTotal": int(transitions or 0),
            "holderAtEnd": vip_holders()}


def summary(results, key):
    values = [r[key] for r in results if r[key] is not None]
    if not values:
        return None
    return {"median": round(statistics.median(values), 1), "min": min(values), "max": max(values), "n": len(values)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--watch-minutes", type=float, default=0)
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "bench", "results"))
    args = parser.parse_args()
    if not os.path.exists(f"{LAB_DIR}/ssh_config"):
        sys.exit("no lab is up: run tests/lab/up.sh first")
    install()
    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "runs": args.runs,
              "keepalived": ssh("node1", "keepalived --version 2>&1 | head -1").strip(),
              "agent": ssh("node1", "/usr/local/sbin/hastack-vrrpd --version").strip(), "series": [], "footprint": {}, "watch": []}
    for kind in ["weight-50", "weight0"]:
        for daemon in ["keepalived", "hastack-vrrpd"]:
            results = measure(daemon, kind, args.runs)
            report["series"].append({"daemon": daemon, "config": kind, "vip": summary(results, "vipMs"), "tcp": summary(results, "tcpMs"), "runs": results})
            if kind == "weight-50":
                report["footprint"][daemon] = footprint(daemon)
                print(f"  {daemon} footprint: {report['footprint'][daemon]}", flush=True)
    version = re.search(r"v(\d+)\.(\d+)\.(\d+)", report["keepalived"])
    if version and tuple(int(x) for x in version.groups()) >= (2, 3, 2):
        for daemon in ["keepalived", "hastack-vrrpd"]:
            results = measure(daemon, "ms-script", args.runs)
            report["series"].append({"daemon": daemon, "config": "ms-script", "vip": summary(results, "vipMs"), "tcp": summary(results, "tcpMs"), "runs": results})
            report["footprint"][f"{daemon} (ms-script: 0.1 s adverts, 10 ms script)"] = footprint(daemon)
    results = measure("hastack-vrrpd", "generated", args.runs)
    report["series"].append({"daemon": "hastack-vrrpd", "config": "generated", "vip": summary(results, "vipMs"), "tcp": summary(results, "tcpMs"), "runs": results})
    report["footprint"]["hastack-vrrpd (generated, 0.1 s adverts)"] = footprint("hastack-vrrpd")
    if args.watch_minutes > 0:
        for hogs in [False, True]:
            report["watch"].append(watch_false_failovers(args.watch_minutes, hogs))
    os.makedirs(args.out, exist_ok=True)
    release = ssh("node1", ". /etc/os-release; echo $VERSION_ID").strip().strip('"')
    report["debian"] = release
    name = "vip-failover" if release == "12" else f"vip-failover-debian{release}"
    with open(os.path.join(args.out, f"{name}.json"), "w") as f:
        json.dump(report, f, indent=2)
    lines = [f"# VIP failover: keepalived vs hastack-vrrpd, Debian {release} ({report['date']})", "",
             f"{report['keepalived']}; {report['agent']}. Two lab hosts, unicast; {args.runs} runs each, random 0-1 s wait before each stop.",
             "Times in ms from `systemctl stop haproxy` starting on the master: median (min-max).", "",
             "| daemon | config | (a) VIP on node2 | (b) TCP to VIP:5000 OK |", "|---|---|---|---|"]
    fmt = lambda s: "n/a" if s is None else f"**{s['median']}** ({s['min']}-{s['max']})"
    for s in report["series"]:
        lines.append(f"| {s['daemon']} | {s['config']} | {fmt(s['vip'])} | {fmt(s['tcp'])} |")
    lines += ["", "| daemon (on the master, idle) | processes | RSS kB | PSS kB | CPU ms/min |", "|---|---|---|---|---|"]
    for daemon, f in report["footprint"].items():
        lines.append(f"| {daemon} | {f['processes']} | {f['rssKb']} | {f['pssKb']} | {f['cpuMsPerMinute']} |")
    if report["watch"]:
        lines += ["", "| watch (hastack-vrrpd, generated config) | minutes | CPU hogs | VIP add/del events | transitions logged on node2 during the watch |", "|---|---|---|---|---|"]
        for w in report["watch"]:
            lines.append(f"| {'with hogs' if w['cpuHogs'] else 'idle'} | {w['minutes']} | {w['cpuHogs']} | {w['vipEvents']} | {w['backupTransitionsTotal']} |")
    with open(os.path.join(args.out, f"{name}.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
