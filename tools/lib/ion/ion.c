// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libion: Android's libion API over the three kernel interfaces a program
 * may meet, chosen per descriptor at run time (see include/ion/ion.h):
 * /dev/ion with the legacy handle ABI, /dev/ion with only the 4.12 fd ABI,
 * and DMA-BUF heaps.  On the last two the handle calls are emulated with a
 * table of dma-buf fds that the library keeps open.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/magic.h>

#include <ion/ion.h>

#include "ion_priv.h"

/* The ION flags a DMA-BUF heap can honour: its buffers are always cached. */
#define ION_DMA_HEAP_FLAGS	(ION_FLAG_CACHED | ION_FLAG_CACHED_NEEDS_SYNC)

/*
 * ION_IOC_ABI_VERSION of Android's 5.4 and later ION (not in this driver,
 * which answers ENOTTY): the version at which heaps became modules.
 */
#define ION_IOC_ABI_VERSION_ANDROID	_IOR(ION_IOC_MAGIC, 9, __u32)
#define ION_ABI_VERSION_MODULAR_HEAPS	2

/* /dev/ion has always been a misc device */
#define ION_MISC_MAJOR			10

/*
 * DMA-BUF heaps get ids 0 (system) and 1..ION_DMA_HEAP_MAX_ID in name order;
 * the ids stay below the msm aliases (21, 25) that masks may also carry.
 */
#define ION_DMA_HEAP_MAX_ID	20

/* An emulated handle: one dma-buf fd the library holds for a handle id. */
struct ion_emu_handle {
	struct ion_emu_handle *next;
	int ion_fd;
	ion_user_handle_t id;
	int buf_fd;
	dev_t dev;
	ino_t ino;
	unsigned int users;
};

/* Protects ion_emu_list and ion_emu_next_id. */
static pthread_mutex_t ion_emu_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ion_emu_handle *ion_emu_list;
static ion_user_handle_t ion_emu_next_id = 1;

/* A DMA-BUF heap node as ion_query_get_heaps() shows it. */
struct ion_dma_heap {
	char name[32];
	unsigned int id;
	unsigned int type;
};

static int ion_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

int ion_fd_check_dmabuf(int fd)
{
	struct statfs sfs;

	if (fd < 0)
		return -EBADF;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	return sfs.f_type == DMA_BUF_MAGIC ? 0 : -EINVAL;
}

/*
 * An ION device answers the heap query (4.12 and later, and this project's
 * driver with either ABI), or, before 4.12, is a misc device that does not
 * know the query (ENOTTY) and says EINVAL to FREE of handle 0, which never
 * exists.  Anything else (a tty, /dev/null, a DMA-BUF heap node, another
 * driver) is not ION: the calls then fail with ENOTTY, as ION's ioctls
 * would on it.
 */
static int ion_char_backend(int fd, const struct stat *st)
{
	struct ion_handle_data data = { .handle = 0 };
	struct ion_heap_query query;
	int ret;

	memset(&query, 0, sizeof(query));
	ret = ion_ioctl(fd, ION_IOC_HEAP_QUERY, &query);
	if (ret == 0) {
		/* FREE exists only in the legacy ABI */
		if (ion_ioctl(fd, ION_IOC_FREE, &data) == -ENOTTY)
			return ION_BACKEND_MODERN;
		return ION_BACKEND_LEGACY;
	}
	if (ret == -ENOTTY && major(st->st_rdev) == ION_MISC_MAJOR &&
	    ion_ioctl(fd, ION_IOC_FREE, &data) == -EINVAL)
		return ION_BACKEND_LEGACY;
	return -ENOTTY;
}

/* The DMA-BUF heaps directory itself, not any directory. */
static int ion_dir_backend(const struct stat *st)
{
	struct stat heaps;

	if (stat(ion_dma_heap_dir, &heaps) < 0)
		return -ENOTTY;
	if (st->st_dev != heaps.st_dev || st->st_ino != heaps.st_ino)
		return -ENOTTY;
	return ION_BACKEND_DMA_HEAP;
}

int ion_backend(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return ion_dir_backend(&st);
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	return ion_char_backend(fd, &st);
}

const char *ion_backend_name(int backend)
{
	switch (backend) {
	case ION_BACKEND_LEGACY:
		return "legacy";
	case ION_BACKEND_MODERN:
		return "4.12";
	case ION_BACKEND_DMA_HEAP:
		return "dma-heap";
	default:
		return "unknown";
	}
}

