#!/usr/bin/env bash
# Central store benchmarks, whole processes, against a throwaway PostgreSQL cluster on loopback (the Debian
# postgresql package's server, run as the postgres user under root; fsync and synchronous commit on, as shipped):
#  1. ingest: `repro push` of one run of SCALARS scalars (default 10,000,000 over four metrics), in scalars/s, against
#     the baseline of the same server loading the same number of scalars as one row each with server-side COPY from a
#     file (no client, no network), measured in the same run; and the bytes each layout takes on disk per scalar;
#  2. shipping lag: a training loop at RATES scalars/s (default "10000 100000") shipped live, the store's staleness.
# Usage: eng/benchmarks/postgres-ingest.sh [scalars] [rates]   (KEEP=1 keeps the work folder)
set -euo pipefail
scalars=${1:-10000000}
rates=${2-"10000 100000"}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d); chmod 755 "$work"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
cleanup() { as_pg "$bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
as_pg "$bin/initdb" -D "$work/pg/data" -U repro --auth=trust --no-locale -E UTF8 >/dev/null
as_pg "$bin/pg_ctl" -D "$work/pg/data" -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$work/pg -c max_wal_size=4GB" -l "$work/pg/log" -w start >/dev/null
url="postgres://repro@127.0.0.1:$port/postgres"
psql() { "$bin/../bin/psql" -h 127.0.0.1 -p "$port" -U repro -d postgres -qAt "$@" 2>/dev/null || as_pg /usr/bin/psql -h 127.0.0.1 -p "$port" -U repro -d postgres -qAt "$@"; }
dotnet build "$root/tools/Repro.Cli" -c Release -nologo -v:q >/dev/null
repro=(dotnet "$root/artifacts/bin/Repro.Cli/release/repro.dll")
dotnet build "$root/eng/benchmarks/ScalarWriter" -c Release -nologo -v:q -o "$work/writer" >/dev/null
dotnet build "$root/eng/benchmarks/StoreLag" -c Release -nologo -v:q -o "$work/lag" >/dev/null
export REPRO_HOME="$work/home"
run=$(dotnet "$work/writer/ScalarWriter.dll" "$scalars" 4 -1 | tail -1)
"${repro[@]}" store migrate --store "$url"
cat "$REPRO_HOME/runs/$run/wal/"* > /dev/null
/usr/bin/time -f "%e %U %S" -o "$work/push.time" "${repro[@]}" push "$run" --store "$url"
read -r push push_user push_system < "$work/push.time"
stored=$(psql -c "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'repro.scalars'::regclass")
psql -c "CREATE TABLE row_per_scalar (run_id text NOT NULL, metric_id int NOT NULL, sequence bigint NOT NULL, step bigint NOT NULL, time_unix_nanos bigint NOT NULL, value double precision NOT NULL, PRIMARY KEY (run_id, sequence))"
psql -c "COPY (SELECT '$run', i % 4, i, i / 4, 1700000000000000000 + i * 1000, sin(i * 1e-3) FROM generate_series(1::bigint, $scalars::bigint) i) TO '$work/pg/rows.csv' (FORMAT csv)"
start=$(date +%s.%N); psql -c "COPY row_per_scalar FROM '$work/pg/rows.csv' (FORMAT csv)"; end=$(date +%s.%N)
baseline=$(echo "$end - $start" | bc)
rows=$(psql -c "SELECT pg_total_relation_size('row_per_scalar')")
echo "ingest of $scalars scalars: repro push ${push} s = $(echo "$scalars / $push" | bc) scalars/s; row-per-scalar server-side COPY ${baseline} s = $(echo "$scalars / $baseline" | bc) scalars/s; ratio push/COPY time $(echo "scale=3; $push / $baseline" | bc)"
echo "repro push client CPU: ${push_user} s user, ${push_system} s system (the rest of the ${push} s is the server)"
echo "on disk (table, TOAST and indexes): repro.scalars $(echo "scale=1; $stored / $scalars" | bc) bytes/scalar; row per scalar $(echo "scale=1; $rows / $scalars" | bc) bytes/scalar"
for rate in $rates; do
  dotnet "$work/lag/StoreLag.dll" "$url" "$rate" 30
done
