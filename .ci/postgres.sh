# Start a throw-away PostgreSQL server on 127.0.0.1 for the app-state tests and
# export RASHINBAN_TEST_POSTGRES_URL. Sourced by .ci/run; stops the server on exit.
# Uses Debian's postgresql package (installed here if missing).

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ]; then
    for attempt in 1 2 3; do
        if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; then
            break
        fi
        echo "apt-get failed (attempt $attempt); retrying" >&2
        sleep $((attempt * 15))
    done
fi
PG_BIN="$(pg_bin)"
if [ -z "$PG_BIN" ]; then
    echo "PostgreSQL could not be installed" >&2
    exit 1
fi

PG_DIR="$(mktemp -d /tmp/rashinban-pg.XXXXXX)"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
if [ "$(id -u)" = "0" ]; then
    # initdb refuses to run as root: the package's postgres user owns the cluster.
    chown postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
else
    PG_AS=()
fi
"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >/dev/null
"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null

pg_stop() { "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap pg_stop EXIT

"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres rashinban_test
# A plain libpq URL: Ibis connects with it as is, the app-state store maps it to psycopg.
export RASHINBAN_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/rashinban_test"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT" >&2
