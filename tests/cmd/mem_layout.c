// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The address space layout survives checkpoint/restart: a mapping at a fixed
 * hint, a region split by mprotect (PROT_READ, PROT_NONE), a region grown and
 * moved by mremap, a MAP_GROWSDOWN region (grown by a fault below it),
 * areas split by madvise() (their advice, and no huge page where
 * MADV_NOHUGEPAGE said so), the brk
 * heap grown with sbrk, a file mapped MAP_SHARED PROT_READ through an O_RDONLY
 * and an O_RDWR descriptor, and 24 big stack frames of a recursion in progress.
 * At the deepest level it records /proc/self/maps (without the dev and inode
 * columns), cmdline, environ, auxv, exe and getauxval values, creates
 * DIR/ready and waits for DIR/go; then it compares them all, checks every
 * region's contents, that the protections are enforced (mprotect(PROT_WRITE)
 * refused with EACCES on the O_RDONLY file's mapping only, which still sees
 * writes to the file: shared, not a private copy), that sbrk and the
 * MAP_GROWSDOWN region still grow, and each stack frame on the way back up.
 * With MEM_LAYOUT_CHECK_EXE set, /proc/self/exe must read the same too.
 * Exits 0 iff everything matches.  No stdio: nothing may move the heap.
 * Usage: mem_layout DIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

#define PG 4096UL
#define DEPTH 24
#define FRAME 65536

static const char *dir;
static int errors, check_exe;

static void say(const char *fmt, ...)
{
	static char buf[150000];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, n) < 0)
		_exit(3);
}

#define BAD(...) do { say("mem_layout: BAD: " __VA_ARGS__); errors++; } while (0)

static char *path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static size_t slurp(const char *file, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(file, O_RDONLY);

	if (fd < 0) {
		BAD("open %s", file);
		return 0;
	}
	while (len < size && (n = read(fd, buf + len, size - len)) > 0)
		len += n;
	close(fd);
	if (len == size)
		BAD("%s larger than %zu bytes", file, size);
	return len;
}

/*
 * /proc/self/maps without the dev and inode columns.  Adjacent anonymous
 * areas with the same permissions are shown as one (where the kernel splits
 * them depends on how they were made: a moved mremap'd area is not merged
 * with its neighbour, the same area mapped afresh at restart is); the raw
 * text is kept in raw_out to report such a difference.
 */
static size_t maps(char *out, size_t size, char *raw_out, size_t raw_size)
{
	static char raw[65536];
	size_t len = slurp("/proc/self/maps", raw, sizeof(raw) - 1), o = 0;
	unsigned long pstart = 0, pend = 0;
	char *line, *save = NULL, pperms[8] = "";
	int panon = 0;

	raw[len] = 0;
	if (raw_out) {
		memcpy(raw_out, raw, len < raw_size ? len + 1 : raw_size);
		raw_out[raw_size - 1] = 0;
	}
	for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long start, end, off;
		char perms[8];
		int pos = 0;

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*u%n", &start, &end, perms, &off, &pos) < 4 || !pos) {
			BAD("bad maps line: %s", line);
			continue;
		}
		while (line[pos] == ' ')
			pos++;
		if (!line[pos] && panon && pend == start && !strcmp(perms, pperms)) {
			pend = end;	/* coalesce */
			continue;
		}
		if (panon)
			o += snprintf(out + o, size - o, "%lx-%lx %s 0 \n", pstart, pend, pperms);
		panon = !line[pos];
		if (panon) {
			pstart = start;
			pend = end;
			strcpy(pperms, perms);
		} else {
			o += snprintf(out + o, size - o, "%lx-%lx %s %lx %s\n", start, end, perms, off, line + pos);
		}
		if (o >= size)
			break;
	}
	if (panon && o < size)
		o += snprintf(out + o, size - o, "%lx-%lx %s 0 \n", pstart, pend, pperms);
	return o;
}

