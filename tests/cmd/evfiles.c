// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eventfd, timerfd, signalfd, epoll and inotify instances survive a checkpoint
 * with --kill and a restart.  Usage: evfiles DIR MODE, MODE one of
 *
 * eventfd   fd 10: a nonblocking eventfd holding 2^40 + 5, shared with a
 *           child (fd 11 there, a dup); fd 12: a semaphore eventfd
 *           holding 3.  After restart the child adds 1 through its fd,
 *           the parent reads 2^40 + 6, then EAGAIN; fd 12 reads 1 three
 *           times.  (Checkpoint with --tree.)
 * timerfd   fd 10: a one-shot CLOCK_MONOTONIC timer armed for 5.5 s, the
 *           program sleeps 1.5 s before it is ready: after restart it must
 *           fire between 0.5 and 4.8 s later (not at once, not from the
 *           start; how long the checkpoint came after ready depends on
 *           the guest's load); fd 11: a timer that expired unread: it
 *           reads 1.
 * signalfd  fd 9: a nonblocking signalfd for SIGUSR1 (blocked, as is
 *           SIGUSR2): after restart it reads nothing, then the SIGUSR1
 *           the program sends itself, and not SIGUSR2.
 * epoll     fd 10: an epoll watching a pipe's read end (fd 11), an
 *           eventfd (fd 13, edge-triggered) and a timerfd (fd 14, armed
 *           for 1 s after ready) with distinct data: after restart,
 *           nothing is ready; then each event comes with its data, and
 *           EPOLL_CTL_DEL of fd 11 works.
 * epoll2    fd 10: an epoll watching stdin (a pipe from outside: after
 *           restart, cr_restart's stdin, which says "x") and, at fd 11,
 *           an epoll watching an eventfd (fd 12): stdin's event comes
 *           first (then it is removed), then the eventfd's through both
 *           epolls.
 * epoll_gone fd 10: an epoll watching a pipe registered as fd 5, which
 *           was then moved to fd 6: the checkpoint must be refused.
 * inotify   fd 10: a nonblocking inotify watching / (wd 1, IN_MOVE_SELF:
 *           cr_restart cannot skip wds with it), DIR/w (wd 2, IN_CREATE |
 *           IN_DELETE), DIR/f (wd 4, IN_MODIFY | IN_ONESHOT; wd 3 was
 *           added and removed) and the symlink DIR/l (wd 5, IN_ATTRIB,
 *           IN_DONT_FOLLOW | IN_EXCL_UNLINK), in an epoll (fd 11): after
 *           restart nothing is pending, fdinfo shows the same watches, a
 *           file made in DIR/w and writes to DIR/f give events with the
 *           old wds through the epoll, the oneshot fires once, and a new
 *           watch gets wd 6.
 * inotify_deleted fd 10: an inotify watching DIR/g, deleted but open:
 *           the checkpoint must be refused; then the IN_ATTRIB of the
 *           unlink is still there to read, and a write gives IN_MODIFY.
 *
 * Creates DIR/ready, waits for DIR/go, checks, and says "evfiles: ok".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

static const char *dir;


static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* fd moved to number want, with its FD_CLOEXEC. */
static int at(int fd, int want)
{
	if (fd == want)
		return want;
	if (fd < 0 || dup3(fd, want, fcntl(fd, F_GETFD) & FD_CLOEXEC ?
				     O_CLOEXEC : 0) != want) {
		perror("evfiles: setup");
		_exit(2);
	}
	if (fd != want)
		close(fd);
	return want;
}

static void check_flags(int fd, int nonblock, int cloexec)
{
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);

	if (fl < 0 || fdfl < 0)
		cr_bad("fd %d is not open: %s", fd, strerror(errno));
	else if (!!(fl & O_NONBLOCK) != nonblock || !!(fdfl & FD_CLOEXEC) != cloexec)
		cr_bad("fd %d: flags %#x, fd flags %#x", fd, fl, fdfl);
}

static uint64_t rd64(int fd, int *err)
{
	uint64_t v = 0;

	*err = read(fd, &v, sizeof(v)) == sizeof(v) ? 0 : errno;
	return v;
}

static void t_eventfd(void)
{
	uint64_t v = (1ULL << 40) + 5, one = 1;
	int e, s, err, i, status;
	pid_t child;

	e = at(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), 10);
	s = at(eventfd(3, EFD_SEMAPHORE), 12);
	if (write(e, &v, sizeof(v)) != sizeof(v))
		cr_bad("write");
	child = fork();
	if (!child) {
		at(dup(e), 11);
		close(e);
		cr_wait_for(dir, "go");
		/* After restart: add 1 through the shared eventfd. */
		_exit(write(11, &one, sizeof(one)) == sizeof(one) ? 0 : 1);
	}
	cr_ready_wait_go(dir);
	check_flags(e, 1, 1);
	check_flags(s, 0, 0);
	if (waitpid(child, &status, 0) != child || status)
		cr_bad("the child failed (%#x)", status);
	v = rd64(e, &err);
	if (err || v != (1ULL << 40) + 6)
		cr_bad("eventfd read %#llx (%s)", (unsigned long long)v, strerror(err));
	rd64(e, &err);
	if (err != EAGAIN)
		cr_bad("second read: %s", strerror(err));
	for (i = 0; i < 3; i++) {
		v = rd64(s, &err);
		if (err || v != 1)
			cr_bad("semaphore read %d: %llu (%s)", i,
			    (unsigned long long)v, strerror(err));
	}
}

