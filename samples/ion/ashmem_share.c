// SPDX-License-Identifier: GPL-2.0
/*
 * Android's shared memory code, written against <cutils/ashmem.h>, running
 * on ION unchanged.
 *
 * A server builds memory heaps the way MemoryHeapBase does: it rounds the
 * size to pages, creates the region with ashmem_create_region(), maps it
 * (mapfd(), which asks fstat() for the size when it is given none) and,
 * for a READ_ONLY heap, then calls ashmem_set_prot_region(fd, PROT_READ).
 * A client gets each heap the way BpMemoryHeap does, with one HEAP_ID
 * message carrying the fd, size, flags and offset (binder there, a unix
 * socketpair here), and maps it with PROT_READ only for a READ_ONLY heap.
 * A MemoryDealer hands out pieces of a third heap; the client reaches a
 * piece as IMemory::pointer() does: the heap's base plus the piece's
 * offset.
 *
 * The read-only heap behaves as it did on ashmem: the server's own
 * mapping, made before the protection, keeps writing; no process can map
 * it writable any more, the client included (EPERM); and the protection
 * cannot be raised again (EINVAL).
 *
 *   ashmem_share          (with /dev/ion)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cutils/ashmem.h>
#include <ion/ion.h>

/* Exit status of a scenario that cannot run here (kselftest's KSFT_SKIP). */
#define EXIT_SKIP	4

/* MemoryHeapBase's flags. */
#define READ_ONLY	1

#define DEALER_SIZE	(64 * 1024)

/* What MemoryHeapBase keeps of a heap. */
struct heap {
	int fd;
	void *base;
	size_t size;
	unsigned int flags;
	unsigned int offset;
};

/* The HEAP_ID reply after its fd: getSize(), getFlags(), getOffset(). */
struct heap_id {
	int size;
	unsigned int flags;
	unsigned int offset;
	/* what the client checks for the demo: the piece of a dealer heap */
	unsigned int piece_offset;
	unsigned int piece_size;
};

static const char ro_text[] = "read-only heap, written by its server";
static const char piece_text[] = "a MemoryDealer piece";

/* MemoryHeapBase::mapfd(): size 0 means "ask fstat()". */
static int heap_mapfd(struct heap *heap, int fd, size_t size, unsigned int offset)
{
	void *base;

	if (size == 0) {
		struct stat sb;

		if (fstat(fd, &sb) == 0)
			size = sb.st_size;
		/* if it didn't work, let mmap() fail */
	}
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
	if (base == MAP_FAILED) {
		int err = errno;

		fprintf(stderr, "mmap(fd=%d, size=%zu) failed (%s)\n", fd, size,
			strerror(err));
		close(fd);
		return -err;
	}
	heap->base = base;
	heap->fd = fd;
	heap->size = size;
	heap->offset = offset;
	return 0;
}