static uint64_t sum(const void *p, size_t len)
{
	const unsigned char *c = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

static void fill(void *p, size_t len, unsigned tag)
{
	uint32_t *w = p, x = tag * 2654435761u + 1;
	size_t i;

	for (i = 0; i < len / 4; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		w[i] = x;
	}
}

static sigjmp_buf jb;
static volatile sig_atomic_t in_probe;

static void on_segv(int sig)
{
	(void)sig;
	if (in_probe)
		siglongjmp(jb, 1);
	_exit(4);
}

/* 1 if a write (or read) at p faults. */
static int faults(volatile char *p, int write)
{
	int r = 0;

	in_probe = 1;
	if (sigsetjmp(jb, 1))
		r = 1;
	else if (write)
		*p = *p;
	else
		(void)*p;
	in_probe = 0;
	return r;
}

struct region {
	const char *name;
	char *p;
	size_t len;
	uint64_t sum;
};

static struct region reg[8];
static int nreg;

static void add(const char *name, void *p, size_t len)
{
	reg[nreg].name = name;
	reg[nreg].p = p;
	reg[nreg].len = len;
	nreg++;
}

static char *frames[DEPTH];

static unsigned char fbyte(int depth, size_t i)
{
	return (unsigned char)(depth * 131 + i * 7 + (i >> 9));
}

static int frame_ok(int depth)
{
	size_t i;

	for (i = 0; i < FRAME; i++)
		if ((unsigned char)frames[depth][i] != fbyte(depth, i))
			return 0;
	return 1;
}

/* saved state */
static char maps0[65536], maps1[65536], rawmaps0[65536], rawmaps1[65536];
static char cmd0[8192], env0[65536], aux0[4096], exe0[4096];
static char cmd1[8192], env1[65536], aux1[4096], exe1[4096];
static size_t lmaps0, lcmd0, lenv0, laux0;
static unsigned long at_pagesz, at_hwcap, at_hwcap2, at_random, at_ehdr;
static unsigned char random0[16];
static char *brk0, *brk1, *gd, *mp;
static size_t gdlen;

/* The smaps entry of the area starting at start (static buffer), or NULL. */
static char *smaps_entry(char *start)
{
	static char buf[262144];
	char key[32], *p, *end;
	size_t len = slurp("/proc/self/smaps", buf, sizeof(buf) - 1);

	buf[len] = 0;
	snprintf(key, sizeof(key), "%lx-", (unsigned long)start);
	for (p = buf; (p = strstr(p, key)); p++) {
		if (p != buf && p[-1] != '\n')
			continue;
		end = strstr(p, "VmFlags:");
		if (end && (end = strchr(end, '\n')))
			*end = 0;
		return p;
	}
	return NULL;
}

/* Whether the area starting at start has VmFlags flag (e.g. "gd"). */
static int smaps_has(char *start, const char *flag)
{
	char *e = smaps_entry(start), *vf;
	size_t n = strlen(flag);

	if (!e || !(vf = strstr(e, "VmFlags:"))) {
		BAD("no smaps entry for %p", start);
		return 0;
	}
	/* A whole word of the line: "VmFlags: rd wr mr ..." */
	for (vf += 8; (vf = strstr(vf, flag)); vf += n)
		if (vf[-1] == ' ' && (vf[n] == ' ' || !vf[n]))
			return 1;
	return 0;
}

static int smaps_has_gd(char *start)
{
	return smaps_has(start, "gd");
}

/*
 * madvise() state: adv is 6 pages, [2,4) MADV_NOHUGEPAGE and
 * MADV_DONTDUMP, [4,6) MADV_WIPEONFORK and MADV_RANDOM, each its own
 * area; thp is 4 MiB, 2 MiB aligned, MADV_NOHUGEPAGE, one page written,
 * which must not come back as a huge page (THP "always" is Debian's).
 */
static char *adv, *thp;
static int thp_on;

static void check_advice(const char *when)
{
	static const struct {
		int page;
		const char *flag;
		int set;
	} want[] = {
		{ 0, "nh", 0 }, { 0, "dd", 0 }, { 0, "wf", 0 },
		{ 2, "nh", 1 }, { 2, "dd", 1 }, { 2, "wf", 0 },
		{ 4, "wf", 1 }, { 4, "rr", 1 }, { 4, "nh", 0 },
	};
	char *e;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (smaps_has(adv + want[i].page * PG, want[i].flag) !=
		    (want[i].set && (thp_on || strcmp(want[i].flag, "nh"))))
			BAD("%s: page %d of the advised area %s %s", when,
			    want[i].page, want[i].set ? "lacks" : "has",
			    want[i].flag);
	if (thp_on && !smaps_has(thp, "nh"))
		BAD("%s: the MADV_NOHUGEPAGE area lacks nh", when);
	e = smaps_entry(thp);
	if (e && !strstr(e, "\nAnonHugePages:         0 kB"))
		BAD("%s: the MADV_NOHUGEPAGE area has huge pages", when);
}

/* DIR/shared mapped shared read-only, from an O_RDONLY and an O_RDWR fd */
static char *shro, *shrw;

static void map_shared(void)
{
	int fd = open(path("shared"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, PG))
		BAD("creating %s", path("shared"));
	shrw = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	fd = open(path("shared"), O_RDONLY);
	shro = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (shro == MAP_FAILED || shrw == MAP_FAILED)
		BAD("mmap of %s", path("shared"));
}

/* Leaves the file as it was: the next run maps it again. */
static void check_shared(void)
{
	int fd;

	if (!mprotect(shro, PG, PROT_READ | PROT_WRITE))
		BAD("mprotect(PROT_WRITE) allowed on a shared mapping of an O_RDONLY file");
	else if (errno != EACCES)
		BAD("mprotect(PROT_WRITE) of the O_RDONLY file's mapping: errno %d, not EACCES", errno);
	if (mprotect(shrw, PG, PROT_READ | PROT_WRITE)) {
		BAD("mprotect(PROT_WRITE) refused on a shared mapping of an O_RDWR file: errno %d", errno);
	} else {
		shrw[0] = 'w';
		mprotect(shrw, PG, PROT_READ);
	}
	fd = open(path("shared"), O_RDWR);
	if (fd < 0 || pwrite(fd, "x", 1, 1) != 1)
		BAD("writing %s", path("shared"));
	if (shro[0] != 'w' || shro[1] != 'x' || shrw[1] != 'x')
		BAD("the shared mappings do not see the file's writes");
	if (fd < 0 || pwrite(fd, "\0\0", 2, 0) != 2)
		BAD("resetting %s", path("shared"));
	close(fd);
}

static void advise(char *hint)
{
	adv = mmap(hint, 6 * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	thp = mmap(hint + 0x200000, 0x400000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (adv != hint || thp != hint + 0x200000) {
		BAD("mmap of the advised areas");
		return;
	}
	thp_on = cr_have_thp();
	if ((thp_on && madvise(adv + 2 * PG, 2 * PG, MADV_NOHUGEPAGE)) ||
	    madvise(adv + 2 * PG, 2 * PG, MADV_DONTDUMP) ||
	    madvise(adv + 4 * PG, 2 * PG, MADV_WIPEONFORK) ||
	    madvise(adv + 4 * PG, 2 * PG, MADV_RANDOM) ||
	    (thp_on && madvise(thp, 0x400000, MADV_NOHUGEPAGE)))
		BAD("madvise");
	fill(adv, 6 * PG, 9);
	fill(thp + 0x200000, PG, 10);
	add("advised area", adv, 6 * PG);
	add("MADV_NOHUGEPAGE area", thp, 0x400000);
	check_advice("before");
}

static void snapshot(void)
{
	int i;

	lcmd0 = slurp("/proc/self/cmdline", cmd0, sizeof(cmd0));
	lenv0 = slurp("/proc/self/environ", env0, sizeof(env0));
	laux0 = slurp("/proc/self/auxv", aux0, sizeof(aux0));
	if (readlink("/proc/self/exe", exe0, sizeof(exe0) - 1) < 0)
		BAD("readlink /proc/self/exe");
	at_pagesz = getauxval(AT_PAGESZ);
	at_hwcap = getauxval(AT_HWCAP);
	at_hwcap2 = getauxval(AT_HWCAP2);
	at_random = getauxval(AT_RANDOM);
	at_ehdr = getauxval(AT_SYSINFO_EHDR);
	memcpy(random0, (void *)at_random, 16);
	if (mprotect(mp + 5 * PG, 2 * PG, PROT_READ))
		BAD("mprotect");
	for (i = 0; i < nreg; i++)
		reg[i].sum = sum(reg[i].p, reg[i].len);
	if (mprotect(mp + 5 * PG, 2 * PG, PROT_NONE))
		BAD("mprotect");
	lmaps0 = maps(maps0, sizeof(maps0), rawmaps0, sizeof(rawmaps0));
}

static void compare(void)
{
	size_t l;
	char *b;
	int i;

	l = maps(maps1, sizeof(maps1), rawmaps1, sizeof(rawmaps1));
	if (l != lmaps0 || memcmp(maps0, maps1, l)) {
		BAD("/proc/self/maps differs; before:");
		if (write(1, maps0, lmaps0) < 0)
			_exit(3);
		say("mem_layout: after:");
		if (write(1, maps1, l) < 0)
			_exit(3);
	} else {
		int n = 0;
		size_t k;

		for (k = 0; k < l; k++)
			n += maps0[k] == '\n';
		say("mem_layout: /proc/self/maps: the same %d areas", n);
		if (strcmp(rawmaps0, rawmaps1))
			say("mem_layout: note: the kernel splits them differently; raw maps before:\n%s"
			    "mem_layout: raw maps after:\n%s", rawmaps0, rawmaps1);
	}
	if (slurp("/proc/self/cmdline", cmd1, sizeof(cmd1)) != lcmd0 || memcmp(cmd0, cmd1, lcmd0))
		BAD("/proc/self/cmdline differs");
	if (slurp("/proc/self/environ", env1, sizeof(env1)) != lenv0 || memcmp(env0, env1, lenv0))
		BAD("/proc/self/environ differs");
	if (slurp("/proc/self/auxv", aux1, sizeof(aux1)) != laux0 || memcmp(aux0, aux1, laux0))
		BAD("/proc/self/auxv differs");
	if (check_exe && (readlink("/proc/self/exe", exe1, sizeof(exe1) - 1) < 0 || strcmp(exe0, exe1)))
		BAD("/proc/self/exe is %s, was %s", exe1, exe0);
	if (getauxval(AT_PAGESZ) != at_pagesz || getauxval(AT_HWCAP) != at_hwcap ||
	    getauxval(AT_HWCAP2) != at_hwcap2 || getauxval(AT_RANDOM) != at_random ||
	    getauxval(AT_SYSINFO_EHDR) != at_ehdr)
		BAD("getauxval values differ");
	if (memcmp((void *)getauxval(AT_RANDOM), random0, 16))
		BAD("AT_RANDOM bytes differ");

	/* contents; PROT_NONE pages made readable for the check */
	if (mprotect(mp + 5 * PG, 2 * PG, PROT_READ))
		BAD("mprotect");
	for (i = 0; i < nreg; i++)
		if (sum(reg[i].p, reg[i].len) != reg[i].sum)
			BAD("contents of %s (%p, %zu bytes) differ", reg[i].name, reg[i].p, reg[i].len);
	if (mprotect(mp + 5 * PG, 2 * PG, PROT_NONE))
		BAD("mprotect");

	/* protections enforced, not only shown */
	if (!faults(mp + 2 * PG, 1) || !faults(mp + 3 * PG + 100, 1))
		BAD("PROT_READ pages are writable");
	if (!faults(mp + 5 * PG, 0) || !faults(mp + 6 * PG + 8, 0))
		BAD("PROT_NONE pages are readable");
	if (faults(mp, 1) || faults(mp + 4 * PG, 1) || faults(mp + 7 * PG, 1))
		BAD("read-write pages fault");

	/* the heap still grows */
	if (sbrk(0) != brk1)
		BAD("sbrk(0) %p, was %p", sbrk(0), brk1);
	b = sbrk(512 * 1024);
	if (b == (void *)-1) {
		BAD("sbrk(512 KiB) failed");
	} else {
		if (b != brk1)
			BAD("sbrk grew from %p, not %p", b, brk1);
		static char t[512 * 1024];

		fill(b, 512 * 1024, 77);
		fill(t, sizeof(t), 77);
		if (memcmp(b, t, sizeof(t)))
			BAD("new heap memory does not hold what was written");
		if (sum(brk0, brk1 - brk0) != reg[4].sum)
			BAD("old heap changed when it grew");
		if ((char *)sbrk(0) != brk1 + 512 * 1024)
			BAD("brk end %p after growing", sbrk(0));
	}

	/* the MAP_GROWSDOWN region still grows */
	if (!smaps_has_gd(gd))
		BAD("MAP_GROWSDOWN region %p is not VM_GROWSDOWN (smaps)", gd);
	if (faults(gd - PG, 1))
		BAD("MAP_GROWSDOWN region does not grow below %p", gd);
	else if (gd[-PG] != 0 || !smaps_has_gd(gd - PG))
		BAD("MAP_GROWSDOWN region grew wrong");
	check_advice("after");
	check_shared();
}

/*
 * Grows the stack well below the deepest frame before the snapshot.  What
 * runs after it (the wait for go, compare()) may reach a page further down
 * than snapshot() did, depending on where ASLR put the stack in its page,
 * and the maps would then differ with no checkpoint involved.
 */
static __attribute__((noinline)) void reserve_stack(void)
{
	char pad[64 * 1024];

	pad[0] = 1;
	__asm__ volatile("" : : "r"(pad) : "memory");
}

static void deepest(void)
{
	int i;

	reserve_stack();
	snapshot();
	cr_ready_wait_go(dir);
	compare();
	for (i = 0; i < DEPTH; i++)
		if (!frame_ok(i))
			BAD("stack frame %d differs", i);
}

static int recurse(int depth)
{
	char frame[FRAME];
	size_t i;

	frames[depth] = frame;
	for (i = 0; i < FRAME; i++)
		frame[i] = fbyte(depth, i);
	if (depth + 1 < DEPTH)
		recurse(depth + 1);
	else
		deepest();
	if (!frame_ok(depth))
		BAD("stack frame %d differs on return", depth);
	__asm__ volatile("" : : "r"(frame) : "memory");
	return 0;
}

int main(int argc, char **argv)
{
	char *hint = (char *)0x100000000000UL, *a, *b, *blk, *m;
	struct sigaction sa;

	if (argc < 2) {
		say("usage: mem_layout DIR");
		return 2;
	}
	dir = argv[1];
	check_exe = getenv("MEM_LAYOUT_CHECK_EXE") != NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);

	/* at a fixed hint */
	m = mmap(hint, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != hint)
		BAD("mmap at hint %p gave %p", hint, m);
	fill(m, 16 * PG, 1);
	add("hint mapping", m, 16 * PG);

	/* split by mprotect: rw rw r r rw none none rw */
	mp = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill(mp, 8 * PG, 2);
	if (mprotect(mp + 2 * PG, 2 * PG, PROT_READ) || mprotect(mp + 5 * PG, 2 * PG, PROT_NONE))
		BAD("mprotect");
	add("mprotect'd region", mp, 8 * PG);

	/* mremap: grown and moved (a page right after it blocks growth in place) */
	a = mmap(hint + 0x10000000000UL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill(a, 4 * PG, 3);
	blk = mmap(a + 4 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (blk != a + 4 * PG)
		BAD("blocker mapping at %p gave %p", a + 4 * PG, blk);
	b = mremap(a, 4 * PG, 64 * PG, MREMAP_MAYMOVE);
	if (b == MAP_FAILED || b == a)
		BAD("mremap did not move (%p -> %p)", a, b);
	{
		static char t[4 * PG];

		fill(t, sizeof(t), 3);
		if (memcmp(b, t, sizeof(t)))
			BAD("mremap lost the contents");
	}
	fill(b + 10 * PG, PG, 4);
	fill(b + 63 * PG, PG, 5);
	add("mremap'd region", b, 64 * PG);

	/* MAP_GROWSDOWN, far from anything, grown by one page */
	gdlen = 16 * PG;
	gd = mmap(hint + 0x20000000000UL, gdlen, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	if (gd == MAP_FAILED)
		BAD("mmap MAP_GROWSDOWN");
	fill(gd, gdlen, 6);
	if (faults(gd - PG, 1)) {
		BAD("MAP_GROWSDOWN region does not grow before the checkpoint");
	} else {
		gd -= PG;
		gdlen += PG;
		fill(gd, PG, 7);
	}
	add("MAP_GROWSDOWN region", gd, gdlen);

	/* brk heap */
	brk0 = sbrk(0);
	if (sbrk(1024 * 1024) != brk0)
		BAD("sbrk");
	brk1 = sbrk(0);
	fill(brk0, brk1 - brk0, 8);
	add("brk heap", brk0, brk1 - brk0);	/* reg[4] */
	advise(hint + 0x30000000000UL);
	map_shared();

	say("mem_layout: hint %p, mprotect %p, mremap %p -> %p, growsdown %p, brk %p-%p",
	    m, mp, a, b, gd, brk0, brk1);
	recurse(0);
	say("mem_layout: %s", errors ? "FAILED" : "ok");
	return errors ? 1 : 0;
}
