#!/usr/bin/env bash
# The GPU check (issue 13, docs/gpu.md): on a machine with an NVIDIA GPU and Python PyTorch
# with CUDA, and no Qt, no network and maybe none of ForgetLab's other build dependencies,
#   1. unpacks the Debian packages carried in bench/gpu/debs/ (bench/gpu/pack-debs.sh makes
#      them on a Debian machine) and points CMake, the linker and the loader at them,
#   2. configures the GUI-less build against that PyTorch's LibTorch and builds the engine,
#      forgetlab-cli, the engine tests and the GPU benchmark with every core,
#   3. runs the engine tests with FORGETLAB_TEST_DEVICE=cuda,
#   4. runs the default preset, a language preset (bf16) and a short forgetting-matrix sweep
#      with forgetlab-cli on the GPU, each shortened to seconds,
#   5. measures engine ÷ Python PyTorch training tokens/s for a 124M-parameter GPT (batch
#      8 × 512, bf16, AdamW, eager, the same attention kernel) and model FLOP/s ÷ the GPU's
#      measured bf16 matmul peak (bench/gpu/gpu_gpt_throughput.cpp),
# and prints one markdown table of all of it. Everything fits in CHECK_BUDGET seconds (360
# by default, the build included), so that a rerun fits a 15-minute GPU lease.
#
#   bash bench/gpu/check.sh                     on the GPU machine
#   CHECK_DEVICE=cpu bash bench/gpu/check.sh    anywhere: the same steps on the CPU (a tiny
#                                               benchmark model; the GPU rows say skipped)
#
# Environment: CHECK_DEVICE (cuda, cuda:N or cpu; default cuda), CHECK_PYTHON (a python3
# that imports torch), CHECK_WORK (work folder, default /tmp/forgetlab-gpucheck),
# CHECK_BUILD (build folder, default $CHECK_WORK/build), CHECK_JOBS (default nproc),
# CHECK_BUDGET (seconds, default 360), CHECK_CMAKE_ARGS (extra configure arguments),
# CHECK_DEBS (the packed packages, default bench/gpu/debs/forgetlab-debs.tar.xz),
# CHECK_SYSTEM_DATA=0 (never put the carried data under /usr/share), CHECK_BUILD_LOCK (a
# lock file the builds hold, to serialise builds on a shared machine). Results: the table,
# the log and the benchmark's output go to $OUT when it is set, else $CHECK_WORK/out.
# Exit status 0 when every step passed, 1 otherwise (the table is printed either way).
set -euo pipefail
# The whole script is one compound command, read before it runs: editing the file while a
# check runs cannot change what that check does.
{

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEVICE=${CHECK_DEVICE:-cuda}
WORK=${CHECK_WORK:-/tmp/forgetlab-gpucheck}
BUILD=${CHECK_BUILD:-$WORK/build}
JOBS=${CHECK_JOBS:-$(nproc 2>/dev/null || echo 4)}
BUDGET=${CHECK_BUDGET:-360}
DEBS=${CHECK_DEBS:-$ROOT/bench/gpu/debs/forgetlab-debs.tar.xz}
RESULTS=${OUT:-$WORK/out}
START=$SECONDS
GPU=1
[[ $DEVICE == cpu ]] && GPU=0

mkdir -p "$WORK" "$RESULTS"
LOG="$RESULTS/check.log"
: >"$LOG"
TABLE="$RESULTS/gpu-check.md"

say() { echo "check: $*" | tee -a "$LOG" >&2; }
die() {  # stops before any step ran: the table says why
  say "$*"
  printf '## ForgetLab GPU check: not run\n\n%s\n' "$*" >"$TABLE"
  exit 1
}
elapsed() { echo $((SECONDS - START)); }
# Seconds a step may take: its cap, less what the later steps need at least (reserve).
# CAP and RESERVE are sized for the default 360 s and scale with CHECK_BUDGET (a slow
# rehearsal machine gets proportionally more).
allowance() {  # allowance CAP RESERVE
  local cap=$(($1 * BUDGET / 360)) reserve=$(($2 * BUDGET / 360))
  local left=$((BUDGET - (SECONDS - START) - reserve))
  ((left > cap)) && left=$cap
  ((left < 1)) && left=1
  echo "$left"
}

STAGES=()  # "| step | result | seconds | notes |" rows
FAILED=0
record() {  # record STEP RESULT SECONDS NOTES
  STAGES+=("| $1 | $2 | $3 | ${4:-} |")
  [[ $2 == ok* || $2 == skipped* || $2 == "" ]] || FAILED=1
  say "$1: $2 (${3}s) ${4:-}"
}

# Runs a command with a time limit, its output appended to the log.
logged() {  # logged SECONDS command...
  local limit=$1
  shift
  echo "+ $*" >>"$LOG"
  timeout --kill-after=10 "$limit" "$@" >>"$LOG" 2>&1
}

# ---- 0. what this machine has -------------------------------------------------------
PYTHON=""
for candidate in ${CHECK_PYTHON:-} python3 /usr/bin/python3 /opt/torch/.venv/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import torch" >/dev/null 2>&1; then
    PYTHON=$(command -v "$candidate")
    break
  fi
done
[[ -n $PYTHON ]] || die "no python3 that imports torch (set CHECK_PYTHON=/path/to/python3)"
TORCH_INFO=$("$PYTHON" - <<'EOF'
import torch
cuda = torch.cuda.is_available()
name = torch.cuda.get_device_name(0) if cuda else "-"
print(torch.__version__, torch.version.cuda or "-", int(cuda), torch.cuda.device_count(),
      torch.utils.cmake_prefix_path, name.replace(" ", "_"), sep="\t")
EOF
)
IFS=$'\t' read -r TORCH_VERSION TORCH_CUDA CUDA_OK CUDA_COUNT TORCH_CMAKE GPU_NAME <<<"$TORCH_INFO"
GPU_NAME=${GPU_NAME//_/ }
DRIVER="-"
if command -v nvidia-smi >/dev/null 2>&1; then
  DRIVER=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -1 || echo "-")
fi
say "python $PYTHON: torch $TORCH_VERSION (CUDA $TORCH_CUDA), GPUs visible: $CUDA_COUNT ($GPU_NAME), driver $DRIVER"
if ((GPU)); then
  if [[ $TORCH_CUDA == "-" ]]; then
    die "this PyTorch ($TORCH_VERSION) has no CUDA: install a CUDA build of PyTorch, or run with CHECK_DEVICE=cpu"
  fi
  if [[ $CUDA_OK != 1 ]]; then
    die "PyTorch sees no CUDA GPU (torch.cuda.is_available() is False; nvidia-smi: $(command -v nvidia-smi || echo missing)): run this on the GPU machine, or with CHECK_DEVICE=cpu"
  fi
fi
for tool in cmake g++ timeout; do
  command -v "$tool" >/dev/null || die "$tool is missing on this machine"
done
GENERATOR=()
KEEP_GOING=(-k)  # one compile error must not hide the others
if command -v ninja >/dev/null; then
  GENERATOR=(-G Ninja)
  KEEP_GOING=(-k 0)
fi
# The CUDA toolkit (nvcc) that Torch's CMake package looks for.
if ((GPU)) && ! command -v nvcc >/dev/null; then
  for d in /usr/local/cuda/bin /usr/local/cuda-*/bin; do
    [[ -x $d/nvcc ]] && export PATH="$d:$PATH" && break
  done
fi
if ((GPU)); then
  command -v nvcc >/dev/null && export CUDACXX=${CUDACXX:-$(command -v nvcc)}
  command -v nvcc >/dev/null || say "no nvcc (CUDA toolkit) found: Torch's CMake package may refuse to configure"
fi

# ---- 1. the carried packages ----------------------------------------------------------
t0=$SECONDS
SYSROOT="$WORK/sysroot"
SYSLIB="$SYSROOT/usr/lib/x86_64-linux-gnu"
RUNLIB="$WORK/runlib"
CREATED=()  # data paths this check put under /usr/share, removed on exit
cleanup() {
  local p
  for p in "${CREATED[@]}"; do rm -rf "$p"; done
  return 0
}
trap cleanup EXIT
if [[ -f $DEBS ]]; then
  stamp="$SYSROOT/.unpacked-$(stat -c %s-%Y "$DEBS")"
  if [[ ! -f $stamp ]]; then
    rm -rf "$SYSROOT"
    mkdir -p "$SYSROOT"
    if command -v xz >/dev/null; then
      tar -C "$SYSROOT" -xJf "$DEBS"
    else  # Python's tarfile reads xz without the xz program
      "$PYTHON" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' \
        "$DEBS" "$SYSROOT"
    fi
    touch "$stamp"
  fi
  # The loader gets only the libraries this system lacks (libicu72, Qt 6, ...): a carried
  # copy of one it has would shadow the system's for every program started from here.
  rm -rf "$RUNLIB"
  mkdir -p "$RUNLIB"
  SYSTEM_LIBS=$(ldconfig -p 2>/dev/null | awk '{print $1}' || true)
  missing_libs=()
  for lib in "$SYSLIB"/lib*.so.*; do
    name=$(basename "$lib")
    [[ $name =~ ^lib.*\.so\.[0-9]+$ ]] || continue  # sonames only (libfoo.so.N)
    if ! grep -qxF "$name" <<<"$SYSTEM_LIBS" &&
      [[ ! -e /lib/x86_64-linux-gnu/$name && ! -e /usr/lib/x86_64-linux-gnu/$name &&
        ! -e /usr/lib64/$name && ! -e /lib64/$name ]]; then
      ln -s "$lib" "$RUNLIB/$name"
      missing_libs+=("$name")
    fi
  done
  export LD_LIBRARY_PATH="$RUNLIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  # The data of the presets and tests sits at Debian's paths in the engine's defaults and
  # in some tests: on a machine that has none there, the carried copies go there for the
  # duration of the check (removed on exit; nothing that exists is touched). A missing
  # folder becomes a link; into a folder that exists, what it lacks is copied (the fortune
  # reader skips links to files, as Debian's fortunes folder has duplicate ones).
  add_data() {  # add_data SYSTEM_PATH CARRIED_PATH
    local entry
    [[ -e $2 && ${CHECK_SYSTEM_DATA:-1} != 0 ]] || return 0
    if [[ -d $1 ]]; then
      for entry in "$2"/*; do
        [[ -e $1/$(basename "$entry") ]] && continue
        CREATED+=("$1/$(basename "$entry")")  # absent before: removed on exit, even if partial
        if ! cp -r "$entry" "$1/" 2>/dev/null; then
          say "cannot copy into $1 (not root? disk full?): the tests that read it will fail"
          return 0
        fi
      done
    elif [[ ! -e $1 ]]; then
      if mkdir -p "$(dirname "$1")" 2>/dev/null && ln -s "$2" "$1" 2>/dev/null; then
        CREATED+=("$1")
      else
        say "cannot link $1 (not root?): the tests that read it will fail"
      fi
    fi
  }
  add_data /usr/share/datasets/fashion-mnist "$SYSROOT/usr/share/datasets/fashion-mnist"
  add_data /usr/share/games/fortunes "$SYSROOT/usr/share/games/fortunes"
  ((${#CREATED[@]})) &&
    say "put ${#CREATED[@]} carried data paths under /usr/share for the check (removed at the end)"
  record "carried packages" ok $((SECONDS - t0)) \
    "$(basename "$DEBS") ($(($(stat -c %s "$DEBS") / 1048576)) MiB); loader gets: ${missing_libs[*]:-none}"
else
  record "carried packages" "skipped" 0 "no $DEBS (bash bench/gpu/pack-debs.sh makes it): the system's packages are used"
fi

# ---- 2. configure and build ---------------------------------------------------------
t0=$SECONDS
TORCH_ARGS=()
if [[ -f $TORCH_CMAKE/Torch/TorchConfig.cmake ]]; then
  TORCH_ARGS=(-DTorch_DIR="$TORCH_CMAKE/Torch")
  TORCH_FROM="$TORCH_CMAKE/Torch"
elif ((GPU)); then
  die "$TORCH_CMAKE/Torch/TorchConfig.cmake is missing: this PyTorch ships no LibTorch CMake package"
else
  TORCH_FROM="the system's (Python's torch $TORCH_VERSION has no CMake package)"
fi
# cuDNN from pip (nvidia-cudnn-*) for Torch's CMake package, which looks for it.
CUDNN_ARGS=()
if ((GPU)); then
  CUDNN_DIR=$("$PYTHON" -c 'import nvidia.cudnn as m, os; print(list(m.__path__)[0])' 2>/dev/null || true)
  if [[ -n $CUDNN_DIR && -d $CUDNN_DIR/include ]]; then
    cudnn_lib=$(ls "$CUDNN_DIR"/lib/libcudnn.so* 2>/dev/null | head -1 || true)
    CUDNN_ARGS=(-DCUDNN_INCLUDE_PATH="$CUDNN_DIR/include" -DCUDNN_INCLUDE_DIR="$CUDNN_DIR/include")
    [[ -n $cudnn_lib ]] && CUDNN_ARGS+=(-DCUDNN_LIBRARY_PATH="$cudnn_lib" -DCUDNN_LIBRARY="$cudnn_lib")
    export CUDNN_ROOT=$CUDNN_DIR
  fi
fi
if ((GPU)) && command -v nvcc >/dev/null; then
  CUDNN_ARGS+=(-DCUDAToolkit_ROOT="$(dirname "$(dirname "$(command -v nvcc)")")")
fi
# Where the linker finds what the libraries we link need in turn: Qt Core's own
# dependencies (ICU, GLib, ...) in the carried tree, and pip's CUDA libraries (nvidia/*/lib)
# that libtorch_cuda.so needs.
LINK_DIRS=()
[[ -d $SYSLIB ]] && LINK_DIRS+=("$SYSLIB")
if ((GPU)); then
  mapfile -t nvidia_libs < <("$PYTHON" - 2>/dev/null <<'EOF' || true
import glob, os, torch
site = os.path.dirname(os.path.dirname(torch.__file__))
for d in sorted(glob.glob(os.path.join(site, "nvidia", "*", "lib"))):
    print(d)
EOF
  )
  LINK_DIRS+=("${nvidia_libs[@]}")
fi
link_flags=""
for d in "${LINK_DIRS[@]}"; do link_flags+=" -Wl,-rpath-link,$d"; done
PREFIX_ARGS=()
# CMake packages and headers from the carried tree. CPATH makes its include folder what
# /usr/include is on Debian, also for a source file that uses a header-only library its
# target does not name.
if [[ -d $SYSROOT/usr ]]; then
  PREFIX_ARGS=(-DCMAKE_PREFIX_PATH="$SYSROOT/usr")
  export CPATH="$SYSROOT/usr/include${CPATH:+:$CPATH}"
fi
[[ -n $link_flags ]] && PREFIX_ARGS+=(-DCMAKE_EXE_LINKER_FLAGS="${link_flags# }"
  -DCMAKE_SHARED_LINKER_FLAGS="${link_flags# }")
# Without Qt Core and Test anywhere, the engine tests cannot build: say so, build the rest.
TESTS=OFF
for d in "$SYSLIB" /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib ${Qt6_DIR:+"$Qt6_DIR/.."}; do
  [[ -d $d/cmake/Qt6Test ]] && TESTS=ON
done
rm -f "$BUILD/CMakeCache.txt"
# shellcheck disable=SC2086
say "configuring in $BUILD (log: $LOG)"
CONFIGURED=0
if logged "$(allowance 90 250)" cmake -S "$ROOT" -B "$BUILD" "${GENERATOR[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DFORGETLAB_BUILD_GUI=OFF -DFORGETLAB_BUILD_TESTS=$TESTS \
  -DFORGETLAB_BUILD_BENCH=ON -DCMAKE_DISABLE_FIND_PACKAGE_QCustomPlotQt6=ON \
  -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
  "${TORCH_ARGS[@]}" "${CUDNN_ARGS[@]}" "${PREFIX_ARGS[@]}" ${CHECK_CMAKE_ARGS:-}; then
  summary=$(grep -m1 "ForgetLab: LibTorch" "$LOG" | sed 's/^-- ForgetLab: //' || true)
  CONFIGURED=1
  record "configure (GUI-less)" ok $((SECONDS - t0)) "Torch from $TORCH_FROM; ${summary:-?}"
else
  grep -n "CMake Error\|Could NOT\|error:" "$LOG" | tail -15 >&2 || true
  tail -25 "$LOG" >&2
  record "configure (GUI-less)" FAILED $((SECONDS - t0)) "see $LOG"
fi
if ((GPU)) && grep -q "ForgetLab: LibTorch.*CUDA OFF" "$LOG"; then
  record "CUDA LibTorch" FAILED 0 "the configured LibTorch has no CUDA (FORGETLAB_TORCH_CUDA unset)"
fi

ENGINE_TESTS=()
if [[ $TESTS == ON ]]; then
  mapfile -t ENGINE_TESTS < <(sed -n 's/^forgetlab_add_test(\([A-Za-z0-9_]*\).*/\1/p' \
    "$ROOT/tests/engine/CMakeLists.txt")
fi
# Two builds: first the engine, the CLI and the benchmark (what the presets, the sweep and
# the benchmark need), then the engine tests; when the budget runs out during the second,
# the rest of the check still runs.
BUILT=0
TESTS_BUILT=0
# CHECK_BUILD_LOCK: a lock file that serialises heavy builds on a shared machine.
lock=()
[[ -n ${CHECK_BUILD_LOCK:-} ]] && command -v flock >/dev/null && lock=(flock "$CHECK_BUILD_LOCK")
build() {  # build STEP CAP RESERVE NOTE TARGET...
  local step=$1 note=$4 limit
  limit=$(allowance "$2" "$3")
  shift 4
  local t=$SECONDS
  say "$step with -j $JOBS (at most ${limit}s; log: $LOG)"
  if logged "$limit" "${lock[@]}" cmake --build "$BUILD" -j "$JOBS" --target "$@" \
    -- "${KEEP_GOING[@]}"; then
    record "$step" ok $((SECONDS - t)) "$note (-j $JOBS)"
    return 0
  fi
  grep -n "error:\|Error [0-9]\|undefined reference" "$LOG" | head -20 >&2 || true
  if (($(allowance "$2" "$3") <= 1)) || ((SECONDS - t >= limit)); then
    record "$step" FAILED $((SECONDS - t)) "not finished within ${limit}s; see $LOG"
  else
    record "$step" FAILED $((SECONDS - t)) "see $LOG"
  fi
  return 1
}
if ((CONFIGURED)); then
  build "build: engine, CLI, benchmark" 220 140 "forgetlab-cli, gpu_gpt_throughput" \
    forgetlab-cli gpu_gpt_throughput && BUILT=1
  if ((BUILT)) && ((${#ENGINE_TESTS[@]})); then
    build "build: engine tests" 120 130 "${#ENGINE_TESTS[@]} tests of tests/engine" \
      "${ENGINE_TESTS[@]}" && TESTS_BUILT=1
  fi
else
  record "build" "skipped" 0 "not configured"
fi
CLI="$BUILD/app/forgetlab-cli"

# ---- 3. engine tests on the device ----------------------------------------------------
t0=$SECONDS
if ((TESTS_BUILT)); then
  limit=$(allowance 90 100)
  say "engine tests with FORGETLAB_TEST_DEVICE=$DEVICE (at most ${limit}s)"
  if ((limit < 20)); then
    record "engine tests" "skipped" 0 "budget spent"
  else
    test_log="$RESULTS/engine-tests.log"
    set +e
    # Two torch threads per test (as on the 2-core development machine), half as many tests
    # at once as there are cores.
    (cd "$BUILD/tests/engine" && FORGETLAB_TEST_DEVICE=$DEVICE OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} \
      timeout --kill-after=10 "$limit" ctest -j "$(((JOBS + 1) / 2))" --timeout "$limit" \
      --output-on-failure) >"$test_log" 2>&1
    rc=$?
    set -e
    cat "$test_log" >>"$LOG"
    line=$(grep -E "tests passed|tests failed" "$test_log" | tail -1 || true)
    failed=$(grep -E "^[[:space:]]+[0-9]+ - " "$test_log" |
      sed -E 's/^[[:space:]]*[0-9]+ - ([^ ]+).*/\1/' | tr '\n' ' ' || true)
    if ((rc == 0)); then
      record "engine tests (FORGETLAB_TEST_DEVICE=$DEVICE)" ok $((SECONDS - t0)) "$line"
    else
      record "engine tests (FORGETLAB_TEST_DEVICE=$DEVICE)" FAILED $((SECONDS - t0)) \
        "${line:-exit $rc}${failed:+; failed: $failed}"
    fi
  fi
else
  record "engine tests" "skipped" 0 "$([[ $TESTS == ON ]] && echo "not built" || echo "no Qt 6 Core/Test (carry bench/gpu/debs)")"
fi

# ---- 4. presets and a sweep with forgetlab-cli ------------------------------------------
DB="$WORK/check.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
DATA_ARGS=()
[[ -d $SYSROOT/usr/share/datasets/fashion-mnist && ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] &&
  DATA_ARGS+=(--data-dir "$SYSROOT/usr/share/datasets/fashion-mnist")
[[ -d $SYSROOT/usr/share/games/fortunes/de && ! -d /usr/share/games/fortunes/de ]] &&
  DATA_ARGS+=(--text-dir "$SYSROOT/usr/share/games/fortunes")
DEVICE_NAME="$DEVICE"
if ((BUILT)); then
  devices=$("$CLI" devices --json 2>>"$LOG" | tail -1 || true)
  echo "devices: $devices" >>"$LOG"
  DEVICE_NAME=$("$PYTHON" -c '
import json, sys
want = sys.argv[2] if sys.argv[2] != "cuda" else "cuda:0"
try:
    d = json.loads(sys.argv[1])
    print(next(x["name"] for x in d["devices"] if x["device"] == want))
except Exception:
    print(want)' "$devices" "$DEVICE")
fi
DEFAULT_RUN=""
# run_preset LABEL PRESET PRECISION: a shortened preset on the device; sets LAST_RUN.
run_preset() {
  local label=$1 preset=$2 precision=$3 t=$SECONDS cfg="$WORK/$2.json" out limit
  LAST_RUN=""
  limit=$(allowance 45 "$4")
  say "$label (at most ${limit}s)"
  if ((limit < 10)); then
    record "$label" "skipped" 0 "budget spent"
    return 0
  fi
  "$PYTHON" "$ROOT/bench/gpu/short_config.py" "$ROOT/resources/presets/$preset.json" "$cfg" \
    --upstream-steps 300 --downstream-steps 60 --eval-every 20 --hessian-every 30 \
    --precision "$precision" "${DATA_ARGS[@]}"
  echo "+ forgetlab-cli run --config $cfg --device $DEVICE" >>"$LOG"
  set +e
  out=$(timeout --kill-after=10 "$limit" "$CLI" run --config "$cfg" --device "$DEVICE" \
    --db "$DB" --json 2>>"$LOG")
  local rc=$?
  set -e
  echo "$out" >>"$LOG"
  local summary
  summary=$("$PYTHON" -c '
import json, sys
try:
    s = json.loads(sys.argv[1].strip().splitlines()[-1])
except Exception:
    print("- no summary"); sys.exit(0)
keys = ("upstream_acc_before", "upstream_acc_after", "downstream_acc_after", "hessian_lmax_last")
parts = ["%s %.3f" % (k, s[k]) for k in keys if isinstance(s.get(k), (int, float))]
print(s.get("run_id", "-"), "status %s, %s" % (s.get("status"), ", ".join(parts)))' "${out:-x}")
  LAST_RUN=${summary%% *}
  if ((rc == 0)); then
    record "$label" ok $((SECONDS - t)) "run ${summary#* }"
  else
    record "$label" FAILED $((SECONDS - t)) "exit $rc; ${summary#* }; see $LOG"
    LAST_RUN=""
  fi
}
if ((BUILT)); then
  default_preset=$("$CLI" presets 2>>"$LOG" | awk '/\(default\)/{print $1; exit}')
  default_preset=${default_preset:-split-fmnist-sgd}
  run_preset "default preset $default_preset ($DEVICE, fp32)" "$default_preset" fp32 75
  DEFAULT_RUN=$LAST_RUN
  lm_precision=fp32
  ((GPU)) && lm_precision=bf16
  run_preset "language preset lm-en-de-adamw ($DEVICE, $lm_precision)" lm-en-de-adamw \
    "$lm_precision" 55
  t0=$SECONDS
  limit=$(allowance 30 50)
  if [[ -z $DEFAULT_RUN || $DEFAULT_RUN == - ]]; then
    record "forgetting-matrix sweep" "skipped" 0 "no default-preset run to sweep from"
  elif ((limit < 10)); then
    record "forgetting-matrix sweep" "skipped" 0 "budget spent"
  else
    set +e
    out=$(timeout --kill-after=10 "$limit" "$CLI" matrix sweep --run "$DEFAULT_RUN" \
      --families permute --per-family 2 --steps 30 --examples 200 --db "$DB" \
      --json 2>>"$LOG")
    rc=$?
    set -e
    echo "$out" >>"$LOG"
    note=$("$PYTHON" -c '
import json, sys
try:
    s = json.loads(sys.argv[1].strip().splitlines()[-1])
    print("matrix %s: %s, %s/%s rows x %s examples" % (s["matrix_id"], s["status"],
          s["rows_done"], s["rows_total"], s["cols"]))
except Exception:
    print("no summary")' "${out:-x}")
    if ((rc == 0)) && [[ $note == *": done,"* ]]; then
      record "forgetting-matrix sweep ($DEVICE)" ok $((SECONDS - t0)) "$note"
    else
      record "forgetting-matrix sweep ($DEVICE)" FAILED $((SECONDS - t0)) "exit $rc; $note"
    fi
  fi
fi

# ---- 5. the benchmark -----------------------------------------------------------------
BENCH_ROWS=()
bench_out="$RESULTS/bench.txt"
if ((BUILT)); then
  t0=$SECONDS
  limit=$(allowance 120 0)
  bench_args=(--device "$DEVICE" --python "$PYTHON" --threads 2)
  ((GPU)) || bench_args+=(--tiny)
  # The measuring rounds end well before the step's limit (setup takes some seconds).
  maxs=$((limit / 2 - 10))
  ((maxs < 5)) && maxs=5
  ((maxs > 45)) && maxs=45
  bench_args+=(--max-seconds "$maxs")
  if ((limit < 20)); then
    record "benchmark" "skipped" 0 "budget spent"
  else
    say "benchmark gpu_gpt_throughput ${bench_args[*]} (at most ${limit}s)"
    echo "+ gpu_gpt_throughput ${bench_args[*]}" >>"$LOG"
    set +e
    timeout --kill-after=10 "$limit" "$BUILD/bench/gpu/gpu_gpt_throughput" "${bench_args[@]}" \
      >"$bench_out" 2>"$RESULTS/bench.log"
    rc=$?
    set -e
    cat "$RESULTS/bench.log" >>"$LOG"
    while IFS= read -r line; do
      [[ $line == "ROW "* ]] && BENCH_ROWS+=("${line#ROW }")
    done <"$bench_out"
    if ((rc == 0)); then
      record "benchmark gpu_gpt_throughput" ok $((SECONDS - t0)) "$(grep -m1 '^gpu_gpt_throughput:' "$RESULTS/bench.log" | cut -d: -f2- || true)"
    else
      record "benchmark gpu_gpt_throughput" FAILED $((SECONDS - t0)) "exit $rc; see $RESULTS/bench.log"
    fi
  fi
fi

# ---- the table ---------------------------------------------------------------------------
{
  echo "## ForgetLab GPU check, $(date -u +%Y-%m-%d)"
  echo
  if ((GPU)); then
    echo "Device $DEVICE: $DEVICE_NAME (driver $DRIVER); PyTorch $TORCH_VERSION with CUDA $TORCH_CUDA;"
  else
    echo "CHECK_DEVICE=cpu: the check's logic on the CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'));"
    echo "PyTorch $TORCH_VERSION. The GPU rows are skipped."
  fi
  echo "$(nproc) CPU cores, build -j $JOBS; commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); $(elapsed) s in all (budget $BUDGET s)."
  echo
  echo "| step | result | seconds | notes |"
  echo "|---|---|---|---|"
  printf '%s\n' "${STAGES[@]}"
  echo
  if ((GPU)); then
    echo "Benchmark: GPT-2 small (12 × 768, vocab 50257, 124M parameters), batch 8 × 512 tokens,"
    echo "bf16 autocast, AdamW, eager, the engine's attention kernel on both sides; model FLOPs per"
    echo "step (6 N + 12 L C T) B T, N = parameters in matrix products."
  else
    echo "Benchmark (CPU smoke test, not a measurement to quote): a 2-layer, 64-wide GPT, batch"
    echo "4 × 64, fp32, AdamW; peak = fp32 matmul."
  fi
  echo
  echo "| # | what | threads | engine | reference | ratio | target | met |"
  echo "|---|---|---|---|---|---|---|---|"
  if ((${#BENCH_ROWS[@]})); then
    printf '%s\n' "${BENCH_ROWS[@]}"
  else
    echo "| G1 | engine ÷ Python PyTorch training tokens/s | — | — | — | not measured | ≥ 1.00 | — |"
  fi
  if ((!GPU)); then
    echo "| G1 | engine ÷ Python PyTorch training tokens/s, GPT-2 small 124M, batch 8 × 512, bf16, AdamW (CUDA) | — | — | — | skipped (CHECK_DEVICE=cpu: no GPU) | ≥ 1.00 | — |"
    echo "| G2 | engine model FLOP/s ÷ measured bf16 matmul peak (CUDA) | — | — | — | skipped (CHECK_DEVICE=cpu: no GPU) | (information) | — |"
  fi
} >"$TABLE"
cat "$TABLE"
cat "$TABLE" >>"$LOG"
say "table in $TABLE, log in $LOG"
exit "$FAILED"
}
