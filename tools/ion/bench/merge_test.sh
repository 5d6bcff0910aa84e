#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ion_bench's offline side, on made-up runs whose answer is known: it builds
# without warnings, --merge writes each figure as the median across the runs
# and takes the ION / DMA-BUF ratio within each run before the median (a run
# that is slow as a whole must cancel out), gives the runs' lowest and
# highest ratio, and judges the targets on that median.
#
#   tools/ion/bench/merge_test.sh [OUT_DIR]     default OUT_DIR: build/bench
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../../build/bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s -C "$here" OUT="$out" CFLAGS="-O2 -g -Werror"
bench=$out/ion_bench

# run ION warm, DMA warm, ION cold, DMA cold (microseconds at 1 MiB)
run()
{
	echo "allocator,pool_state,op,size,median_us,p10_us,p90_us,n"
	echo "ion:ion_system_heap,warm,alloc,1048576,$1,$1,$1,15"
	echo "dma-heap:system,warm,alloc,1048576,$2,$2,$2,15"
	echo "ion:ion_system_heap,cold,alloc,1048576,$3,$3,$3,15"
	echo "dma-heap:system,cold,alloc,1048576,$4,$4,$4,15"
}

fail()
{
	echo "merge_test: $*"
	echo "---- output"
	cat "$tmp/out"
	exit 1
}

# Per-run ratios: warm 0.10, 0.20, 0.30; cold 1.00, 0.80, 1.07.  The ratio
# of the merged medians would say warm 0.20 but cold 0.80.
run 10 100 100 100 >"$tmp/1.csv"
run 20 100 200 250 >"$tmp/2.csv"
run 30 100 300 280 >"$tmp/3.csv"
"$bench" -m 1M --merge "$tmp/merged.csv" "$tmp"/[123].csv >"$tmp/out"

grep -q '^dma-heap:system,cold,alloc,1048576,250.00,' "$tmp/merged.csv" ||
	fail "merged.csv: the DMA-BUF heap's cold median is not 250"
grep -q "median of the 3 runs' ratios" "$tmp/out" || fail "no per-run ratio table"
grep -Eq '^ +1M +0\.20 +1\.00( |$)' "$tmp/out" || fail "ratios are not warm 0.20, cold 1.00"
grep -Eq '^ +1M +0\.10-0\.30 +0\.80-1\.07( |$)' "$tmp/out" || fail "ranges are not 0.10-0.30, 0.80-1.07"
grep -q 'warm ratio <= 0.50: met at all 1 sizes; cold ratio <= 1.05 .*: met at all 1 sizes' \
	"$tmp/out" || fail "targets not judged met"

# Cold ratios 1.00, 1.10, 1.07: the median, 1.07, misses the cold target.
run 10 100 110 100 >"$tmp/2.csv"
"$bench" -m 1M --merge "$tmp/merged.csv" "$tmp"/[123].csv >"$tmp/out"
grep -q 'cold ratio <= 1.05 .*: NOT met at 1 of 1 sizes' "$tmp/out" ||
	fail "a cold median of 1.07 was judged met"

# --report on one run: the ratio of its medians.
"$bench" -m 1M --report "$tmp/2.csv" >"$tmp/out"
grep -Eq '^ +1M +0\.10 +1\.10( |$)' "$tmp/out" || fail "--report: ratios are not 0.10, 1.10"
echo "merge_test: ok"
