#!/usr/bin/env python3
"""Produces docs/findings/instruction.md: the SAM study's table at toy scale. The presets
lm-instruct-{adamw,sam,replay,sam-replay} instruction-tune the English-fortunes GPT on
generated arithmetic questions while the built-in fortune cloze (held-out English fortunes,
four endings) measures the general ability it keeps; Wise-FT (alpha 0.5) of the AdamW and
SAM runs is scored on the same cloze items. Over 3 seeds; runs forgetlab-cli.

Usage: python3 tools/findings_instruction.py [BUILD_DIR] [--seeds N] [--threads N]
                                             [--work DIR] [--db NAME] [--settings KEYS]
                                             [--render-from DB,DB,...] [--no-render]
                                             [--out FILE]
--work keeps the databases and the upstream cache in DIR (default: a temporary folder), so
an interrupted run reuses the model already pre-trained and the runs already stored (a
setting and seed already done is not run again). The presets fix upstream.seed, so every
seed fine-tunes one pre-trained model. --settings runs only some settings (adamw, sam,
replay, sam-replay) into --db NAME within DIR (e.g. two instances with one thread each on
a 2-core machine, once the first has cached the pre-trained model); --render-from writes
the page from databases already filled, --no-render only runs.
"""
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from findings_language import cli_json, fmt, write_page  # noqa: E402

SETTINGS = [
    ("adamw", "AdamW", "lm-instruct-adamw"),
    ("sam", "SAM (rho 0.05) + AdamW", "lm-instruct-sam"),
    ("replay", "replay 0.25 + AdamW", "lm-instruct-replay"),
    ("sam-replay", "SAM + replay 0.25", "lm-instruct-sam-replay"),
]
WISE = [("adamw", "Wise-FT α 0.5 of AdamW"), ("sam", "Wise-FT α 0.5 of SAM")]


def stored(dbs):
    """{(preset name, seed): (db, run id, summary)} of the finished runs (Wise-FT runs apart)."""
    runs = {}
    for db in dbs:
        if not os.path.exists(db):
            continue
        con = sqlite3.connect(db)
        for run_id, name, config, summary, status in con.execute(
                "SELECT id, name, config, summary, status FROM runs ORDER BY id"):
            if status not in ("done", "diverged") or not summary or "wise-ft" in name:
                continue
            c = json.loads(config)
            runs.setdefault((c.get("name", ""), c["seed"]), (db, run_id, json.loads(summary)))
        con.close()
    return runs


def table_config(preset, work):
    """The preset with evaluations every 100 steps and no samples: the same training, the
    curves coarser (most of a 300-step run's time is evaluation)."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "presets")
    with open(os.path.join(root, preset + ".json"), encoding="utf-8") as f:
        c = json.load(f)
    c["eval"]["every"] = 100
    c["eval"]["benchmark_every"] = 100
    c["eval"]["samples"]["every"] = 0
    path = os.path.join(work, preset + ".table.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(c, f, indent=2)
    return path


def cloze(cli, db, run_id, checkpoint, items):
    """Cloze accuracy of a run's checkpoint on `items` items drawn as the run draws them."""
    return cli_json([cli, "benchmark", "--run", str(run_id), "--checkpoint", checkpoint,
                     "--builtin", "fortune-cloze", "--items", str(items), "--db", db,
                     "--json"])["acc"]


