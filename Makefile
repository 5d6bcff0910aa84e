# SPDX-License-Identifier: GPL-2.0
#
# User-facing targets.  The kbuild side of this directory is ./Kbuild; this
# file is only read by a plain "make" here.
#
#   make run       build the UML kernel with ION and hon_zone, boot it, run the demo
#   make test      everything: KUnit and kselftests in the normal and the debug
#                  UML kernel, modules against Debian's 6.12 headers, lint
#   make test-full make test, then the race and fault-injection kselftests
#                  in x86_64 KASAN/lockdep and KCSAN kernels on 2 CPUs (slow)
#   make modules   out-of-tree modules (KDIR=/path/to/kernel/build to choose)
#   make bench     allocation benchmark in UML, then qemu; results in build/bench
#
# The kernel source and build directories live in $(ION_CACHE), default
# ~/.cache/ion-hon; build/ holds user-space programs and logs.

KDIR ?=
export KDIR

.PHONY: help deps run test test-full modules kernel kernel-debug kunit kunit-debug selftests \
	programs lint clean test-qemu bench

help:
	@sed -n '3,15p' Makefile | sed 's/^# \{0,1\}//'

# Every Debian package any target needs, installed once before it starts.
deps:
	@scripts/deps

run:
	@scripts/run

test:
	@scripts/test

test-full:
	@scripts/test full

modules: deps
	@scripts/build-modules $(KDIR)

kernel: deps
	@scripts/build-kernel

kernel-debug: deps
	@scripts/build-kernel --debug

kunit: deps
	@scripts/kunit

kunit-debug: deps
	@scripts/kunit --debug

programs: deps
	@scripts/build-programs

selftests: programs
	@scripts/boot scripts/run-tests $$(find build/selftests -maxdepth 2 -type f -perm -u+x | sort)

lint: deps
	@scripts/lint


clean:
	rm -rf build
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	find drivers samples \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name modules.order \) -delete
	rm -f Module.symvers modules.order

# The Debian 6.12 amd64 kernel under qemu, the drivers as modules.
test-qemu: deps
	@scripts/test debian

# ION heaps against the DMA-BUF system heap, udmabuf and memfd, three boots
# of UML and then of Debian's kernel under qemu.
bench: deps
	@scripts/bench --all
