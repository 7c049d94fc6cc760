#!/usr/bin/env bash
# node.sh start|stop|kill I — start node I (settings kept by up.sh in $CLUSTER_DIR/nodeI.env), stop it
# gracefully (SIGTERM), or kill it hard (SIGKILL, as a crash would).
. "$(dirname "$0")/lib.sh"
cmd=${1:?start, stop or kill}; i=${2:?node number}
case $cmd in
  start)
    start_bg "node$i" "$CLUSTER_DIR/node$i.env" "$TEIXIT_BIN" serve
    wait_ready "http://127.0.0.1:$(node_port "$i")" "node$i" ;;
  stop) stop_bg "node$i" TERM ;;
  kill) stop_bg "node$i" KILL ;;
  *) echo "usage: node.sh start|stop|kill I" >&2; exit 2 ;;
esac
