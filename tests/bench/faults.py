#!/usr/bin/env python3
"""Fault benchmark: the fault matrix (`hastack verify --faults`) many times, per setup, on fresh lab deployments.

  python3 tests/bench/faults.py [--runs 4] [--setups haproxy,database,haproxy/proxy,pgbouncer/proxy]

A setup is LAYER[/PLACEMENT]: where the VIP floats (`vip.floatsOver`) and where PgBouncer sits
(`pgbouncer.placement`, default database). For each: a fresh 3-host lab (tests/lab/down.sh, up.sh), the lab stack
deployed with that setup (every host every role), then RUNS rounds of the six faults (layer stop and agent SIGKILL
on the VIP holder; PgBouncer SIGKILL on the primary's host, or the VIP holder's with PgBouncer on the proxies;
Patroni and postmaster SIGKILL and a switchover on the primary) under a client writing through the VIP. Each round counts failed writes, the longest write gap, the longest single write and acknowledged writes
lost. Medians and worst per fault kind go to tests/bench/results/faults.{json,md} (faults-debian13.* with
--release 13: the lab's hosts run that release). Root; needs the CLI built
(Release) and the agent binary (artifacts/hastack-vrrpd).
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile
from datetime import datetime, timezone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAB = os.path.join(ROOT, "tests", "lab")
HASTACK = ["dotnet", os.path.join(ROOT, "infra", "HaStack.Cli", "bin", "Release", "net10.0", "hastack.dll")]
ENV = dict(os.environ, PULUMI_CONFIG_PASSPHRASE="bench passphrase",
           HASTACK_AGENT_BINARY=os.path.join(ROOT, "artifacts", "hastack-vrrpd", "hastack-vrrpd"))
ORDER = ["layer-stop", "agent-kill", "pgbouncer-kill", "patroni-kill", "postmaster-kill", "switchover"]


def run(*args, check=True):
    r = subprocess.run(list(args), capture_output=True, text=True, env=ENV)
    if check and r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def project(setup):
    """A project of its own: the lab stack with the VIP on the setup's layer and PgBouncer where it says."""
    layer, _, placement = setup.partition("/")
    directory = tempfile.mkdtemp(prefix=f"hastack-faults-{layer}-")
    shutil.copy(os.path.join(ROOT, "Pulumi.yaml"), directory)
    with open(os.path.join(ROOT, "Pulumi.lab.yaml")) as source, open(os.path.join(directory, "Pulumi.lab.yaml"), "w") as target:
        text = source.read().replace("floatsOver: haproxy", f"floatsOver: {layer}")
        if placement:
            text = text.rstrip("\n") + f"\n  hastack:pgbouncer:\n    placement: {placement}\n"
        target.write(text)
    return directory


def measure(setup, runs):
    run("bash", os.path.join(LAB, "down.sh"))
    run("bash", os.path.join(LAB, "up.sh"), "3")
    directory = project(setup)
    try:
        hastack = lambda *a, check=True: run(*HASTACK, *a, "--stack", "lab", "--cwd", directory, check=check)
        hastack("up", "--yes")
        rounds = []
        for i in range(runs):
            r = hastack("verify", "--faults", "--json", check=False)
            lines = [json.loads(l) for l in r.stdout.splitlines() if l.strip().startswith("{")]
            faults = [l for l in lines if l["kind"] == "fault"]
            lost = not any(l["kind"] == "diagnostic" and "no acknowledged write lost" in l["message"] for l in lines)
            errors = [l["message"] for l in lines if l["kind"] == "diagnostic" and l["severity"] == "error"]
            rounds.append({"faults": faults, "lost": lost, "errors": errors})
            print(f"{setup} round {i + 1}/{runs}: " + ", ".join(f"{f['fault']} {f['longestGapMs'] / 1000:.2f}s" for f in faults)
                  + ("; LOST WRITES" if lost else "") + (f"; {errors}" if errors else ""), flush=True)
        hastack("destroy", "--yes", "--purge-data", check=False)
        return rounds
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        run("bash", os.path.join(LAB, "down.sh"), check=False)


def summary(values):
    return {"median": statistics.median(values), "worst": max(values), "n": len(values)} if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=4, help="rounds of the six faults per setup (default 4: 24 faults)")
    parser.add_argument("--setups", default="haproxy,database,haproxy/proxy,pgbouncer/proxy",
                        help="LAYER[/PLACEMENT] list: the VIP's layer and PgBouncer's placement (default database)")
    parser.add_argument("--release", type=int, choices=[12, 13], default=12, help="the Debian release of the lab's hosts (default 12)")
    args = parser.parse_args()
    ENV["HASTACK_LAB_RELEASE"] = str(args.release)
    results_name = "faults" if args.release == 12 else f"faults-debian{args.release}"
    results = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "release": args.release, "runs": args.runs, "setups": {}}
    for setup in args.setups.split(","):
        rounds = measure(setup, args.runs)
        per = {}
        for name in ORDER:
            found = [f for r in rounds for f in r["faults"] if f["fault"] == name]
            per[name] = {
                "gap_s": summary([f["longestGapMs"] / 1000 for f in found]),
                "failed_writes": summary([f["failedWrites"] for f in found]),
                "longest_write_s": summary([f["longestWriteMs"] / 1000 for f in found]),
                "budget_s": found[0]["gapBudgetMs"] / 1000 if found else None,
                "over_budget": sum(not f["withinBudget"] for f in found),
            }
        results["setups"][setup] = {"faults": per, "rounds_with_lost_writes": sum(r["lost"] for r in rounds),
                                    "faults_injected": sum(len(r["faults"]) for r in rounds)}
    out = os.path.join(ROOT, "tests", "bench", "results")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"{results_name}.json"), "w") as f:
        json.dump(results, f, indent=2)
    lines = [f"# Fault matrix through the VIP ({results['date']}, {args.runs} rounds per setup, 3-host lab of Debian {args.release})", "",
             f"`python3 tests/bench/faults.py --release {args.release}`: a client writes through the VIP every 10 ms (new connection after an error);",
             "per fault kind, median (worst) of the longest write gap, failed writes, and the longest single write.", ""]
    for setup, data in results["setups"].items():
        layer, _, placement = setup.partition("/")
        lines += [f"## VIP on {layer}, PgBouncer on the {placement or 'database'} hosts: {data['faults_injected']} faults, "
                  f"rounds with acknowledged writes lost: {data['rounds_with_lost_writes']}", "",
                  "| fault | longest gap | budget | failed writes | longest write | over budget |", "|---|---|---|---|---|---|"]
        for name, f in data["faults"].items():
            if f["gap_s"] is None:
                continue
            lines.append(f"| {name} | {f['gap_s']['median']:.2f} s ({f['gap_s']['worst']:.2f}) | {f['budget_s']:.0f} s | "
                         f"{f['failed_writes']['median']:.0f} ({f['failed_writes']['worst']}) | "
                         f"{f['longest_write_s']['median']:.2f} s ({f['longest_write_s']['worst']:.2f}) | {f['over_budget']} of {f['gap_s']['n']} |")
        lines.append("")
    with open(os.path.join(out, f"{results_name}.md"), "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
