#!/usr/bin/env bash
# The production topology on this one machine (make prod-local): a streaming replica of the
# running PostgreSQL primary in a second cluster, the portal's database on the primary, two
# gunicorn instances (DEBUG off) reading the replica for anonymous visitors, one task worker and
# the scheduler. Run as root (it drives the clusters as the postgres user). See deploy/README.md.
#
#   deploy/prod_local.sh up | status | stop | replica-check
#   deploy/prod_local.sh kill-app 1|2 | start-app 1|2 | kill-worker | start-worker | start-scheduler
#   deploy/prod_local.sh restart-primary | stop-replica | start-replica
#
# Everything is set by the environment (defaults in brackets): PY [.venv/bin/python],
# PROD_DB [portal_prod], PG_VERSION [15], PRIMARY_CLUSTER [main], PRIMARY_PORT [5432],
# REPLICA_CLUSTER [portal_replica], REPLICA_PORT [5433], APP_PORTS ["8101 8102"],
# REDIS_DB [0], PROD_LOCAL_DIR [~/.local/state/gcm-portal-prod-local: pid files, logs, the
# generated SECRET_KEY — never in the repository].
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
PROD_DB="${PROD_DB:-portal_prod}"
PG_VERSION="${PG_VERSION:-15}"
PRIMARY_CLUSTER="${PRIMARY_CLUSTER:-main}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_CLUSTER="${REPLICA_CLUSTER:-portal_replica}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
# The primary keeps the WAL the replica has not received yet in this replication slot, so that
# a replica stopped for a while (the soak's fault, or between runs) catches up when it starts;
# at most REPLICA_WAL_KEEP of it, after which the replica is rebuilt.
REPLICA_SLOT="${REPLICA_SLOT:-portal_replica}"
REPLICA_WAL_KEEP="${REPLICA_WAL_KEEP:-2GB}"
read -r -a APP_PORTS <<<"${APP_PORTS:-8101 8102}"
REDIS_DB="${REDIS_DB:-0}"
STATE="${PROD_LOCAL_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/gcm-portal-prod-local}"
ENV_FILE="$STATE/portal.env"
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"

say() { printf '%s\n' "prod-local: $*"; }
die() { printf '%s\n' "prod-local: error: $*" >&2; exit 1; }
as_postgres() { runuser -u postgres -- "$@"; }
psql_on() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres "${@:2}"; }

# --- The replica --------------------------------------------------------------------------------

primary_allows_replication() {
	# Streaming replication needs wal_level replica (PostgreSQL's default), WAL senders, and a
	# pg_hba.conf line for the replication pseudo-database. Only the last can be added without a
	# restart (a reload); the others are reported rather than changed behind anyone's back.
	local level senders hba
	level="$(psql_on "$PRIMARY_PORT" -tAc 'SHOW wal_level')"
	senders="$(psql_on "$PRIMARY_PORT" -tAc 'SHOW max_wal_senders')"
	[ "$level" != minimal ] || die "the primary has wal_level=minimal; set wal_level=replica and restart it"
	[ "$senders" -gt 0 ] || die "the primary has max_wal_senders=0; set it to 10 and restart it"
	hba="$(psql_on "$PRIMARY_PORT" -tAc 'SHOW hba_file')"
	if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32' "$hba"; then
		say "allowing replication from loopback in $hba (trust, as the other loopback lines) and reloading the primary"
		printf '\n# Added by deploy/prod_local.sh: the local streaming replica.\nhost replication postgres 127.0.0.1/32 trust\n' >>"$hba"
		psql_on "$PRIMARY_PORT" -tAc 'SELECT pg_reload_conf()' >/dev/null
	fi
}

