#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifecycle test, run as root inside a kernel where the project's
# modules are loadable (scripts/boot --debian loads them first):
#
#   scripts/boot --debian tools/testing/selftests/ion/ion_module_cycle.sh [CYCLES]
#
#  1. unloading is refused while a buffer fd, a mapping, a legacy handle, a
#     hon_zone zone or a kernel client (the sample module) keeps a module in
#     use, and succeeds once it is gone; the same for the custom heap
#     sample (ion_sample_heap) under a buffer of its heap, which
#     ION_IOC_HEAP_QUERY lists while it is loaded;
#  2. CYCLES times (default 50): load every module, allocate, map, fill,
#     check and free a buffer in every heap, unload every module;
#  3. nothing leaks: no dma-buf left, and the kernel's memory counters
#     (free pages with the per-CPU lists, unreclaimable slab) back where they were, within a
#     tolerance far below what the cycles allocated.
#
# Prints kselftest TAP with a "# Totals:" line (scripts/run-tests counts it).
# The modules come from $ION_GUEST_DIR/modules (scripts/boot's list, with
# their parameters) or else from the checkout's ion.ko, hon_zone.ko and
# samples.  "ion_module_cycle.sh --build" only builds its helper
# (ion_module_hold.c), on the host.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
out=${ION_OUT:-$repo/build}/module-cycle
hold=$out/ion_module_hold

build_helper()
{
	local src=$here/ion_module_hold.c

	[ -x "$hold" ] && [ "$hold" -nt "$src" ] &&
		[ "$hold" -nt "$repo/include/uapi/linux/ion.h" ] && return 0
	mkdir -p "$out"
	gcc -Wall -O2 -isystem "$repo/include/uapi" -o "$hold" "$src"
}

if [ "${1:-}" = --build ]; then
	build_helper
	exit
fi
cycles=${1:-50}
build_helper || { echo "Bail out! cannot build $hold"; exit 1; }

