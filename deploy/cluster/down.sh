#!/usr/bin/env bash
# down.sh — stop everything up.sh started (nodes gracefully first) and remove $CLUSTER_DIR (KEEP=1 keeps it).
. "$(dirname "$0")/lib.sh"
[ -d "$CLUSTER_DIR" ] || exit 0
if [ -f "$CLUSTER_DIR/nginx.pid" ]; then
  kill -QUIT "$(cat "$CLUSTER_DIR/nginx.pid")" 2>/dev/null || true
fi
pids=()
for f in "$CLUSTER_DIR"/node*.pid; do
  [ -e "$f" ] || continue
  n=$(basename "$f" .pid)
  stop_bg "$n" TERM &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
stop_bg s3 TERM
stop_bg ferretdb TERM
if [ -f "$CLUSTER_DIR/pg/postmaster.pid" ]; then
  as_pg "$(pg_bin)/pg_ctl" -D "$CLUSTER_DIR/pg" -m fast -w stop >/dev/null || true
fi
[ -n "${KEEP:-}" ] || rm -rf "$CLUSTER_DIR"