static void t_timerfd(void)
{
	/* 5.5 s, 1.5 of them spent before "ready" (longer on a slow kernel) */
	long ms = 5500 * cr_slow();
	struct itimerspec its = {
		.it_value = { ms / 1000, ms % 1000 * 1000000 }
	};
	struct itimerspec soon = { .it_value = { 0, 10000000 } };
	double t0, dt, most = ms / 1000.0 - 0.7;
	uint64_t v;
	int t, u, err;

	t = at(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC), 10);
	u = at(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK), 11);
	if (timerfd_settime(t, 0, &its, NULL) || timerfd_settime(u, 0, &soon, NULL))
		cr_bad("settime: %s", strerror(errno));
	usleep(1500000);
	cr_ready_wait_go(dir);
	t0 = now();
	check_flags(t, 0, 1);
	check_flags(u, 1, 0);
	v = rd64(u, &err);
	if (err || v != 1)
		cr_bad("expired timer read %llu (%s)", (unsigned long long)v, strerror(err));
	v = rd64(t, &err);
	dt = now() - t0;
	printf("evfiles: the timer fired %.2f s after restart\n", dt);
	if (err || v != 1)
		cr_bad("timer read %llu (%s)", (unsigned long long)v, strerror(err));
	if (dt < 0.5 || dt > most)
		cr_bad("the timer fired %.2f s after restart, not in 0.5-%.1f s",
		    dt, most);
}

static void t_signalfd(void)
{
	struct signalfd_siginfo si;
	sigset_t set;
	int s;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGUSR2);
	s = at(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC), 9);
	cr_ready_wait_go(dir);
	check_flags(s, 1, 1);
	if (read(s, &si, sizeof(si)) >= 0 || errno != EAGAIN)
		cr_bad("a signal was there before any was sent");
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR1);
	if (read(s, &si, sizeof(si)) != sizeof(si))
		cr_bad("no SIGUSR1 through the signalfd: %s", strerror(errno));
	else if (si.ssi_signo != SIGUSR1)
		cr_bad("read signal %u", si.ssi_signo);
	if (read(s, &si, sizeof(si)) >= 0 || errno != EAGAIN)
		cr_bad("the signalfd read SIGUSR2, outside its mask");
}

/* The data of the next event, within ms, or 0. */
static uint64_t next_event(int ep, int ms)
{
	struct epoll_event ev;
	int n;

	do
		n = epoll_wait(ep, &ev, 1, ms);
	while (n < 0 && errno == EINTR);
	return n == 1 ? ev.data.u64 : 0;
}

#define D_PIPE	0x1111222233334444ULL
#define D_EVENT	0xaaaabbbbccccddddULL
#define D_TIMER	0x77ULL

