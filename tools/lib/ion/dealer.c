// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libion: a best-fit sub-allocator over one shared buffer, after Android's
 * MemoryDealer and its SimpleBestFitAllocator.  It manages offsets only:
 * the process that owns the buffer hands out (offset, size) pairs, and any
 * process that received the buffer's fd maps them (ion_map_range()).
 *
 * The chunks cover [0, size) without gaps, in offset order; neighbouring
 * free chunks are always merged.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ion/ion.h>

/* Android's kMemoryAlign: enough for any C type and most cache lines. */
#define ION_DEALER_DEFAULT_ALIGN	32

struct ion_dealer_chunk {
	struct ion_dealer_chunk *prev;
	struct ion_dealer_chunk *next;
	size_t start;
	size_t size;
	bool free;
};

struct ion_dealer {
	/* Protects the chunk list. */
	pthread_mutex_t lock;
	struct ion_dealer_chunk *head;
	size_t size;
	size_t align;
	char name[32];
};

static struct ion_dealer_chunk *ion_dealer_chunk_new(size_t start, size_t size)
{
	struct ion_dealer_chunk *c = calloc(1, sizeof(*c));

	if (c) {
		c->start = start;
		c->size = size;
		c->free = true;
	}
	return c;
}

int ion_dealer_create(size_t size, size_t align, const char *name,
		      struct ion_dealer **dealer)
{
	struct ion_dealer *d;

	if (!dealer)
		return -EINVAL;
	if (!align)
		align = ION_DEALER_DEFAULT_ALIGN;
	if (align & (align - 1))
		return -EINVAL;
	/* Only whole aligned pieces can be handed out. */
	size &= ~(align - 1);
	if (!size)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->head = ion_dealer_chunk_new(0, size);
	if (!d->head) {
		free(d);
		return -ENOMEM;
	}
	pthread_mutex_init(&d->lock, NULL);
	d->size = size;
	d->align = align;
	snprintf(d->name, sizeof(d->name), "%s", name ? name : "dealer");
	*dealer = d;
	return 0;
}

void ion_dealer_destroy(struct ion_dealer *dealer)
{
	struct ion_dealer_chunk *c, *next;

	if (!dealer)
		return;
	for (c = dealer->head; c; c = next) {
		next = c->next;
		free(c);
	}
	pthread_mutex_destroy(&dealer->lock);
	free(dealer);
}

int ion_dealer_alloc(struct ion_dealer *dealer, size_t size, size_t *offset)
{
	struct ion_dealer_chunk *c, *best = NULL, *rest;
	int ret = 0;

	if (!dealer || !offset || !size)
		return -EINVAL;
	if (size > SIZE_MAX - (dealer->align - 1))
		return -ENOMEM;
	size = (size + dealer->align - 1) & ~(dealer->align - 1);

	pthread_mutex_lock(&dealer->lock);
	/* Best fit: the smallest free chunk that is large enough. */
	for (c = dealer->head; c; c = c->next)
		if (c->free && c->size >= size && (!best || c->size < best->size))
			best = c;
	if (!best) {
		ret = -ENOMEM;
		goto unlock;
	}
	if (best->size > size) {
		rest = ion_dealer_chunk_new(best->start + size, best->size - size);
		if (!rest) {
			ret = -ENOMEM;
			goto unlock;
		}
		rest->prev = best;
		rest->next = best->next;
		if (best->next)
			best->next->prev = rest;
		best->next = rest;
		best->size = size;
	}
	best->free = false;
	*offset = best->start;
unlock:
	pthread_mutex_unlock(&dealer->lock);
	return ret;
}

/* Merge @c with the chunk after it; both are free. */
static void ion_dealer_merge_next(struct ion_dealer_chunk *c)
{
	struct ion_dealer_chunk *n = c->next;

	c->size += n->size;
	c->next = n->next;
	if (n->next)
		n->next->prev = c;
	free(n);
}

static struct ion_dealer_chunk *ion_dealer_find(struct ion_dealer *dealer,
						size_t offset)
{
	struct ion_dealer_chunk *c;

	for (c = dealer->head; c && c->start <= offset; c = c->next)
		if (c->start == offset && !c->free)
			return c;
	return NULL;
}

int ion_dealer_free(struct ion_dealer *dealer, size_t offset)
{
	struct ion_dealer_chunk *c;

	if (!dealer)
		return -EINVAL;
	pthread_mutex_lock(&dealer->lock);
	c = ion_dealer_find(dealer, offset);
	if (!c) {
		pthread_mutex_unlock(&dealer->lock);
		return -EINVAL;
	}
	c->free = true;
	if (c->next && c->next->free)
		ion_dealer_merge_next(c);
	if (c->prev && c->prev->free)
		ion_dealer_merge_next(c->prev);
	pthread_mutex_unlock(&dealer->lock);
	return 0;
}

int ion_dealer_size(struct ion_dealer *dealer, size_t offset, size_t *size)
{
	struct ion_dealer_chunk *c;
	int ret = 0;

	if (!dealer || !size)
		return -EINVAL;
	pthread_mutex_lock(&dealer->lock);
	c = ion_dealer_find(dealer, offset);
	if (c)
		*size = c->size;
	else
		ret = -EINVAL;
	pthread_mutex_unlock(&dealer->lock);
	return ret;
}

void ion_dealer_free_bytes(struct ion_dealer *dealer, size_t *total,
			   size_t *largest)
{
	struct ion_dealer_chunk *c;
	size_t t = 0, l = 0;

	if (!dealer)
		return;
	pthread_mutex_lock(&dealer->lock);
	for (c = dealer->head; c; c = c->next) {
		if (!c->free)
			continue;
		t += c->size;
		if (c->size > l)
			l = c->size;
	}
	pthread_mutex_unlock(&dealer->lock);
	if (total)
		*total = t;
	if (largest)
		*largest = l;
}

int ion_dealer_dump(struct ion_dealer *dealer, FILE *out)
{
	struct ion_dealer_chunk *c;
	size_t t, l;
	int n = 0;

	if (!dealer || !out)
		return -EINVAL;
	ion_dealer_free_bytes(dealer, &t, &l);
	pthread_mutex_lock(&dealer->lock);
	fprintf(out, "%s: %zu bytes, align %zu, %zu free, largest free %zu\n",
		dealer->name, dealer->size, dealer->align, t, l);
	fprintf(out, "  chunk     offset       size  state\n");
	for (c = dealer->head; c; c = c->next)
		fprintf(out, "  %5d %10zu %10zu  %s\n", n++, c->start, c->size,
			c->free ? "free" : "in use");
	pthread_mutex_unlock(&dealer->lock);
	if (fflush(out) == EOF || ferror(out))
		return -EIO;
	return n;
}
