// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_checkpoint --live, the requester's side; see cr_live.h.  The
 * pre-copy must hold every page the module may refer to: each page of a
 * private mapping that is anonymous (not a file's page) and present or
 * swapped out when read.  A page written after its process's soft-dirty
 * bits were cleared is saved by the module itself, so memory is read only
 * once every process's bits are clear.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cr_image_read.h"
#include "cr_ioctl.h"
#include "cr_live.h"

#define PAGE		4096ULL		/* x86_64 */
#define PID_LIMIT	(1 << 22)	/* the kernel's PID_MAX_LIMIT */
#define GONE		1		/* the process has exited */
#define SKIP		2		/* a mapping that cannot be read */
#define NOSCAN		3		/* no PAGEMAP_SCAN: read pagemap */
#define NPM		4096		/* pagemap entries read at once */

#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_FILE		(1ULL << 61)	/* or shared anonymous */

/* PAGEMAP_SCAN (Linux 6.7), which older headers lack. */
struct cr_pm_region {
	uint64_t start, end, categories;
};

struct cr_pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask;
	uint64_t return_mask;
};

#define CR_PAGEMAP_SCAN		_IOWR('f', 16, struct cr_pm_scan_arg)
#define CR_PAGE_IS_FILE		(1 << 2)
#define CR_PAGE_IS_PRESENT	(1 << 3)
#define CR_PAGE_IS_SWAPPED	(1 << 4)
#define CR_PAGE_IS_PFNZERO	(1 << 5)
#define NVEC		(NPM * sizeof(uint64_t) / sizeof(struct cr_pm_region))

__attribute__((format(printf, 3, 4)))
static int say(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -1;
}

static bool gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

/* ---- /proc/PID/stat ---- */

struct pstat {
	char state;
	long long f[23];	/* f[k]: field k, 4 to 22 */
};

/* 0, or -errno (-EINVAL: not understood). */
static int read_stat(pid_t pid, struct pstat *st)
{
	char path[32], buf[2048], *p, *end;
	ssize_t len;
	int fd, k, err;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (len < 0)
		return -err;
	buf[len] = 0;
	/* The comm may hold anything, ')' too. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EINVAL;
	st->state = p[2];
	p += 3;
	for (k = 4; k <= 22; k++) {
		st->f[k] = strtoll(p, &end, 10);
		if (end == p)
			return -EINVAL;
		p = end;
	}
	return 0;
}

/* ---- the scope ---- */

struct plist {
	struct cr_live_proc *p;
	unsigned int n, cap;
	uint8_t *seen;		/* a bit per pid: no pid twice */
	char *why;
	size_t why_len;
};

static int add_pid(struct plist *l, pid_t pid)
{
	struct cr_live_proc *p;

	if (pid <= 0 || pid >= PID_LIMIT || l->seen[pid / 8] & 1 << pid % 8)
		return 0;
	l->seen[pid / 8] |= 1 << pid % 8;
	if (l->n == CR_LIVE_MAX_PROCS)
		return say(l->why, l->why_len, "more than %u processes",
			   CR_LIVE_MAX_PROCS);
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		p = realloc(l->p, l->cap * sizeof(*p));
		if (!p)
			return say(l->why, l->why_len, "out of memory");
		l->p = p;
	}
	l->p[l->n++] = (struct cr_live_proc){ .pid = pid };
	return 0;
}

/* Appends the children of every thread of l->p[i]. */
static int add_children(struct plist *l, unsigned int i)
{
	pid_t pid = l->p[i].pid;
	char path[64];
	struct dirent *d;
	int child, err = 0;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;	/* it has exited: its children moved */
	while (!err && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
			 (int)pid, atoi(d->d_name));
		f = fopen(path, "re");
		if (!f)
			continue;
		while (!err && fscanf(f, "%d", &child) == 1)
			err = add_pid(l, child);
		fclose(f);
	}
	closedir(dir);
	return err;
}

/* Calls fn(l, pid, st) for every process /proc lists. */
static int each_proc(struct plist *l, void *arg,
		     int (*fn)(struct plist *, void *, pid_t,
			       const struct pstat *))
{
	struct pstat st;
	struct dirent *d;
	int err = 0;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return say(l->why, l->why_len, "/proc: %s", strerror(errno));
	while (!err && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9' ||
		    read_stat(atoi(d->d_name), &st))
			continue;
		err = fn(l, arg, atoi(d->d_name), &st);
	}
	closedir(dir);
	return err;
}

