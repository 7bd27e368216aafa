// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shm_share DIR STEPS: a parent and its child pass a token back and forth
 * through five kinds of shared memory: a MAP_SHARED anonymous page, a
 * POSIX segment in /dev/shm, a SysV segment, a deleted temporary file
 * that the parent maps and the child reaches only through read and write
 * on a descriptor of its own, and the file DIR/shared mapped by both.  Each channel's counter goes up by one per
 * turn, odd values written by the parent, even by the child, until STEPS.
 * If any channel stops being shared, both sides wait for ever.  Progress
 * goes to DIR/step; the parent writes DIR/result ("ok" or why not).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

#define NCHAN 5

struct chan {
	volatile uint32_t *mem;	/* the channel's counter, or NULL */
	int fd;			/* ... else read and written here */
};

static const char *dir;

static uint32_t chan_get(struct chan *c)
{
	uint32_t v;

	if (c->mem)
		return __atomic_load_n(c->mem, __ATOMIC_ACQUIRE);
	if (pread(c->fd, &v, sizeof(v), 0) != sizeof(v))
		cr_die("pread");
	return v;
}

static void chan_set(struct chan *c, uint32_t v)
{
	if (c->mem)
		__atomic_store_n(c->mem, v, __ATOMIC_RELEASE);
	else if (pwrite(c->fd, &v, sizeof(v), 0) != sizeof(v))
		cr_die("pwrite");
}

static void *map_fd(int fd)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		cr_die("mmap");
	return p;
}

static void *posix_shm(void)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "/blcr-shm-share-%d", getpid());
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, 4096))
		cr_die("shm_open");
	shm_unlink(name);
	return map_fd(fd);
}

static void *sysv_shm(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	void *p;

	if (id < 0)
		cr_die("shmget");
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		cr_die("shmat");
	/* Gone once the last process detaches, killed or not. */
	shmctl(id, IPC_RMID, NULL);
	return p;
}

/* DIR/NAME, a page of zeros. */
static int new_file(const char *name)
{
	char path[4096];
	uint32_t zero[1024] = { 0 };
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, zero, sizeof(zero)) != sizeof(zero))
		cr_die(path);
	return fd;
}

/* Whole or not at all: the test reads DIR/step while it changes. */
static void write_file(const char *name, const char *fmt, long v)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		cr_die(tmp);
	fprintf(f, fmt, v);
	if (fclose(f) || rename(tmp, path))
		cr_die(path);
}

/* Takes every turn that is ours until each channel reaches steps. */
static void play(struct chan *ch, uint32_t steps, uint32_t parity,
		 int report)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	uint32_t done = 0, last = 0, v;
	int i;

	while (done != (1U << NCHAN) - 1) {
		for (i = 0; i < NCHAN; i++) {
			v = chan_get(&ch[i]);
			if (v >= steps)
				done |= 1U << i;
			else if (v % 2 == parity)
				chan_set(&ch[i], v + 1);
		}
		v = chan_get(&ch[0]);
		if (report && v / 10 != last / 10) {
			write_file("step", "%ld\n", v);
			last = v;
		}
		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	struct chan ch[NCHAN];
	uint32_t steps;
	char path[4096];
	int status, fd, fd2;
	pid_t child;

	if (argc != 3)
		return 2;
	dir = argv[1];
	steps = atoi(argv[2]);
	ch[0].mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ch[0].mem == MAP_FAILED)
		cr_die("mmap");
	ch[1].mem = posix_shm();
	ch[2].mem = sysv_shm();
	/* The deleted file's descriptor stays open in both processes. */
	fd = new_file("deleted");
	snprintf(path, sizeof(path), "%s/deleted", dir);
	unlink(path);
	ch[3].mem = map_fd(fd);
	/* Mapped, not open: --save-shared lets the restart do without it. */
	fd2 = new_file("shared");
	ch[4].mem = map_fd(fd2);
	close(fd2);
	child = fork();
	if (child < 0)
		cr_die("fork");
	if (child == 0) {
		/* An open file of its own, not the parent's. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ch[3].fd = open(path, O_RDWR);
		if (ch[3].fd < 0)
			cr_die(path);
		munmap((void *)ch[3].mem, 4096);
		ch[3].mem = NULL;
		play(ch, steps, 1, 0);
		return 0;
	}
	play(ch, steps, 0, 1);
	if (waitpid(child, &status, 0) != child || status != 0) {
		write_file("result", "child status %ld\n", status);
		return 1;
	}
	write_file("result", "ok\n", 0);
	return 0;
}
