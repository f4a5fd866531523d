#!/usr/bin/env python3
"""Produces docs/findings/language.md: a small GPT pre-trained on English fortunes, then
fine-tuned on German ones, with AdamW, SAM, LoRA and replay, over 3 seeds. Reports the
upstream (English) log-perplexity increase and the downstream (German) log-perplexity as
they come out, plus one seed's generated text before and after. Runs forgetlab-cli.

Usage: python3 tools/findings_language.py [BUILD_DIR] [--seeds N] [--threads N] [--work DIR]
                                          [--settings KEYS] [--render-from DB,DB,...]
                                          [--out FILE]
--work keeps the databases and the upstream cache in DIR (default: a temporary folder), so
an interrupted run of the script reuses the models already pre-trained. --settings runs only
some settings (keys adamw, sam, lora, replay; e.g. two script instances with one thread
each on a 2-core machine) and --render-from writes the page from the runs already stored
in those databases instead of running anything.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

SETTINGS = [
    ("adamw", "AdamW", "lm-en-de-adamw", []),
    ("sam", "SAM (rho 0.05) + AdamW", "lm-en-de-sam", []),
    ("lora", "LoRA rank 8 + AdamW", "lm-en-de-lora", []),
    ("replay", "replay 0.25 + AdamW", "lm-en-de-adamw", ["--replay", "0.25"]),
]


def setting_of(config):
    """The SETTINGS key a stored run's configuration belongs to."""
    if config["downstream"]["optimizer"].get("sam", "none") != "none":
        return "sam"
    if config["model"].get("lora", {}).get("rank", 0) > 0:
        return "lora"
    if config.get("strategies", {}).get("replay", {}).get("ratio", 0) > 0:
        return "replay"
    return "adamw"


def stored_runs(dbs):
    """(key -> [summary, ...] by seed, key -> (db, first run id)) from finished runs."""
    import sqlite3
    by_key, first = {}, {}
    for db in dbs:
        con = sqlite3.connect(db)
        for run_id, config, summary in con.execute(
                "SELECT id, config, summary FROM runs WHERE status IN ('done', 'diverged') "
                "ORDER BY id"):
            key = setting_of(json.loads(config))
            s = json.loads(summary)
            by_key.setdefault(key, {})[json.loads(config)["seed"]] = s
            if key not in first or json.loads(config)["seed"] < first[key][2]:
                first[key] = (db, run_id, json.loads(config)["seed"])
        con.close()
    return ({k: [v[seed] for seed in sorted(v)] for k, v in by_key.items()},
            {k: (db, rid) for k, (db, rid, _) in first.items()})
PROMPTS = ["The meaning of life is", "Das Leben ist"]


