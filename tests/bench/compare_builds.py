#!/usr/bin/env python3
"""Side by side on the same lab in one run: a fresh deploy, no-op ups and the proof, with two builds of hastack.

  python3 tests/bench/compare_builds.py OLD_HASTACK_DLL NEW_HASTACK_DLL [--runs 2] [--out FILE]

Alternates the builds run by run (each fresh deploy on new lab hosts, so the machine's drift falls on both alike),
with the same agent binary and the lab stack. For a change that must not be slower than the build before it.
Root; needs the lab scripts and artifacts/hastack-vrrpd/hastack-vrrpd.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAB = os.path.join(ROOT, "tests", "lab")


def run(args, env, cwd=None):
    r = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd)
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def measure(dll, project, env, noops, verifies):
    hastack = lambda *a: run(["dotnet", dll, *a, "--stack", "lab", "--cwd", project], env)
    run(["bash", f"{LAB}/down.sh"], env)
    run(["bash", f"{LAB}/up.sh", "3"], env)
    shutil.rmtree(os.path.join(project, ".hastack"), ignore_errors=True)
    t = time.monotonic()
    hastack("up", "--yes")
    fresh = time.monotonic() - t
    noop = []
    for _ in range(noops):
        t = time.monotonic()
        hastack("up", "--yes", "--expect-no-changes")
        noop.append(time.monotonic() - t)
    moves, recoveries = [], []
    for _ in range(verifies):
        out = hastack("verify").stdout
        moves.append(float(re.search(r"vipMoveMs: (\d+)", out).group(1)))
        recoveries.append(float(re.search(r"sqlRecoveryMs: (\d+)", out).group(1)))
    return fresh, noop, moves, recoveries


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--noops", type=int, default=5)
    parser.add_argument("--verifies", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "bench", "results", "compare-builds.md"))
    args = parser.parse_args()
    env = dict(os.environ, PULUMI_CONFIG_PASSPHRASE="compare", HASTACK_AGENT_BINARY=os.path.join(ROOT, "artifacts", "hastack-vrrpd", "hastack-vrrpd"))
    results = {"old": ([], [], [], []), "new": ([], [], [], [])}
    with tempfile.TemporaryDirectory() as tmp:
        for run_no in range(args.runs):
            for name, dll in (("old", args.old), ("new", args.new)) if run_no % 2 == 0 else (("new", args.new), ("old", args.old)):
                project = os.path.join(tmp, name)
                os.makedirs(project, exist_ok=True)
                for f in ("Pulumi.yaml", "Pulumi.lab.yaml"):
                    shutil.copy(os.path.join(ROOT, f), project)
                fresh, noop, moves, recoveries = measure(dll, project, env, args.noops, args.verifies)
                r = results[name]
                r[0].append(fresh); r[1].extend(noop); r[2].extend(moves); r[3].extend(recoveries)
                print(f"run {run_no + 1} {name}: fresh {fresh:.1f} s, no-op {statistics.median(noop):.2f} s, "
                      f"VIP move {statistics.median(moves):.0f} ms, SQL again {statistics.median(recoveries):.0f} ms", flush=True)
    run(["bash", f"{LAB}/down.sh"], env)
    fmt = lambda v, unit, d=1: f"{statistics.median(v):.{d}f} ({min(v):.{d}f}-{max(v):.{d}f}, n={len(v)}) {unit}"
    ratio = lambda i: statistics.median(results["new"][i]) / statistics.median(results["old"][i])
    lines = [f"# Two builds side by side on the lab ({time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())})", "",
             f"old: `{args.old}`  ", f"new: `{args.new}`", "",
             "| measure | old | new | new/old |", "|---|---|---|---|"]
    for i, (label, unit, d) in enumerate([("fresh deploy", "s", 1), ("no-op up", "s", 2), ("proof: VIP move", "ms", 0), ("proof: SQL again", "ms", 0)]):
        lines.append(f"| {label} | {fmt(results['old'][i], unit, d)} | {fmt(results['new'][i], unit, d)} | {ratio(i):.2f} |")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
