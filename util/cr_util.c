// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libcr.h>

#include "cr_config.h"
#include "cr_ioctl.h"
#include "cr_util.h"

bool cr_quiet;
enum cr_kmsg cr_kmsg;

bool cr_tool_opt(int c, int *signal)
{
	static const int sigs[] = {
		[CR_OPT_STOP - CR_OPT_RUN] = SIGSTOP,
		[CR_OPT_TERM - CR_OPT_RUN] = SIGTERM,
		[CR_OPT_ABORT - CR_OPT_RUN] = SIGABRT,
		[CR_OPT_KILL - CR_OPT_RUN] = SIGKILL,
		[CR_OPT_CONT - CR_OPT_RUN] = SIGCONT,
		/* Every signal already comes before callbacks go on. */
		[CR_OPT_EARLY_STOP - CR_OPT_RUN] = SIGSTOP,
		[CR_OPT_EARLY_ABRT - CR_OPT_RUN] = SIGABRT,
	};

	if (c >= CR_OPT_RUN && c <= CR_OPT_EARLY_ABRT) {
		*signal = sigs[c - CR_OPT_RUN];
		return true;
	}
	if (c >= CR_OPT_KMSG_NONE && c <= CR_OPT_KMSG_WARNING) {
		cr_kmsg = c == CR_OPT_KMSG_NONE ? CR_KMSG_NONE :
			  c == CR_OPT_KMSG_ERROR ? CR_KMSG_ERROR :
			  CR_KMSG_WARNING;
		return true;
	}
	return false;
}

/* Warnings first, then the failure they may explain. */
void cr_kmsg_get(int ctrl, int err, char *buf, size_t len)
{
	size_t n;

	buf[0] = '\0';
	if (cr_kmsg == CR_KMSG_WARNING) {
		cri_log(ctrl, CR_LOG_WARNING, buf, len);
		n = strlen(buf);
		if (n && err && n + 1 < len)
			buf[n++] = '\n';
		buf += n;
		len -= n;
	}
	if (err && cr_kmsg != CR_KMSG_NONE)
		cri_log(ctrl, CR_LOG_ERROR, buf, len);
}

void cr_print_kmsg(const char *msg)
{
	const char *nl;

	if (cr_quiet || !msg)
		return;
	while (*msg) {
		nl = strchrnul(msg, '\n');
		fprintf(stderr, "- %.*s\n", (int)(nl - msg), msg);
		msg = *nl ? nl + 1 : nl;
	}
}

/*
 * --version: the tool's own version and the loaded module's.  Returns the
 * exit code: non-zero when the module cannot be asked.
 */
int cr_print_version(const char *prog)
{
	struct cr_version_args ver;
	int err;

	printf("%s (%s) %s\n", prog, PACKAGE_NAME, PACKAGE_VERSION);
	printf("interface %d.%d\n", CR_ABI_MAJOR, CR_ABI_MINOR);
	err = cri_module_version(&ver);
	if (err == -ENOSYS) {
		printf("module: not loaded (%s is missing)\n", CR_CTRL_FILE);
		return 1;
	}
	if (err) {
		printf("module: cannot query %s: %s\n", CR_CTRL_FILE,
		       strerror(-err));
		return 1;
	}
	printf("module: blcr %.*s, interface %u.%u\n",
	       (int)sizeof(ver.module_version), ver.module_version,
	       ver.abi_major, ver.abi_minor);
	if (ver.abi_major != CR_ABI_MAJOR) {
		printf("module: interface %u is incompatible with %d\n",
		       ver.abi_major, CR_ABI_MAJOR);
		return 1;
	}
	return 0;
}

int cr_parse_long(const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || end == s || *end || *v < min || *v > max)
		return -EINVAL;
	return 0;
}

int cr_usage_error(const char *fmt, ...)
{
	va_list ap;

	if (!cr_quiet) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fprintf(stderr, " (try --help)\n");
	}
	return 255;
}

int cr_rstrt_error(int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (cr_quiet)
		return err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One write: the processes of a restart may fail at once. */
	fprintf(stderr, "Restart failed: %s: %s\n", msg, strerror(-err));
	return err;
}

/* Prints "WHAT: reason" and the module's detail; returns the exit code. */
int cr_report(const char *what, int err, const char *detail)
{
	if (!cr_quiet) {
		if (err == -ENOSYS)
			fprintf(stderr, "%s: support missing from kernel "
				"(is the blcr module loaded?)\n", what);
		else
			fprintf(stderr, "%s: %s\n", what, cr_strerror(-err));
	}
	cr_print_kmsg(detail);
	return (-err & 0xff) ? (-err & 0xff) : 1;
}

int cr_dir_path(const char *dir, const char *file, char *path, size_t size)
{
	int n;

	if (dir && file[0] != '/' && strcmp(file, "-"))
		n = snprintf(path, size, "%s/%s", dir, file);
	else
		n = snprintf(path, size, "%s", file);
	return n < (int)size ? 0 : -ENAMETOOLONG;
}

int cr_make_parents(const char *path, size_t len)
{
	char p[PATH_MAX];
	size_t i;

	if (len >= sizeof(p) || path[0] != '/')
		return -ENOENT;
	memcpy(p, path, len);
	p[len] = '\0';
	for (i = 1; p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -errno;
		p[i] = '/';
	}
	return 0;
}

/*
 * "-" is stdout; a path that exists and is not a regular file (a FIFO, a
 * device) is written in place: there is nothing to rename, nor to remove.
 */