def wise_ft_run(cli, db, run_id):
    """(derived run id, English test loss, arithmetic test loss) of Wise-FT alpha 0.5 of
    `run_id`: the derived run a previous render stored, else a new one (`wiseft --apply`)."""
    con = sqlite3.connect(db)
    for derived, event in con.execute("SELECT run, json FROM events WHERE kind = 'wise_ft'"):
        e = json.loads(event)
        if e.get("from_run") == run_id and e.get("alpha") == 0.5:
            loss = dict(con.execute(
                "SELECT key, value FROM metrics WHERE run = ? AND step = ? AND key IN "
                "('up_test_loss', 'down_test_loss')", (derived, e["step"])).fetchall())
            con.close()
            return derived, loss.get("up_test_loss"), loss.get("down_test_loss")
    con.close()
    point = cli_json([cli, "wiseft", "--run", str(run_id), "--alpha", "0.5", "--apply",
                      "--db", db, "--json"])
    return point["derived_run_id"], point.get("up_loss"), point.get("down_loss")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opt = {a: sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a.startswith("--")}
    build = args[0] if args and args[0] not in opt.values() else "build"
    seeds = int(opt.get("--seeds", 3))
    threads = opt.get("--threads", "0")
    out_file = opt.get("--out", os.path.join("docs", "findings", "instruction.md"))
    cli = os.path.join(build, "app", "forgetlab-cli")
    t_start = time.time()
    with tempfile.TemporaryDirectory() as scratch:
        work = opt.get("--work", scratch)
        os.makedirs(work, exist_ok=True)
        db = os.path.join(work, opt.get("--db", "instruction.db"))
        dbs = opt["--render-from"].split(",") if "--render-from" in opt else [db]
        keys = opt.get("--settings", ",".join(k for k, *_ in SETTINGS)).split(",")
        rows, wise = {}, {}
        if "--render-from" not in opt:
            for seed in range(1, seeds + 1):
                for key, label, preset in SETTINGS:
                    if key not in keys or (preset, seed) in stored([db]):
                        continue
                    t0 = time.time()
                    cli_json([cli, "run", "--config", table_config(preset, work), "--seed",
                              str(seed), "--db", db, "--threads", threads, "--json"])
                    print(f"{label}, seed {seed}: {time.time() - t0:.0f} s", file=sys.stderr)
        if "--no-render" in sys.argv:
            return
        runs = stored(dbs)
        items = int(opt.get("--items", 300))
        before_of = {}
        for key, label, preset in SETTINGS:
            rows[key] = []
            for s in range(1, seeds + 1):
                if (preset, s) not in runs:
                    continue
                run_db, run_id, summary = runs[(preset, s)]
                # The pre-trained and final checkpoints on `items` items drawn as the run
                # draws them (the presets' curve scores 300; older runs may have scored 100).
                before = before_of[(run_db, run_id)] = cloze(cli, run_db, run_id, "pretrained",
                                                             items)
                after = cloze(cli, run_db, run_id, "final", items)
                rows[key].append(dict(summary, cloze_before=before, cloze_after=after,
                                      cloze_drop=before - after))
        for key, label in WISE:
            preset = dict((k, p) for k, _, p in SETTINGS)[key]
            points = []
            for s in range(1, seeds + 1):
                if (preset, s) not in runs:
                    continue
                run_db, run_id, summary = runs[(preset, s)]
                derived, up_loss, down_loss = wise_ft_run(cli, run_db, run_id)
                before = before_of[(run_db, run_id)]
                after = cloze(cli, run_db, derived, "final", items)
                points.append({"cloze_before": before, "cloze_after": after,
                               "cloze_drop": before - after,
                               "up_loss": up_loss, "down_loss": down_loss})
            wise[key] = points
    minutes = (time.time() - t_start) / 60

    def col(rs, k):
        return [r[k] for r in rs if r.get(k) is not None]

    n = len(rows["adamw"])
    lines = ["# Findings: instruction tuning forgets general ability", "",
             f"Produced by `tools/findings_instruction.py` on {time.strftime('%Y-%m-%d')} "
             f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"
             + (" from stored runs" if "--render-from" in opt else f" in {minutes:.0f} min")
             + f"; {n} seeds (mean ± sample standard deviation). The presets "
             "`lm-instruct-*` pre-train a byte-level GPT (4 layers, width 128, context 128) on "
             "English fortunes for 5,000 steps once (`upstream.seed` 1: every seed and setting "
             "fine-tunes that one model, from the upstream cache), then instruction-tune it "
             "on generated arithmetic questions in the tulu layout (only the answers' tokens "
             "count). General ability is the built-in **fortune cloze**: held-out English "
             "fortunes cut in half, the true ending among four of similar length (chance 0.25), "
             "scored before fine-tuning and after; `forgetting_benchmark` = before − after. "
             "Wise-FT α 0.5 averages the pre-trained and fine-tuned weights of the AdamW and SAM "
             "runs and is scored on the very same cloze items.", "",
             f"| Setting | Cloze acc. before ({items} items) | Cloze acc. after | Forgetting "
             "(before − after) | English log-ppl before → after | Arithmetic log-ppl after |",
             "|---|---|---|---|---|---|"]
    for key, label, _ in SETTINGS:
        rs = rows[key]
        if not rs:
            continue
        lines.append(
            f"| {label} | {fmt(col(rs, 'cloze_before'))} "
            f"| {fmt(col(rs, 'cloze_after'))} "
            f"| **{fmt(col(rs, 'cloze_drop'))}** "
            f"| {fmt(col(rs, 'upstream_logppl_before'))} → "
            f"{fmt(col(rs, 'upstream_logppl_after'))} "
            f"| {fmt(col(rs, 'downstream_logppl_after'))} |")
    for key, label in WISE:
        ps = wise.get(key, [])
        if not ps:
            continue
        lines.append(
            f"| {label} | {fmt(col(ps, 'cloze_before'))} "
            f"| {fmt(col(ps, 'cloze_after'))} "
            f"| **{fmt(col(ps, 'cloze_drop'))}** "
            f"| — → {fmt(col(ps, 'up_loss'))} | {fmt(col(ps, 'down_loss'))} |")
    statuses = sorted({r["status"] for rs in rows.values() for r in rs})
    lines += ["", f"Run statuses: {', '.join(statuses)}. The runs are the presets with "
              "evaluations every 100 steps and no samples (the same training; most of a "
              "300-step run's time is evaluation). The table scores each run's pre-trained and "
              f"final checkpoints with `forgetlab-cli benchmark` on {items} items drawn as the run "
              "draws them (its seed), which is what the presets' own curve and "
              "`forgetting_benchmark` report (300 items; a binomial standard error of about 0.03 "
              "per score, so the draw of items moves the before column between seeds although "
              "the pre-trained model is one). Before and after of a run are on the same items. "
              "For the Wise-FT rows the "
              "log-perplexity columns are the interpolated model's English and arithmetic test "
              "losses (nats per token).", "",
              "## Reading the numbers", "",
              "Compare the forgetting column: how much of the cloze accuracy the instruction "
              "tuning cost, next to the arithmetic log-perplexity each setting reached in the "
              "same 300 steps (a setting that forgets less but learns less arithmetic has only "
              "moved along the trade-off). The SAM study reports SAM forgetting less and adding "
              "to rehearsal and Wise-FT; at this scale the table says how much of that holds, "
              "measured as it came out; no setting was tuned for it.", ""]
    # A hand-written reading of the table below the generated part stays (check its numbers
    # against the new table).
    own = "\n## What this table shows"
    if os.path.exists(out_file):
        with open(out_file, encoding="utf-8") as f:
            text = f.read()
        if own in text:
            lines += [own.lstrip("\n") + text.split(own, 1)[1].rstrip("\n"), ""]
    write_page(out_file, lines)


if __name__ == "__main__":
    main()
