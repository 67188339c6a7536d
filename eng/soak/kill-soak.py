#!/usr/bin/env python3
"""Kill soak: SIGKILL a real child logging every metric kind at full speed, again and again, and check
after each kill, through the `repro` CLI, that every acknowledged event survived in order, once, with
summaries intact. Not part of CI (CI keeps 20 kills in KillTests); run it after changing the writer.

  python3 eng/soak/kill-soak.py [--kills 1000] [--seed 20261203] [--flush-every 2000]

Prints a line per 50 kills and a final tally: kills, values acknowledged (6 per step), events read back, lost, duplicated.
Exit code 0 only when nothing acknowledged was lost or duplicated."""
import argparse, json, os, random, signal, subprocess, sys, tempfile, time, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Overridable, so a long soak can run from a copy of the build while the tree is rebuilt.
CHILD = os.environ.get("REPRO_SOAK_CHILD", os.path.join(ROOT, "artifacts/bin/Repro.Runtime.CrashChild/debug/Repro.Runtime.CrashChild.dll"))
CLI = os.environ.get("REPRO_SOAK_CLI", os.path.join(ROOT, "artifacts/bin/Repro.Cli/debug/repro.dll"))


def run_once(rng, flush_every, home):
    """Starts a child, SIGKILLs it after a random time, and returns its seed, last ACK and run id."""
    seed = rng.randrange(1 << 30)
    child = subprocess.Popen(["dotnet", CHILD, "soak", home, str(flush_every), str(seed)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    run_id = child.stdout.readline().split()[1]
    time.sleep(rng.uniform(0.02, 0.5))
    child.send_signal(signal.SIGKILL)
    child.wait()
    acked = -1
    for line in child.stdout.read().splitlines():
        if line.startswith("ACK "):
            acked = max(acked, int(line[4:]))
    return seed, acked, run_id


def check(acked, run_id, home):
    """Streams the recovered run through `repro events --jsonl`; returns (events, lost, duplicated, problems)."""
    problems = []
    reader = subprocess.Popen(["dotnet", CLI, "events", run_id, "--jsonl", "--home", home],
                              stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
    count = 0
    ids = set()
    duplicated = 0
    next_step = {"raw": 0, "counter": 0}
    covered = {"aggregate": -1, "histogram": -1, "sketch": -1}
    last_value_step = -1
    crashed = 0
    last_type = None
    for line in reader.stdout:
        e = json.loads(line)
        count += 1
        if e["sequence"] != count:
            problems.append(f"sequence {e['sequence']} at position {count}")
        if e["eventId"] in ids:
            duplicated += 1
        ids.add(e["eventId"])
        kind = e["type"]
        last_type = kind if kind != "lifecycle" else e.get("kind")
        if kind == "scalar" and e["name"] in next_step:
            if e["step"] != next_step[e["name"]]:
                problems.append(f"{e['name']}: step {e['step']} where {next_step[e['name']]} was due")
            next_step[e["name"]] = e["step"] + 1
        elif kind in covered and not e.get("intervalOpen"):
            covered[kind] = max(covered[kind], e["lastStep"])
        elif kind == "scalar" and e["name"] == "last" and not e.get("intervalOpen"):
            last_value_step = max(last_value_step, e["step"])
        elif kind == "lifecycle" and e.get("kind") == "crashed":
            crashed += 1
    if reader.wait() != 0:
        problems.append(f"repro events exited with {reader.returncode}")
    if crashed != 1 or last_type != "crashed":
        problems.append(f"{crashed} crashed events; the log ends with {last_type}")
    lost = sum(max(0, acked + 1 - n) for n in next_step.values())
    for kind, step in covered.items():
        if step < acked:
            problems.append(f"{kind}: summaries cover steps to {step}, acknowledged {acked}")
            lost += acked - step
    if acked >= 0 and last_value_step < acked:
        problems.append(f"last: last value at step {last_value_step}, acknowledged {acked}")
    return count, lost, duplicated, problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--flush-every", type=int, default=2000)
    args = parser.parse_args()
    for path in (CHILD, CLI):
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run `dotnet build Repro.sln` first")
    print(f"kill soak: {args.kills} kills, seed {args.seed}, flush every {args.flush_every} steps", flush=True)
    rng = random.Random(args.seed)
    totals = {"kills": 0, "values_acknowledged": 0, "events": 0, "lost": 0, "duplicated": 0, "failed": 0}
    started = time.monotonic()
    for k in range(args.kills):
        home = tempfile.mkdtemp(prefix="repro-soak-")
        try:
            seed, acked, run_id = run_once(rng, args.flush_every, home)
            events, lost, duplicated, problems = check(acked, run_id, home)
        finally:
            shutil.rmtree(home, ignore_errors=True)
        totals["kills"] += 1
        # Each acknowledged step carries 2 raw scalars plus 4 summarised values.
        totals["values_acknowledged"] += (acked + 1) * 6
        totals["events"] += events
        totals["lost"] += lost
        totals["duplicated"] += duplicated
        if problems:
            totals["failed"] += 1
            print(f"kill {k} (child seed {seed}): " + "; ".join(problems), flush=True)
        if (k + 1) % 50 == 0:
            print(f"{k + 1} kills, {time.monotonic() - started:.0f} s: {totals}", flush=True)
    print("result: " + json.dumps(totals), flush=True)
    sys.exit(0 if totals["lost"] == 0 and totals["duplicated"] == 0 and totals["failed"] == 0 else 1)


if __name__ == "__main__":
    main()