replica_exists() { pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$REPLICA_CLUSTER" '$1 == v && $2 == c' | grep -q .; }

create_replica() {
	primary_allows_replication
	say "creating the cluster $PG_VERSION/$REPLICA_CLUSTER on port $REPLICA_PORT as a streaming replica"
	pg_createcluster "$PG_VERSION" "$REPLICA_CLUSTER" -p "$REPLICA_PORT" >/dev/null
	local data
	data="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$REPLICA_CLUSTER" '$1 == v && $2 == c {print $6}')"
	# The fresh cluster's own files give way to a copy of the primary; -R writes standby.signal
	# and primary_conninfo, -X stream copies the WAL written meanwhile.
	find "$data" -mindepth 1 -delete
	if [ "$(psql_on "$PRIMARY_PORT" -tAc 'SHOW max_slot_wal_keep_size')" = "-1" ]; then
		say "bounding the WAL the primary keeps for replication slots to $REPLICA_WAL_KEEP (reload)"
		psql_on "$PRIMARY_PORT" -tAc "ALTER SYSTEM SET max_slot_wal_keep_size = '$REPLICA_WAL_KEEP'" >/dev/null
		psql_on "$PRIMARY_PORT" -tAc 'SELECT pg_reload_conf()' >/dev/null
	fi
	psql_on "$PRIMARY_PORT" -tAc "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$REPLICA_SLOT'" >/dev/null
	as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$data" -R -X stream -c fast \
		-C -S "$REPLICA_SLOT"
	chmod 700 "$data"
	# The replica lets in the clients the primary lets in (Debian keeps pg_hba.conf in /etc).
	install -o postgres -g postgres -m 640 "$(psql_on "$PRIMARY_PORT" -tAc 'SHOW hba_file')" \
		"/etc/postgresql/$PG_VERSION/$REPLICA_CLUSTER/pg_hba.conf"
}

replica_streams() {
	# The replica receives the primary's WAL (a replica whose WAL the primary no longer has
	# answers queries but never catches up).
	for _ in $(seq 20); do
		[ "$(psql_on "$REPLICA_PORT" -tAc 'SELECT status FROM pg_stat_wal_receiver' 2>/dev/null)" = streaming ] && return 0
		sleep 1
	done
	return 1
}

start_replica() {
	replica_exists || create_replica
	pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" start 2>/dev/null || true
	for _ in $(seq 30); do
		if psql_on "$REPLICA_PORT" -tAc 'SELECT 1' >/dev/null 2>&1; then
			replica_streams && return 0
			[ "${1:-}" != rebuilt ] || die "the rebuilt replica does not stream; see /var/log/postgresql/postgresql-$PG_VERSION-$REPLICA_CLUSTER.log"
			say "the replica fell behind what the primary keeps: rebuilding it"
			pg_dropcluster --stop "$PG_VERSION" "$REPLICA_CLUSTER"
			start_replica rebuilt
			return
		fi
		sleep 1
	done
	die "the replica did not start; see /var/log/postgresql/postgresql-$PG_VERSION-$REPLICA_CLUSTER.log"
}

