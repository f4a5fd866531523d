#!/usr/bin/env python3
"""Produces docs/findings/strategies.md: forgetting, downstream accuracy and wall time of
each anti-forgetting strategy alone and with SAM, over 3 seeds, on the split preset and on
the five-task sequence. Runs forgetlab-cli; numbers are reported as they come out.

Usage: python3 tools/findings_strategies.py [BUILD_DIR] [--seeds N]
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

STRATEGIES = [
    ("none", []),
    ("replay 0.25", ["--replay", "0.25"]),
    ("EWC 2000", ["--ewc", "2000"]),
    ("L2-SP 0.5", ["--l2sp", "0.5"]),
    ("LwF 1", ["--lwf", "1"]),
]
SETTINGS = [("split-fmnist-sgd", "split preset (classes 0-4 then 5-9)"),
            ("five-tasks", "five-task sequence (class pairs, shared head)")]


def run(cli, db, preset, extra, seeds):
    cmd = [cli, "run", "--preset", preset, "--db", db, "--seeds", str(seeds), "--json"] + extra
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    return doc["runs"] if "runs" in doc else [doc]


def fmt(values):
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    build = args[0] if args else "build"
    seeds = int(sys.argv[sys.argv.index("--seeds") + 1]) if "--seeds" in sys.argv else 3
    cli = os.path.join(build, "app", "forgetlab-cli")
    lines = ["# Findings: anti-forgetting strategies alone and with SAM", "",
             f"Produced by `tools/findings_strategies.py` on {time.strftime('%Y-%m-%d')} "
             f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores), "
             f"{seeds} seeds each (mean ± sample standard deviation). Forgetting is upstream "
             "accuracy before minus after fine-tuning for the split preset, and Chaudhry et "
             "al.'s forgetting over the sequence for the five tasks. Wall time is per run, "
             "including pre-training only where the upstream cache was cold (the first "
             "split run). A diverged run (NaN loss) ends early and counts in the means with the "
             "values it had; its row says so in the last column.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "runs.db")
        for preset, title in SETTINGS:
            lines += [f"## {title}", "",
                      "| strategy | optimizer | forgetting | downstream accuracy | "
                      + ("average accuracy | " if preset == "five-tasks" else "")
                      + "wall time (s) | runs not done |",
                      "|---|---|---|---|" + ("---|" if preset == "five-tasks" else "") + "---|---|"]
            for name, extra in STRATEGIES:
                for opt, sam in (("SGD", []), ("SAM (rho 0.05)", ["--sam", "sam", "--rho", "0.05"])):
                    runs = run(cli, db, preset, extra + sam, seeds)
                    print(f"{preset} {name} {opt}: {[r['forgetting'] for r in runs]}", file=sys.stderr)
                    row = (f"| {name} | {opt} | {fmt([r['forgetting'] for r in runs])} | "
                           f"{fmt([r['downstream_acc_after'] for r in runs])} | ")
                    if preset == "five-tasks":
                        row += f"{fmt([r['avg_acc'] for r in runs])} | "
                    bad = [r["status"] for r in runs if r["status"] != "done"]
                    row += f"{fmt([r['wall_seconds'] for r in runs])} | {', '.join(bad) if bad else '—'} |"
                    lines.append(row)
            lines.append("")
    lines += ["Reproduce: `make` then `python3 tools/findings_strategies.py build`.", ""]
    out = os.path.join("docs", "findings", "strategies.md")
    with open(out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
