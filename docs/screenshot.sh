#!/usr/bin/env bash
# Regenerates the screenshots in docs/ from the real app under Xvfb:
#   docs/screenshot-main.png       the default preset started, grabbed when fine-tuning
#       reaches step 600 of 1000 (the upstream model is pre-trained first: a fresh database
#       folder each time, nothing cached).
#   docs/screenshot-landscape.png  the Landscape tab with a 21 x 21 2-D slice and the
#       Hessian spectrum of the default preset's fine-tuned weights: the whole run, then
#       the slice and the Hessian (under a minute on 2 cores when nothing else runs);
#       grabbed once both are shown.
#   docs/screenshot-compare.png    the Compare tab: the SGD, SAM and replay presets run one
#       after another and overlaid (upstream and downstream accuracy, bars of final
#       forgetting and downstream accuracy), then SGD over 3 seeds as a mean ± std band
#       (six whole runs, under a minute on 2 cores); grabbed once all have ended.
#   docs/screenshot-sequence.png   the Sequence tab after the five-tasks preset: the 5 x 5
#       accuracy matrix, per-task accuracy curves, average accuracy, forgetting, BWT, FWT.
#   docs/screenshot-forgetting-map.png  the Forgetting map tab: the default preset run once
#       (forgetlab-cli), a 39-task sweep from its pre-trained model (about 20 s on 2 cores),
#       then the app shows the matrix sorted by the leading singular vectors and runs Predict;
#       grabbed once the completion table is shown.
#   docs/screenshot-language.png  the Samples tab of the lm-en-de-adamw preset (a small GPT
#       pre-trained on English fortunes, fine-tuned on German): forgetlab-cli pre-trains it
#       first (1,500 steps, several minutes on 2 cores; the app then finds it in the upstream
#       cache), and the app is grabbed when fine-tuning reaches step 100 (samples at 0, 50, 100).
#   docs/screenshot-model-folder.png  the Model tab of lm-en-de-lora started from a tiny llama
#       folder (grouped-query attention) written by tests/fixtures/hf/make_tiny_models.py:
#       the folder's family, sizes, dtype, tokenizer, LoRA's trainable count and memory.
#   docs/screenshot-data-preview.png  the Downstream tab of lm-en-de-adamw reading a small
#       instruction file (written here: Alpaca, prompt/response and messages lines) with the
#       tulu template: the data preview shows each example as the model reads it, the response
#       tokens that count for the loss highlighted and what the context cuts off struck through.
#   docs/screenshot-benchmarks.png  the Live tab of lm-instruct-sam at fine-tuning step 250:
#       the fortune-cloze benchmark curve (dotted) and its mean (dash-dot) on the accuracy
#       plot, falling while the arithmetic loss falls. forgetlab-cli pre-trains the model first
#       (5,000 steps, about 20 minutes on 2 cores) unless INSTRUCT_WORK names a folder whose
#       upstream cache already holds it (e.g. the --work folder of tools/findings_instruction.py).
# Run from anywhere after building (BUILD=dir, default build/). Pass "main", "landscape", "compare",
# "sequence", "forgetting", "language", "model", "data" or "instruct" to make only one of them. Needs xvfb-run (Debian package xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [[ $which == all || $which == main ]]; then
  xvfb-run -a -s "-screen 0 1600x1000x24" "${BUILD:-build}"/app/forgetlab --db "$dir/main.db" --start \
    --screenshot docs/screenshot-main.png --screenshot-at-step 600
fi
if [[ $which == all || $which == landscape ]]; then
  xvfb-run -a -s "-screen 0 1600x1000x24" "${BUILD:-build}"/app/forgetlab --db "$dir/landscape.db" \
    --start --tab landscape --landscape 2d --grid 21 --hessian \
    --screenshot docs/screenshot-landscape.png --screenshot-after 1
