// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_restart of an incremental image: the module reads only full ones,
 * so a thread writes the merged stream (cr_chain.c) into a pipe that the
 * module reads instead of the file.  The image and its parents are
 * checked whole before the restart begins: the merge cannot then fail
 * half way on what they hold, leaving the module a truncated stream.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cr_chain.h"
#include "cr_rstrt.h"
#include "cr_util.h"

/*
 * The pipe's write end, which the restarted processes must not hold, and
 * the pipe's inode: the thread may have closed it, and the number been
 * reused, by the time one forks.
 */
static int merge_wfd = -1;
static struct stat merge_pipe;
static atomic_bool merging;	/* the thread still runs */

struct merge_job {
	struct cr_chain c;
	struct cr_img_in in;
	struct cr_img_header hdr;
	struct cr_img_out out;
};

static void merge_job_free(struct merge_job *j)
{
	cr_chain_close(&j->c);
	free(j->in.buf);
	if (j->in.f)
		fclose(j->in.f);
	if (j->out.f)
		fclose(j->out.f);
	free(j);
}

static void *merge_thread(void *arg)
{
	struct merge_job *j = arg;
	sigset_t all;

	/* signals are cr_restart's to forward; EPIPE ends the write */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (cr_chain_merge(&j->c, &j->in, &j->hdr, &j->out) &&
	    j->c.write_err != EPIPE && !cr_quiet)
		fprintf(stderr, "cr_restart: %s\n", j->c.why);
	/*
	 * No malloc or free in this thread once it runs (its buffers come
	 * from the check): a process cr_restart makes by clone3 (no fork
	 * handlers) while this thread held malloc's lock would wait for it
	 * for ever.  The job's memory goes with cr_restart.
	 */
	close(fileno(j->out.f));
	merging = false;
	return NULL;
}

bool cr_rstrt_chain_running(void)
{
	return merging;
}

/* img's HEADER and PARENT read from start into j: 0, or -errno. */
static int read_head(struct merge_job *j, int img, off_t start,
		     struct cr_img_parent *p, char **name)
{
	uint8_t *buf = j->in.buf;	/* as large as the check needed */
	size_t cap = j->in.cap;

	if (j->in.f)
		fclose(j->in.f);
	memset(&j->in, 0, sizeof(j->in));
	j->in.buf = buf;
	j->in.cap = cap;
	if (lseek(img, start, SEEK_SET) != start)
		return -errno;
	j->in.f = fdopen(dup(img), "rb");
	if (!j->in.f)
		return -errno;
	return cr_chain_parent(&j->in, &j->hdr, p, name) > 0 ? 0 : -EINVAL;
}

/* Checks img and its chain, then starts the thread. */
static int start_merge(struct merge_job *j, int img, const char *file,
		       const char *parent_dir, char *why, size_t size)
{
	off_t start = lseek(img, 0, SEEK_CUR);
	struct cr_img_out check = { 0 };
	struct cr_img_parent p;
	char *name = NULL, *path = NULL;
	int fds[2], err;
	pthread_t t;

	err = read_head(j, img, start, &p, &name);
	if (err) {
		snprintf(why, size, "%s: %s", file, j->in.why);
		return err;
	}
	path = cr_chain_path(file, name, parent_dir);
	free(name);
	if (!path)
		return -ENOMEM;
	err = -EINVAL;
	if (cr_chain_open(&j->c, path, p.ident, parent_dir)) {
		snprintf(why, size, "%s", j->c.why);
		err = j->c.open_err ? -j->c.open_err : -EINVAL;
		goto out;
	}
	if (cr_chain_merge(&j->c, &j->in, &j->hdr, &check)) {
		snprintf(why, size, "%s: %s", file, j->c.why);
		goto out;
	}
	name = NULL;
	err = read_head(j, img, start, &p, &name);
	free(name);
	if (err)
		goto out;
	if (pipe2(fds, O_CLOEXEC)) {
		err = -errno;
		goto out;
	}
	cr_pipe_grow(fds[1]);
	merge_wfd = fds[1];
	fstat(fds[1], &merge_pipe);
	j->out.f = fdopen(fds[1], "wb");
	if (!j->out.f) {
		err = -ENOMEM;
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	/*
	 * Unbuffered: when the module stops reading, exit() must find
	 * nothing of ours to flush into the full pipe, or it waits there.
	 */
	setvbuf(j->out.f, NULL, _IONBF, 0);
	merging = true;
	err = -pthread_create(&t, NULL, merge_thread, j);
	if (err) {
		merging = false;
		close(fds[0]);
		goto out;
	}
	pthread_detach(t);
	err = fds[0];
out:
	free(path);
	return err;
}

/* --fd's file by its name, so that its parents are found next to it. */
static char *fd_path(int fd)
{
	char link[64], *path = malloc(PATH_MAX);
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = path ? readlink(link, path, PATH_MAX - 1) : -1;
	if (n <= 0 || path[0] != '/') {
		free(path);
		return strdup("-");
	}
	path[n] = '\0';
	return path;
}

/*
 * In a process forked to be restarted: without the write end, the module
 * sees the stream end if the thread stops early, instead of waiting.
 */
void cr_rstrt_chain_forget(void)
{
	struct stat st;

	if (merge_wfd >= 0 && !fstat(merge_wfd, &st) &&
	    st.st_dev == merge_pipe.st_dev && st.st_ino == merge_pipe.st_ino)
		close(merge_wfd);
}

int cr_rstrt_chain(int img, const char *file, const char *parent_dir,
		   char *why, size_t size)
{
	struct merge_job *j;
	char *name;
	int fd;

	if (cr_chain_incremental(img) <= 0)
		return img;
	j = calloc(1, sizeof(*j));
	name = file ? strdup(file) : fd_path(img);
	if (!j || !name) {
		free(j);
		free(name);
		return -ENOMEM;
	}
	fd = start_merge(j, img, name, parent_dir, why, size);
	free(name);
	if (fd < 0) {
		merge_job_free(j);
		return fd;
	}
	close(img);
	return fd;
}
