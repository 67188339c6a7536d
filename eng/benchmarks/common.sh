# Sourced by the whole-process benchmarks here: builds the repro CLI in Release and defines `repro` (the command, as
# an array), `root` (the checkout) and `work` (a fresh folder, removed on exit unless KEEP=1) with REPRO_HOME in it.
# `build_scalar_writer` builds eng/benchmarks/ScalarWriter into $work/writer for the scripts that need long runs.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dotnet build "$root/tools/Repro.Cli" -c Release -nologo -v:q >/dev/null
repro=(dotnet "$root/artifacts/bin/Repro.Cli/release/repro.dll")
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export REPRO_HOME="$work/home"
build_scalar_writer() { dotnet build "$root/eng/benchmarks/ScalarWriter" -c Release -nologo -v:q -o "$work/writer" >/dev/null; }
# `write_run SCALARS METRICS DISTURB_AT_STEP`: records a run with the built ScalarWriter (see its Program.cs) and prints its id.
write_run() { dotnet "$work/writer/ScalarWriter.dll" "$@" | tail -1; }
# `sine_run SCALARS`: builds the writer, records a run of SCALARS full-precision sines over four metrics and sets `run`,
# `wal` (its WAL folder), `wal_bytes` (the WAL's size) and `baseline` (sha256_seconds of the WAL): what the scripts
# measuring one long run start with.
sine_run() {
  build_scalar_writer
  run=$(write_run "$1" 4 -1)
  wal="$REPRO_HOME/runs/$run/wal"
  wal_bytes=$(bytes_of "$wal"/*.log)
  baseline=$(sha256_seconds "$wal"/*.log)
}
# `bytes_of FILE...`: their size together. `sha256_seconds FILE...`: seconds to read them once through sha256sum after
# a first read has put them in the page cache: the whole-process scripts' baseline for reading a log.
bytes_of() { du -cb "$@" | tail -1 | cut -f1; }
sha256_seconds() {
  local start end
  cat "$@" > /dev/null
  start=$(date +%s.%N); cat "$@" | sha256sum > /dev/null; end=$(date +%s.%N)
  echo "$end - $start" | bc
}
