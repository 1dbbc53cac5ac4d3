#!/usr/bin/env bash
# Install the test OpenID provider (npm's oidc-provider, pinned by package-lock.json) into a cache folder
# and print the path of its runnable script. Installs again only when the lock file changed.
#   FELTBOG_OIDC_CACHE  the folder (default: ~/.cache/feltbog-test-oidc)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${FELTBOG_OIDC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/feltbog-test-oidc}"
command -v node >/dev/null || { echo "node is not installed" >&2; exit 3; }
command -v npm >/dev/null || { echo "npm is not installed" >&2; exit 3; }
mkdir -p "$cache"
stamp="$(sha256sum "$here/package-lock.json" | cut -c1-64)"
if [ "$(cat "$cache/.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -d "$cache/node_modules/oidc-provider" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$cache/"
  (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$stamp" > "$cache/.stamp"
fi
# Beside its node_modules, so that Node finds the packages it imports; named by its content, so that
# checkouts with different versions sharing the cache never run each other's.
script="$cache/provider-$(sha256sum "$here/provider.mjs" | cut -c1-12).mjs"
cp "$here/provider.mjs" "$script.tmp.$$" && mv "$script.tmp.$$" "$script"
echo "$script"
