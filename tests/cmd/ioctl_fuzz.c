// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Random and mutated requests on /proc/checkpoint/ctrl, as whoever runs
 * it (the test: nobody).  Workers, each in a session of its own so that
 * a process-group or session scope stays inside it, run threads that
 * share a few ctrl fds and issue requests on them: every ioctl number of
 * the module and others, sizes and directions changed, arguments NULL,
 * unmapped, kernel addresses, straddling a PROT_NONE page, or structs
 * whose words are values at the edges, fds, pids (the worker, its
 * zombies and exiting children, init, the victims named by -v: other
 * users' processes) and pointers; half the time the struct is one that
 * passes the request's first checks, to reach what lies behind them.  Threads close and reopen the shared
 * fds meanwhile; a restart request gets a context file of -c half the
 * time, so that the restart's later requests are reached out of order.
 *
 * A worker may checkpoint, stop or kill itself, block in a killable wait
 * or become a restarted program: the master kills a worker whose count
 * has not moved for 3 s and starts another, until CALLS requests were
 * made.  It prints the requests made and what they returned, per
 * request; it fails only if it could not run.  What a request must not
 * do (touch a victim, leak, warn) the test checks from outside.
 *
 * Usage: ioctl_fuzz [-n CALLS] [-s SEED] [-w WORKERS] [-t THREADS]
 *                   [-c CONTEXT]... [-v PID]...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <blcr/cr_abi.h>

#include "../cr_test_util.h"

#define CTRL_PATH	"/proc/checkpoint/ctrl"
#define MAX_WORKERS	16
#define MAX_THREADS	8
#define MAX_LIST	16
#define NFDS		4
#define NKIDS		8
#define BUF		4096
#define NNR		256	/* ioctl numbers counted, by nr */
#define NERR		8	/* 0, then the errnos counted */
#define STALL_MS	3000

static const unsigned int known[] = {
	CR_OP_VERSION, CR_OP_CHKPT_REQ, CR_OP_CHKPT_REAP, CR_OP_LOG,
	CR_OP_RSTRT_REQ, CR_OP_RSTRT_PROCS, CR_OP_RSTRT_CHILD,
	CR_OP_RSTRT_REAP, CR_OP_RSTRT_ABORT, CR_OP_RSTRT_PIPES,
	CR_OP_RSTRT_NEXT_PID, CR_OP_RSTRT_EVENTS, CR_OP_RSTRT_RELOCATE,
	CR_OP_RSTRT_SOCKS, CR_OP_RSTRT_PTIMERS, CR_OP_RSTRT_SIGNAL,
	CR_OP_RSTRT_INET, CR_OP_RSTRT_PTYS, CR_OP_RSTRT_NLSOCKS,
	CR_OP_RSTRT_LAZY, CR_OP_HAND_WAIT, CR_OP_HAND_CHKPT, CR_OP_HAND_INFO,
	CR_OP_CHKPT_FWD, CR_OP_HINT, CR_OP_CHKPT_LIVE, CR_OP_LIVE_WATCH,
	CR_OP_LIVE_PAGES,
};
#define NKNOWN	(sizeof(known) / sizeof(known[0]))

static const int errs[NERR] = { 0, EINVAL, EPERM, EBADF, EFAULT, ENOTTY,
				ESRCH, -1 /* any other */ };

/* What every worker counts, in memory the master reads. */
struct stats {
	unsigned long calls;
	unsigned long by_nr[NNR][NERR];
};

static struct stats *stats;	/* MAX_WORKERS of them */
static const char *contexts[MAX_LIST];
static int ncontexts;
static pid_t victims[MAX_LIST];
static int nvictims;
static pid_t master;

/* A worker's state, shared by its threads. */
static struct stats *mine;
static int fds[NFDS];
static pid_t kids[NKIDS];
static char *guard;		/* a page, then a PROT_NONE page */

static void usage(void)
{
	fprintf(stderr, "usage: ioctl_fuzz [-n CALLS] [-s SEED] [-w WORKERS] "
		"[-t THREADS] [-c CONTEXT]... [-v PID]...\n");
	exit(2);
}

static uint64_t rnd(uint64_t *s, uint64_t n)
{
	return n ? cr_xorshift(s) % n : 0;
}

/* A pid worth naming: a victim, a child alive or dead, init, or any. */
static int32_t some_pid(uint64_t *s)
{
	switch (rnd(s, 6)) {
	case 0:
		return nvictims ? victims[rnd(s, nvictims)] : 1;
	case 1:
	case 2:
		return kids[rnd(s, NKIDS)];
	case 3:
		return getpid();
	case 4:
		return 1;
	default: {
		int32_t pid = (int32_t)rnd(s, 1 << 16) - 8;

		/* Not the master's session: the run would end. */
		return pid == master ? 1 : pid;
	}
	}
}

/* A 32-bit word at an edge, an fd, a pid, a scope or anything. */
static uint32_t some_word(uint64_t *s)
{
	static const uint32_t edge[] = { 0, 1, 2, 3, 4, 5, 9, 15, 16, 19,
					 64, 255, 4095, 4096, 65535, 0x7fffffff,
					 0x80000000, 0xffffffff, 0xfffffffe };

	switch (rnd(s, 5)) {
	case 0:
		return edge[rnd(s, sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return (uint32_t)rnd(s, 24);	/* an fd of ours, or not */
	case 2:
		return (uint32_t)some_pid(s);
	case 3:
		return 1 << rnd(s, 32);		/* a flag */
	default:
		return (uint32_t)cr_xorshift(s);
	}
}

/* An address that must not be dereferenced blindly. */
static uint64_t bad_pointer(uint64_t *s)
{
	static const uint64_t bad[] = { 1, 0x1000, 0x7ffffffff000ULL,
					0x800000000000ULL,
					0xffff888000000000ULL,
					0xffffffff81000000ULL,
					0xffffffffffffffffULL };

	switch (rnd(s, 3)) {
	case 0:
		return bad[rnd(s, sizeof(bad) / sizeof(bad[0]))];
	case 1:	/* the PROT_NONE page, or just before it */
		return (uint64_t)(uintptr_t)guard + 4096 - rnd(s, 64);
	default:
		return cr_xorshift(s);
	}
}

/*
 * A struct for any request: words from some_word(), some 64-bit words
 * pointers (to the buffer itself, to a path, or bad), and a context
 * file's fd in the first word now and then for the restart request.
 */
static void fill(uint64_t *s, unsigned char *b, size_t len, int ctx_fd)
{
	uint32_t *w = (uint32_t *)b;
	uint64_t *q = (uint64_t *)b;
	size_t i;

	for (i = 0; i < len / 4; i++)
		w[i] = some_word(s);
	for (i = 0; i < len / 8; i++)
		if (!rnd(s, 6))
			q[i] = rnd(s, 2) ? bad_pointer(s) :
					   (uint64_t)(uintptr_t)(b + rnd(s, len));
	if (ctx_fd >= 0 && rnd(s, 2))
		w[0] = ctx_fd;
}

/* fds to hand to the restart's requests: small numbers, some ours. */
static uint64_t some_fds(uint64_t *s, unsigned char *b)
{
	int32_t *f = (int32_t *)(b + BUF / 2);
	int i;

	for (i = 0; i < 64; i++)
		f[i] = rnd(s, 8) ? (int32_t)rnd(s, 24) : (int32_t)some_word(s);
	return (uintptr_t)f;
}

/* pid's start time (/proc/PID/stat), for a watch that takes; or 0. */
static uint64_t start_time(pid_t pid)
{
	char path[40], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	p = n > 0 ? (buf[n] = 0, strrchr(buf, ')')) : NULL;
	for (i = 2; p && i < 22; i++)	/* to field 22 */
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p, "%llu", &start);
	return start;
}

/* A live checkpoint's processes at p, mostly: their count. */
static uint32_t some_procs(uint64_t *s, struct cr_live_proc *p,
			   __u64 *uptr)
{
	int i;

	for (i = 0; i < 4; i++) {
		p[i].pid = some_pid(s);
		p[i].start = rnd(s, 2) ? start_time(p[i].pid) :
					 rnd(s, 1000);
	}
	*uptr = rnd(s, 8) ? (uintptr_t)p : bad_pointer(s);
	return rnd(s, 8) ? rnd(s, 4) : some_word(s);
}

/*
 * A struct that gets past the first checks of request nr: fields in
 * range, fds open, pointers to the buffer's second half, so that the
 * request reaches what lies behind them.
 */
static void fill_plausible(uint64_t *s, unsigned char *b, unsigned int nr,
			   int ctx_fd, int null_fd)
{
	static const uint32_t sigs[] = { 0, 0, SIGKILL, SIGSTOP, SIGCONT,
					 SIGTERM, SIGUSR1, 64, 65 };
	static const uint32_t flags[] = { 0, CR_ABI_CHKPT_SAVE_ALL,
					  CR_ABI_CHKPT_OMIT_REQUESTER,
					  CR_ABI_CHKPT_PROHIBIT_SELF,
					  CR_ABI_CHKPT_PTRACED_SKIP,
					  CR_ABI_CHKPT_SOCK_CLOSED |
					  CR_ABI_CHKPT_TCP_CLOSE,
					  CR_ABI_CHKPT_SYNC };
	uint64_t *q = (uint64_t *)b;
	uint32_t *w = (uint32_t *)b;
	unsigned char *half = b + BUF / 2;
	int i;

	memset(b, 0, BUF / 2);
	switch (nr) {
	case 0x01:
	case 0x25: {	/* a live one: a pre-copy that is not there */
		struct cr_chkpt_live_args *l = (void *)b;
		struct cr_chkpt_args *a = &l->req;
		struct cr_live_proc *p = (void *)(half + 256);

		a->target = rnd(s, 4) ? some_pid(s) : 0;
		a->scope = 1 + rnd(s, 4);
		a->fd = rnd(s, 4) ? null_fd : (int32_t)rnd(s, 24);
		a->signal = sigs[rnd(s, sizeof(sigs) / sizeof(sigs[0]))];
		a->timeout_ms = rnd(s, 3) * 200;
		a->flags = flags[rnd(s, sizeof(flags) / sizeof(flags[0]))];
		strcpy((char *)half, "/tmp/ioctl_fuzz.ctx");
		a->dest = rnd(s, 2) ? (uintptr_t)half : 0;
		if (nr == 0x01)
			break;
		l->ident = rnd(s, 8) ? cr_xorshift(s) : 0;
		l->nprocs = some_procs(s, p, &l->procs);
		l->watch = rnd(s, 4) ? (int32_t)rnd(s, 24) : (int32_t)some_word(s);
		break;
	}
	case 0x26: {	/* a watch, of some pids: often ourselves */
		struct cr_live_watch_args *a = (void *)b;
		struct cr_live_proc *p = (void *)(half + 256);

		a->nprocs = some_procs(s, p, &a->procs);
		if (rnd(s, 2))
			p[0] = (struct cr_live_proc){
				.pid = getpid(), .start = start_time(getpid()) };
		a->pad = !rnd(s, 8);
		break;
	}
	case 0x10:
		w[0] = ctx_fd;
		w[1] = rnd(s, 2);
		break;
	case 0x12:
		w[0] = rnd(s, 3);
		w[1] = rnd(s, 3);
		break;
	case 0x18:	/* relocation pairs to paths in the buffer */
		for (i = 0; i < 17; i++) {
			uint64_t *pair = (uint64_t *)(half + 16 * i);

			pair[0] = (uintptr_t)"/tmp";
			pair[1] = rnd(s, 8) ? (uintptr_t)"/var/tmp" :
					      bad_pointer(s);
		}
		q[0] = (uintptr_t)half;
		w[2] = rnd(s, 18);
		break;
	case 0x15: case 0x17: case 0x19: case 0x1c: case 0x1d: case 0x1e:
		q[0] = some_fds(s, b);
		w[2] = rnd(s, 5);
		break;
	case 0x23:
		w[0] = 1 + rnd(s, 4);
		w[1] = some_pid(s);
		break;
	case 0x24: {	/* hints: on our own memory, or at the edges */
		static const uint64_t edge[] = { 0, 4096, 0x7ffffffff000ULL,
						 0x800000000000ULL, ~0ULL };
		struct cr_hint_args *a = (void *)b;

		a->addr = rnd(s, 2) ? (uintptr_t)guard + rnd(s, 8192) :
				      edge[rnd(s, 5)];
		a->len = rnd(s, 2) ? rnd(s, 1 << 20) :
				     (uint64_t)some_word(s) << rnd(s, 33);
		a->op = rnd(s, 4);
		a->pad = !rnd(s, 8);
		break;
	}
	default:	/* a buffer and its length first, as most have */
		q[0] = (uintptr_t)half;
		w[2] = rnd(s, 2) ? rnd(s, BUF / 2) : some_word(s);
		w[3] = rnd(s, 3);
	}
}

/* An ioctl number: the module's, one of them changed, or any. */
static unsigned int some_cmd(uint64_t *s)
{
	unsigned int cmd = known[rnd(s, NKNOWN)];

	switch (rnd(s, 8)) {
	case 0:		/* another size or direction */
		return cmd ^ (uint32_t)(1 << (16 + rnd(s, 16)));
	case 1:
		return _IOC(rnd(s, 4), CR_IOC_MAGIC, rnd(s, NNR),
			    rnd(s, 512));
	case 2:
		return (uint32_t)cr_xorshift(s);
	default:
		return cmd;
	}
}

static void count(unsigned int cmd, long ret)
{
	int e = ret < 0 ? errno : 0, i;

	for (i = 0; i < NERR - 1 && errs[i] != e; i++)
		;
	__atomic_add_fetch(&mine->by_nr[_IOC_NR(cmd)][i], 1,
			   __ATOMIC_RELAXED);
	__atomic_add_fetch(&mine->calls, 1, __ATOMIC_RELAXED);
}

/* A child that exits at once (a zombie until reaped) or a bit later. */
static void new_kid(uint64_t *s)
{
	int k = rnd(s, NKIDS);
	long ms = rnd(s, 3) * 20;
	pid_t pid = fork();

	if (pid == 0) {
		cr_pause_ms(ms);
		_exit(0);
	}
	if (pid > 0) {
		if (kids[k] > 0)
			waitpid(kids[k], NULL, WNOHANG);
		kids[k] = pid;
	}
}

/*
 * Pre-copy pages through a watch (b: its request, fill_plausible's): of
 * a pid it was asked for or another, at our own
 * pages (the guard's PROT_NONE one too) or anywhere, to /dev/null or no
 * fd, at any stream position.
 */
static void live_pages(uint64_t *s, int watch, unsigned char *b,
		       int null_fd)
{
	struct cr_live_pages_args *a = (void *)b;
	uint64_t *addr = (uint64_t *)(b + BUF / 2);
	const struct cr_live_proc *p = (void *)(b + BUF / 2 + 256);
	unsigned int i, n = rnd(s, 4);
	int edgy;

	while (n--) {
		memset(a, 0, sizeof(*a));
		edgy = !rnd(s, 4);	/* else every address is ours */
		for (i = 0; i < 16; i++)
			addr[i] = edgy && !rnd(s, 4) ?
				  bad_pointer(s) & ~4095ULL :
				  (uintptr_t)guard + 4096 * rnd(s, 2);
		a->addrs = rnd(s, 8) ? (uintptr_t)addr : bad_pointer(s);
		a->npages = rnd(s, 8) ? 1 + rnd(s, 16) : some_word(s);
		a->pid = rnd(s, 4) ? p[rnd(s, 2) ? 0 : rnd(s, 4)].pid :
				     some_pid(s);
		/* not stdout: the test reads it */
		a->fd = rnd(s, 4) ? null_fd : rnd(s, 2) ? -1 : 4096;
		a->flags = rnd(s, 8) ? rnd(s, 2) : some_word(s);
		a->pos = rnd(s, 2) ? 0 : cr_xorshift(s);
		a->pad = !rnd(s, 16);
		count(CR_OP_LIVE_PAGES, ioctl(watch, CR_OP_LIVE_PAGES, a));
	}
}

static void one_request(uint64_t *s, unsigned char *b, int ctx_fd,
			int null_fd)
{
	unsigned int cmd = some_cmd(s);
	int fd = fds[rnd(s, NFDS)];
	unsigned long arg;
	long ret;

	switch (rnd(s, 10)) {
	case 0:
		arg = 0;
		break;
	case 1:
		arg = bad_pointer(s);
		break;
	case 2:
		arg = some_word(s);
		break;
	case 3:
	case 4:
		fill(s, b, BUF, ctx_fd);
		arg = (unsigned long)b;
		break;
	default:
		fill_plausible(s, b, _IOC_NR(cmd), ctx_fd, null_fd);
		arg = (unsigned long)b;
	}
	ret = ioctl(fd, cmd, arg);
	/* A watch is an fd of its own, which takes requests too. */
	if (cmd == CR_OP_LIVE_WATCH && ret >= 0) {
		live_pages(s, ret, b, null_fd);
		close(ret);
	}
	count(cmd, ret);
}

static void *thread_main(void *arg)
{
	uint64_t s = (uintptr_t)arg | 1;
	unsigned char *b = aligned_alloc(64, BUF);
	int ctx_fd = -1, null_fd = open("/dev/null", O_WRONLY);

	if (!b)
		cr_die("malloc");
	if (ncontexts)
		ctx_fd = open(contexts[rnd(&s, ncontexts)], O_RDONLY);
	for (;;) {
		int k = rnd(&s, 100);

		if (k < 4) {		/* closed under the others' feet */
			int i = rnd(&s, NFDS), old = fds[i];

			fds[i] = open(CTRL_PATH, O_RDWR);
			close(old);
		} else if (k < 6) {
			new_kid(&s);
		} else {
			one_request(&s, b, ctx_fd, null_fd);
		}
	}
	return NULL;
}

static void __attribute__((noreturn)) worker(int w, uint64_t seed, int nthr)
{
	pthread_t t;
	int i;

	int null = open("/dev/null", O_RDWR);

	/* Checkpoints written to fds 0-2 go nowhere. */
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0)
		_exit(3);
	close(null);
	setsid();
	mine = &stats[w];
	guard = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED || mprotect(guard + 4096, 4096, PROT_NONE))
		cr_die("mmap");
	for (i = 0; i < NFDS; i++)
		fds[i] = open(CTRL_PATH, O_RDWR);
	if (fds[0] < 0)
		cr_die(CTRL_PATH);
	for (i = 1; i < nthr; i++)
		if (pthread_create(&t, NULL, thread_main,
				   (void *)(uintptr_t)(seed * 31 + i)))
			cr_die("pthread_create");
	thread_main((void *)(uintptr_t)seed);
	_exit(0);
}

