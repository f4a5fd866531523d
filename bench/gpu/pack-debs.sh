#!/usr/bin/env bash
# Packs the Debian 12 packages a GPU machine lacks for bench/gpu/check.sh into one file that
# travels with the working tree: nlohmann-json, SQLite, zlib, Eigen, Qt 6 Core and Test (for
# the engine tests) with the libraries Qt Core needs, Fashion-MNIST and the fortunes (the
# data of the presets and of the engine tests). Runs here, on a Debian 12 machine with apt;
# the GPU machine needs neither apt nor a network.
#
#   bash bench/gpu/pack-debs.sh            -> bench/gpu/debs/forgetlab-debs.tar.xz + MANIFEST
#
# Each .deb is downloaded (apt-get download, no install), unpacked with dpkg-deb -x into a
# staging tree, pruned (documentation, manual pages, static libraries, the headers of Qt
# modules other than Core and Test, ICU's and GLib's libraries that Qt Core does not load)
# and the tree is packed with xz. check.sh unpacks it into its work folder (with tar, or
# Python's tarfile where tar has no xz) and points CMake, the compiler and the loader at it.
# The working tree that travels to a GPU machine is limited to 64 MiB in all, so this
# script prints the packed size and fails when it passes FORGETLAB_DEBS_LIMIT_MIB (56,
# leaving room for the repository itself).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT_DIR=${1:-$ROOT/bench/gpu/debs}
LIMIT_MIB=${FORGETLAB_DEBS_LIMIT_MIB:-56}
ARCHIVE=forgetlab-debs.tar.xz

# What the GPU machine may lack. Runtime libraries that every glibc system has (libc6,
# libstdc++6, libgcc-s1, libgomp1, libzstd1, libpcre2-8-0, libffi8, libmount1,
# libselinux1) are left out; of the carried ones, check.sh hands the loader only those the
# machine lacks, so that no older copy shadows the system's own.
PACKAGES=(
  # build: headers, CMake packages, link libraries
  nlohmann-json3-dev libeigen3-dev
  libsqlite3-dev libsqlite3-0
  zlib1g-dev zlib1g
  # Qt 6 Core and Test for the engine tests (qt6-base-dev holds the headers and CMake
  # packages of every Qt base module; qt6-base-dev-tools holds moc; Qt6CoreTools' CMake
  # package wants qmake too, and Qt's platform include folder, mkspecs/linux-g++, is in qmake6)
  qt6-base-dev qt6-base-dev-tools qmake6 qmake6-bin libqt6core6 libqt6test6
  libicu72 libglib2.0-0 libdouble-conversion3 libpcre2-16-0 libb2-1
  # the tokenizers: PCRE2, utf8proc, SentencePiece, and pkg-config that finds them
  libpcre2-dev libpcre2-32-0 libpcre2-posix3 libutf8proc-dev libutf8proc2
  libsentencepiece-dev libsentencepiece0 pkgconf pkgconf-bin libpkgconf3
  # data: the default preset and the image tests (Fashion-MNIST), the language presets
  # and the tokenizer tests (fortunes in English, German, Spanish)
  dataset-fashion-mnist fortunes fortunes-min fortunes-de fortunes-es
)

for tool in apt-get dpkg-deb tar xz du; do
  command -v "$tool" >/dev/null || {
    echo "pack-debs: $tool is missing (this script runs on Debian 12 with apt)" >&2
    exit 1
  }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/forgetlab-pack-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/debs" "$WORK/root" "$OUT_DIR"

echo "pack-debs: downloading ${#PACKAGES[@]} packages" >&2
# apt-get download drops privileges to _apt, which cannot write into a root-owned mktemp
# folder: let it.
chmod 0777 "$WORK/debs"
if ! (cd "$WORK/debs" && apt-get download "${PACKAGES[@]}" >"$WORK/download.log" 2>&1); then
  cat "$WORK/download.log" >&2
  echo "pack-debs: apt-get download failed; run 'apt-get update' first" >&2
  exit 1
fi

