#!/usr/bin/env bash
# backup.sh DEST — back the cluster up while it runs: the store as a PostgreSQL custom-format dump (pg_dump
# takes a consistent snapshot; FerretDB keeps every collection and index in the database) and a copy of the
# bucket. The search indexes are not backed up: they are rebuilt from the store (`teixit reindex`).
# With a real S3 service, copy the bucket with its own tools (rclone sync, aws s3 sync, bucket versioning).
. "$(dirname "$0")/lib.sh"
dest=${1:?destination folder}
mkdir -p "$dest"
"$(pg_bin)/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Fc -f "$dest/store.dump" teixit
# Blobs are content-addressed and never change, so copying after the dump can only add unreferenced
# files, never miss one the dump references (blobs are stored before the records that name them).
rm -rf "$dest/bucket"
cp -a "$CLUSTER_DIR/s3/$S3_BUCKET" "$dest/bucket"
echo "backed up to $dest: store.dump ($(du -h "$dest/store.dump" | cut -f1)), bucket/ ($(find "$dest/bucket" -type f | wc -l) files)"
