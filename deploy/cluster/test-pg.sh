#!/usr/bin/env bash
# test-pg.sh [go test args…] — run Go tests against FerretDB on PostgreSQL: brings up PostgreSQL and one
# `teixit ferretdb` (up.sh with STORE_ONLY=1, free ports, a temporary folder), points the suite at it through
# TEIXIT_TEST_MONGODB_URI, and takes the store down whatever the result. `make test-pg` calls it.
. "$(dirname "$0")/lib.sh"
export CLUSTER_DIR STORE_ONLY=1 PG_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
CLUSTER_DIR=$(mktemp -d /tmp/teixit-pg-XXXXXX)
rmdir "$CLUSTER_DIR"
PG_PORT=$(free_port)
FERRETDB_PORT=$(free_port)
export PG_PORT FERRETDB_PORT
trap '"$here/down.sh"' EXIT
"$here/up.sh"
cd "$repo"
TEIXIT_TEST_MONGODB_URI="mongodb://127.0.0.1:$FERRETDB_PORT/" go test "$@"
