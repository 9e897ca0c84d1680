#!/usr/bin/env bash
# Builds the pinned kube-apiserver, kube-controller-manager and etcd from the Go module proxy into a
# cache directory outside the clone, so every clone and CI run on a machine builds them once.
#
# Neither k8s.io/kubernetes nor go.etcd.io/etcd/server/v3 can be `go install`ed directly: their
# go.mod files carry replace directives (the staging modules, the sibling etcd modules). A small
# wrapper module that requires them builds them instead; for Kubernetes it pins every k8s.io staging
# module to the published v0.X.Y that matches v1.X.Y. The two live in separate wrapper modules so
# that minimal version selection does not mix their dependency graphs.
#
# Prints the directory holding the three binaries on its last line. Idempotent: exits at once when
# they are already there. Only the Go module proxy (GOPROXY, default proxy.golang.org) is needed.
# Environment:
#   PORTICO_KUBE_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/portico/kube)
#   GO                  go binary (default: go on PATH, then /usr/local/go/bin/go)
#   KUBE_BUILD_P        go build -p (default 1: the build runs niced on shared machines)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"

root="${PORTICO_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/portico/kube}"
key="k8s-${KUBERNETES_VERSION}-etcd-${ETCD_VERSION}"
bin="$root/$key/bin"
binaries=(kube-apiserver kube-controller-manager etcd)

have_all() {
  local b
  for b in "${binaries[@]}"; do [ -x "$bin/$b" ] || return 1; done
}

if have_all; then
  echo "kubernetes $KUBERNETES_VERSION and etcd $ETCD_VERSION already built" >&2
  echo "$bin"
  exit 0
fi

go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[ -x "$go" ] || { echo "install.sh: no Go toolchain (set GO or put go on PATH)" >&2; exit 1; }

mkdir -p "$root"
# Two CI runs starting together must not build twice into the same directory.
exec 9>"$root/.lock"
flock 9
if have_all; then echo "$bin"; exit 0; fi

# Own module and build caches, so the build neither depends on nor pollutes the user's Go state,
# and a clean build is really clean when the cache root is new.
export GOMODCACHE="$root/go/mod" GOCACHE="$root/go/build" GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=0
started=$(date +%s)
work="$root/$key/src"
tmp="$root/$key/bin.partial"
rm -rf "$tmp"
mkdir -p "$work/kubernetes" "$work/etcd" "$tmp"

minor="${KUBERNETES_VERSION#v1.}"                       # 36.3
staging_version="v0.$minor"                             # v0.36.3
kube_mod="$("$go" mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
[ -f "$kube_mod" ] || { echo "install.sh: cannot download k8s.io/kubernetes@$KUBERNETES_VERSION" >&2; exit 1; }
{
  echo "module portico.local/kube-binaries"
  echo
  echo "go 1.26.0"
  echo
  echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
  echo
  echo "replace ("
  # Staging modules the kubernetes module requires (as v0.0.0 with a ./staging replace upstream).
  # Modules only replaced, never required (sample-cli-plugin), are not published and not needed.
  awk '/^\treplace|^replace \(/{r=1} r && /=> \.\/staging\/src\//{print $1}' "$kube_mod" | while read -r m; do
    if grep -q "^[[:space:]]*$m v0.0.0\$" "$kube_mod"; then echo "	$m => $m $staging_version"; fi
  done
  echo ")"
} > "$work/kubernetes/go.mod"
cat > "$work/etcd/go.mod" <<MOD
module portico.local/etcd-binary

go 1.26.0

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
MOD

p="${KUBE_BUILD_P:-1}"
ldflags="-s -w"
kube_ldflags="$ldflags -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor%%.*} -X k8s.io/component-base/version.gitTreeState=clean"
build() { # dir output package ldflags
  echo "install.sh: building $3 ($(date -u +%H:%M:%S))" >&2
  (cd "$1" && nice -n 19 "$go" build -p "$p" -trimpath -ldflags "$4" -o "$tmp/$2" "$3")
}
build "$work/etcd" etcd go.etcd.io/etcd/server/v3 "$ldflags"
build "$work/kubernetes" kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$kube_ldflags"
build "$work/kubernetes" kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$kube_ldflags"

rm -rf "$bin"
mv "$tmp" "$bin"
echo "install.sh: built in $(( $(date +%s) - started )) s into $bin" >&2
echo "$bin"