MANIFEST="$WORK/MANIFEST"
{
  echo "# Debian packages unpacked into $ARCHIVE by bench/gpu/pack-debs.sh on $(date -u +%Y-%m-%d)"
  echo "# package version .deb-bytes"
} >"$MANIFEST"
deb_bytes=0
for deb in "$WORK"/debs/*.deb; do
  dpkg-deb -x "$deb" "$WORK/root"
  name=$(dpkg-deb -f "$deb" Package)
  version=$(dpkg-deb -f "$deb" Version)
  size=$(stat -c %s "$deb")
  deb_bytes=$((deb_bytes + size))
  echo "$name $version $size" >>"$MANIFEST"
done
raw_bytes=$(du -sb "$WORK/root" | cut -f1)

# ---- one usr/ tree ------------------------------------------------------------------
R="$WORK/root"
# Some packages (zlib1g) still put their libraries under /lib: move them beside the rest,
# and turn absolute links (libz.so -> /lib/x86_64-linux-gnu/libz.so.1.2.13) into relative
# ones inside the tree, so that nothing points at the GPU machine's own files.
if [[ -d $R/lib ]]; then
  cp -a "$R/lib/." "$R/usr/lib/"
  rm -rf "${R:?}/lib"
fi
while IFS= read -r link; do
  target=$(readlink "$link")
  for candidate in "$R/usr${target#/usr}" "$R$target"; do
    if [[ -e $candidate ]]; then
      ln -sfr "$candidate" "$link"
      break
    fi
  done
done < <(find "$R" -type l -lname '/*')

# ---- prune --------------------------------------------------------------------------
LIB="$R/usr/lib/x86_64-linux-gnu"
QTINC="$R/usr/include/x86_64-linux-gnu/qt6"
rm -rf "$R/usr/share/doc" "$R/usr/share/man" "$R/usr/share/lintian" "$R/usr/share/bug" \
  "$R/usr/share/doc-base" "$R/usr/share/info" "$R/usr/share/pkgconfig" "$R/usr/games" \
  "$R/usr/share/locale"
find "$R" -name '*.a' -delete
# Qt: only Core and Test are compiled against; the other modules' headers go (their CMake
# packages stay: tiny, and only read when a component is asked for).
for d in "$QTINC"/*; do
  case $(basename "$d") in
    QtCore | QtTest) ;;
    *) [[ -d $d ]] && rm -rf "$d" ;;
  esac
done
# Qt's translations, docs and examples folders, if any.
rm -rf "$R/usr/share/qt6/doc" "$R/usr/share/qt6/translations" "$R/usr/share/qt6/examples"
# ICU: Qt Core loads libicuuc, libicui18n and libicudata; the rest of ICU is not needed.
rm -f "$LIB"/libicuio.so.* "$LIB"/libicutest.so.* "$LIB"/libicutu.so.*
# GLib: Qt Core's event dispatcher loads libglib-2.0 alone.
rm -f "$LIB"/libgio-2.0.so.* "$LIB"/libgobject-2.0.so.* "$LIB"/libgmodule-2.0.so.* \
  "$LIB"/libgthread-2.0.so.*
rm -rf "$LIB/glib-2.0" "$R/usr/share/glib-2.0" "$R/usr/lib/x86_64-linux-gnu/gio"
# The fortune program's index files (.dat) and UTF-8 links (.u8): ForgetLab reads neither.
find "$R/usr/share/games/fortunes" \( -name '*.dat' -o -name '*.u8' \) -delete 2>/dev/null || true
# Dangling links (into what was pruned) would only confuse CMake.
find "$R" -xtype l -delete
pruned_bytes=$(du -sb "$R" | cut -f1)

# ---- pack ---------------------------------------------------------------------------
echo "pack-debs: packing $((pruned_bytes / 1048576)) MiB (from $((raw_bytes / 1048576)) MiB unpacked)" >&2
tar -C "$R" --owner=0 --group=0 --numeric-owner -cf - usr | xz -T0 -6 >"$WORK/$ARCHIVE"
packed_bytes=$(stat -c %s "$WORK/$ARCHIVE")
{
  echo "# .deb files: $deb_bytes bytes; unpacked: $raw_bytes; pruned: $pruned_bytes;" \
    "packed ($ARCHIVE): $packed_bytes"
} >>"$MANIFEST"
mv "$WORK/$ARCHIVE" "$OUT_DIR/$ARCHIVE"
mv "$MANIFEST" "$OUT_DIR/MANIFEST"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "pack-debs: ${#PACKAGES[@]} packages: .deb files $(mib "$deb_bytes"), unpacked $(mib "$raw_bytes")," \
  "pruned $(mib "$pruned_bytes"), packed $(mib "$packed_bytes") -> $OUT_DIR/$ARCHIVE"
if ((packed_bytes > LIMIT_MIB * 1048576)); then
  echo "pack-debs: $ARCHIVE is over ${LIMIT_MIB} MiB: the working tree that travels to a GPU" \
    "machine (64 MiB) would not fit; prune more" >&2
  exit 1
fi
