#!/usr/bin/env bash
# restore.sh SRC — put the cluster back to a backup made by backup.sh: stop the nodes, the store and the S3
# gateway; replace the database and the bucket; start them again; rebuild every node's search index from the
# restored store (`teixit reindex`) and start the nodes.
. "$(dirname "$0")/lib.sh"
src=${1:?backup folder}
[ -f "$src/store.dump" ] && [ -d "$src/bucket" ] || { echo "$src holds no store.dump and bucket/" >&2; exit 1; }
n=$(node_count)
pids=()
for i in $(seq "$n"); do "$here/node.sh" stop "$i" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done
echo "$(date +%T) nodes stopped"
stop_bg ferretdb TERM
stop_bg s3 TERM
pgbin=$(pg_bin)
"$pgbin/dropdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres --if-exists teixit
"$pgbin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres teixit
"$pgbin/pg_restore" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d teixit --no-owner "$src/store.dump"
rm -rf "$CLUSTER_DIR/s3/$S3_BUCKET"
cp -a "$src/bucket" "$CLUSTER_DIR/s3/$S3_BUCKET"
echo "$(date +%T) store and bucket restored"
start_ferretdb
start_s3
echo "$(date +%T) store and bucket serving"
pids=()
for i in $(seq "$n"); do
  (
    (
      set -a
      # shellcheck disable=SC1090
      . "$CLUSTER_DIR/node$i.env"
      set +a
      "$TEIXIT_BIN" reindex >>"$CLUSTER_DIR/node$i.log" 2>&1
    )
    echo "$(date +%T) node $i reindexed"
    "$here/node.sh" start "$i"
  ) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
echo "restored from $src; $n nodes reindexed and started"