n=0 pass=0 fail=0 skip=0
ok()
{
	n=$((n + 1)) pass=$((pass + 1))
	echo "ok $n $*"
}
not_ok()
{
	n=$((n + 1)) fail=$((fail + 1))
	echo "not ok $n $*"
}
skipped()
{
	n=$((n + 1)) skip=$((skip + 1))
	echo "ok $n # SKIP $*"
}
# check DESCRIPTION CMD...: one case, passes when CMD succeeds.
check()
{
	local what=$1

	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# The modules, in load order (ion first), with their parameters.
declare -A param=()
mods=()
if [ -n "${ION_GUEST_DIR:-}" ] && [ -f "$ION_GUEST_DIR/modules" ]; then
	while read -r ko args; do
		mods+=("$ko")
		param[$ko]=$args
	done <"$ION_GUEST_DIR/modules"
else
	for ko in "$repo/drivers/ion/ion.ko" "$repo"/drivers/ion/heaps/*.ko \
		"$repo/drivers/hon_zone/hon_zone.ko" "$repo"/samples/ion/*.ko; do
		[ -f "$ko" ] && mods+=("$ko")
	done
fi
# Module names, looked up once: every process counts under emulation.
declare -A names=()
for ko in "${mods[@]}"; do
	names[$ko]=$(modinfo -F name "$ko")
done
modname()
{
	echo "${names[$1]}"
}
loaded()
{
	local state=

	[ -r "/sys/module/$1/initstate" ] && read -r state <"/sys/module/$1/initstate"
	[ "$state" = live ]
}
load_all()
{
	local ko

	for ko in "${mods[@]}"; do
		loaded "${names[$ko]}" && continue
		# shellcheck disable=SC2086 # parameters split on purpose
		insmod "$ko" ${param[$ko]:-} || return 1
	done
}
unload_all()
{
	local i name

	for ((i = ${#mods[@]} - 1; i >= 0; i--)); do
		name=${names[${mods[i]}]}
		loaded "$name" || continue
		rmmod "$name" || return 1
	done
}
# is_refused NAME: rmmod NAME fails and the module stays.
is_refused()
{
	! rmmod "$1" 2>/dev/null && loaded "$1"
}
# Free memory in kB, counting the pages on the per-CPU free lists (which
# MemFree leaves out and which grow as the cycles churn pages), and the
# unreclaimable slab in kB.
counters()
{
	local pcp

	sync
	echo 3 >/proc/sys/vm/drop_caches
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo)
	awk -v pcp="$pcp" '/^MemFree:/ { f = $2 } /^SUnreclaim:/ { s = $2 }
		END { print f + pcp, s }' /proc/meminfo
}
dmabufs()
{
	local f=/sys/kernel/debug/dma_buf/bufinfo

	if [ -r "$f" ]; then
		grep -oE 'Total [0-9]+ objects' "$f" | grep -oE '[0-9]+' || echo 0
	else
		echo 0
	fi
}

# hold MODE [ARG]: start ion_module_hold MODE holding its buffer until hold_release.
# A coprocess rather than a fifo: /tmp may be the host's over 9p, which
# has no fifos.
hold_pid= hold_in=
hold()
{
	local line out

	coproc HOLD { exec "$hold" "$@"; }
	hold_pid=$HOLD_PID hold_in=${HOLD[1]} out=${HOLD[0]}
	if read -r -t 10 -u "$out" line && [ "$line" = ready ]; then
		return 0
	fi
	hold_release
	return 1
}
hold_release()
{
	# End of file on its stdin lets ion_module_hold drop what it holds and exit.
	exec {hold_in}>&- 2>/dev/null
	wait "$hold_pid" 2>/dev/null
	return 0
}

ion=ion
zone=hon_zone
sample_heap=ion_sample_heap
has_zone=0 has_sample=0 has_heap=0
for ko in "${mods[@]}"; do
	case $(modname "$ko") in
	hon_zone) has_zone=1 ;;
	ion_client_sample) has_sample=1 ;;
	"$sample_heap") has_heap=1 ;;
	esac
done
# is_listed NAME: ION_IOC_HEAP_QUERY lists the heap NAME.
is_listed()
{
	"$hold" listed "$1"
}
not_listed()
{
	! "$hold" listed "$1"
}
echo "TAP version 13"
echo "# ion_module_cycle: ${#mods[@]} modules, $cycles cycles, kernel $(uname -r)"
if [ ${#mods[@]} -eq 0 ] || ! loaded $ion; then
	echo "1..0 # SKIP ion.ko is not built or not loaded"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 4
fi

bufs0=$(dmabufs)

# 1. Refusals.  Everything but ion first, so that only the holder pins it.
if [ $has_sample = 1 ]; then
	check "unloading ion is refused while the sample kernel client is loaded" \
		is_refused $ion
fi
for ((i = ${#mods[@]} - 1; i >= 0; i--)); do
	name=$(modname "${mods[i]}")
	[ "$name" = $ion ] && continue
	loaded "$name" && rmmod "$name"
done
for mode in fd map handle; do
	if hold $mode; then
		check "unloading ion is refused while a buffer is held ($mode)" is_refused $ion
		hold_release
		check "ion unloads after the $mode holder is gone" rmmod $ion
		check "ion loads again" load_all
		for ((i = ${#mods[@]} - 1; i >= 0; i--)); do
			name=$(modname "${mods[i]}")
			[ "$name" = $ion ] || rmmod "$name"
		done
	else
		not_ok "ion_module_hold $mode"
	fi
done
if [ $has_zone = 1 ]; then
	load_all
	if hold zone; then
		check "unloading hon_zone is refused while a zone holds a buffer" is_refused $zone
		for ((i = ${#mods[@]} - 1; i >= 0; i--)); do
			name=$(modname "${mods[i]}")
			[ "$name" = $ion ] || [ "$name" = $zone ] || rmmod "$name"
		done
		check "unloading ion is refused while hon_zone holds an ION buffer" is_refused $ion
		hold_release
		check "hon_zone and ion unload after the zone is closed" unload_all
	else
		not_ok "ion_module_hold zone"
	fi
else
	skipped "hon_zone.ko is not built"
fi
# The custom heap sample: listed while loaded, pinned by its buffers.
if [ $has_heap = 1 ]; then
	load_all
	check "HEAP_QUERY lists sample_heap while $sample_heap is loaded" \
		is_listed sample_heap
	if hold heap sample_heap; then
		check "unloading $sample_heap is refused while a buffer of its heap lives" \
			is_refused $sample_heap
		check "HEAP_QUERY still lists sample_heap" is_listed sample_heap
		hold_release
		check "$sample_heap unloads after its last buffer is gone" rmmod $sample_heap
		check "HEAP_QUERY no longer lists sample_heap" not_listed sample_heap
		check "$sample_heap loads again" load_all
	else
		not_ok "ion_module_hold heap sample_heap"
	fi
else
	skipped "$sample_heap.ko is not built"
fi
unload_all

# 2. Cycles.
start=$SECONDS
warmup=$((cycles < 10 ? 1 : 5))
read -r free0 slab0 < <(counters)
bad=0
for ((c = 1; c <= cycles; c++)); do
	if ! load_all; then
		echo "# cycle $c: loading failed"
		bad=$((bad + 1))
		break
	fi
	"$hold" cycle || { echo "# cycle $c: buffers failed"; bad=$((bad + 1)); }
	if ! unload_all; then
		echo "# cycle $c: unloading failed"
		lsmod | head >&2
		bad=$((bad + 1))
		break
	fi
	# The baseline once the first cycles have warmed up the caches,
	# both counters read with the modules unloaded.
	[ $c -eq $warmup ] && read -r free0 slab0 < <(counters)
done
read -r free1 slab1 < <(counters)
if [ $bad -eq 0 ]; then
	ok "$cycles load/allocate/free/unload cycles ($((SECONDS - start)) s)"
else
	not_ok "$cycles load/allocate/free/unload cycles: $bad failed"
fi

# 3. Leaks: leave the modules loaded, as they were found.
check "modules load again after the cycles" load_all
bufs1=$(dmabufs)
echo "# from cycle $warmup to $cycles: free pages ${free0} -> ${free1} kB, SUnreclaim ${slab0} -> ${slab1} kB, dma-bufs ${bufs0} -> ${bufs1}"
check "no dma-buf left behind" [ "$bufs1" -le "$bufs0" ]
# Each cycle allocated 1 MiB per heap and a legacy buffer of 1 MiB.
check "free memory within 4 MiB of its value before" [ $((free0 - free1)) -lt 4096 ]
check "unreclaimable slab within 2 MiB of its value before" [ $((slab1 - slab0)) -lt 2048 ]

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ $fail -eq 0 ]