int ion_is_legacy(int fd)
{
	return ion_backend(fd) == ION_BACKEND_LEGACY;
}

int ion_is_using_modular_heaps(int fd)
{
	__u32 version = 0;

	/* Android's GKI ION answers 2 and up when its heaps are modules. */
	if (ion_ioctl(fd, ION_IOC_ABI_VERSION_ANDROID, &version) < 0)
		return 0;
	return version >= ION_ABI_VERSION_MODULAR_HEAPS;
}

int ion_open(void)
{
	int fd, err;

	fd = open(ion_dev_path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	err = errno;
	fd = open(ion_dma_heap_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* as Android's: -1 with errno, that of /dev/ion */
	if (fd < 0)
		errno = err;
	return fd;
}

/* Emulated handles. */

static struct ion_emu_handle *ion_emu_find(int ion_fd, ion_user_handle_t id)
{
	struct ion_emu_handle *h;

	for (h = ion_emu_list; h; h = h->next)
		if (h->ion_fd == ion_fd && h->id == id)
			return h;
	return NULL;
}

static bool ion_emu_id_used(ion_user_handle_t id)
{
	struct ion_emu_handle *h;

	for (h = ion_emu_list; h; h = h->next)
		if (h->id == id)
			return true;
	return false;
}

/* Takes ownership of @buf_fd, also on failure. */
static int ion_emu_add(int ion_fd, int buf_fd, ion_user_handle_t *handle)
{
	struct ion_emu_handle *h;
	struct stat st;
	int ret = 0;

	if (fstat(buf_fd, &st) < 0) {
		ret = -errno;
		close(buf_fd);
		return ret;
	}
	pthread_mutex_lock(&ion_emu_lock);
	/* The same buffer imported twice gets the same handle, as in ION. */
	for (h = ion_emu_list; h; h = h->next) {
		if (h->ion_fd == ion_fd && h->dev == st.st_dev &&
		    h->ino == st.st_ino) {
			if (h->users == UINT_MAX) {
				ret = -EOVERFLOW;
				goto unlock;
			}
			h->users++;
			*handle = h->id;
			goto unlock;
		}
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		ret = -ENOMEM;
		goto unlock;
	}
	while (ion_emu_id_used(ion_emu_next_id))
		ion_emu_next_id = ion_emu_next_id == INT_MAX ? 1 : ion_emu_next_id + 1;
	h->id = ion_emu_next_id;
	ion_emu_next_id = ion_emu_next_id == INT_MAX ? 1 : ion_emu_next_id + 1;
	h->ion_fd = ion_fd;
	h->buf_fd = buf_fd;
	h->dev = st.st_dev;
	h->ino = st.st_ino;
	h->users = 1;
	h->next = ion_emu_list;
	ion_emu_list = h;
	*handle = h->id;
	/* Ownership of buf_fd is held by the table from here. */
	buf_fd = -1;
unlock:
	pthread_mutex_unlock(&ion_emu_lock);
	if (buf_fd >= 0)
		close(buf_fd);
	return ret;
}

/* A new close-on-exec fd of the buffer behind an emulated handle. */
static int ion_emu_dup(int ion_fd, ion_user_handle_t id)
{
	struct ion_emu_handle *h;
	int ret;

	pthread_mutex_lock(&ion_emu_lock);
	h = ion_emu_find(ion_fd, id);
	if (!h) {
		ret = -EINVAL;
	} else {
		ret = fcntl(h->buf_fd, F_DUPFD_CLOEXEC, 0);
		if (ret < 0)
			ret = -errno;
	}
	pthread_mutex_unlock(&ion_emu_lock);
	return ret;
}

static int ion_emu_free(int ion_fd, ion_user_handle_t id)
{
	struct ion_emu_handle **p, *h;

	pthread_mutex_lock(&ion_emu_lock);
	for (p = &ion_emu_list; (h = *p); p = &h->next) {
		if (h->ion_fd != ion_fd || h->id != id)
			continue;
		if (--h->users == 0) {
			*p = h->next;
			close(h->buf_fd);
			free(h);
		}
		pthread_mutex_unlock(&ion_emu_lock);
		return 0;
	}
	pthread_mutex_unlock(&ion_emu_lock);
	return -EINVAL;
}

static void ion_emu_release_all(int ion_fd)
{
	struct ion_emu_handle **p, *h;

	pthread_mutex_lock(&ion_emu_lock);
	p = &ion_emu_list;
	while ((h = *p)) {
		if (h->ion_fd == ion_fd) {
			*p = h->next;
			close(h->buf_fd);
			free(h);
		} else {
			p = &h->next;
		}
	}
	pthread_mutex_unlock(&ion_emu_lock);
}

int ion_close(int fd)
{
	ion_emu_release_all(fd);
	if (close(fd) < 0)
		return -errno;
	return 0;
}

/* DMA-BUF heaps. */

static int ion_dma_heap_cmp(const void *a, const void *b)
{
	const struct ion_dma_heap *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static unsigned int ion_dma_heap_type(const char *name)
{
	if (!strcmp(name, "system"))
		return ION_HEAP_TYPE_SYSTEM;
	if (strstr(name, "cma") || !strcmp(name, "reserved"))
		return ION_HEAP_TYPE_DMA;
	return ION_HEAP_TYPE_CUSTOM;
}

/* The heap nodes under @dir_fd, system first, with their ids. */
static int ion_dma_heap_list(int dir_fd, struct ion_dma_heap *heaps, int max)
{
	struct dirent *de;
	unsigned int id = 1;
	int fd, n = 0, i;
	DIR *dir;

	/* A new open file: reading must not move @dir_fd's position. */
	fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(dir)) && n < max) {
		if (de->d_name[0] == '.' ||
		    strlen(de->d_name) >= sizeof(heaps[0].name))
			continue;
		if (de->d_type != DT_CHR && de->d_type != DT_UNKNOWN)
			continue;
		memcpy(heaps[n].name, de->d_name, strlen(de->d_name) + 1);
		heaps[n].type = ion_dma_heap_type(de->d_name);
		n++;
	}
	closedir(dir);
	qsort(heaps, n, sizeof(heaps[0]), ion_dma_heap_cmp);
	for (i = 0; i < n; i++) {
		if (heaps[i].type == ION_HEAP_TYPE_SYSTEM)
			heaps[i].id = 0;
		else
			heaps[i].id = id++;
	}
	/* System first, the others in id order. */
	for (i = 1; i < n; i++) {
		if (heaps[i].id == 0) {
			struct ion_dma_heap sys = heaps[i];

			memmove(&heaps[1], &heaps[0], i * sizeof(heaps[0]));
			heaps[0] = sys;
			break;
		}
	}
	return n;
}

static bool ion_dma_heap_in_mask(const struct ion_dma_heap *heap,
				 unsigned int mask)
{
	if (mask & ION_HEAP(heap->id))
		return true;
#ifdef ION_SYSTEM_HEAP_ID
	if (heap->type == ION_HEAP_TYPE_SYSTEM &&
	    (mask & ION_HEAP(ION_SYSTEM_HEAP_ID)))
		return true;
#endif
#ifdef ION_SYSTEM_CONTIG_HEAP_ID
	if (heap->type == ION_HEAP_TYPE_DMA &&
	    (mask & ION_HEAP(ION_SYSTEM_CONTIG_HEAP_ID)))
		return true;
#endif
	return false;
}

static int ion_dma_heap_alloc(int dir_fd, size_t len, unsigned int heap_mask,
			      unsigned int flags, int *buf_fd)
{
	struct ion_dma_heap heaps[ION_DMA_HEAP_MAX_ID + 1];
	int n, i, ret = -ENODEV;
	struct sysinfo si;

	if (!len || (flags & ~ION_DMA_HEAP_FLAGS))
		return -EINVAL;
	/*
	 * ION refuses more than half of RAM up front; the 6.12 system heap
	 * would try, and wake the OOM killer.
	 */
	if (sysinfo(&si) == 0 &&
	    len > (unsigned long long)si.totalram * si.mem_unit / 2)
		return -ENOMEM;
	n = ion_dma_heap_list(dir_fd, heaps, ION_DMA_HEAP_MAX_ID + 1);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		struct dma_heap_allocation_data data = {
			.len = len,
			.fd_flags = O_RDWR | O_CLOEXEC,
		};
		int heap_fd;

		if (!ion_dma_heap_in_mask(&heaps[i], heap_mask))
			continue;
		heap_fd = openat(dir_fd, heaps[i].name, O_RDONLY | O_CLOEXEC);
		if (heap_fd < 0) {
			ret = -errno;
			continue;
		}
		ret = ion_ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &data);
		close(heap_fd);
		if (ret >= 0) {
			*buf_fd = data.fd;
			return 0;
		}
		/* Bad arguments fail on every heap alike. */
		if (ret == -EINVAL)
			break;
	}
	return ret;
}