/* PGRP (field 5) or SESS (field 6) is *arg. */
static int add_member(struct plist *l, void *arg, pid_t pid,
		      const struct pstat *st)
{
	const long long *want = arg;

	return st->f[want[0]] == want[1] ? add_pid(l, pid) : 0;
}

/* A process and its parent, for kernels without children files. */
struct ppid {
	pid_t pid, ppid;
};

struct ppids {
	struct ppid *p;
	size_t n, cap;
};

static int add_ppid(struct plist *l, void *arg, pid_t pid,
		    const struct pstat *st)
{
	struct ppids *t = arg;
	struct ppid *p;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		p = realloc(t->p, t->cap * sizeof(*p));
		if (!p)
			return say(l->why, l->why_len, "out of memory");
		t->p = p;
	}
	t->p[t->n++] = (struct ppid){ .pid = pid, .ppid = st->f[4] };
	return 0;
}

static int by_ppid(const void *a, const void *b)
{
	const struct ppid *x = a, *y = b;

	return (x->ppid > y->ppid) - (x->ppid < y->ppid);
}

/* TREE from every process's parent pid, sorted by it. */
static int tree_by_ppid(struct plist *l)
{
	struct ppids t = { 0 };
	unsigned int i;
	size_t lo, hi, mid;
	int err;

	err = each_proc(l, &t, add_ppid);
	if (!err)
		qsort(t.p, t.n, sizeof(*t.p), by_ppid);
	for (i = 0; !err && i < l->n; i++) {
		for (lo = 0, hi = t.n; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (t.p[mid].ppid < l->p[i].pid)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; !err && lo < t.n && t.p[lo].ppid == l->p[i].pid; lo++)
			err = add_pid(l, t.p[lo].pid);
	}
	free(t.p);
	return err;
}

static int tree(struct plist *l)
{
	unsigned int i;
	int err = 0;

	if (access("/proc/thread-self/children", F_OK))
		return tree_by_ppid(l);
	for (i = 0; !err && i < l->n; i++)
		err = add_children(l, i);
	return err;
}

static int collect(struct plist *l, unsigned int scope, pid_t target)
{
	long long want[2] = { scope == CR_ABI_SCOPE_PGRP ? 5 : 6, target };
	struct pstat st;

	switch (scope) {
	case CR_ABI_SCOPE_PROC:
	case CR_ABI_SCOPE_TREE:
		if (target <= 0 || target >= PID_LIMIT ||
		    read_stat(target, &st))
			return say(l->why, l->why_len, "no such process %d",
				   (int)target);
		if (add_pid(l, target))
			return -1;
		return scope == CR_ABI_SCOPE_TREE ? tree(l) : 0;
	case CR_ABI_SCOPE_PGRP:
	case CR_ABI_SCOPE_SESS:
		if (each_proc(l, want, add_member))
			return -1;
		if (!l->n)
			return say(l->why, l->why_len, "no process in %s %d",
				   scope == CR_ABI_SCOPE_PGRP ?
				   "process group" : "session", (int)target);
		return 0;
	}
	return say(l->why, l->why_len, "unknown scope %u", scope);
}

/* Leaves out the caller, as the module leaves out the requester. */
static void drop_self(struct plist *l)
{
	pid_t self = getpid();
	unsigned int i, j;

	for (i = j = 0; i < l->n; i++)
		if (l->p[i].pid != self)
			l->p[j++] = l->p[i];
	l->n = j;
}

int cr_live_scope(unsigned int scope, pid_t target,
		  struct cr_live_proc **procs, unsigned int *n, char *why,
		  size_t why_len)
{
	struct plist l = { .why = why, .why_len = why_len };

	l.seen = calloc(PID_LIMIT / 8, 1);
	if (!l.seen)
		return say(why, why_len, "out of memory");
	if (collect(&l, scope, target)) {
		free(l.seen);
		free(l.p);
		return -1;
	}
	free(l.seen);
	drop_self(&l);
	if (!l.n) {
		free(l.p);
		return say(why, why_len, "no process to checkpoint but "
			   "this one");
	}
	*procs = l.p;
	*n = l.n;
	return 0;
}

/* ---- start times and soft-dirty bits ---- */

/* 0, or -errno. */
static int clear_refs(pid_t pid)
{
	char path[48];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "4", 1) != 1)
		err = -errno;
	close(fd);
	return err;
}