fi
if [[ $which == all || $which == compare ]]; then
  xvfb-run -a -s "-screen 0 1600x1000x24" "${BUILD:-build}"/app/forgetlab --db "$dir/compare.db" \
    --preset split-fmnist-sgd \
    --run-presets split-fmnist-sgd,split-fmnist-sam,split-fmnist-replay --seeds 3 \
    --tab compare --screenshot docs/screenshot-compare.png --screenshot-after 1
fi
if [[ $which == all || $which == sequence ]]; then
  xvfb-run -a -s "-screen 0 1600x1000x24" "${BUILD:-build}"/app/forgetlab --db "$dir/sequence.db" \
    --preset five-tasks --run-presets five-tasks --tab sequence \
    --screenshot docs/screenshot-sequence.png --screenshot-after 1
fi
if [[ $which == all || $which == forgetting ]]; then
  cli="${BUILD:-build}"/app/forgetlab-cli
  "$cli" run --preset split-fmnist-sgd --db "$dir/forgetting.db" > /dev/null
  "$cli" matrix sweep --run 1 --db "$dir/forgetting.db" > /dev/null
  xvfb-run -a -s "-screen 0 1600x1000x24" "${BUILD:-build}"/app/forgetlab --db "$dir/forgetting.db" \
    --matrix 1 --predict --screenshot docs/screenshot-forgetting-map.png --screenshot-after 1
fi
if [[ $which == all || $which == language ]]; then
  "${BUILD:-build}"/app/forgetlab-cli run --preset lm-en-de-adamw --steps 1 --db "$dir/warm.db" > /dev/null
  xvfb-run -a -s "-screen 0 1600x1000x24" "${BUILD:-build}"/app/forgetlab --db "$dir/language.db" \
    --preset lm-en-de-adamw --start --tab samples \
    --screenshot docs/screenshot-language.png --screenshot-at-step 100
fi
if [[ $which == all || $which == model ]]; then
  /usr/bin/python3 tests/fixtures/hf/make_tiny_models.py "$dir/hf" --only llama-gqa > /dev/null
  xvfb-run -a -s "-screen 0 1600x1000x24" "${BUILD:-build}"/app/forgetlab --db "$dir/model.db" \
    --preset lm-en-de-lora --model-folder "$dir/hf/llama-gqa" \
    --screenshot docs/screenshot-model-folder.png --screenshot-after 2
fi
if [[ $which == all || $which == data ]]; then
  cat > "$dir/instructions.jsonl" <<'JSONL'
{"instruction": "Translate to German.", "input": "The cat sleeps.", "output": "Die Katze schläft."}
{"prompt": "What is forgetting?", "response": "Losing what was learnt before."}
{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Name a fruit."}, {"role": "assistant", "content": "A pear."}, {"role": "user", "content": "And another?"}, {"role": "assistant", "content": "A plum."}]}
{"prompt": "Why does fine-tuning forget?", "response": "New gradients overwrite the weights that held the old task, unless something holds them in place: rehearsal, a penalty or flatter minima."}
JSONL
  xvfb-run -a -s "-screen 0 1600x1000x24" "${BUILD:-build}"/app/forgetlab --db "$dir/data.db" \
    --preset lm-en-de-adamw --task-source instruction --task-path "$dir/instructions.jsonl" \
    --task-template tulu --screenshot docs/screenshot-data-preview.png --screenshot-after 1
fi
if [[ $which == all || $which == instruct ]]; then
  work=${INSTRUCT_WORK:-$dir}
  "${BUILD:-build}"/app/forgetlab-cli run --preset lm-instruct-sam --steps 1 --db "$work/warm.db" > /dev/null
  xvfb-run -a -s "-screen 0 1600x1000x24" "${BUILD:-build}"/app/forgetlab --db "$work/benchmarks.db" \
    --preset lm-instruct-sam --start --screenshot docs/screenshot-benchmarks.png --screenshot-at-step 250
fi
