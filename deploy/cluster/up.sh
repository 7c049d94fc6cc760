#!/usr/bin/env bash
# up.sh — a whole Teixit cluster on this machine, loopback only: PostgreSQL (initdb in $CLUSTER_DIR), one
# `teixit ferretdb`, versitygw (S3) with a bucket, $NODES `teixit serve` nodes sharing them and a secret, and
# an nginx round-robin front on $FRONT_PORT. down.sh takes it all down. Settings: lib.sh.
. "$(dirname "$0")/lib.sh"

[ -x "$TEIXIT_BIN" ] || { echo "build the binary first (make backend) or set TEIXIT_BIN" >&2; exit 1; }
if [ -e "$CLUSTER_DIR/pg" ]; then echo "$CLUSTER_DIR already holds a cluster: run down.sh first" >&2; exit 1; fi
mkdir -p "$CLUSTER_DIR"
chmod 0755 "$CLUSTER_DIR"

# PostgreSQL: its own folder, owned by the account it runs as; TCP on 127.0.0.1 only.
pgbin=$(pg_bin)
mkdir -p "$CLUSTER_DIR/pg" "$CLUSTER_DIR/pg-run"
[ "$(id -u)" = 0 ] && chown "$(pg_user):" "$CLUSTER_DIR/pg" "$CLUSTER_DIR/pg-run"
as_pg "$pgbin/initdb" -D "$CLUSTER_DIR/pg" -U postgres -A trust -E UTF8 --locale=C >"$CLUSTER_DIR/initdb.log"
touch "$CLUSTER_DIR/postgres.log"
[ "$(id -u)" = 0 ] && chown "$(pg_user):" "$CLUSTER_DIR/postgres.log"
as_pg "$pgbin/pg_ctl" -D "$CLUSTER_DIR/pg" -l "$CLUSTER_DIR/postgres.log" -w -t 60 \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $CLUSTER_DIR/pg-run -c max_connections=300 $PG_OPTS" start >/dev/null
as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres teixit

# One FerretDB for the database (never two: they would not see each other's new collections).
start_ferretdb

if [ -n "$STORE_ONLY" ]; then
  echo "store: mongodb://127.0.0.1:$FERRETDB_PORT/ (FerretDB on PostgreSQL 127.0.0.1:$PG_PORT)"
  exit 0
fi

# S3: versitygw over a folder, and the bucket.
mkdir -p "$CLUSTER_DIR/s3"
start_s3
curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
  -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
  -X PUT "http://127.0.0.1:$S3_PORT/$S3_BUCKET" -o /dev/null # (the header: SHA-256 of the empty body)

# The nodes: one secret, one store, one bucket; each its own data folder (search index) and port.
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
upstreams=""
for i in $(seq "$NODES"); do
  port=$(node_port "$i")
  cat >"$CLUSTER_DIR/node$i.env" <<ENV
TEIXIT_ADDR=127.0.0.1:$port
TEIXIT_DATA_DIR=$CLUSTER_DIR/node$i
TEIXIT_MONGODB_URI=$NODE_STORE_URI
TEIXIT_SECRET=$secret
TEIXIT_BASE_URL=http://127.0.0.1:$FRONT_PORT
TEIXIT_INTERNAL_URL=http://127.0.0.1:$port
TEIXIT_TRUSTED_PROXIES=127.0.0.1
TEIXIT_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
TEIXIT_S3_BUCKET=$S3_BUCKET
TEIXIT_S3_ACCESS_KEY=$S3_ACCESS_KEY
TEIXIT_S3_SECRET_KEY=$S3_SECRET_KEY
TEIXIT_S3_PATH_STYLE=true
TEIXIT_RTC_UDP_ADDR=127.0.0.1
TEIXIT_RTC_UDP_PORT=0
TEIXIT_TURN_PORT=-1
TEIXIT_LOG_LEVEL=${NODE_LOG_LEVEL:-warn}
TEIXIT_LOG_FORMAT=text
ENV
  # NODE_EXTRA_ENV: more settings for every node, space-separated (tests raise the sign-up limit this way).
  for kv in ${NODE_EXTRA_ENV:-}; do echo "$kv" >>"$CLUSTER_DIR/node$i.env"; done
  upstreams="$upstreams    server 127.0.0.1:$port max_fails=1 fail_timeout=2s;
"
done
# The first node runs the migrations alone; the others then start together.
"$here/node.sh" start 1
pids=()
for i in $(seq 2 "$NODES"); do "$here/node.sh" start "$i" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done

# nginx: round-robin over the nodes, WebSockets upgraded, the client's address passed on, /internal/ refused.
mkdir -p "$CLUSTER_DIR/nginx"
chmod 0777 "$CLUSTER_DIR/nginx"
cat >"$CLUSTER_DIR/nginx.conf" <<CONF
worker_processes 1;
pid $CLUSTER_DIR/nginx.pid;
error_log $CLUSTER_DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $CLUSTER_DIR/nginx/body;
  proxy_temp_path $CLUSTER_DIR/nginx/proxy;
  fastcgi_temp_path $CLUSTER_DIR/nginx/fastcgi;
  uwsgi_temp_path $CLUSTER_DIR/nginx/uwsgi;
  scgi_temp_path $CLUSTER_DIR/nginx/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream teixit {
$upstreams    keepalive 32;
  }
  server {
    listen 127.0.0.1:$FRONT_PORT;
    client_max_body_size 30m;
    # Node-to-node routes (the live relay) stay on the private network: refused here whatever the spelling
    # (nginx matches the decoded, normalised path; the nodes route case-insensitively).
    location ~* ^/+internal(/|\$) { return 404; }
    location / {
      proxy_pass http://teixit;
      proxy_http_version 1.1;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_read_timeout 1h;
      proxy_buffering off;
    }
  }
}
CONF
nginx -e "$CLUSTER_DIR/nginx-error.log" -p "$CLUSTER_DIR/nginx" -c "$CLUSTER_DIR/nginx.conf"
wait_ready "http://127.0.0.1:$FRONT_PORT" nginx-error
echo "Teixit cluster up: http://127.0.0.1:$FRONT_PORT ($NODES nodes on 127.0.0.1:$NODE_BASE_PORT…, store mongodb://127.0.0.1:$FERRETDB_PORT/, S3 http://127.0.0.1:$S3_PORT/$S3_BUCKET)"