stop_replica() { replica_exists && pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" stop -m fast 2>/dev/null || true; }

replica_check() {
	# A write on the primary appears on the replica: the replica has replayed the primary's WAL
	# up to the position just after a write.
	psql_on "$PRIMARY_PORT" -d postgres -c 'CREATE TABLE IF NOT EXISTS prod_local_probe (at timestamptz)' \
		-c 'INSERT INTO prod_local_probe VALUES (now())'
	local written seen
	written="$(psql_on "$PRIMARY_PORT" -d postgres -tAc 'SELECT max(at) FROM prod_local_probe')"
	for _ in $(seq 20); do
		seen="$(psql_on "$REPLICA_PORT" -d postgres -tAc 'SELECT max(at) FROM prod_local_probe' 2>/dev/null || true)"
		if [ "$seen" = "$written" ]; then
			say "replica: in recovery=$(psql_on "$REPLICA_PORT" -tAc 'SELECT pg_is_in_recovery()'), the write of $written is there"
			psql_on "$PRIMARY_PORT" -d postgres -c 'DROP TABLE prod_local_probe'
			return 0
		fi
		sleep 0.5
	done
	die "the write of $written did not reach the replica (it shows '${seen:-nothing}')"
}

# --- The portal ---------------------------------------------------------------------------------

write_env() {
	mkdir -p "$STATE"
	chmod 700 "$STATE"
	[ -s "$STATE/secret_key" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$STATE/secret_key"
	chmod 600 "$STATE/secret_key"
	local replicas=""
	[ "${NO_REPLICA:-0}" = 1 ] || replicas="postgres://postgres@127.0.0.1:$REPLICA_PORT/$PROD_DB"
	cat >"$ENV_FILE" <<-EOF
		DEBUG=0
		SECRET_KEY=$(cat "$STATE/secret_key")
		ALLOWED_HOSTS=127.0.0.1,localhost
		SITE_URL=http://127.0.0.1:${APP_PORTS[0]}
		SECURE_SSL_REDIRECT=0
		SECURE_COOKIES=0
		SECURE_HSTS_SECONDS=0
		DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/$PROD_DB
		DATABASE_REPLICA_URLS=$replicas
		DATABASE_CONNECT_TIMEOUT=3
		CACHE_URL=redis://127.0.0.1:6379/$REDIS_DB
		REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB
		EMAIL_URL=consolemail://
		LOG_FORMAT=json
		TASK_LEASE_SECONDS=${TASK_LEASE_SECONDS:-30}
		API_THROTTLE_ANON=${API_THROTTLE_ANON:-100000/min}
		API_THROTTLE_USER=${API_THROTTLE_USER:-100000/min}
		MEDIA_ROOT=$STATE/media
	EOF
	chmod 600 "$ENV_FILE"
}

manage() { (cd "$ROOT" && ENV_FILE="$ENV_FILE" "$PY" manage.py "$@"); }

prepare_database() {
	if ! psql_on "$PRIMARY_PORT" -d "$PROD_DB" -tAc 'SELECT 1' >/dev/null 2>&1; then
		say "creating the database $PROD_DB on the primary"
		as_postgres createdb -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres "$PROD_DB"
	fi
	manage migrate --no-input -v0
	manage load_reference -v0
	if [ "$(psql_on "$PRIMARY_PORT" -d "$PROD_DB" -tAc 'SELECT count(*) FROM reviews_pledge')" = 0 ]; then
		# seed_demo refuses to run with DEBUG off unless told explicitly (when it has the flag).
		local flag
		flag="$(manage seed_demo --help | grep -Eo -- '--allow[a-z-]*debug[a-z-]*' | head -n1 || true)"
		if [ -n "$flag" ]; then
			manage seed_demo "$flag"
		else
			(cd "$ROOT" && ENV_FILE="$ENV_FILE" DEBUG=1 "$PY" manage.py seed_demo)
		fi
	fi
	# Compressing every static file takes minutes on a busy machine: only when one changed.
	local manifest="$ROOT/staticfiles/staticfiles.json"
	if [ ! -s "$manifest" ] || [ -n "$(find "$ROOT/static" -newer "$manifest" -type f -print -quit)" ]; then
		manage collectstatic --no-input -v0
	fi
}

# Each process runs in a session of its own (setsid), so that a kill reaches it and its children.
start_process() {
	local name="$1"
	shift
	if running "$name"; then
		# The state directory is per user, not per checkout: a process started from another
		# checkout, or from other code in this one, would answer for code it does not run.
		if [ "$(cat "$STATE/$name.code" 2>/dev/null)" = "$(code_fingerprint)" ]; then
			say "$name is already running (pid $(cat "$STATE/$name.pid"))"
			return 0
		fi
		say "$name runs other code ($(cat "$STATE/$name.code" 2>/dev/null || echo unknown)): restarting it"
		stop_process "$name"
	fi
	rm -f "$STATE/$name.pid"
	code_fingerprint >"$STATE/$name.code"
	# The new session's first process writes its own pid (= its process group) and becomes the
	# command, so that the pid file names the command itself, not a shell around it.
	(cd "$ROOT" && ENV_FILE="$ENV_FILE" setsid -f sh -c 'echo $$ >"$0"; exec "$@"' "$STATE/$name.pid" "$@" \
		>>"$STATE/$name.log" 2>&1 </dev/null)
	for _ in $(seq 20); do [ -s "$STATE/$name.pid" ] && break; sleep 0.1; done
	say "$name started (pid $(cat "$STATE/$name.pid"), log $STATE/$name.log)"
}

running() { [ -s "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

# Which code a process runs: the checkout, its commit and a digest of its uncommitted changes.
code_fingerprint() {
	printf '%s@%s+%s\n' "$ROOT" "$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo none)" \
		"$( (git -C "$ROOT" diff HEAD && git -C "$ROOT" status --porcelain) 2>/dev/null | sha1sum | cut -c1-12)"
}

stop_process() {
	local name="$1" signal="${2:-TERM}" pid
	running "$name" || { rm -f "$STATE/$name.pid"; return 0; }
	pid="$(cat "$STATE/$name.pid")"
	kill "-$signal" -- "-$pid" 2>/dev/null || kill "-$signal" "$pid" 2>/dev/null || true
	for _ in $(seq 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
	rm -f "$STATE/$name.pid"
	say "$name stopped ($signal)"
}

app_port() {
	case "$1" in
	1 | 2) echo "${APP_PORTS[$(($1 - 1))]}" ;;
	*) die "which app server: 1 or 2, not '$1'" ;;
	esac
}

start_app() {
	local port
	port="$(app_port "$1")"
	# gunicorn reads its own settings from the real environment, not from the portal's env file.
	LOG_FORMAT=json GUNICORN_BIND="127.0.0.1:$port" GUNICORN_PROC_NAME="portal-web-$1" \
		start_process "app$1" "$PY" -m gunicorn portal.wsgi --config deploy/gunicorn.conf.py
	wait_ready "$port"
}

wait_ready() {
	for _ in $(seq 60); do
		"$PY" -c "import sys, urllib.request; urllib.request.urlopen('http://127.0.0.1:$1/readyz', timeout=2)" 2>/dev/null && return 0
		sleep 0.5
	done
	say "warning: http://127.0.0.1:$1/readyz is not ready yet"
}

start_worker() { start_process worker "$PY" manage.py db_worker --no-reload; }
start_scheduler() { start_process scheduler "$PY" manage.py crontask --no-heartbeat; }

status() {
	local name port
	for name in app1 app2 worker scheduler; do
		if running "$name"; then
			printf '  %-10s running (pid %s)' "$name" "$(cat "$STATE/$name.pid")"
			case "$name" in
			app1 | app2)
				port="$(app_port "${name#app}")"
				printf '  http://127.0.0.1:%s/readyz → %s' "$port" \
					"$("$PY" -c "import urllib.request as u
try: print(u.urlopen('http://127.0.0.1:$port/readyz', timeout=3).status)
except Exception as e: print(getattr(e, 'code', e))")"
				;;
			esac
			printf '\n'
		else
			printf '  %-10s stopped\n' "$name"
		fi
	done
	local lag
	if lag="$(psql_on "$REPLICA_PORT" -tAc "SELECT pg_is_in_recovery(), coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp())), 0)" 2>/dev/null)"; then
		printf '  %-10s port %s, in recovery|seconds since the last replayed write: %s\n' replica "$REPLICA_PORT" "$lag"
	else
		printf '  %-10s port %s, not answering\n' replica "$REPLICA_PORT"
	fi
	printf '  %-10s port %s, %s\n' primary "$PRIMARY_PORT" \
		"$(psql_on "$PRIMARY_PORT" -tAc "SELECT count(*) || ' streaming replica(s)' FROM pg_stat_replication" 2>/dev/null || echo 'not answering')"
}

