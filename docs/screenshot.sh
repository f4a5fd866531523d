#!/usr/bin/env bash
# Regenerates docs/screenshot-main.png: the real app under Xvfb with the default preset
# started, grabbed mid fine-tuning. A fresh database folder each time means the upstream
# model is pre-trained first (nothing cached), so the delay lands at the same point of the
# run on every invocation; on this 2-core machine 4 s is about 60 % into fine-tuning.
# Slower machines need a larger --screenshot-after. Run from anywhere after building into
# build-gui/.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
xvfb-run -a -s "-screen 0 1600x1000x24" build-gui/app/forgetlab --db "$dir/x.db" --start --screenshot docs/screenshot-main.png --screenshot-after 4
