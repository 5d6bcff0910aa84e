# SPDX-License-Identifier: GPL-2.0
# Common settings for the project's scripts: where the kernel source, the
# build directories and the generated files live.  Sourced, never run.

ION_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ION_CACHE=${ION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ion-hon}
ION_KVER_MAJOR=6.12
ION_KSRC=$ION_CACHE/linux-source-$ION_KVER_MAJOR
ION_OUT=${ION_OUT:-$ION_REPO/build}
ION_JOBS=${ION_JOBS:-$(($(nproc) + 1))}

# The UML kernels: one for KUnit and the selftests, one with the debug options.
ion_build_dir()
{
	if [ "${1:-}" = debug ]; then
		echo "$ION_CACHE/build/uml-debug"
	else
		echo "$ION_CACHE/build/uml"
	fi
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