up() {
	[ "$(id -u)" = 0 ] || die "run as root: it creates and starts a PostgreSQL cluster as the postgres user"
	[ -x "$PY" ] || die "no Python at $PY (make venv, or PY=/path/to/python)"
	write_env
	prepare_database
	[ "${NO_REPLICA:-0}" = 1 ] || start_replica
	start_app 1
	start_app 2
	start_worker
	start_scheduler
	status
}

stop() {
	local name
	for name in scheduler worker app2 app1; do stop_process "$name"; done
	[ "${KEEP_REPLICA:-0}" = 1 ] || stop_replica
}

case "${1:-up}" in
up) up ;;
status) status ;;
stop) stop ;;
replica-check) replica_check ;;
kill-app) stop_process "app$(app_port "${2:-}" >/dev/null && echo "$2")" KILL ;;
start-app) start_app "${2:-}" ;;
kill-worker) stop_process worker KILL ;;
start-worker) start_worker ;;
start-scheduler) start_scheduler ;;
restart-primary) pg_ctlcluster "$PG_VERSION" "$PRIMARY_CLUSTER" restart -m fast ;;
stop-replica) stop_replica ;;
start-replica) start_replica ;;
*) die "unknown command '$1' (up, status, stop, replica-check, kill-app N, start-app N, kill-worker, start-worker, start-scheduler, restart-primary, stop-replica, start-replica)" ;;
esac
