# Shared settings and helpers of the local cluster scripts (sourced by up.sh, down.sh, node.sh).
# Every setting can be overridden from the environment; the defaults suit a developer's machine.
# shellcheck shell=bash
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

CLUSTER_DIR=${CLUSTER_DIR:-/tmp/teixit-cluster}
NODES=${NODES:-3}
TEIXIT_BIN=${TEIXIT_BIN:-$repo/bin/teixit}
PG_PORT=${PG_PORT:-55432}
FERRETDB_PORT=${FERRETDB_PORT:-57017}
S3_PORT=${S3_PORT:-57070}
NODE_BASE_PORT=${NODE_BASE_PORT:-58081} # node i listens on NODE_BASE_PORT+i-1
FRONT_PORT=${FRONT_PORT:-58080}
# What the nodes use to reach the store: FerretDB itself, or (tests) a proxy in front of it.
NODE_STORE_URI=${NODE_STORE_URI:-mongodb://127.0.0.1:$FERRETDB_PORT/}
# Extra PostgreSQL settings, e.g. "-c fsync=off" for throw-away test clusters.
PG_OPTS=${PG_OPTS:-}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-teixit-cluster}
S3_SECRET_KEY=${S3_SECRET_KEY:-teixit-cluster-secret-key}
S3_BUCKET=${S3_BUCKET:-teixit-media}
# NODE_EXTRA_ENV: extra "NAME=value" settings for every node, space-separated.
NODE_EXTRA_ENV=${NODE_EXTRA_ENV:-}
# STORE_ONLY=1 starts PostgreSQL and teixit ferretdb only (make test-pg).
STORE_ONLY=${STORE_ONLY:-}

pg_bin() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$d/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; }
  echo "$d"
}

versitygw_bin() {
  if [ -n "${VERSITYGW:-}" ]; then echo "$VERSITYGW"; return; fi
  if command -v versitygw >/dev/null; then command -v versitygw; return; fi
  local p
  p="$(go env GOPATH 2>/dev/null | cut -d: -f1)/bin/versitygw"
  [ -x "$p" ] || { echo "versitygw not found: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0" >&2; return 1; }
  echo "$p"
}

# PostgreSQL refuses to run as root: as root, run its commands as the postgres account (or nobody).
pg_user() {
  if id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$(pg_user)" -- "$@"; else "$@"; fi
}

# start_bg NAME ENVFILE CMD... runs CMD in the background with ENVFILE's variables, logging to NAME.log and
# keeping its pid in NAME.pid.
start_bg() {
  local name=$1 envfile=$2; shift 2
  (
    set -a
    # shellcheck disable=SC1090
    [ -n "$envfile" ] && . "$envfile"
    set +a
    exec setsid "$@" >>"$CLUSTER_DIR/$name.log" 2>&1 </dev/null
  ) &
  echo $! >"$CLUSTER_DIR/$name.pid"
}

# stop_bg NAME [SIGNAL]: signal the process (default TERM) and wait up to 20 s for it to end.
stop_bg() {
  local name=$1 sig=${2:-TERM} pidf="$CLUSTER_DIR/$1.pid" pid
  [ -f "$pidf" ] || return 0
  pid=$(cat "$pidf")
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidf"
}

wait_port() { # wait_port PORT NAME
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not open port $1 in 30 s; see $CLUSTER_DIR/$2.log" >&2
  tail -20 "$CLUSTER_DIR/$2.log" >&2 || true
  return 1
}

wait_ready() { # wait_ready URL NAME
  for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/readyz")" = 200 ] && return 0
    sleep 0.1
  done
  echo "$2 not ready in 60 s; see $CLUSTER_DIR/$2.log" >&2
  tail -20 "$CLUSTER_DIR/$2.log" >&2 || true
  return 1
}

node_port() { echo $((NODE_BASE_PORT + $1 - 1)); }

# free_port prints a TCP port nothing listens on (random, so that concurrent runs rarely collide).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# start_ferretdb runs the one `teixit ferretdb` of the database and waits for its port.
start_ferretdb() {
  cat >"$CLUSTER_DIR/ferretdb.env" <<ENV
TEIXIT_POSTGRESQL_URL=postgres://postgres@127.0.0.1:$PG_PORT/teixit
TEIXIT_FERRETDB_ADDR=127.0.0.1:$FERRETDB_PORT
TEIXIT_DATA_DIR=$CLUSTER_DIR/ferretdb
TEIXIT_LOG_FORMAT=text
ENV
  start_bg ferretdb "$CLUSTER_DIR/ferretdb.env" "$TEIXIT_BIN" ferretdb
  wait_port "$FERRETDB_PORT" ferretdb
}

# start_s3 runs versitygw over $CLUSTER_DIR/s3 (each folder in it is a bucket) and waits for its port.
start_s3() {
  start_bg s3 "" "$(versitygw_bin)" --access "$S3_ACCESS_KEY" --secret "$S3_SECRET_KEY" \
    --port "127.0.0.1:$S3_PORT" --quiet posix "$CLUSTER_DIR/s3"
  wait_port "$S3_PORT" s3
}

# node_count is how many nodes up.sh configured.
node_count() { ls "$CLUSTER_DIR"/node*.env 2>/dev/null | wc -l; }
