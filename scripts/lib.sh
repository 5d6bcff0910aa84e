# SPDX-License-Identifier: GPL-2.0
# Common settings for the project's scripts: where the kernel source, the
# build directories and the generated files live.  Sourced, never run.

ION_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ION_CACHE=${ION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ion-hon}
ION_KVER_MAJOR=6.12
ION_KSRC=$ION_CACHE/linux-source-$ION_KVER_MAJOR
ION_OUT=${ION_OUT:-$ION_REPO/build}
ION_JOBS=${ION_JOBS:-$(($(nproc) + 1))}

# The platform-reserved region that Debian's kernel under qemu gives ion.ko
# for its carveout heap (memmap= reserves it, carveout= hands it over).
ION_QEMU_CARVEOUT=32M@0x78000000

# The kernels scripts/build-kernel builds: UML for KUnit and the selftests,
# UML with the debug options, x86_64 for KUnit under qemu, and x86_64 with
# the sanitizers (x86_64-debug, x86_64-kcsan) for the tests on two CPUs.
ion_build_dir()
{
	case ${1:-} in
	debug) echo "$ION_CACHE/build/uml-debug" ;;
	x86_64 | x86_64-debug | x86_64-kcsan) echo "$ION_CACHE/build/$1" ;;
	*) echo "$ION_CACHE/build/uml" ;;
	esac
}

ion_say()
{
	printf '%s\n' "$*" >&2
}