def cli_json(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt(values, digits=3):
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def write_page(out_file, lines):
    """Writes a findings page (its folder made if need be) and says so on stderr."""
    os.makedirs(os.path.dirname(out_file) or ".", exist_ok=True)
    with open(out_file, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(f"wrote {out_file}", file=sys.stderr)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    build = args[0] if args else "build"
    seeds = int(sys.argv[sys.argv.index("--seeds") + 1]) if "--seeds" in sys.argv else 3
    out_file = (sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv
                else os.path.join("docs", "findings", "language.md"))
    threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "0"
    work = sys.argv[sys.argv.index("--work") + 1] if "--work" in sys.argv else None
    cli = os.path.join(build, "app", "forgetlab-cli")
    keys = (sys.argv[sys.argv.index("--settings") + 1].split(",") if "--settings" in sys.argv
            else [k for k, *_ in SETTINGS])
    render_from = (sys.argv[sys.argv.index("--render-from") + 1].split(",")
                   if "--render-from" in sys.argv else None)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = work or scratch
        os.makedirs(tmp, exist_ok=True)
        dbs = render_from
        if not dbs:
            db = os.path.join(tmp, f"findings-{time.strftime('%Y%m%d-%H%M%S')}.db")
            dbs = [db]
            for key, label, preset, extra in SETTINGS:
                if key not in keys:
                    continue
                t0 = time.time()
                cli_json([cli, "run", "--preset", preset, "--db", db, "--seeds", str(seeds),
                          "--threads", threads, "--json"] + extra)
                print(f"{label}: {seeds} runs in {time.time() - t0:.0f} s", file=sys.stderr)
        results, firsts = stored_runs(dbs)
        rows = [(label, results[key]) for key, label, *_ in SETTINGS if key in results]
        samples = []
        for key, label, *_ in SETTINGS:
            if key not in firsts:
                continue
            db, run_id = firsts[key]
            for prompt in PROMPTS:
                texts = []
                for ckpt in ("pretrained", "final"):
                    g = cli_json([cli, "generate", "--run", str(run_id), "--prompt", prompt,
                                  "--tokens", "60", "--checkpoint", ckpt, "--db", db, "--json"])
                    texts.append(g["continuation"])
                samples.append((label, prompt, texts[0], texts[1]))

    def col(runs, key):
        return [r[key] for r in runs]

    def cold_note(runs):
        cold = sum(1 for r in runs if not r.get("upstream_from_cache", True))
        return f" (incl. pre-training for {cold} seed{'s' if cold > 1 else ''})" if cold else ""

    lines = ["# Findings: a language model forgets English while it learns German", "",
             f"Produced by `tools/findings_language.py` on {time.strftime('%Y-%m-%d')} "
             f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores); "
             f"{len(rows[0][1]) if rows else 0} seeds each (mean ± sample "
             "standard deviation). The presets `lm-en-de-*`: a byte-level GPT (4 layers, 4 heads, "
             "width 128, context 128; 842,496 parameters) pre-trained on English fortunes "
             "(Debian `fortunes`), then fine-tuned on German ones (`fortunes-de`). Log-perplexity "
             "is the mean negative log-likelihood per token (nats per byte) on each language's "
             "test fortunes; forgetting is the increase of the English one. Each seed pre-trains "
             "its own model once (the upstream cache); all four settings of a seed fine-tune "
             "that same model. Wall times are means per run; a run that found no pre-trained "
             "model in the cache also pre-trained it (marked). They grow with other load on the "
             "machine: compare them between settings, not with other tables.", "",
             "| Setting | English log-ppl before | English log-ppl after | Forgetting (increase) "
             "| German log-ppl after | English next-token acc. before → after | Trainable "
             "parameters | Wall s / run |",
             "|---|---|---|---|---|---|---|---|"]
    for label, runs in rows:
        lines.append(
            f"| {label} | {fmt(col(runs, 'upstream_logppl_before'))} "
            f"| {fmt(col(runs, 'upstream_logppl_after'))} "
            f"| **{fmt(col(runs, 'forgetting_logppl'))}** "
            f"| {fmt(col(runs, 'downstream_logppl_after'))} "
            f"| {fmt(col(runs, 'upstream_acc_before'))} → {fmt(col(runs, 'upstream_acc_after'))} "
            f"| {runs[0].get('trainable_parameters', 0):,} "
            f"| {statistics.mean(col(runs, 'wall_seconds')):.0f}{cold_note(runs)} |")
    statuses = sorted({r["status"] for _, runs in rows for r in runs})
    lines += ["", f"Run statuses: {', '.join(statuses)}.", "",
              "## What the model writes (first seed, greedy, 60 bytes)", "",
              "Before = the pre-trained English model; after = the same model fine-tuned on "
              "German with each setting.", ""]
    for label, prompt, before, after in samples:
        lines += [f"**{label}**, prompt `{prompt}`", "",
                  "```", f"before: {prompt}{before}".replace("```", "'''"),
                  f"after:  {prompt}{after}".replace("```", "'''"), "```", ""]
    lines += ["## Reading the numbers", "",
              "The forgetting column is the one to compare: how many nats per byte of English "
              "the fine-tuning cost. The German column says how much German each setting learnt "
              "in the same number of steps; a setting that forgets less but also learns less "
              "German has only moved along the trade-off. These are small models on a small "
              "corpus for 300 fine-tuning steps, measured as they came out; no setting was tuned "
              "for this table.", ""]
    write_page(out_file, lines)


if __name__ == "__main__":
    main()
