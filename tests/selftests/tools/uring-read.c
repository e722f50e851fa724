// SPDX-License-Identifier: GPL-2.0
/*
 * uring-read FILE STOPFILE: until STOPFILE exists, read FILE through
 * io_uring with IOSQE_ASYNC, so that each read runs in an io_uring
 * worker (iou-wrk-*: a task made by copy_process() directly, not by
 * fork), and print what each read returned. A new ring every round, so
 * new workers keep being created. Raw syscalls: the VM has no liburing.
 */
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEPTH 4

struct ring {
	int fd;
	struct io_uring_params p;
	void *sq, *cq;
	struct io_uring_sqe *sqes;
	size_t sq_len, cq_len;
};

static int ring_open(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = syscall(__NR_io_uring_setup, DEPTH, &r->p);
	if (r->fd < 0)
		return -1;
	r->sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(__u32);
	r->cq_len = r->p.cq_off.cqes + r->p.cq_entries * sizeof(struct io_uring_cqe);
	r->sq = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		     r->fd, IORING_OFF_SQ_RING);
	r->cq = mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		     r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, r->p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, IORING_OFF_SQES);
	if (r->sq == MAP_FAILED || r->cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	return 0;
}

static void ring_close(struct ring *r)
{
	munmap(r->sqes, r->p.sq_entries * sizeof(struct io_uring_sqe));
	munmap(r->cq, r->cq_len);
	munmap(r->sq, r->sq_len);
	close(r->fd);
}

#define U32(base, off) ((volatile __u32 *)((char *)(base) + (off)))

/* submit n async reads, one fd each, and wait for them; -1 on error */
static int ring_round(struct ring *r, const char *file, int n)
{
	static char bufs[DEPTH][256];
	__u32 mask = *U32(r->sq, r->p.sq_off.ring_mask);
	__u32 tail = *U32(r->sq, r->p.sq_off.tail);
	__u32 *array = (__u32 *)((char *)r->sq + r->p.sq_off.array);
	int fds[DEPTH], i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = &r->sqes[(tail + i) & mask];

		fds[i] = open(file, O_RDONLY);
		if (fds[i] < 0)
			return -1;
		memset(sqe, 0, sizeof(*sqe));
		sqe->opcode = IORING_OP_READ;
		sqe->flags = IOSQE_ASYNC;
		sqe->fd = fds[i];
		sqe->addr = (unsigned long)bufs[i];
		sqe->len = sizeof(bufs[i]) - 1;
		sqe->user_data = i;
		array[(tail + i) & mask] = (tail + i) & mask;
	}
	__atomic_store_n(U32(r->sq, r->p.sq_off.tail), tail + n, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, n, n, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return -1;
	for (int done = 0; done < n;) {
		__u32 head = *U32(r->cq, r->p.cq_off.head);
		__u32 ctail = __atomic_load_n(U32(r->cq, r->p.cq_off.tail),
					      __ATOMIC_ACQUIRE);
		struct io_uring_cqe *cqes = (void *)((char *)r->cq + r->p.cq_off.cqes);

		if (head == ctail) {
			if (syscall(__NR_io_uring_enter, r->fd, 0, 1,
				    IORING_ENTER_GETEVENTS, NULL, 0) < 0)
				return -1;
			continue;
		}
		for (; head != ctail; head++, done++) {
			struct io_uring_cqe *c = &cqes[head & *U32(r->cq, r->p.cq_off.ring_mask)];

			if (c->res > 0) {
				bufs[c->user_data][c->res] = '\0';
				fputs(bufs[c->user_data], stdout);
			}
		}
		__atomic_store_n(U32(r->cq, r->p.cq_off.head), head, __ATOMIC_RELEASE);
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring r;
	long rounds = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: uring-read FILE STOPFILE\n");
		return 2;
	}
	while (access(argv[2], F_OK)) {
		if (ring_open(&r)) {
			perror("uring-read: io_uring_setup");
			return 1;
		}
		if (ring_round(&r, argv[1], DEPTH)) {
			perror("uring-read: read");
			return 1;
		}
		ring_close(&r);
		rounds++;
	}
	fflush(stdout);
	fprintf(stderr, "uring-read: %ld rounds\n", rounds);
	return 0;
}