/* The start time: 0, GONE, or -1 with why. */
static int start_time(struct cr_live_proc *p, char *why, size_t why_len)
{
	struct pstat st;
	int err;

	err = read_stat(p->pid, &st);
	if (err && gone(-err))
		return GONE;
	if (err)
		return say(why, why_len, "pid %d: /proc/%d/stat: %s",
			   (int)p->pid, (int)p->pid, strerror(-err));
	/* A zombie has no memory left to refer to. */
	if (st.state == 'Z' || st.state == 'X')
		return GONE;
	p->start = st.f[22];
	return 0;
}

static int clear(struct cr_live_proc *p, char *why, size_t why_len)
{
	int err = clear_refs(p->pid);

	if (err && gone(-err))
		return GONE;
	if (err)
		return say(why, why_len, "pid %d: /proc/%d/clear_refs: %s",
			   (int)p->pid, (int)p->pid, strerror(-err));
	return 0;
}

/* fn on each of procs, dropping those found GONE: 0, or -1. */
static int each_mark(struct cr_live_proc *procs, unsigned int *n,
		     int (*fn)(struct cr_live_proc *, char *, size_t),
		     char *why, size_t why_len)
{
	unsigned int i, j;
	int ret;

	for (i = j = 0; i < *n; i++) {
		ret = fn(&procs[i], why, why_len);
		if (ret < 0)
			return -1;
		if (ret != GONE)
			procs[j++] = procs[i];
	}
	*n = j;
	return 0;
}

/*
 * Start times, the module's watch (moves of page tables from then on,
 * which soft-dirty bits miss), then the clear: the watch's fd, or -1.
 */
static int mark_all(struct cr_live_proc *procs, unsigned int *n, char *why,
		    size_t why_len)
{
	unsigned int was = *n;
	int watch;

	if (each_mark(procs, n, start_time, why, why_len))
		return -1;
	if (*n) {
		watch = cri_live_watch(procs, *n);
		if (watch < 0)
			return say(why, why_len, "the module cannot watch "
				   "the processes: %s", strerror(-watch));
		if (!each_mark(procs, n, clear, why, why_len) && *n)
			return watch;
		close(watch);
		if (*n)
			return -1;
	}
	return say(why, why_len, "no process left: %s exited",
		   was == 1 ? "it has" : "all have");
}

/* ---- the pre-copy ---- */

struct live {
	struct cr_img_out out;
	pid_t pid;
	int pm;			/* its /proc/PID/pagemap */
	int watch;		/* the module's (CR_OP_LIVE_PAGES) */
	bool noscan;		/* PAGEMAP_SCAN is missing: read pagemap */
	struct cr_img_vma vma;	/* the mapping being read */
	bool vma_put;		/* its VMA record is written */
	bool zero_ok;		/* its zero pages may be left out */
	unsigned int n;		/* pages in the batch */
	uint64_t addr[CR_PAGES_MAX];
	union {
		uint64_t pm[NPM];
		struct cr_pm_region vec[NVEC];
	} scratch;
	char *line;		/* of /proc/PID/maps */
	size_t line_cap;
	char *why;
	size_t why_len;
};

static int wfail(struct live *l)
{
	return say(l->why, l->why_len, "writing the pre-copy: %s",
		   strerror(errno));
}

static int put(struct live *l, uint16_t type, const void *p, size_t len)
{
	return cr_img_put(&l->out, type, 0, p, len) ? wfail(l) : 0;
}

/*
 * The batch as a PAGES record, after its mapping's VMA record: the module
 * reads the pages and writes the record, one copy.  What it cannot read
 * (the mapping changed meanwhile) is left out: its reference to it at the
 * stop would fail the restart, never mislead it.  0, GONE (the module
 * will not read the process: gone, another address space), or -1.
 */
static int put_pages(struct live *l)
{
	struct cr_live_pages_args a = {
		.addrs = (uintptr_t)l->addr, .npages = l->n, .pid = l->pid,
		.fd = fileno(l->out.f),
		.flags = l->zero_ok ? CR_LIVE_SKIP_ZERO : 0,
	};
	int err;

	if (!l->n)
		return 0;
	if (!l->vma_put && put(l, CR_REC_VMA, &l->vma, sizeof(l->vma)))
		return -1;
	l->vma_put = true;
	if (fflush(l->out.f))
		return wfail(l);
	a.pos = l->out.pos;
	a.ident = l->out.ident;
	err = cri_live_pages(l->watch, &a);
	l->n = 0;
	if (err == -ESRCH)
		return GONE;
	if (err)
		return say(l->why, l->why_len, "pid %d: the module's copy of "
			   "its pages: %s", (int)l->pid, strerror(-err));
	l->out.pos = a.pos;
	l->out.ident = a.ident;
	l->out.nrec += a.saved != 0;
	return 0;
}

