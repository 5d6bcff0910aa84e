// SPDX-License-Identifier: GPL-2.0
/*
 * Android's MemoryHeapBase / MemoryDealer with ION: sub-allocations of one
 * shared buffer.
 *
 * The server allocates one named ION buffer (the heap), carves pieces out of
 * it with libion's best-fit sub-allocator (the dealer), writes into each
 * piece and sends the client the buffer's fd plus each piece's offset and
 * size (what Android sends through binder as IMemory).  The client maps the
 * pieces from the same fd and reads them.  The server also hands out a
 * read-only descriptor, and the client's attempt to map it writable fails.
 *
 *   dealer_demo            (with /dev/ion or /dev/dma_heap)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ion/ion.h>

#define HEAP_SIZE	(64 * 1024)
#define NR_PIECES	3

/* What goes over the socket with the buffer fd (IMemory's offset and size). */
struct piece_msg {
	unsigned long offset[NR_PIECES];
	unsigned long size[NR_PIECES];
	int readonly_follows;
};

static const char * const texts[NR_PIECES] = {
	"piece 0: camera metadata",
	"piece 1: a preview frame header",
	"piece 2: audio block, reused after a free",
};

static int run_client(int sock)
{
	struct piece_msg msg;
	struct ion_mapping map;
	char name[32] = "";
	int fd, ro = -1, ret, i, bad = 0;

	ret = ion_recv_fd(sock, &fd, &msg, sizeof(msg));
	if (ret != (int)sizeof(msg)) {
		fprintf(stderr, "client: ion_recv_fd: %s\n",
			ret < 0 ? strerror(-ret) : "short message");
		return 1;
	}
	ion_buffer_get_name(fd, name, sizeof(name));
	printf("  client %d: got the heap fd (buffer \"%s\") and %d pieces\n",
	       getpid(), name, NR_PIECES);
	for (i = 0; i < NR_PIECES; i++) {
		ret = ion_map_range(fd, msg.offset[i], msg.size[i], PROT_READ, &map);
		if (ret < 0) {
			fprintf(stderr, "client: ion_map_range: %s\n", strerror(-ret));
			bad = 1;
			continue;
		}
		printf("  client: piece at offset %5lu, %4lu bytes: \"%s\"\n",
		       msg.offset[i], msg.size[i], (char *)map.ptr);
		if (strcmp(map.ptr, texts[i]))
			bad = 1;
		ion_unmap_range(&map);
	}
	close(fd);

	if (msg.readonly_follows) {
		ret = ion_recv_fd(sock, &ro, NULL, 0);
		if (ret < 0) {
			fprintf(stderr, "client: ion_recv_fd: %s\n", strerror(-ret));
			return 1;
		}
		ret = ion_map_range(ro, msg.offset[0], msg.size[0],
				    PROT_READ | PROT_WRITE, &map);
		printf("  client: mapping the read-only fd writable: %s\n",
		       ret < 0 ? strerror(-ret) : "allowed (WRONG)");
		if (ret == 0) {
			ion_unmap_range(&map);
			bad = 1;
		}
		close(ro);
	}
	return bad;
}