static void t_epoll(void)
{
	struct itimerspec its = { .it_value = { 1, 0 } };
	struct epoll_event ev;
	int ep, p[2], e, t, err;
	uint64_t one = 1, v;
	char c;

	ep = at(epoll_create1(EPOLL_CLOEXEC), 10);
	if (pipe(p))
		cr_bad("pipe");
	p[0] = at(p[0], 11);
	p[1] = at(p[1], 12);
	e = at(eventfd(0, EFD_NONBLOCK), 13);
	t = at(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), 14);
	ev.events = EPOLLIN;
	ev.data.u64 = D_PIPE;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = D_EVENT;
	epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev);
	ev.events = EPOLLIN;
	ev.data.u64 = D_TIMER;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev))
		cr_bad("epoll_ctl: %s", strerror(errno));
	cr_ready_wait_go(dir);
	if (timerfd_settime(t, 0, &its, NULL))
		cr_bad("settime: %s", strerror(errno));
	v = next_event(ep, 0);
	if (v)
		cr_bad("an event %#llx before any", (unsigned long long)v);
	if (write(p[1], "x", 1) != 1)
		cr_bad("pipe write");
	v = next_event(ep, 1000);
	if (v != D_PIPE)
		cr_bad("pipe event data %#llx", (unsigned long long)v);
	if (read(p[0], &c, 1) != 1)
		cr_bad("pipe read");
	if (write(e, &one, sizeof(one)) != sizeof(one))
		cr_bad("eventfd write");
	v = next_event(ep, 1000);
	if (v != D_EVENT)
		cr_bad("eventfd event data %#llx", (unsigned long long)v);
	/* Edge-triggered: not again until written again. */
	v = next_event(ep, 0);
	if (v)
		cr_bad("an event %#llx again (EPOLLET lost?)", (unsigned long long)v);
	v = next_event(ep, 3000);
	if (v != D_TIMER)
		cr_bad("timer event data %#llx", (unsigned long long)v);
	rd64(t, &err);
	if (err)
		cr_bad("timer read: %s", strerror(err));
	if (epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL))
		cr_bad("EPOLL_CTL_DEL of fd %d: %s", p[0], strerror(errno));
	if (write(p[1], "y", 1) != 1 || next_event(ep, 100))
		cr_bad("an event after EPOLL_CTL_DEL");
}

#define D_STDIN	0x5151ULL
#define D_INNER	0xb0b0ULL

static void t_epoll2(void)
{
	struct epoll_event ev;
	int a, b, e;
	uint64_t one = 1, v;
	char buf[8];

	a = at(epoll_create1(0), 10);
	b = at(epoll_create1(0), 11);
	e = at(eventfd(0, EFD_NONBLOCK), 12);
	ev.events = EPOLLIN;
	ev.data.u64 = D_STDIN;
	if (epoll_ctl(a, EPOLL_CTL_ADD, 0, &ev))
		cr_bad("epoll_ctl stdin: %s", strerror(errno));
	ev.data.u64 = D_INNER;
	epoll_ctl(a, EPOLL_CTL_ADD, b, &ev);
	ev.data.u64 = D_EVENT;
	if (epoll_ctl(b, EPOLL_CTL_ADD, e, &ev))
		cr_bad("epoll_ctl: %s", strerror(errno));
	cr_ready_wait_go(dir);
	v = next_event(a, 5000);
	if (v != D_STDIN)
		cr_bad("stdin event data %#llx", (unsigned long long)v);
	if (read(0, buf, sizeof(buf)) != 2 || buf[0] != 'x')
		cr_bad("stdin did not say x");
	/* At EOF now, and so always ready: out of the way. */
	if (epoll_ctl(a, EPOLL_CTL_DEL, 0, NULL))
		cr_bad("EPOLL_CTL_DEL of stdin: %s", strerror(errno));
	if (write(e, &one, sizeof(one)) != sizeof(one))
		cr_bad("eventfd write");
	v = next_event(a, 1000);
	if (v != D_INNER)
		cr_bad("outer epoll event data %#llx", (unsigned long long)v);
	v = next_event(b, 0);
	if (v != D_EVENT)
		cr_bad("inner epoll event data %#llx", (unsigned long long)v);
}

static void t_epoll_gone(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep, p[2];

	ep = at(epoll_create1(0), 10);
	if (pipe(p))
		cr_bad("pipe");
	p[0] = at(p[0], 5);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, 5, &ev))
		cr_bad("epoll_ctl: %s", strerror(errno));
	at(5, 6);	/* closes 5: the watch stays, its file open as 6 */
	cr_ready_wait_go(dir);
}

#define D_INOTIFY	0x1a2b3c4dULL

/* The "inotify wd:" lines of fd's fdinfo, at buf (size bytes). */
static void inotify_lines(int fd, char *buf, size_t size)
{
	char path[64], line[512];
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	buf[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "inotify wd:", 11) ||
		    len + strlen(line) >= size)
			continue;
		strcpy(buf + len, line);
		len += strlen(line);
	}
	if (f)
		fclose(f);
}

/* The next event of inotify fd, read now (NULL if none). */
static const struct inotify_event *next_in(int fd)
{
	static char buf[4096] __attribute__((aligned(8)));
	static ssize_t len, off;
	const struct inotify_event *e;

	if (off >= len) {
		off = 0;
		len = read(fd, buf, sizeof(buf));
		if (len <= 0)
			return NULL;
	}
	e = (const struct inotify_event *)(buf + off);
	off += sizeof(*e) + e->len;
	return e;
}