/* Pages [a, a + np * PAGE) are wanted: 0, GONE, or -1. */
static int want(struct live *l, uint64_t a, uint64_t np)
{
	int ret;

	for (; np; np--, a += PAGE) {
		l->addr[l->n++] = a;
		if (l->n == CR_PAGES_MAX) {
			ret = put_pages(l);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* The mapping's wanted pages, as PAGEMAP_SCAN finds them. */
static int scan_map(struct live *l)
{
	uint64_t cats = CR_PAGE_IS_FILE |
			(l->zero_ok ? CR_PAGE_IS_PFNZERO : 0);
	struct cr_pm_scan_arg a = {
		.size = sizeof(a), .start = l->vma.start, .end = l->vma.end,
		.vec = (uintptr_t)l->scratch.vec, .vec_len = NVEC,
		.category_inverted = cats, .category_mask = cats,
		.category_anyof_mask = CR_PAGE_IS_PRESENT | CR_PAGE_IS_SWAPPED,
		.return_mask = CR_PAGE_IS_PRESENT | CR_PAGE_IS_SWAPPED,
	};
	const struct cr_pm_region *r;
	long i, nr;
	int ret;

	while (a.start < a.end) {
		nr = ioctl(l->pm, CR_PAGEMAP_SCAN, &a);
		if (nr < 0)
			return errno == ENOTTY || errno == EINVAL ? NOSCAN :
			       gone(errno) ? GONE : SKIP;
		for (i = 0; i < nr; i++) {
			r = &l->scratch.vec[i];
			ret = want(l, r->start, (r->end - r->start) / PAGE);
			if (ret)
				return ret;
		}
		if (a.walk_end <= a.start)
			break;
		a.start = a.walk_end;
	}
	return 0;
}

/* The same from /proc/PID/pagemap, for kernels before 6.7. */
static int pagemap_map(struct live *l)
{
	uint64_t a = l->vma.start, np, i, j, e;
	const uint64_t *pm = l->scratch.pm;
	ssize_t got;
	int ret;

	while (a < l->vma.end) {
		np = (l->vma.end - a) / PAGE;
		np = np < NPM ? np : NPM;
		got = pread(l->pm, l->scratch.pm, np * 8, a / PAGE * 8);
		if (got < 0)
			return gone(errno) ? GONE : SKIP;
		np = got / 8;
		if (!np)
			return SKIP;
		for (i = 0; i < np; i = j) {
			for (j = i; j < np; j++) {
				e = pm[j];
				if (!(e & (PM_PRESENT | PM_SWAP)) ||
				    e & PM_FILE)
					break;
			}
			ret = j > i ? want(l, a + i * PAGE, j - i) : 0;
			if (ret)
				return ret;
			j += j == i;
		}
		a += np * PAGE;
	}
	return 0;
}

/* One mapping: 0, GONE, or -1. */
static int read_map(struct live *l)
{
	int ret = NOSCAN;

	l->vma_put = false;
	if (!l->noscan)
		ret = scan_map(l);
	if (ret == NOSCAN) {
		l->noscan = true;
		ret = pagemap_map(l);
	}
	if (ret >= 0 && ret != GONE)
		ret = put_pages(l);
	l->n = 0;
	if (ret < 0)
		return -1;
	return ret == GONE ? GONE : 0;
}

/* Whether a line of /proc/PID/maps is a mapping to read: into l->vma. */
static bool parse_map(struct live *l, char *line)
{
	static const char *const skip[] = { "[vvar", "[vsyscall]", "[vdso]" };
	unsigned long long start, end, off, ino;
	char perms[8], *name;
	unsigned int i;
	int pos = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %*x:%*x %llu %n", &start, &end,
		   perms, &off, &ino, &pos) < 5 || !pos || strlen(perms) != 4 ||
	    perms[3] != 'p' || start >= end)
		return false;
	name = line + pos;
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strncmp(name, skip[i], strlen(skip[i])))
			return false;
	memset(&l->vma, 0, sizeof(l->vma));
	l->vma.start = start;
	l->vma.end = end;
	l->vma.prot = (perms[0] == 'r' ? PROT_READ : 0) |
		      (perms[1] == 'w' ? PROT_WRITE : 0) |
		      (perms[2] == 'x' ? PROT_EXEC : 0);
	l->vma.mapflags = MAP_PRIVATE;
	/* No file: the module leaves such zero pages out too. */
	l->zero_ok = !ino;
	return true;
}

