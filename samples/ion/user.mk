# SPDX-License-Identifier: GPL-2.0
#
# The user-space samples: one program per scenario (a buffer shared between
# user space and a driver, between two processes, allocated in the kernel,
# sub-allocated with a MemoryDealer, streamed into by V4L2 drivers), linked
# statically with libion so that they run inside UML as they are.
# (This directory's Makefile is the kbuild file of the sample module.)
#
#   make -C samples/ion -f user.mk [OUT=dir]     default OUT: build/samples

srctree		:= $(abspath ../..)
OUT		?= $(srctree)/build/samples
LIBION		:= $(srctree)/tools/lib/ion

CC		?= cc
CFLAGS		?= -O2 -g
CFLAGS		+= -Wall -Wextra
CPPFLAGS	+= -I$(LIBION)/include -isystem $(srctree)/include/uapi
LDLIBS		+= -lpthread

PROGS		:= heaps_demo zone_share process_share kernel_alloc dealer_demo \
		   ashmem_share camera_capture

.PHONY: all libion clean

all: $(addprefix $(OUT)/,$(PROGS))

libion:
	$(MAKE) -C $(LIBION) libion.a

$(LIBION)/libion.a: libion

$(OUT)/%: %.c sample_crc32.h $(LIBION)/libion.a
	@mkdir -p $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBION)/libion.a $(LDLIBS)

clean:
	rm -f $(addprefix $(OUT)/,$(PROGS))
