// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Open file state survives checkpoint/restart.  In DIR the program opens:
 *   rw    O_RDWR, offset 1000 of 4096 bytes     app   O_WRONLY|O_APPEND
 *   ro    O_RDONLY, 10 bytes read (offset 10)   dup   O_RDWR and a dup() of it
 *   ce    "ro" again with O_CLOEXEC             nce   "ro" again without it
 *   nb    "ro" again with O_NONBLOCK            high  DIR/high dup2'ed to fd 100
 *   /dev/null, /dev/zero, /dev/urandom, and DIR itself (O_DIRECTORY)
 *   del   O_WRONLY, "before:" written, then unlinked
 * creates DIR/ready and waits for DIR/go.  Then it checks every descriptor's
 * number, offset, F_GETFD, F_GETFL access mode and flags and file identity,
 * keeps working through all of them (writes, reads, openat), checks that the
 * dup'ed descriptors share one offset, and verifies the files' contents
 * (del's through /proc/self/fd, after "after" is written to it).
 * Exits 0 iff everything is right.
 * Usage: files_state DIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cr_test_util.h"

static const char *dir;


static char *path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static int xopen(const char *p, int flags)
{
	int fd = open(p, flags, 0644);

	if (fd < 0) {
		perror(p);
		exit(2);
	}
	return fd;
}

static void put(const char *name, const char *data, size_t len)
{
	int fd = xopen(path(name), O_WRONLY | O_CREAT | O_TRUNC);

	if (write(fd, data, len) != (ssize_t)len)
		exit(2);
	close(fd);
}

/* The whole content of NAME in buf; its length. */
static ssize_t get(const char *name, char *buf, size_t size)
{
	int fd = open(path(name), O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

struct desc {
	const char *what, *file;	/* file: path name or NULL for DIR */
	int fd, fdflags, flflags;	/* F_GETFD, F_GETFL & the mask below */
	off_t off;
	dev_t dev;
	ino_t ino;
};

#define FL_MASK (O_ACCMODE | O_APPEND | O_NONBLOCK)

static struct desc ds[16];
static int nd;

static void rec(const char *what, const char *file, int fd)
{
	struct stat st;

	ds[nd].what = what;
	ds[nd].file = file;
	ds[nd].fd = fd;
	ds[nd].fdflags = fcntl(fd, F_GETFD);
	ds[nd].flflags = fcntl(fd, F_GETFL) & FL_MASK;
	ds[nd].off = lseek(fd, 0, SEEK_CUR);
	fstat(fd, &st);
	ds[nd].dev = st.st_dev;
	ds[nd].ino = st.st_ino;
	nd++;
}

static void check(const struct desc *d)
{
	struct stat st, pst;
	off_t off;
	int f;

	f = fcntl(d->fd, F_GETFD);
	if (f < 0) {
		cr_bad("%s: fd %d is not open", d->what, d->fd);
		return;
	}
	if (f != d->fdflags)
		cr_bad("%s: F_GETFD %#x, was %#x", d->what, f, d->fdflags);
	f = fcntl(d->fd, F_GETFL) & FL_MASK;
	if (f != d->flflags)
		cr_bad("%s: F_GETFL %#o, was %#o", d->what, f, d->flflags);
	off = lseek(d->fd, 0, SEEK_CUR);
	if (off != d->off && !(off < 0 && d->off < 0))
		cr_bad("%s: offset %lld, was %lld", d->what, (long long)off, (long long)d->off);
	if (fstat(d->fd, &st) || stat(d->file ? d->file : dir, &pst))
		cr_bad("%s: fstat/stat: %s", d->what, strerror(errno));
	else if (st.st_dev != pst.st_dev || st.st_ino != pst.st_ino)
		cr_bad("%s: fd %d is not %s", d->what, d->fd, d->file ? d->file : dir);
}

int main(int argc, char **argv)
{
	char content[4096], buf[8192], exp[8192];
	int rw, app, ro, d1, d2, ce, nce, nb, high, dnull, dzero, drand, dd, del, fd, i;
	ssize_t n;

	cr_start(argc, argv, 1, "DIR");
	dir = argv[1];
	for (i = 0; i < (int)sizeof(content); i++)
		content[i] = 'a' + (i * 7 + i / 26) % 26;
	put("rw", content, sizeof(content));
	put("ro", content, sizeof(content));
	put("app", "line0\n", 6);

	rw = xopen(path("rw"), O_RDWR);
	lseek(rw, 1000, SEEK_SET);
	app = xopen(path("app"), O_WRONLY | O_APPEND);
	ro = xopen(path("ro"), O_RDONLY);
	if (read(ro, buf, 10) != 10 || memcmp(buf, content, 10))
		cr_bad("read ro");
	d1 = xopen(path("dup"), O_RDWR | O_CREAT | O_TRUNC);
	d2 = dup(d1);
	if (write(d1, "abc", 3) != 3)
		cr_bad("write dup");
	ce = xopen(path("ro"), O_RDONLY | O_CLOEXEC);
	lseek(ce, 111, SEEK_SET);
	nce = xopen(path("ro"), O_RDONLY);
	lseek(nce, 222, SEEK_SET);
	nb = xopen(path("ro"), O_RDONLY | O_NONBLOCK);
	lseek(nb, 333, SEEK_SET);
	fd = xopen(path("high"), O_RDWR | O_CREAT | O_TRUNC);
	high = dup2(fd, 100);
	close(fd);
	if (write(high, "high:", 5) != 5)
		cr_bad("write high");
	dnull = xopen("/dev/null", O_WRONLY);
	dzero = xopen("/dev/zero", O_RDONLY);
	drand = xopen("/dev/urandom", O_RDONLY);
	dd = xopen(dir, O_RDONLY | O_DIRECTORY);
	del = xopen(path("del"), O_WRONLY | O_CREAT | O_TRUNC);
	if (write(del, "before:", 7) != 7 || unlink(path("del")))
		cr_bad("write and unlink del");

	rec("rw", strdup(path("rw")), rw);
	rec("app", strdup(path("app")), app);
	rec("ro", strdup(path("ro")), ro);
	rec("dup1", strdup(path("dup")), d1);
	rec("dup2", strdup(path("dup")), d2);
	rec("cloexec", strdup(path("ro")), ce);
	rec("no cloexec", strdup(path("ro")), nce);
	rec("nonblock", strdup(path("ro")), nb);
	rec("high", strdup(path("high")), high);
	rec("/dev/null", "/dev/null", dnull);
	rec("/dev/zero", "/dev/zero", dzero);
	rec("/dev/urandom", "/dev/urandom", drand);
	rec("dir", NULL, dd);
	if (!(ds[5].fdflags & FD_CLOEXEC) || (ds[6].fdflags & FD_CLOEXEC) || high != 100)
		cr_bad("setup");
	printf("files_state: %d descriptors open\n", nd);
	cr_ready_wait_go(dir);

	/* the same descriptors, in the same state */
	for (i = 0; i < nd; i++)
		check(&ds[i]);

	/* they still work */
	if (write(rw, "XYZ", 3) != 3)
		cr_bad("write rw: %s", strerror(errno));
	if (lseek(rw, 0, SEEK_CUR) != 1003)
		cr_bad("rw offset after write");
	if (read(rw, buf, 7) != 7 || memcmp(buf, content + 1003, 7))
		cr_bad("read rw");
	if (write(app, "line1\n", 6) != 6)
		cr_bad("write app: %s", strerror(errno));
	if (lseek(app, 0, SEEK_CUR) != lseek(app, 0, SEEK_END))
		cr_bad("app offset is not at the end after an O_APPEND write");
	if (read(ro, buf, 10) != 10 || memcmp(buf, content + 10, 10))
		cr_bad("read ro");
	if (write(ro, "x", 1) != -1)
		cr_bad("write to O_RDONLY fd succeeded");
	if (write(d2, "def", 3) != 3)
		cr_bad("write dup2");
	if (lseek(d1, 0, SEEK_CUR) != 6)
		cr_bad("dup'ed fds do not share the offset: dup1 at %lld after a write through dup2",
		    (long long)lseek(d1, 0, SEEK_CUR));
	lseek(d1, 1, SEEK_SET);
	if (lseek(d2, 0, SEEK_CUR) != 1)
		cr_bad("dup'ed fds do not share the offset (lseek)");
	if (read(ce, buf, 5) != 5 || memcmp(buf, content + 111, 5))
		cr_bad("read cloexec");
	if (read(nce, buf, 5) != 5 || memcmp(buf, content + 222, 5))
		cr_bad("read no cloexec");
	if (read(nb, buf, 5) != 5 || memcmp(buf, content + 333, 5))
		cr_bad("read nonblock");
	if (write(high, "after", 5) != 5)
		cr_bad("write high");
	if (write(dnull, buf, 100) != 100)
		cr_bad("write /dev/null");
	memset(buf, 1, 4096);
	if (read(dzero, buf, 4096) != 4096)
		cr_bad("read /dev/zero");
	for (i = 0; i < 4096; i++)
		if (buf[i]) {
			cr_bad("/dev/zero gave a non-zero byte");
			break;
		}
	memset(buf, 0, 64);
	if (read(drand, buf, 64) != 64)
		cr_bad("read /dev/urandom");
	for (i = 0; i < 64 && !buf[i]; i++)
		;
	if (i == 64)
		cr_bad("/dev/urandom gave 64 zero bytes");
	if ((fcntl(del, F_GETFL) & O_ACCMODE) != O_WRONLY || lseek(del, 0, SEEK_CUR) != 7)
		cr_bad("del: not write-only at offset 7");
	if (write(del, "after", 5) != 5)
		cr_bad("write del: %s", strerror(errno));
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", del);
	fd = open(buf, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 12 || memcmp(buf, "before:after", 12))
		cr_bad("del content");
	close(fd);
	fd = openat(dd, "viaat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "at\n", 3) != 3)
		cr_bad("openat on the directory fd: %s", strerror(errno));
	close(fd);

	/* contents */
	memcpy(exp, content, sizeof(content));
	memcpy(exp + 1000, "XYZ", 3);
	if (get("rw", buf, sizeof(buf)) != 4096 || memcmp(buf, exp, 4096))
		cr_bad("rw content");
	n = get("app", buf, sizeof(buf) - 1);
	if (n < 12 || memcmp(buf, "line0\n", 6) || memcmp(buf + n - 6, "line1\n", 6))
		cr_bad("app content");
	if (n > 0)
		printf("files_state: app holds %zd bytes\n", n);
	if (get("ro", buf, sizeof(buf)) != 4096 || memcmp(buf, content, 4096))
		cr_bad("ro content");
	if (get("dup", buf, sizeof(buf)) != 6 || memcmp(buf, "abcdef", 6))
		cr_bad("dup content");
	if (get("high", buf, sizeof(buf)) != 10 || memcmp(buf, "high:after", 10))
		cr_bad("high content");
	if (get("viaat", buf, sizeof(buf)) != 3 || memcmp(buf, "at\n", 3))
		cr_bad("viaat content");
	return cr_result();
}
