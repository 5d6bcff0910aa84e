/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Waiting for buffer releases in KUnit cases.
 *
 * A KUnit case runs in a kernel thread, and fput() in a kernel thread
 * queues the file for the delayed_fput worker.  flush_delayed_fput()
 * releases what is still queued, but on SMP the worker may already have
 * taken the queue and be releasing it on another CPU when the flush
 * returns.  A case that checks what a release did therefore waits for it.
 */
#ifndef _ION_KUNIT_RELEASE_H
#define _ION_KUNIT_RELEASE_H

#include <linux/delay.h>
#include <linux/file.h>
#include <linux/jiffies.h>

#define ION_KUNIT_RELEASE_TIMEOUT_MS	10000

/*
 * ion_kunit_wait_release() - release the queued files until @cond holds,
 * for at most ION_KUNIT_RELEASE_TIMEOUT_MS (a release may queue another
 * file: a read-only view drops its buffer's dma-buf).  Evaluates to
 * @cond's last value; the case's own expectation reports a timeout.
 */
#define ion_kunit_wait_release(cond)					\
({									\
	unsigned long __end =						\
		jiffies + msecs_to_jiffies(ION_KUNIT_RELEASE_TIMEOUT_MS); \
	bool __done;							\
									\
	for (;;) {							\
		flush_delayed_fput();					\
		__done = (cond);					\
		if (__done || time_after(jiffies, __end))		\
			break;						\
		usleep_range(500, 1000);				\
	}								\
	__done;								\
})

#endif /* _ION_KUNIT_RELEASE_H */
