#!/usr/bin/env bash
# Runs a command as if this Debian machine were a GPU server without ForgetLab's build
# dependencies: in a private mount namespace (root only; nothing outside it changes), the
# headers and CMake packages of nlohmann-json, Eigen, SQLite, zlib and Qt 6, and the data of
# dataset-fashion-mnist and the fortunes, are hidden, so that the command must find them in
# the packages bench/gpu/pack-debs.sh carries. LibTorch, the compiler, CMake and the shared
# libraries stay visible (the loader's own search cannot be hidden this way).
#
#   bash bench/gpu/simulate-bare.sh env CHECK_DEVICE=cpu bash bench/gpu/check.sh
set -euo pipefail

if [[ ${FORGETLAB_BARE_INSIDE:-} != 1 ]]; then
  [[ $(id -u) -eq 0 ]] || {
    echo "simulate-bare: needs root (a private mount namespace)" >&2
    exit 1
  }
  exec env FORGETLAB_BARE_INSIDE=1 unshare -m --propagation private bash "$0" "$@"
fi

hide_dir() {
  # Room for what check.sh copies into an existing data folder (the fortunes, 7 MiB).
  [[ -d $1 ]] && mount -t tmpfs -o size=64m,mode=0755 none "$1"
  return 0
}
hide_file() {
  [[ -f $1 ]] && mount --bind /dev/null "$1"
  return 0
}
for d in /usr/include/nlohmann /usr/include/eigen3 /usr/include/x86_64-linux-gnu/qt6 \
  /usr/share/cmake/nlohmann_json /usr/share/eigen3 /usr/lib/qt6 /usr/lib/x86_64-linux-gnu/qt6 \
  /usr/lib/x86_64-linux-gnu/cmake/Qt6* /usr/share/datasets /usr/share/games/fortunes; do
  hide_dir "$d"
done
for f in /usr/include/sqlite3.h /usr/include/sqlite3ext.h /usr/include/zlib.h /usr/include/zconf.h; do
  hide_file "$f"
done
echo "simulate-bare: build dependencies and data hidden; running: $*" >&2
exec "$@"