/* The Android API. */

static int ion_legacy_alloc(int fd, size_t len, size_t align,
			    unsigned int heap_mask, unsigned int flags,
			    ion_user_handle_t *handle)
{
	struct ion_allocation_data data = {
		.len = len,
		.align = align,
		.heap_id_mask = heap_mask,
		.flags = flags,
	};
	int ret;

	ret = ion_ioctl(fd, ION_IOC_ALLOC, &data);
	if (ret < 0)
		return ret;
	*handle = data.handle;
	return 0;
}

static int ion_legacy_share(int fd, ion_user_handle_t handle, int *share_fd)
{
	struct ion_fd_data data = { .handle = handle };
	int ret;

	ret = ion_ioctl(fd, ION_IOC_SHARE, &data);
	if (ret < 0)
		return ret;
	if (data.fd < 0)
		return -EINVAL;
	*share_fd = data.fd;
	return 0;
}

int ion_alloc_fd(int fd, size_t len, size_t align, unsigned int heap_mask,
		 unsigned int flags, int *handle_fd)
{
	struct ion_new_allocation_data data = {
		.len = len,
		.heap_id_mask = heap_mask,
		.flags = flags,
	};
	ion_user_handle_t handle;
	int backend, ret;

	if (!handle_fd)
		return -EINVAL;
	backend = ion_backend(fd);
	switch (backend) {
	case ION_BACKEND_LEGACY:
		ret = ion_legacy_alloc(fd, len, align, heap_mask, flags, &handle);
		if (ret < 0)
			return ret;
		ret = ion_legacy_share(fd, handle, handle_fd);
		/* The fd holds the buffer now; the handle is not needed. */
		ion_free(fd, handle);
		return ret;
	case ION_BACKEND_MODERN:
		ret = ion_ioctl(fd, ION_IOC_NEW_ALLOC, &data);
		if (ret < 0)
			return ret;
		*handle_fd = (int)data.fd;
		return 0;
	case ION_BACKEND_DMA_HEAP:
		return ion_dma_heap_alloc(fd, len, heap_mask, flags, handle_fd);
	default:
		return backend;
	}
}

