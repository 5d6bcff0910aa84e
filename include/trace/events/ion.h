/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ION's trace events, in tracefs under events/ion/:
 *
 * - ion_stat: a buffer was allocated (len > 0) or released (len < 0).  The
 *   fields, their types and the format are those of the event Android's ION
 *   kernels emit, which Perfetto reads: buffer_id identifies the buffer (here
 *   the inode number of its dma-buf, the "ino" of /proc/PID/fdinfo),
 *   total_allocated is the bytes in every live ION buffer after the change.
 * - ion_heap_alloc_fail: one heap of an allocation's mask failed it; the
 *   allocation goes on with the next heap of the mask, if any.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ion

#if !defined(_TRACE_ION_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_ION_H

#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(ion_stat,
	    TP_PROTO(unsigned long buffer_id, long len,
		     unsigned long total_allocated),
	    TP_ARGS(buffer_id, len, total_allocated),
	    TP_STRUCT__entry(__field(unsigned int, buffer_id)
			     __field(long, len)
			     __field(unsigned long, total_allocated)),
	    TP_fast_assign(__entry->buffer_id = buffer_id;
			   __entry->len = len;
			   __entry->total_allocated = total_allocated;),
	    TP_printk("buffer_id=%u len=%ldB total_allocated=%luB",
		      __entry->buffer_id, __entry->len,
		      __entry->total_allocated)
);

TRACE_EVENT(ion_heap_alloc_fail,
	    TP_PROTO(const char *heap_name, unsigned int heap_id, size_t len,
		     unsigned int flags, long error),
	    TP_ARGS(heap_name, heap_id, len, flags, error),
	    TP_STRUCT__entry(__string(heap_name, heap_name)
			     __field(unsigned int, heap_id)
			     __field(size_t, len)
			     __field(unsigned int, flags)
			     __field(int, error)),
	    TP_fast_assign(__assign_str(heap_name);
			   __entry->heap_id = heap_id;
			   __entry->len = len;
			   __entry->flags = flags;
			   __entry->error = error;),
	    TP_printk("heap=%s heap_id=%u len=%zu flags=0x%x error=%d",
		      __get_str(heap_name), __entry->heap_id, __entry->len,
		      __entry->flags, __entry->error)
);

#endif /* _TRACE_ION_H */

/* This part must be outside the include guard. */
#include <trace/define_trace.h>