/* An fd of /proc/PID/file: -1 with why, or -GONE. */
static int open_proc(struct live *l, const char *file)
{
	char path[48];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)l->pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (gone(errno))
		return -GONE;
	return say(l->why, l->why_len, "pid %d: %s: %s", (int)l->pid, path,
		   strerror(errno));
}

/* 0, GONE (it has exited since its clear), or -1. */
static int open_all(struct live *l, FILE **maps)
{
	int fd;

	l->pm = open_proc(l, "pagemap");
	if (l->pm < 0)
		return l->pm == -GONE ? GONE : -1;
	fd = open_proc(l, "maps");
	if (fd < 0)
		return fd == -GONE ? GONE : -1;
	*maps = fdopen(fd, "r");
	if (*maps)
		return 0;
	close(fd);
	return say(l->why, l->why_len, "out of memory");
}

/* A process's PROC record, then its memory. */
static int read_proc(struct live *l, pid_t pid)
{
	struct cr_img_proc proc = { .pid = pid };
	FILE *maps = NULL;
	int ret;

	if (put(l, CR_REC_PROC, &proc, sizeof(proc)))
		return -1;
	l->pid = pid;
	l->pm = -1;
	ret = open_all(l, &maps);
	while (!ret && getline(&l->line, &l->line_cap, maps) > 0)
		if (parse_map(l, l->line))
			ret = read_map(l);
	if (maps)
		fclose(maps);
	if (l->pm >= 0)
		close(l->pm);
	return ret < 0 ? -1 : 0;
}

static int put_head(struct live *l, unsigned int n, uint64_t *time_ns)
{
	struct cr_img_header h = {
		.version = CR_IMG_VERSION, .arch = CR_ARCH_X86_64, .nprocs = n,
	};
	struct cr_img_precopy pc = { .nprocs = n };
	struct timespec ts;
	struct utsname u;

	memcpy(h.ident, CR_IMG_IDENT, sizeof(h.ident));
	clock_gettime(CLOCK_REALTIME, &ts);
	h.time_ns = (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (!uname(&u))
		snprintf(h.release, sizeof(h.release), "%s", u.release);
	*time_ns = h.time_ns;
	if (put(l, CR_REC_HEADER, &h, sizeof(h)) ||
	    put(l, CR_REC_PRECOPY, &pc, sizeof(pc)))
		return -1;
	return 0;
}

/* END, then zeros up to where the module's image starts. */
static int put_tail(struct live *l, uint64_t *bytes)
{
	static const uint8_t zeros[CR_PAGE_ALIGN];
	size_t pad;

	if (cr_img_put_end(&l->out))
		return wfail(l);
	pad = cr_img_pad(l->out.pos, CR_PAGE_ALIGN);
	if (pad && fwrite(zeros, pad, 1, l->out.f) != 1)
		return wfail(l);
	*bytes = l->out.pos + pad;
	return 0;
}

static int write_image(struct live *l, const struct cr_live_proc *procs,
		       unsigned int n, uint64_t *time_ns, uint64_t *bytes)
{
	unsigned int i;

	if (put_head(l, n, time_ns))
		return -1;
	for (i = 0; i < n; i++)
		if (read_proc(l, procs[i].pid))
			return -1;
	return put_tail(l, bytes);
}

static struct live *live_new(int fd, int watch, char *why, size_t why_len)
{
	struct live *l = calloc(1, sizeof(*l));
	int dfd;

	if (!l) {
		say(why, why_len, "out of memory");
		return NULL;
	}
	l->watch = watch;
	l->why = why;
	l->why_len = why_len;
	dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	l->out.f = dfd < 0 ? NULL : fdopen(dfd, "w");
	if (l->out.f) {
		setvbuf(l->out.f, NULL, _IOFBF, 1 << 16);
		return l;
	}
	say(why, why_len, "the pre-copy's fd %d: %s", fd, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	free(l);
	return NULL;
}

int cr_live_precopy(int fd, struct cr_live_proc *procs, unsigned int *n,
		    int *watch, uint64_t *ident, uint64_t *time_ns,
		    uint64_t *bytes, char *why, size_t why_len)
{
	struct live *l;
	int ret;

	*watch = mark_all(procs, n, why, why_len);
	if (*watch < 0)
		return -1;
	l = live_new(fd, *watch, why, why_len);
	ret = l ? write_image(l, procs, *n, time_ns, bytes) : -1;
	if (l && fclose(l->out.f) && !ret)
		ret = wfail(l);
	if (!ret)
		*ident = l->out.ident;
	else
		close(*watch);
	if (l) {
		free(l->line);
		free(l);
	}
	return ret;
}
