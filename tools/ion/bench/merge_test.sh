#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ion_bench's offline side, on made-up runs whose answer is known: it builds
# without warnings, --merge writes each figure as the median across the runs
# and takes the ION / DMA-BUF ratio within each run before the median (a run
# that is slow as a whole must cancel out), gives the runs' lowest and
# highest ratio, and judges the targets on that median; the scaling table
# (large / small, the threads' speed-up) likewise, within each run first.
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
# The scaling rows (lookup, threads) and the CPU count, added to a run:
# lookup small and large microseconds, 1 and 2 threads' time per op, CPUs.
scaling()
{
	echo "ion:system,warm,lookup,10,$1,$1,$1,1000"
	echo "ion:system,warm,lookup,100000,$2,$2,$2,1000"
	echo "ion:system,warm,threads,65536,$3,$3,$3,5000"
	echo "ion:system,warm,threads-2,65536,$4,$4,$4,5000"
	echo "machine,none,cpus,0,$5,$5,$5,1"
}

# Per-run lookup ratios 2.00, 1.20, 0.55: median 1.20, where the ratio of
# the merged medians (22 / 20) would say 1.10.  Speed-ups 2.00, 1.25,
# 2.00: median 2.00 (merged medians: 1.25).
{ run 10 100 100 100; scaling 10 20 10 5 2; } >"$tmp/4.csv"
{ run 20 100 200 250; scaling 20 24 10 8 2; } >"$tmp/5.csv"
{ run 30 100 300 280; scaling 40 22 20 10 2; } >"$tmp/6.csv"
"$bench" -m 1M --merge "$tmp/merged.csv" "$tmp"/[456].csv >"$tmp/out"
grep -Eq '^lookup p50 +ion:system +10: 20\.00 +100000: 22\.00 +1\.20 +0\.55-2\.00  <= 1\.50: met$' \
	"$tmp/out" || fail "lookup: not 10: 20, 100000: 22, ratio 1.20 (0.55-2.00), met"
grep -Eq '^threads +ion:system +x1: 10\.00 +x2: 8\.00 +2\.00 +1\.25-2\.00  >= 1\.60: met$' \
	"$tmp/out" || fail "threads: not a speed-up of 2.00 (1.25-2.00), met on two CPUs"
grep -q 'CPUs online: 2)$' "$tmp/out" || fail "threads: no CPU count"
grep -q '^lookup hot' "$tmp/out" && fail "lookup hot without its rows"

# lookup hot: 10 handles of the large client against the small client;
# per-run ratios 1.10, 0.50, 1.40: median 1.10.
hot()
{
	echo "ion:system,warm,lookup-hot,100000,$1,$1,$1,1000"
}
{ run 10 100 100 100; scaling 10 20 10 5 2; hot 11; } >"$tmp/4.csv"
{ run 20 100 200 250; scaling 20 24 10 8 2; hot 10; } >"$tmp/5.csv"
{ run 30 100 300 280; scaling 40 22 20 10 2; hot 56; } >"$tmp/6.csv"
"$bench" -m 1M --merge "$tmp/merged.csv" "$tmp"/[456].csv >"$tmp/out"
grep -Eq '^lookup hot +ion:system +10: 20\.00 +100000: 11\.00 +1\.10 +0\.50-1\.40  <= 1\.50: met$' \
	"$tmp/out" || fail "lookup hot: not 10: 20, 100000: 11, ratio 1.10 (0.50-1.40), met"
grep -q '^lookup ioctl' "$tmp/out" && fail "lookup ioctl without its rows"

# lookup ioctl: the ioctl alone, in the small and in the large client;
# per-run ratios 1.60, 1.20, 2.50: median 1.60, over the target.
ioctl()
{
	echo "ion:system,warm,lookup-ioctl,10,$1,$1,$1,1000"
	echo "ion:system,warm,lookup-ioctl,100000,$2,$2,$2,1000"
}
{ run 10 100 100 100; scaling 10 20 10 5 2; ioctl 10 16; } >"$tmp/4.csv"
{ run 20 100 200 250; scaling 20 24 10 8 2; ioctl 10 12; } >"$tmp/5.csv"
{ run 30 100 300 280; scaling 40 22 20 10 2; ioctl 10 25; } >"$tmp/6.csv"
"$bench" -m 1M --merge "$tmp/merged.csv" "$tmp"/[456].csv >"$tmp/out"
grep -Eq '^lookup ioctl +ion:system +10: 10\.00 +100000: 16\.00 +1\.60 +1\.20-2\.50  <= 1\.50: NOT met$' \
	"$tmp/out" || fail "lookup ioctl: not 10: 10, 100000: 16, ratio 1.60 (1.20-2.50), NOT met"
grep -Eq '^ +(10|100000|64K) ' "$tmp/out" && fail "sizes without a ratio in the ratio table"
grep -Eq '^ +1M +0\.20 +1\.00( |$)' "$tmp/out" || fail "scaling rows moved the ratios"

# Speed-ups 2.00, 1.25, 1.25 on one CPU: not met, and labelled.
{ run 10 100 100 100; scaling 10 20 10 5 1; } >"$tmp/4.csv"
{ run 20 100 200 250; scaling 20 24 10 8 1; } >"$tmp/5.csv"
{ run 30 100 300 280; scaling 40 22 20 16 1; } >"$tmp/6.csv"
"$bench" -m 1M --merge "$tmp/merged.csv" "$tmp"/[456].csv >"$tmp/out"
grep -Eq '^threads +ion:system .* 1\.25 +1\.25-2\.00  >= 1\.60: NOT met \(one CPU\)$' \
	"$tmp/out" || fail "threads: a speed-up of 1.25 on one CPU was not judged NOT met"

echo "merge_test: ok"
