#!/usr/bin/env python3
"""A preset shortened for bench/gpu/check.sh: the same experiment with fewer steps, so that
each run takes seconds, and the data folders of the carried packages where the machine has
none of its own.

  short_config.py PRESET.json OUT.json --upstream-steps N --downstream-steps N
                  [--eval-every N] [--hessian-every N] [--precision P]
                  [--data-dir DIR] [--text-dir DIR]

Only keys the preset already has are changed (so the config stays valid for
forgetlab-cli's strict parser), except data_dir, text_dir and precision, which are
top-level keys of every experiment.
"""

import argparse
import json


def main():
    p = argparse.ArgumentParser()
    p.add_argument("preset")
    p.add_argument("out")
    p.add_argument("--upstream-steps", type=int, required=True)
    p.add_argument("--downstream-steps", type=int, required=True)
    p.add_argument("--eval-every", type=int, default=0)
    p.add_argument("--hessian-every", type=int, default=-1)
    p.add_argument("--precision", default="")
    p.add_argument("--data-dir", default="")
    p.add_argument("--text-dir", default="")
    a = p.parse_args()

    with open(a.preset, encoding="utf-8") as f:
        c = json.load(f)
    c["name"] = c.get("name", "experiment") + "-gpucheck"
    for phase, steps in (("upstream", a.upstream_steps), ("downstream", a.downstream_steps)):
        if phase in c and "steps" in c[phase]:
            c[phase]["steps"] = min(int(c[phase]["steps"]), steps)
            opt = c[phase].get("optimizer", {})
            if "warmup_steps" in opt:
                opt["warmup_steps"] = min(int(opt["warmup_steps"]), max(1, steps // 10))
    if "sequence" in c and "steps_per_task" in c["sequence"]:
        c["sequence"]["steps_per_task"] = min(int(c["sequence"]["steps_per_task"]),
                                              a.downstream_steps)
    ev = c.get("eval", {})
    if a.eval_every > 0 and "every" in ev:
        ev["every"] = a.eval_every
    if a.hessian_every >= 0 and "hessian_every" in ev:
        ev["hessian_every"] = a.hessian_every
    samples = ev.get("samples")
    if isinstance(samples, dict):
        if "every" in samples:
            samples["every"] = max(1, a.downstream_steps // 2)
        if "tokens" in samples:
            samples["tokens"] = min(int(samples["tokens"]), 20)
    if a.precision:
        c["precision"] = a.precision
    if a.data_dir:
        c["data_dir"] = a.data_dir
    if a.text_dir:
        c["text_dir"] = a.text_dir
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(c, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