static int cr_outfile_direct(struct cr_outfile *f, const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0) {
		f->fd = dup(STDOUT_FILENO);
	} else {
		if (stat(path, &st) < 0 || S_ISREG(st.st_mode))
			return 0;
		f->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	}
	f->direct = true;
	return f->fd < 0 ? -errno : 1;
}

/*
 * In place: a context file is 0400, so an old one we may not write is
 * unlinked first (--clobber); --noclobber refuses any old file.
 */
static int open_in_place(struct cr_outfile *f)
{
	int flags = O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC;
	int err;

	flags |= f->policy == CR_NOCLOBBER ? O_EXCL : O_TRUNC;
	f->fd = open(f->path, flags, 0400);
	if (f->fd >= 0)
		return 0;
	err = -errno;
	if (f->policy != CR_CLOBBER ||
	    (err != -EACCES && err != -EPERM && err != -ETXTBSY) ||
	    unlink(f->path) < 0)
		return err;
	f->fd = open(f->path, flags, 0400);
	return f->fd < 0 ? -errno : 0;
}

void cr_pipe_grow(int fd)
{
	struct stat st;

	if (!fstat(fd, &st) && S_ISFIFO(st.st_mode) &&
	    fcntl(fd, F_GETPIPE_SZ) < CR_PIPE_SIZE)
		fcntl(fd, F_SETPIPE_SZ, CR_PIPE_SIZE);
}

/* -F FD: written from its offset, never replaced nor removed. */
int cr_outfile_fd(struct cr_outfile *f, int fd)
{
	f->direct = true;
	f->dest[0] = '\0';
	f->fd = dup(fd);
	return f->fd < 0 ? -errno : 0;
}

int cr_outfile_open(struct cr_outfile *f, const char *path)
{
	char dir[4096], base[4096], real[PATH_MAX];
	const char *d;
	int n;

	f->direct = false;
	f->dest[0] = '\0';
	n = cr_outfile_direct(f, path);
	if (n)
		return n < 0 ? n : 0;
	if (snprintf(f->path, sizeof(f->path), "%s", path) >=
	    (int)sizeof(f->path))
		return -ENAMETOOLONG;
	if (f->policy >= CR_CLOBBER)
		return open_in_place(f);
	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	d = dirname(dir);
	n = snprintf(f->tmp, sizeof(f->tmp), "%s/.%s.tmp", d, basename(base));
	if (n >= (int)sizeof(f->tmp))
		return -ENAMETOOLONG;
	/* What the callbacks see as the file's name, as the kernel spells it. */
	if (!realpath(d, real))
		return -errno;
	n = snprintf(f->dest, sizeof(f->dest), "%s/%s",
		     strcmp(real, "/") ? real : "", basename(base));
	if (n >= (int)sizeof(f->dest))
		return -ENAMETOOLONG;
	/* Named only once complete; a file system without it gets .tmp. */
	f->fd = open(d, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0400);
	f->unnamed = f->fd >= 0;
	if (f->unnamed)
		return 0;
	unlink(f->tmp);
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY |
		     O_CLOEXEC, 0400);
	return f->fd < 0 ? -errno : 0;
}

static int cr_sync_dir(const char *path)
{
	char dir[4096];
	int fd, err = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * A hard link keeps the old file, so that FILE never goes missing; a
 * rename where there can be no link (another file system).  replace: an
 * existing name goes, else it gives EEXIST.
 */
static int keep_as(const char *path, const char *name, bool replace)
{
	if (!link(path, name))
		return 0;
	if (errno == EEXIST && replace && !unlink(name) && !link(path, name))
		return 0;
	if (errno == EEXIST && !replace)
		return -EEXIST;
	return rename(path, name) < 0 ? -errno : 0;
}

/* --backup: the old file, if any, as f->backup or the first free FILE.~N~. */
static int backup_old(const struct cr_outfile *f)
{
	char name[sizeof(f->path) + 16];
	struct stat st;
	unsigned int n;
	int err;

	if (lstat(f->path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (f->backup)
		return keep_as(f->path, f->backup, true);
	for (n = 1; n < UINT_MAX; n++) {
		snprintf(name, sizeof(name), "%s.~%u~", f->path, n);
		if (!lstat(name, &st))
			continue;
		err = keep_as(f->path, name, false);
		if (err != -EEXIST)
			return err;
	}
	return -EEXIST;
}

/* The O_TMPFILE file, complete, as f->tmp (then renamed as a named one). */
static int name_unnamed(struct cr_outfile *f)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	unlink(f->tmp);
	return linkat(AT_FDCWD, proc, AT_FDCWD, f->tmp, AT_SYMLINK_FOLLOW) < 0 ?
	       -errno : 0;
}

/*
 * Puts a complete file in place (renamed over the old one, which --backup
 * keeps first), or removes an incomplete one.
 */
int cr_outfile_close(struct cr_outfile *f, bool keep, bool sync)
{
	bool atomic = f->policy == CR_ATOMIC || f->policy == CR_BACKUP;
	const char *name = atomic ? f->tmp : f->path;
	int err = 0;

	if (f->direct)
		return close(f->fd) < 0 && keep ? -errno : 0;
	if (keep && sync && fsync(f->fd) < 0)
		err = -errno;
	if (keep && !err && f->unnamed)
		err = name_unnamed(f);
	if (close(f->fd) < 0 && !err)
		err = -errno;
	if (keep && !err && f->policy == CR_BACKUP)
		err = backup_old(f);
	if (keep && !err && atomic && rename(f->tmp, f->path) < 0)
		err = -errno;
	if (!keep || err) {
		unlink(name);
		return err;
	}
	return sync ? cr_sync_dir(f->path) : 0;
}
