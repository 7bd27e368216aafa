// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An expect-like pair on a pty of its own.  The master's holder (this
 * process, master at fd 7 in packet mode, watched by an epoll at fd 8)
 * writes "N\n" and reads back, byte for byte, the echo "N\r\n" and
 * the answer "n=N ok\r\n".  The slave's side is a session leader (the
 * shell), whose terminal the slave is, and its child (the counter) in a
 * process group of its own in the foreground: at each line the counter
 * checks its session, group, foreground group, /dev/tty, the slave at
 * fd 9, the termios and window size set at the start, and counts.
 *
 * Before the checkpoint the last answer is left unread in the master, the
 * start of the next line ("N5" and the erase character: "N" is left) in
 * the slave, and the slave is locked (TIOCSPTLCK); after it, still
 * locked, it is unlocked, that answer and the echo must come, then the
 * end of the line completes it, and ROUNDS more follow, each exactly once.
 * Usage: pty_expect DIR ROUNDS (lib.sh's start_ready; tests/pty_expect.sh)
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>

#include "../cr_test_util.h"

#define MASTER	7
#define EPOLL	8
#define SLAVE	9
#define ERASE	'~'

static const struct winsize ws = { .ws_row = 33, .ws_col = 101 };

static dev_t rdev(int fd)
{
	struct stat st;

	return fstat(fd, &st) < 0 ? 0 : st.st_rdev;
}

/* What is wrong with the counter's terminal, or NULL. */
static const char *check_tty(pid_t sid, pid_t pgrp)
{
	struct termios t;
	struct winsize w;
	int fd;

	if (getsid(0) != sid || getpgrp() != pgrp)
		return "session or group";
	if (tcgetpgrp(0) != pgrp)
		return "foreground group";
	fd = open("/dev/tty", O_RDWR);
	if (fd < 0 || tcgetpgrp(fd) != pgrp || rdev(SLAVE) != rdev(0))
		return "/dev/tty or fd 9";
	close(fd);
	if (tcgetattr(0, &t) < 0 || t.c_cc[VERASE] != ERASE ||
	    cfgetospeed(&t) != B9600 || !(t.c_lflag & ECHO) ||
	    t.c_lflag & ECHOCTL)
		return "termios";
	if (ioctl(0, TIOCGWINSZ, &w) < 0 || w.ws_row != ws.ws_row ||
	    w.ws_col != ws.ws_col)
		return "window size";
	return NULL;
}

/* The counter: reads N, answers; "q" ends it. */
static int counter(void)
{
	pid_t sid = getsid(0), pgrp = getpgrp();
	char line[64], out[128];
	const char *bad;
	long want = 0;
	ssize_t n;
	int len;

	/* A read from the background would stop it (SIGTTIN). */
	while (tcgetpgrp(0) != pgrp)
		cr_pause_ms(5);
	if (write(1, "hello\n", 6) != 6)
		return 4;
	for (;;) {
		n = read(0, line, sizeof(line) - 1);
		if (n <= 0)
			return 3;
		line[n] = '\0';
		if (line[0] == 'q')
			return 0;
		bad = check_tty(sid, pgrp);
		if (!bad && atol(line) != want)
			bad = "count";
		len = snprintf(out, sizeof(out), "n=%ld %s\n", atol(line),
			       bad ? bad : "ok");
		want++;
		if (write(1, out, len) != len)
			return 4;
	}
}

/* The shell: a session on the slave, the counter in the foreground. */
static void shell(const char *name)
{
	struct termios t;
	int fd, status;
	pid_t pid;

	close(MASTER);
	close(EPOLL);
	setsid();
	fd = open(name, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0 || dup2(fd, SLAVE) < 0)
		_exit(10);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	tcgetattr(0, &t);
	t.c_cc[VERASE] = ERASE;
	t.c_lflag &= ~ECHOCTL;
	cfsetspeed(&t, B9600);
	tcsetattr(0, TCSANOW, &t);
	signal(SIGTTOU, SIG_IGN);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		_exit(counter());
	}
	setpgid(pid, pid);
	tcsetpgrp(0, pid);
	while (waitpid(pid, &status, 0) < 0)
		;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 11);
}