int main(void)
{
	struct ion_dealer *dealer = NULL;
	struct piece_msg msg = { 0 };
	size_t scratch;
	int ion, buf = -1, ro = -1, sv[2], status = 1, ret, wstatus, i;
	unsigned char *heap = MAP_FAILED;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("dealer_demo: a MemoryDealer over one shared ION buffer\n");
	ion = ion_open();
	if (ion < 0) {
		fprintf(stderr, "ion_open: %s\n", strerror(errno));
		return 1;
	}
	/* MemoryHeapBase: one buffer, mapped once, with a name. */
	ret = ion_alloc_fd(ion, HEAP_SIZE, 0, ION_HEAP(ION_SYSTEM_HEAP_ID), 0, &buf);
	if (ret < 0) {
		fprintf(stderr, "ion_alloc_fd: %s\n", strerror(-ret));
		goto close_ion;
	}
	ret = ion_buffer_set_name(buf, "MemoryDealer-demo");
	if (ret < 0) {
		fprintf(stderr, "ion_buffer_set_name: %s\n", strerror(-ret));
		goto close_buf;
	}
	heap = mmap(NULL, HEAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	if (heap == MAP_FAILED) {
		perror("mmap");
		goto close_buf;
	}
	printf("  server: %d KiB buffer \"MemoryDealer-demo\" from the %s interface\n",
	       HEAP_SIZE / 1024, ion_backend_name(ion_backend(ion)));

	/* MemoryDealer: best-fit pieces of the heap. */
	ret = ion_dealer_create(HEAP_SIZE, 0, "MemoryDealer-demo", &dealer);
	if (ret < 0) {
		fprintf(stderr, "ion_dealer_create: %s\n", strerror(-ret));
		goto unmap;
	}
	if (ion_dealer_alloc(dealer, 1000, &msg.offset[0]) < 0 ||
	    ion_dealer_alloc(dealer, 300, &scratch) < 0 ||
	    ion_dealer_alloc(dealer, 5000, &msg.offset[1]) < 0) {
		fprintf(stderr, "ion_dealer_alloc failed\n");
		goto destroy;
	}
	/* Free the 300-byte scratch piece: best fit puts the next one there. */
	ion_dealer_free(dealer, scratch);
	if (ion_dealer_alloc(dealer, 200, &msg.offset[2]) < 0) {
		fprintf(stderr, "ion_dealer_alloc failed\n");
		goto destroy;
	}
	if (msg.offset[2] != scratch) {
		fprintf(stderr, "best fit did not reuse the freed hole\n");
		goto destroy;
	}
	for (i = 0; i < NR_PIECES; i++) {
		ion_dealer_size(dealer, msg.offset[i], &scratch);
		msg.size[i] = scratch;
		snprintf((char *)heap + msg.offset[i], msg.size[i], "%s", texts[i]);
	}
	printf("  server: the dealer's chunk table after 4 allocations and 1 free:\n");
	ion_dealer_dump(dealer, stdout);

	ret = ion_share_readonly(buf, &ro);
	if (ret == -EOPNOTSUPP)
		printf("  server: this kernel cannot make a read-only fd of a dma-buf\n");
	else if (ret < 0)
		fprintf(stderr, "ion_share_readonly: %s\n", strerror(-ret));
	msg.readonly_follows = ro >= 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("socketpair");
		goto destroy;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		close(sv[0]);
		close(sv[1]);
		goto destroy;
	}
	if (pid == 0) {
		close(sv[0]);
		_exit(run_client(sv[1]));
	}
	close(sv[1]);
	ret = ion_send_fd(sv[0], buf, &msg, sizeof(msg));
	if (!ret && ro >= 0)
		ret = ion_send_fd(sv[0], ro, NULL, 0);
	if (ret < 0)
		fprintf(stderr, "ion_send_fd: %s\n", strerror(-ret));
	close(sv[0]);
	if (waitpid(pid, &wstatus, 0) != pid || !WIFEXITED(wstatus) ||
	    WEXITSTATUS(wstatus) || ret < 0) {
		fprintf(stderr, "the client failed\n");
		goto destroy;
	}
	for (i = 0; i < NR_PIECES; i++)
		ion_dealer_free(dealer, msg.offset[i]);
	ion_dealer_free_bytes(dealer, &scratch, NULL);
	printf("  server: all pieces freed, %zu of %d bytes free again\n", scratch,
	       HEAP_SIZE);
	status = scratch == HEAP_SIZE ? 0 : 1;
destroy:
	ion_dealer_destroy(dealer);
unmap:
	munmap(heap, HEAP_SIZE);
close_buf:
	if (ro >= 0)
		close(ro);
	close(buf);
close_ion:
	ion_close(ion);
	printf("dealer_demo: %s\n", status ? "FAILED" : "ok");
	return status;
}