int ion_alloc(int fd, size_t len, size_t align, unsigned int heap_mask,
	      unsigned int flags, ion_user_handle_t *handle)
{
	int backend, buf_fd, ret;

	if (!handle)
		return -EINVAL;
	backend = ion_backend(fd);
	if (backend < 0)
		return backend;
	if (backend == ION_BACKEND_LEGACY)
		return ion_legacy_alloc(fd, len, align, heap_mask, flags,
					handle);
	ret = ion_alloc_fd(fd, len, align, heap_mask, flags, &buf_fd);
	if (ret < 0)
		return ret;
	return ion_emu_add(fd, buf_fd, handle);
}

int ion_free(int fd, ion_user_handle_t handle)
{
	struct ion_handle_data data = { .handle = handle };
	int backend;

	backend = ion_backend(fd);
	if (backend < 0)
		return backend;
	if (backend == ION_BACKEND_LEGACY)
		return ion_ioctl(fd, ION_IOC_FREE, &data);
	return ion_emu_free(fd, handle);
}

int ion_share(int fd, ion_user_handle_t handle, int *share_fd)
{
	int backend, ret;

	if (!share_fd)
		return -EINVAL;
	backend = ion_backend(fd);
	if (backend < 0)
		return backend;
	if (backend == ION_BACKEND_LEGACY)
		return ion_legacy_share(fd, handle, share_fd);
	ret = ion_emu_dup(fd, handle);
	if (ret < 0)
		return ret;
	*share_fd = ret;
	return 0;
}

