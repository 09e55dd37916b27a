# pg.sh - a throwaway PostgreSQL server for the end-to-end tests (sourced
# after lib.sh, which provides $tmp, skip and fail).
#
# pg_start: initdb in $tmp/pg, a server listening on 127.0.0.1 only (and a
# socket in $tmp/pg), trust authentication for the test user `tl`, a
# database `traplab`; sets PG_URL and PG_PORT. Runs the server as the
# `postgres` user when we are root (initdb refuses root), else as us.
# The server is stopped by pg_stop, which the EXIT trap calls.
# Skips (77) when Debian's postgresql package is not installed.

pg_bin=
for d in /usr/lib/postgresql/*/bin; do
	[ -x "$d/initdb" ] && pg_bin=$d
done

pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_stop() {
	[ -n "${PG_DATA:-}" ] && [ -f "$PG_DATA/postmaster.pid" ] &&
		pg_as "$pg_bin/pg_ctl" -D "$PG_DATA" -m immediate -w stop \
			>/dev/null 2>&1
	PG_DATA=
}

pg_start() {
	[ -n "$pg_bin" ] || skip "PostgreSQL server missing (apt-get install postgresql)"
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		skip "running as root without a postgres user to run the server"
	fi
	local dir=$tmp/pg port i
	chmod 755 "$tmp"
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	PG_DATA=$dir/data
	pg_as "$pg_bin/initdb" -D "$PG_DATA" -A trust -U tl -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log"; fail "initdb"; }
	for i in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 12000))
		if pg_as "$pg_bin/pg_ctl" -D "$PG_DATA" -l "$dir/server.log" \
			-w -t 30 -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=40" \
			start >/dev/null 2>&1; then
			PG_PORT=$port
			break
		fi
	done
	[ -n "${PG_PORT:-}" ] || { tail "$dir/server.log"; fail "PostgreSQL did not start"; }
	trap 'pg_stop; rm -rf "$tmp"' EXIT
	"$pg_bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U tl traplab ||
		fail "createdb"
	PG_URL="postgres://tl@127.0.0.1:$PG_PORT/traplab"
	export PG_URL PG_PORT
}

# pg_sql SQL: one query against the test database, unaligned output.
pg_sql() {
	"$pg_bin/psql" -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U tl -d traplab \
		-v ON_ERROR_STOP=1 -c "$1"
}
