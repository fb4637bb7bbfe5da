#!/usr/bin/env bash
# Builds Mosquitto 2.1.2 from its release source, once, into DEST (default
# $CARGO_TARGET_DIR/mosquitto-2.1.2, else target/mosquitto-2.1.2): DEST/bin/mosquitto and
# DEST/plugins/mosquitto_{acl_file,password_file,dynamic_security}.so, one directory as a
# manifest's plugin_dir names it. Prints DEST. The tests (tests/suite/mosquitto21.rs) and .ci/run
# both call it: a lock keeps two callers from building at once, and a finished build is reused.
#
# The source: $MOSQUITTO21_SOURCE (a tarball), else the copy vendored next to this workspace;
# either must be the release tarball whose SHA-256 is pinned below. Needs cmake, a C compiler, libssl-dev and
# libcjson-dev; exits 3 without them (.ci/run installs them; the tests skip, or fail under CI).
set -euo pipefail
VERSION=2.1.2
SHA256=cdad3ac1f474a87b1f7888f7f705e6ca3bd79e68a1376961e4c37575c30b7bcd
root=$(cd "$(dirname "$0")/.." && pwd)
DEST=$(realpath -m "${1:-${CARGO_TARGET_DIR:-$root/target}/mosquitto-$VERSION}")
ready() { [ -x "$DEST/bin/mosquitto" ] && [ -f "$DEST/plugins/mosquitto_acl_file.so" ]; }
if ready; then echo "$DEST"; exit 0; fi
if ! command -v cmake >/dev/null || ! command -v cc >/dev/null ||
    [ ! -f /usr/include/cjson/cJSON.h ] || [ ! -f /usr/include/openssl/ssl.h ]; then
    echo "building Mosquitto $VERSION needs cmake, cc, libssl-dev and libcjson-dev" >&2
    exit 3
fi
mkdir -p "$(dirname "$DEST")"
exec 9>"$DEST.lock"
flock 9
if ready; then echo "$DEST"; exit 0; fi
tarball=${MOSQUITTO21_SOURCE:-}
for candidate in "$root/../shared/vendor/mosquitto-$VERSION.tar.gz" \
    "/work/shared/vendor/mosquitto-$VERSION.tar.gz"; do
    if [ -z "$tarball" ] && [ -f "$candidate" ]; then tarball=$candidate; fi
done
work="$DEST.build"
rm -rf "$work" "$DEST"
mkdir -p "$work"
if [ -z "$tarball" ]; then
    echo "no Mosquitto $VERSION source: set MOSQUITTO21_SOURCE to its release tarball" >&2
    exit 3
fi
echo "$SHA256  $tarball" | sha256sum -c --quiet - >&2 ||
    { echo "$tarball is not the Mosquitto $VERSION release tarball" >&2; exit 1; }
tar xzf "$tarball" -C "$work"
mkdir -p "$work/mosquitto-$VERSION/build"
cd "$work/mosquitto-$VERSION/build"
# Only the broker and its plugins: no clients' extras, docs, tests or websockets.
cmake .. -DWITH_TESTS=OFF -DWITH_DOCS=OFF -DWITH_CTRL_SHELL=OFF -DWITH_WEBSOCKETS=OFF \
    -DWITH_LTO=OFF -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log" >&2; exit 1; }
make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -50 "$work/make.log" >&2; exit 1; }
# Assembled beside the build and renamed into place, so DEST is complete or absent.
mkdir -p "$work/out/bin" "$work/out/plugins"
cp src/mosquitto "$work/out/bin/"
cp plugins/acl-file/mosquitto_acl_file.so plugins/password-file/mosquitto_password_file.so \
    plugins/dynamic-security/mosquitto_dynamic_security.so "$work/out/plugins/"
mv "$work/out" "$DEST"
rm -rf "$work"
echo "$DEST"
