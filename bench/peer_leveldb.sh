#!/usr/bin/env bash
# Usage: bench/peer_leveldb.sh N — the peer anchor (bench/peer_pouchdb, the same bench.js and server.js) with
# PouchDB's LevelDB adapter on disk on both sides instead of its memory adapter. A check, not an anchor: does
# the peer's speed come from keeping everything in memory? (docs/performance.md, "The eighth session").
# Prints the peer's JSON line. Installs into PEER_WORK (default /tmp/peer_pouchdb_leveldb).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${PEER_WORK:-/tmp/peer_pouchdb_leveldb}
mkdir -p "$work"
src="$here/../../shared/bench/peer_pouchdb"  # the team's shared harness, as python -m bench all runs it
[ -f "$src/bench.js" ] || src="$here/peer_pouchdb"
cp "$src/package.json" "$src/server.js" "$src/bench.js" "$work/"
if [ ! -d "$work/node_modules/pouchdb-adapter-leveldb" ]; then
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1 \
    && npm install --no-audit --no-fund --loglevel=error --no-save pouchdb-adapter-leveldb@9.0.0 >/dev/null 2>&1) \
    || { echo "bench/peer_leveldb.sh: npm could not install the peer with pouchdb-adapter-leveldb" >&2; exit 1; }
fi
data=$(mktemp -d "$work/data.XXXXXX")
trap 'rm -rf "$data"' EXIT
# The memory adapter's three uses become LevelDB folders under $data (the server's databases, the app's two).
sed -i "s#require('pouchdb-adapter-memory')#require('pouchdb-adapter-leveldb')#" "$work/server.js" "$work/bench.js"
sed -i "s#{ adapter: 'memory' }#{ adapter: 'leveldb', prefix: process.env.PEER_DATA + '/server-' }#" "$work/server.js"
sed -i "s#new PouchDB('\([a-z]*\)', { adapter: 'memory' })#new PouchDB(process.env.PEER_DATA + '/\1', { adapter: 'leveldb' })#" \
  "$work/bench.js"
if grep -q "adapter-memory\|adapter: 'memory'" "$work/server.js" "$work/bench.js"; then
  echo "bench/peer_leveldb.sh: the peer harness changed; its memory adapter is still in use" >&2
  exit 1
fi
PEER_DATA=$data timeout 900 node "$work/bench.js" "${1:-10000}"