/* The next event is wd's, with mask bit, and name if not NULL. */
static void expect_in(int fd, int wd, uint32_t bit, const char *name)
{
	const struct inotify_event *e = next_in(fd);

	if (!e)
		cr_bad("no event for wd %d (mask %#x)", wd, bit);
	else if (e->wd != wd || !(e->mask & bit) ||
		 (name && (!e->len || strcmp(e->name, name))))
		cr_bad("event wd %d mask %#x name '%s', not wd %d mask %#x",
		    e->wd, e->mask, e->len ? e->name : "", wd, bit);
}

static int add_watch(int in, const char *name, uint32_t mask, int want)
{
	char path[4096];
	int wd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	wd = inotify_add_watch(in, path, mask);
	if (wd != want)
		cr_bad("watch on %s: wd %d, not %d (%s)", name, wd, want,
		    strerror(errno));
	return wd;
}

static void t_inotify(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = D_INOTIFY };
	char before[4096], after[4096], path[4096];
	int in, ep, f;

	snprintf(path, sizeof(path), "%s/w", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/l", dir);
	if (symlink("f", path))
		cr_bad("symlink: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	f = at(open(path, O_RDWR | O_CREAT, 0644), 12);
	in = at(inotify_init1(IN_NONBLOCK), 10);
	ep = at(epoll_create1(EPOLL_CLOEXEC), 11);
	if (inotify_add_watch(in, "/", IN_MOVE_SELF) != 1)
		cr_bad("watch on /: %s", strerror(errno));
	add_watch(in, "w", IN_CREATE | IN_DELETE, 2);
	inotify_rm_watch(in, add_watch(in, ".", IN_ATTRIB, 3));
	expect_in(in, 3, IN_IGNORED, NULL);
	add_watch(in, "f", IN_MODIFY | IN_ONESHOT, 4);
	add_watch(in, "l", IN_ATTRIB | IN_DONT_FOLLOW | IN_EXCL_UNLINK, 5);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, in, &ev))
		cr_bad("epoll_ctl: %s", strerror(errno));
	inotify_lines(in, before, sizeof(before));
	cr_ready_wait_go(dir);
	check_flags(in, 1, 0);
	if (next_event(ep, 0) || next_in(in))
		cr_bad("an event pending after restart");
	inotify_lines(in, after, sizeof(after));
	if (strcmp(before, after) || !before[0])
		cr_bad("the watches were\n%sand are\n%s", before, after);
	snprintf(path, sizeof(path), "%s/w/new", dir);
	close(open(path, O_RDWR | O_CREAT, 0644));
	if (next_event(ep, 1000) != D_INOTIFY)
		cr_bad("no epoll event for the inotify");
	expect_in(in, 2, IN_CREATE, "new");
	if (write(f, "x", 1) != 1)
		cr_bad("write");
	expect_in(in, 4, IN_MODIFY, NULL);
	expect_in(in, 4, IN_IGNORED, NULL);	/* the oneshot is gone */
	if (write(f, "y", 1) != 1 || next_event(ep, 200))
		cr_bad("an event after the oneshot fired");
	unlink(path);
	expect_in(in, 2, IN_DELETE, "new");
	add_watch(in, ".", IN_ATTRIB, 6);
}

static void t_inotify_deleted(void)
{
	char path[4096];
	int in, g;

	snprintf(path, sizeof(path), "%s/g", dir);
	g = at(open(path, O_RDWR | O_CREAT, 0644), 12);
	in = at(inotify_init1(IN_NONBLOCK), 10);
	add_watch(in, "g", IN_MODIFY | IN_ATTRIB, 1);
	unlink(path);
	cr_ready_wait_go(dir);
	expect_in(in, 1, IN_ATTRIB, NULL);
	if (write(g, "x", 1) != 1)
		cr_bad("write");
	expect_in(in, 1, IN_MODIFY, NULL);
}

static const struct cr_mode modes[] = {
	{ "eventfd", t_eventfd },
	{ "timerfd", t_timerfd },
	{ "signalfd", t_signalfd },
	{ "epoll", t_epoll },
	{ "epoll2", t_epoll2 },
	{ "epoll_gone", t_epoll_gone },
	{ "inotify", t_inotify },
	{ "inotify_deleted", t_inotify_deleted },
	{ NULL }
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	cr_start(argc, argv, 2, "DIR MODE (see the source)");
	dir = argv[1];
	cr_run_mode(argv[2], modes);
	return cr_result();
}