static unsigned long total_calls(int nw)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < nw; i++)
		n += __atomic_load_n(&stats[i].calls, __ATOMIC_RELAXED);
	return n;
}

static void report(int nw, unsigned long respawns, unsigned long stalls)
{
	static const char *names[NERR] = { "ok", "EINVAL", "EPERM", "EBADF",
					   "EFAULT", "ENOTTY", "ESRCH",
					   "other" };
	unsigned long sum[NERR];
	int last = 0, nr, e, w;
	unsigned int i;

	for (i = 0; i < NKNOWN; i++)
		if ((int)_IOC_NR(known[i]) > last)
			last = _IOC_NR(known[i]);
	printf("ioctl_fuzz: %lu requests, %lu workers started again "
	       "(%lu stalled)\n", total_calls(nw), respawns, stalls);
	for (nr = 0; nr < NNR; nr++) {
		unsigned long all = 0;

		for (e = 0; e < NERR; e++) {
			sum[e] = 0;
			for (w = 0; w < nw; w++)
				sum[e] += stats[w].by_nr[nr][e];
			all += sum[e];
		}
		/* The module's numbers always, the others summed up. */
		if (!all || (nr > last && nr != 0x7f))
			continue;
		printf("  nr 0x%02x:", nr);
		for (e = 0; e < NERR; e++)
			if (sum[e])
				printf(" %s %lu", names[e], sum[e]);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	unsigned long n = 100000, seed = time(NULL), respawns = 0,
		      stalls = 0, last[MAX_WORKERS] = { 0 };
	long idle[MAX_WORKERS] = { 0 };
	pid_t pids[MAX_WORKERS];
	int nw = 2, nthr = 3, c, i;

	while ((c = getopt(argc, argv, "n:s:w:t:c:v:")) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'w': nw = atoi(optarg); break;
		case 't': nthr = atoi(optarg); break;
		case 'c':
			if (ncontexts == MAX_LIST)
				usage();
			contexts[ncontexts++] = optarg;
			break;
		case 'v':
			if (nvictims == MAX_LIST)
				usage();
			victims[nvictims++] = atoi(optarg);
			break;
		default: usage();
		}
	}
	if (optind != argc || nw < 1 || nw > MAX_WORKERS || nthr < 1 ||
	    nthr > MAX_THREADS)
		usage();
	printf("ioctl_fuzz: seed %lu, %lu requests, %d workers of %d "
	       "threads\n", seed, n, nw, nthr);
	fflush(stdout);
	setsid();
	master = getpid();
	stats = mmap(NULL, MAX_WORKERS * sizeof(*stats),
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stats == MAP_FAILED)
		cr_die("mmap");
	for (i = 0; i < nw; i++)
		pids[i] = 0;
	while (total_calls(nw) < n) {
		for (i = 0; i < nw; i++) {
			unsigned long now = stats[i].calls;

			if (pids[i] > 0 && now == last[i] &&
			    (idle[i] += 100) >= STALL_MS) {
				kill(pids[i], SIGKILL);
				stalls++;
			}
			if (now != last[i])
				idle[i] = 0;
			last[i] = now;
			if (pids[i] > 0 &&
			    waitpid(pids[i], NULL, WNOHANG) != pids[i])
				continue;
			/* What it left: children, stopped ones too. */
			if (pids[i] > 0)
				kill(-pids[i], SIGKILL);
			respawns += pids[i] > 0;
			idle[i] = 0;
			pids[i] = fork();
			if (pids[i] < 0)
				cr_die("fork");
			if (pids[i] == 0)
				worker(i, seed * 1000003 + respawns * 97 + i,
				       nthr);
		}
		cr_pause_ms(100);
	}
	for (i = 0; i < nw; i++) {
		kill(-pids[i], SIGKILL);
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	report(nw, respawns, stalls);
	return 0;
}