/* MemoryHeapBase::MemoryHeapBase(size, flags, name). */
static int heap_create(struct heap *heap, size_t size, unsigned int flags,
		       const char *name)
{
	const size_t pagesize = getpagesize();
	int fd;

	memset(heap, 0, sizeof(*heap));
	heap->fd = -1;
	heap->base = MAP_FAILED;
	heap->flags = flags;
	size = (size + pagesize - 1) & ~(pagesize - 1);
	fd = ashmem_create_region(name ? name : "MemoryHeapBase", size);
	if (fd < 0) {
		fprintf(stderr, "error creating ashmem region: %s\n", strerror(errno));
		return -errno;
	}
	if (heap_mapfd(heap, fd, size, 0))
		return -1;
	if ((flags & READ_ONLY) && ashmem_set_prot_region(fd, PROT_READ) < 0) {
		fprintf(stderr, "ashmem_set_prot_region: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void heap_destroy(struct heap *heap)
{
	if (heap->base != MAP_FAILED)
		munmap(heap->base, heap->size);
	if (heap->fd >= 0)
		close(heap->fd);
}

/* BnMemoryHeap::onTransact(HEAP_ID): the fd and the heap's parameters. */
static int heap_send(int sock, const struct heap *heap, size_t piece_offset,
		     size_t piece_size)
{
	struct heap_id id = {
		.size = (int)heap->size, .flags = heap->flags,
		.offset = heap->offset, .piece_offset = piece_offset,
		.piece_size = piece_size,
	};

	return ion_send_fd(sock, heap->fd, &id, sizeof(id));
}

/*
 * BpMemoryHeap::assertReallyMapped(): read the reply, dup the fd, map it
 * with PROT_READ alone for a READ_ONLY heap.
 */
static int heap_receive(int sock, struct heap *heap, struct heap_id *id)
{
	int parcel_fd, fd, access = PROT_READ, ret;

	ret = ion_recv_fd(sock, &parcel_fd, id, sizeof(*id));
	if (ret != (int)sizeof(*id)) {
		fprintf(stderr, "client: HEAP_ID reply: %s\n",
			ret < 0 ? strerror(-ret) : "short");
		return -1;
	}
	fd = dup(parcel_fd);
	close(parcel_fd);
	if (fd < 0)
		return -1;
	if (!(id->flags & READ_ONLY))
		access |= PROT_WRITE;
	heap->base = mmap(NULL, id->size, access, MAP_SHARED, fd, id->offset);
	if (heap->base == MAP_FAILED) {
		fprintf(stderr, "cannot map BpMemoryHeap, size=%d, fd=%d (%s)\n",
			id->size, fd, strerror(errno));
		close(fd);
		return -1;
	}
	heap->fd = fd;
	heap->size = id->size;
	heap->flags = id->flags;
	heap->offset = id->offset;
	return 0;
}

static int run_client(int sock)
{
	struct heap ro = { .fd = -1 }, dealt = { .fd = -1 };
	struct heap_id ro_id, dealt_id;
	char *piece;
	int ret = 1;

	if (heap_receive(sock, &ro, &ro_id) || heap_receive(sock, &dealt, &dealt_id))
		goto out;
	printf("  client: read-only heap fd %d, %zu bytes, ashmem_valid %d, reads \"%s\"\n",
	       ro.fd, ro.size, ashmem_valid(ro.fd), (char *)ro.base);
	if (strcmp(ro.base, ro_text))
		goto out;
	/* the client cannot get write access either */
	if (mmap(NULL, ro.size, PROT_READ | PROT_WRITE, MAP_SHARED, ro.fd, 0) !=
	    MAP_FAILED || errno != EPERM) {
		fprintf(stderr, "client: writable mapping of the read-only heap: %s\n",
			strerror(errno));
		goto out;
	}
	printf("  client: mmap(PROT_WRITE) of it fails: %s\n", strerror(EPERM));
	/* IMemory::pointer(): the heap's base plus the piece's offset */
	piece = (char *)dealt.base + dealt_id.piece_offset;
	printf("  client: dealer piece at offset %u (%u bytes) reads \"%s\"\n",
	       dealt_id.piece_offset, dealt_id.piece_size, piece);
	if (strcmp(piece, piece_text))
		goto out;
	/* a writable heap: the answer goes back through the same memory */
	snprintf(piece, dealt_id.piece_size, "answered by the client");
	ret = 0;
out:
	heap_destroy(&ro);
	heap_destroy(&dealt);
	return ret;
}

int main(void)
{
	struct heap ro, dealt, sized;
	struct ion_dealer *dealer;
	size_t first, offset, piece_size;
	int sv[2], status, ret;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access("/dev/ion", F_OK)) {
		printf("ashmem_share: no /dev/ion, skipped\n");
		return EXIT_SKIP;
	}
	printf("ashmem_share: MemoryHeapBase, BpMemoryHeap, MemoryDealer on <cutils/ashmem.h>\n");

	/* MemoryHeapBase(5000, READ_ONLY, "ro-heap") */
	if (heap_create(&ro, 5000, READ_ONLY, "ro-heap"))
		return 1;
	/* its own mapping predates the protection: it still writes */
	memcpy(ro.base, ro_text, sizeof(ro_text));
	printf("  server: ashmem_create_region(\"ro-heap\", 5000) = fd %d, %d bytes,",
	       ro.fd, ashmem_get_size_region(ro.fd));
	printf(" mapped, then PROT_READ\n");
	if (ashmem_set_prot_region(ro.fd, PROT_READ | PROT_WRITE) != -1 ||
	    errno != EINVAL) {
		fprintf(stderr, "server: the protection could be raised again\n");
		return 1;
	}
	printf("  server: ashmem_set_prot_region(PROT_READ | PROT_WRITE) again fails: %s\n",
	       strerror(EINVAL));

	/* mapfd(fd, 0): the size from fstat() */
	ret = heap_mapfd(&sized, dup(ro.fd), 0, 0);
	if (ret != -EPERM) {
		fprintf(stderr, "server: mapfd of the read-only heap gave %d\n", ret);
		return 1;
	}
	printf("  server: mapfd(dup(fd), size 0) asks fstat() for the size and fails: %s\n",
	       strerror(EPERM));

	/* MemoryDealer(64 KiB, "dealer-heap"): a heap and a best-fit allocator */
	if (heap_create(&dealt, DEALER_SIZE, 0, "dealer-heap"))
		return 1;
	ret = ion_dealer_create(DEALER_SIZE, 0, "dealer-heap", &dealer);
	if (!ret)
		ret = ion_dealer_alloc(dealer, 1000, &first);
	if (!ret)
		ret = ion_dealer_alloc(dealer, sizeof(piece_text), &offset);
	if (!ret)
		ret = ion_dealer_size(dealer, offset, &piece_size);
	if (ret) {
		fprintf(stderr, "MemoryDealer: %s\n", strerror(-ret));
		return 1;
	}
	memcpy((char *)dealt.base + offset, piece_text, sizeof(piece_text));
	printf("  server: MemoryDealer::allocate(%zu) = offset %zu of heap fd %d\n",
	       sizeof(piece_text), offset, dealt.fd);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		perror("socketpair");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(sv[0]);
		_exit(run_client(sv[1]));
	}
	close(sv[1]);
	if (heap_send(sv[0], &ro, 0, 0) ||
	    heap_send(sv[0], &dealt, offset, piece_size)) {
		fprintf(stderr, "server: HEAP_ID reply failed\n");
		return 1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "the client failed\n");
		return 1;
	}
	printf("  server: the piece now reads \"%s\"\n", (char *)dealt.base + offset);
	ret = strcmp((char *)dealt.base + offset, "answered by the client") != 0;

	/* ~Allocation: MemoryDealer::deallocate(offset) */
	ion_dealer_free(dealer, offset);
	ion_dealer_free(dealer, first);
	ion_dealer_destroy(dealer);
	heap_destroy(&dealt);
	heap_destroy(&ro);
	close(sv[0]);
	printf("ashmem_share: %s\n", ret ? "FAILED" : "ok");
	return ret;
}