int ion_map(int fd, ion_user_handle_t handle, size_t length, int prot,
	    int flags, off_t offset, unsigned char **ptr, int *map_fd)
{
	struct ion_fd_data data = { .handle = handle };
	int backend, buf_fd, ret;
	void *p;

	if (!ptr || !map_fd)
		return -EINVAL;
	backend = ion_backend(fd);
	if (backend < 0)
		return backend;
	if (backend == ION_BACKEND_LEGACY) {
		ret = ion_ioctl(fd, ION_IOC_MAP, &data);
		if (ret < 0)
			return ret;
		if (data.fd < 0)
			return -EINVAL;
		buf_fd = data.fd;
	} else {
		buf_fd = ion_emu_dup(fd, handle);
		if (buf_fd < 0)
			return buf_fd;
	}
	p = mmap(NULL, length, prot, flags, buf_fd, offset);
	if (p == MAP_FAILED) {
		ret = -errno;
		close(buf_fd);
		return ret;
	}
	*ptr = p;
	*map_fd = buf_fd;
	return 0;
}

int ion_import(int fd, int share_fd, ion_user_handle_t *handle)
{
	struct ion_fd_data data = { .fd = share_fd };
	int backend, buf_fd, ret;

	if (!handle)
		return -EINVAL;
	backend = ion_backend(fd);
	if (backend < 0)
		return backend;
	if (backend == ION_BACKEND_LEGACY) {
		ret = ion_ioctl(fd, ION_IOC_IMPORT, &data);
		if (ret < 0)
			return ret;
		*handle = data.handle;
		return 0;
	}
	ret = ion_fd_check_dmabuf(share_fd);
	if (ret < 0)
		return ret;
	buf_fd = fcntl(share_fd, F_DUPFD_CLOEXEC, 0);
	if (buf_fd < 0)
		return -errno;
	return ion_emu_add(fd, buf_fd, handle);
}

int ion_sync_fd(int fd, int handle_fd)
{
	struct ion_fd_data data = { .fd = handle_fd };
	struct dma_buf_sync sync = {
		.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW,
	};
	int backend, ret;

	backend = ion_backend(fd);
	if (backend < 0)
		return backend;
	if (backend == ION_BACKEND_LEGACY)
		return ion_ioctl(fd, ION_IOC_SYNC, &data);
	ret = ion_fd_check_dmabuf(handle_fd);
	if (ret < 0)
		return ret;
	ret = ion_ioctl(handle_fd, DMA_BUF_IOCTL_SYNC, &sync);
	if (ret < 0)
		return ret;
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	return ion_ioctl(handle_fd, DMA_BUF_IOCTL_SYNC, &sync);
}

int ion_query_heap_cnt(int fd, int *cnt)
{
	struct ion_dma_heap heaps[ION_DMA_HEAP_MAX_ID + 1];
	struct ion_heap_query query;
	int backend, ret;

	if (!cnt)
		return -EINVAL;
	backend = ion_backend(fd);
	if (backend < 0)
		return backend;
	if (backend == ION_BACKEND_DMA_HEAP) {
		ret = ion_dma_heap_list(fd, heaps, ION_DMA_HEAP_MAX_ID + 1);
		if (ret < 0)
			return ret;
		*cnt = ret;
		return 0;
	}
	memset(&query, 0, sizeof(query));
	ret = ion_ioctl(fd, ION_IOC_HEAP_QUERY, &query);
	if (ret < 0)
		return ret;
	*cnt = query.cnt;
	return 0;
}

int ion_query_get_heaps(int fd, int cnt, void *buffers)
{
	struct ion_dma_heap heaps[ION_DMA_HEAP_MAX_ID + 1];
	struct ion_heap_data *out = buffers;
	struct ion_heap_query query;
	int backend, n, i;

	backend = ion_backend(fd);
	if (backend < 0)
		return backend;
	if (backend != ION_BACKEND_DMA_HEAP) {
		/* as Android's: cnt and buffers go to the kernel as they are */
		memset(&query, 0, sizeof(query));
		query.cnt = cnt;
		query.heaps = (uintptr_t)buffers;
		return ion_ioctl(fd, ION_IOC_HEAP_QUERY, &query);
	}
	/* what ION's HEAP_QUERY does with them */
	if (!buffers)
		return 0;
	if (!cnt)
		return -EINVAL;
	n = ion_dma_heap_list(fd, heaps, ION_DMA_HEAP_MAX_ID + 1);
	if (n < 0)
		return n;
	for (i = 0; i < n && (unsigned int)i < (unsigned int)cnt; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		memcpy(out[i].name, heaps[i].name, sizeof(out[i].name));
		out[i].type = heaps[i].type;
		out[i].heap_id = heaps[i].id;
	}
	return 0;
}
