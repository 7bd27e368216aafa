// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pokes /proc/checkpoint/ctrl directly, below libcr, to test the module's
 * ioctl entry point.
 * Usage: cr_test_ioctl version|unknown|efault|warn|relocate CONTEXT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <blcr/cr_abi.h>

static int expect_errno(int fd, unsigned long cmd, void *arg, int want,
			const char *what)
{
	if (ioctl(fd, cmd, arg) == 0) {
		printf("FAIL: %s succeeded, wanted %s\n", what, strerror(want));
		return 1;
	}
	if (errno != want) {
		printf("FAIL: %s: got %s, wanted %s\n", what, strerror(errno),
		       strerror(want));
		return 1;
	}
	printf("ok: %s -> %s\n", what, strerror(errno));
	return 0;
}

/* Also: the bytes past the version string are zeros, not kernel memory. */
static int check_version(int fd)
{
	struct cr_version_args v;
	const char *end, *p;

	memset(&v, 0xa5, sizeof(v));
	if (ioctl(fd, CR_OP_VERSION, &v) < 0) {
		printf("FAIL: CR_OP_VERSION: %s\n", strerror(errno));
		return 1;
	}
	end = memchr(v.module_version, 0, sizeof(v.module_version));
	if (v.abi_major != CR_ABI_MAJOR || !end) {
		printf("FAIL: CR_OP_VERSION answered %u.%u, unterminated or wrong\n",
		       v.abi_major, v.abi_minor);
		return 1;
	}
	for (p = end; p < v.module_version + sizeof(v.module_version); p++)
		if (*p) {
			printf("FAIL: CR_OP_VERSION: byte %td of the version is not zeroed\n",
			       p - v.module_version);
			return 1;
		}
	printf("ok: module %s, interface %u.%u\n", v.module_version,
	       v.abi_major, v.abi_minor);
	return 0;
}

/* A restart request for ctx on a new ctrl fd. */
static int rstrt_req(const char *ctx)
{
	struct cr_rstrt_args a = { .fd = open(ctx, O_RDONLY) };
	int fd = open(CR_CTRL_FILE, O_RDONLY);

	if (a.fd < 0 || fd < 0 || ioctl(fd, CR_OP_RSTRT_REQ, &a) < 0) {
		printf("FAIL: restart request for %s: %s\n", ctx,
		       strerror(errno));
		exit(1);
	}
	close(a.fd);
	return fd;
}

/* CR_OP_RSTRT_RELOCATE with n pairs of from=to, on a new request. */
static int relocate(const char *ctx, unsigned int n, const char *from,
		    const char *to, int want, const char *what)
{
	struct cr_rstrt_reloc p[CR_RSTRT_MAX_RELOC + 1];
	struct cr_rstrt_reloc_args a = { .pairs = (unsigned long)p,
					 .npairs = n };
	int fd = rstrt_req(ctx), rc = 0;
	unsigned int i;

	for (i = 0; i <= CR_RSTRT_MAX_RELOC; i++) {
		p[i].oldpath = (unsigned long)from;
		p[i].newpath = (unsigned long)to;
	}
	if (want) {
		rc = expect_errno(fd, CR_OP_RSTRT_RELOCATE, &a, want, what);
	} else if (ioctl(fd, CR_OP_RSTRT_RELOCATE, &a) < 0) {
		printf("FAIL: %s: %s\n", what, strerror(errno));
		rc = 1;
	} else {
		printf("ok: %s\n", what);
		rc = expect_errno(fd, CR_OP_RSTRT_RELOCATE, &a, EINVAL,
				  "a second table");
	}
	close(fd);
	return rc;
}

/*
 * The module copies and checks the relocation table itself: counts,
 * pointers, absolute paths of bounded length, and when it may come.
 */
static int check_relocate(const char *ctx)
{
	static char big[5000];
	struct cr_rstrt_procs_args procs = { 0 };
	struct cr_rstrt_reloc_args bad = { .pairs = 16, .npairs = 1 };
	int rc = 0, fd;

	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	rc |= relocate(ctx, 0, "/a", "/b", EINVAL, "no pairs");
	rc |= relocate(ctx, CR_RSTRT_MAX_RELOC + 1, "/a", "/b", EINVAL,
		       "17 pairs");
	rc |= relocate(ctx, 1, "a", "/b", EINVAL, "a relative OLDPATH");
	rc |= relocate(ctx, 1, "/a", "/b/", EINVAL, "a trailing /");
	rc |= relocate(ctx, 1, "/a", (char *)16, EFAULT, "a bad path pointer");
	rc |= relocate(ctx, 1, "/a", big, EINVAL, "a path of 4999 bytes");
	big[4090] = '\0';
	/* every cwd is under "/": 4090 more bytes make it too long */
	rc |= relocate(ctx, 1, "/", big, ENAMETOOLONG, "a cwd made too long");
	rc |= relocate(ctx, CR_RSTRT_MAX_RELOC, "/a", "/b", 0, "16 pairs");
	fd = rstrt_req(ctx);
	rc |= expect_errno(fd, CR_OP_RSTRT_RELOCATE, &bad, EFAULT,
			   "a bad table pointer");
	close(fd);
	fd = rstrt_req(ctx);
	ioctl(fd, CR_OP_RSTRT_PROCS, &procs);
	bad.pairs = (unsigned long)&(struct cr_rstrt_reloc){
		(unsigned long)"/a", (unsigned long)"/b" };
	rc |= expect_errno(fd, CR_OP_RSTRT_RELOCATE, &bad, EINVAL,
			   "after CR_OP_RSTRT_PROCS");
	close(fd);
	fd = open(CR_CTRL_FILE, O_RDONLY);
	rc |= expect_errno(fd, CR_OP_RSTRT_RELOCATE, &bad, EINVAL,
			   "without a restart request");
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	int fd = open(CR_CTRL_FILE, O_RDONLY);

	if (fd < 0) {
		printf("FAIL: open %s: %s\n", CR_CTRL_FILE, strerror(errno));
		return 1;
	}
	if (!strcmp(op, "version"))
		return check_version(fd);
	if (!strcmp(op, "unknown"))
		return expect_errno(fd, _IO(CR_IOC_MAGIC, 0x6e), NULL, ENOTTY,
				    "unknown ioctl") |
		       expect_errno(fd, _IO('T', 0x01), NULL, ENOTTY,
				    "foreign ioctl");
	if (!strcmp(op, "efault"))
		return expect_errno(fd, CR_OP_VERSION, (void *)16, EFAULT,
				    "CR_OP_VERSION with a bad pointer");
	if (!strcmp(op, "relocate") && argc == 3)
		return check_relocate(argv[2]);
	if (!strcmp(op, "warn")) {
		if (ioctl(fd, CR_OP_TEST_WARN) < 0) {
			printf("CR_OP_TEST_WARN: %s\n", strerror(errno));
			return 1;
		}
		printf("CR_OP_TEST_WARN issued: the kernel warned\n");
		return 0;
	}
	fprintf(stderr, "usage: cr_test_ioctl version|unknown|efault|warn|relocate CONTEXT\n");
	return 2;
}
