#!/usr/bin/env bash
# Measures cardgen on synthetic sets and prints the table of docs/performance.md:
# wall time, time per card, peak RSS and output size of a cold build (no
# cache), a rebuild after one edited card (cache filled), and validate cold
# and warm. Each figure is the median of RUNS runs.
#
#   tools/bench.sh                       # 1k 10k 100k 300k, 3 runs each
#   SIZES="1000 100000" RUNS=5 tools/bench.sh
#
# Needs GNU time (/usr/bin/time). Sets are kept in $WORK (default
# /tmp/cardgen-bench) and reused, since generating 300k cards takes a while.
set -euo pipefail

SIZES=${SIZES:-"1000 10000 100000 300000"}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/cardgen-bench}
cd "$(dirname "$0")/.."

[ -x /usr/bin/time ] || { echo "bench.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p "$WORK"
go build -o "$WORK/cardgen" ./cmd/cardgen
CARDGEN="$WORK/cardgen"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3), load $(cut -d' ' -f1-3 /proc/loadavg)"

# measure CMD...: runs CMD and prints "wall_seconds peak_rss_kb".
measure() {
	/usr/bin/time -f "%e %M" -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/stderr.out" || {
		cat "$WORK/stderr.out" >&2
		return 1
	}
	cat "$WORK/time.out"
}

# median of RUNS measurements of CMD...; prepare (a function name or :) runs before each.
median() {
	local prepare=$1
	shift
	for _ in $(seq "$RUNS"); do
		$prepare
		measure "$@"
	done | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'
}

edit_one_card() {
	# A new first line in the first answer of the first topic file: one card changes.
	sed -i "0,/^answer = '''\$/s//answer = '''\nedit $RANDOM$RANDOM./" "$SET/cards/topic-00.toml"
}

human() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%.0f ms", s*1000; else printf "%.2f s", s }'; }
percard() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.1f µs", s/n*1e6 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k/1024 }'; }

printf '\n| cards | cold build | per card | peak RSS | output (apkg + csv + md) | rebuild after 1 edit | validate cold | validate warm |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for n in $SIZES; do
	SET="$WORK/set-$n"
	if [ ! -f "$SET/config.toml" ]; then
		go run ./tools/gencards -n "$n" -out "$SET" 2>/dev/null
	fi
	export CARDGEN_CACHE_DIR="$SET/cache"
	OUT="$SET/dist"
	# A first build writes the lock; every build below reads it, as in a deck's repository.
	"$CARDGEN" build --config "$SET/config.toml" --out "$OUT" -q
	read -r cold cold_rss < <(median : "$CARDGEN" build --config "$SET/config.toml" --out "$OUT" --no-cache -q)
	size=$(du -cb "$OUT"/synth.apkg "$OUT"/synth.csv "$OUT"/synth.md | tail -1 | cut -f1)
	"$CARDGEN" build --config "$SET/config.toml" --out "$OUT" -q # fills the cache
	read -r warm _ < <(median edit_one_card "$CARDGEN" build --config "$SET/config.toml" --out "$OUT" -q)
	read -r vcold _ < <(median : "$CARDGEN" validate --config "$SET/config.toml" --no-cache)
	"$CARDGEN" validate --config "$SET/config.toml" >/dev/null 2>&1
	read -r vwarm _ < <(median : "$CARDGEN" validate --config "$SET/config.toml")
	printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$(human "$cold")" "$(percard "$cold" "$n")" "$(mb "$cold_rss")" \
		"$(awk -v b="$size" 'BEGIN { printf "%.1f MB", b/1048576 }')" "$(human "$warm")" "$(human "$vcold")" "$(human "$vwarm")"
done