/* Reads what the master says (packet mode: a 0 byte before the data). */
static int expect(const char *want)
{
	size_t len = strlen(want), got = 0;
	struct epoll_event ev;
	char buf[256];
	ssize_t n;

	while (got < len) {
		if (epoll_wait(EPOLL, &ev, 1, 20000 * cr_slow()) != 1) {
			cr_bad("nothing to read after %zu bytes of \"%s\"",
			       got, want);
			return -1;
		}
		n = read(MASTER, buf, sizeof(buf));
		if (n < 1 || buf[0] != TIOCPKT_DATA) {
			cr_bad("read %zd, packet %d", n, n > 0 ? buf[0] : -1);
			return -1;
		}
		if ((size_t)n - 1 > len - got ||
		    memcmp(buf + 1, want + got, n - 1)) {
			cr_bad("got \"%.*s\" for \"%s\"", (int)n - 1, buf + 1,
			       want);
			return -1;
		}
		got += n - 1;
	}
	return 0;
}

static void say(long i)
{
	char line[32];
	int len = snprintf(line, sizeof(line), "%ld\n", i);

	if (write(MASTER, line, len) != len)
		cr_die("write");
}

/* The echo of line i, then the answer to it. */
static const char *answer(long i)
{
	static char want[64];

	snprintf(want, sizeof(want), "%ld\r\nn=%ld ok\r\n", i, i);
	return want;
}

static int round_trip(long i)
{
	say(i);
	return expect(answer(i));
}

/* Until the master has len bytes to read. */
static void wait_queued(size_t len)
{
	int queued;

	while (ioctl(MASTER, FIONREAD, &queued) == 0 && queued < (int)len)
		cr_pause_ms(10);
}

static void check_modes(void)
{
	int pkt = 0, lck = 0;

	if (ioctl(MASTER, TIOCGPKT, &pkt) < 0 || !pkt)
		cr_bad("not in packet mode");
	if (ioctl(MASTER, TIOCGPTLCK, &lck) < 0 || !lck)
		cr_bad("slave not locked");
}

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 77 };
	char part[32], want[96];
	long i, rounds;
	int fd, on = 1, status;
	pid_t pid;

	cr_start(argc, argv, 2, "DIR ROUNDS");
	rounds = atol(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = posix_openpt(O_RDWR | O_NOCTTY);
	if (fd < 0 || grantpt(fd) || unlockpt(fd) || dup2(fd, MASTER) < 0)
		cr_die("ptmx");
	close(fd);
	if (ioctl(MASTER, TIOCSWINSZ, &ws) < 0 ||
	    ioctl(MASTER, TIOCPKT, &on) < 0)
		cr_die("pty modes");
	fd = epoll_create1(0);
	if (fd < 0 || dup2(fd, EPOLL) < 0 ||
	    epoll_ctl(EPOLL, EPOLL_CTL_ADD, MASTER, &ev) < 0)
		cr_die("epoll");
	close(fd);
	pid = fork();
	if (pid == 0)
		shell(ptsname(MASTER));
	if (expect("hello\r\n"))
		return cr_result();
	for (i = 0; i < rounds && !round_trip(i); i++)
		;
	/*
	 * Left for the checkpoint: the answer to i unread in the master, and
	 * the start of the next line, a character erased, in the slave.
	 */
	say(i);
	snprintf(part, sizeof(part), "%ld5%c", i + 1, ERASE);
	snprintf(want, sizeof(want), "%s%ld5\b \b", answer(i), i + 1);
	wait_queued(strlen(answer(i)));
	if (write(MASTER, part, strlen(part)) != (ssize_t)strlen(part))
		cr_die("write");
	wait_queued(strlen(want));
	/* Nothing may open the slave, until the lock is seen back. */
	if (ioctl(MASTER, TIOCSPTLCK, &on) < 0)
		cr_die("lock");
	cr_ready_wait_go(argv[1]);
	check_modes();
	on = 0;
	if (ioctl(MASTER, TIOCSPTLCK, &on) < 0)
		cr_die("unlock");
	if (!cr_errors && !expect(want) && write(MASTER, "\n", 1) == 1 &&
	    !expect(answer(++i) + strlen(part) - 2))
		for (i++; i < 2 * rounds + 2 && !round_trip(i); i++)
			;
	if (write(MASTER, "q\n", 2) != 2)
		cr_die("write");
	while (waitpid(pid, &status, 0) < 0)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		cr_bad("the shell ended with status %#x", status);
	printf("%ld rounds\n", i);
	return cr_result();
}