ion_die()
{
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# Serialise the writers of the shared kernel tree (lock "tree") and of each
# build directory (lock "build-normal", "build-debug"), so that two checkouts
# or two shells never write one of them at once.
ion_lock()
{
	mkdir -p "$ION_CACHE"
	exec 9>"$ION_CACHE/lock-${1:-tree}"
	flock 9
}

ion_unlock()
{
	flock -u 9 2>/dev/null || true
}

# ion_uml_pin: the command prefix (taskset) that keeps a UML kernel on one
# host CPU: UML_CPU, else the last CPU this shell may use; UML_CPU=none
# leaves it unpinned.  UML runs one virtual CPU, but its kernel and the host
# process behind each of its tasks are separate host tasks that hand the
# CPU to each other on every system call and page fault.  Spread over two
# host CPUs each hand-over is a cross-CPU wakeup: a clock_gettime() in UML
# measured 20 to 70 us unpinned and 7 us pinned on these 2-CPU machines.
ion_uml_pin()
{
	local cpu=${UML_CPU:-}

	[ "$cpu" = none ] && return 0
	command -v taskset >/dev/null || return 0
	if [ -z "$cpu" ]; then
		cpu=$(taskset -cp $$ 2>/dev/null | sed 's/.*: //' | tr ',' '\n' |
		      tail -1 | sed 's/.*-//')
		[ -n "$cpu" ] || return 0
	fi
	echo taskset -c "$cpu"
}

# The modules of an out-of-tree build (scripts/build-modules), ion first.
# ion_build_modules VARIANT: the project's modules in that kernel's build
# directory, ion.ko first; none for a kernel with the drivers built in
# (whatever an earlier configuration left there).
ion_build_modules()
{
	local build ko

	build=$(ion_build_dir "$1")
	grep -qx CONFIG_ION=m "$build/.config" 2>/dev/null || return 0
	for ko in "$build/drivers/ion/ion.ko" "$build/drivers/hon_zone/hon_zone.ko" \
		"$build"/samples/ion/*.ko; do
		[ -f "$ko" ] && echo "$ko"
	done
	return 0
}

ion_modules()
{
	local ko

	for ko in "$ION_REPO/drivers/ion/ion.ko" "$ION_REPO"/drivers/ion/heaps/*.ko \
		"$ION_REPO/drivers/hon_zone/hon_zone.ko" "$ION_REPO"/samples/ion/*.ko; do
		[ -f "$ko" ] && echo "$ko"
	done
	return 0
}

# Every test program scripts/build-programs built: kselftests, libion's
# tests and the samples.
ion_test_programs()
{
	local d

	for d in selftests/ion selftests/hon_zone selftests/dmabuf-heaps libion samples; do
		[ -d "$ION_OUT/$d" ] && find "$ION_OUT/$d" -maxdepth 1 -type f -perm -u+x | sort
	done
	return 0
}

# The release string of the Debian 6.12 amd64 kernel that matches the
# installed linux-source-6.12 package, e.g. "6.12.117+deb12-amd64".
ion_debian_krel()
{
	local v
	v=$(dpkg-query -W -f='${Version}' linux-source-$ION_KVER_MAJOR 2>/dev/null) ||
		v=$(apt-cache policy linux-source-$ION_KVER_MAJOR | awk '/Candidate:/ { print $2 }')
	[ -n "$v" ] || return 1
	# 6.12.117-1~deb12u1 -> 6.12.117+deb12-amd64
	echo "${v%%-*}+deb12-amd64"
}

# What a kernel log must never contain during a test run.
ION_REPORT_RE='BUG:|Oops|KASAN:|UBSAN:|WARNING:|kernel BUG|Kernel panic|general protection|'
ION_REPORT_RE+='possible circular locking|possible recursive locking|inconsistent lock state|'
ION_REPORT_RE+='suspicious RCU usage|lock held when returning|bad unlock balance|'
ION_REPORT_RE+='ODEBUG:|list_add corruption|list_del corruption|refcount_t:|'
ION_REPORT_RE+='DMA-API: [^pd]|blocked for more than|sleeping function called from invalid context|'
ION_REPORT_RE+='unreferenced object'

# ion_qemu_accel KERNEL: "kvm" when KVM here can run KERNEL, "tcg" otherwise.
# /dev/kvm being usable is not enough: some hosts offer a KVM flavour (PVM,
# for one) whose instruction emulator stops a stock kernel in its
# decompressor with "KVM internal error".  So boot KERNEL once, without a
# root file system, through to its panic (it cannot mount a root); the
# answer is kept per host kernel and guest kernel.  QEMU_ACCEL=kvm|tcg
# overrides the probe.
ion_qemu_accel()
{
	local kernel=$1 stamp dir pid i

	if [ -n "${QEMU_ACCEL:-}" ]; then
		echo "$QEMU_ACCEL"
		return 0
	fi
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo tcg
		return 0
	fi
	stamp="$ION_CACHE/qemu/accel-$(uname -r)-${kernel##*/}"
	if [ ! -s "$stamp" ]; then
		mkdir -p "$ION_CACHE/qemu"
		dir=$(mktemp -d "$ION_CACHE/qemu/probe.XXXXXX")
		qemu-system-x86_64 -nodefaults -no-user-config -no-reboot \
			-display none -machine q35 -accel kvm -cpu host -m 512M \
			-kernel "$kernel" -serial "file:$dir/console" \
			-append "console=ttyS0 panic=-1 root=/dev/ion-probe-none" \
			</dev/null >"$dir/qemu.log" 2>&1 &
		pid=$!
		# A machine paused by an internal error never exits by itself.
		for ((i = 0; i < 120; i++)); do
			grep -q 'internal error' "$dir/qemu.log" && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL $pid 2>/dev/null
		wait $pid 2>/dev/null
		if grep -q 'Kernel panic' "$dir/console" 2>/dev/null &&
		   ! grep -q 'internal error' "$dir/qemu.log"; then
			echo kvm >"$stamp"
		else
			echo tcg >"$stamp"
			ion_say "qemu: /dev/kvm is there but cannot run ${kernel##*/}" \
				"(software emulation instead):"
			head -3 "$dir/qemu.log" | sed 's/^/qemu:   /' >&2
		fi
		rm -rf "$dir"
	fi
	cat "$stamp"
}
