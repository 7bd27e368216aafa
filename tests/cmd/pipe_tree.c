// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pipe_tree DIR N: a parent and two children joined by pipes.  The
 * producer writes 0..N-1 into a 128 KiB pipe faster than the consumer
 * reads them, so the pipe holds data when a checkpoint comes.  The
 * consumer also reads, at the end, a message its parent left in a pipe
 * whose write end is closed (it must see the message, then EOF).  Both
 * children write progress lines to one log through a descriptor they
 * inherited, so they share its offset: no line may overwrite another.
 * The parent waits for both, checks the log, writes DIR/result ("ok" or
 * what went wrong) and DIR/ids (its pid, process group and session, as
 * they are at the end) and says "pipe_tree: done" on stdout.
 */
#define _GNU_SOURCE
#include <sys/wait.h>
#include "../cr_test_util.h"

#define PIPE_SIZE	(128 << 10)
#define LOG_EVERY	64
#define NOTE		"a note left in a closed pipe\n"

static const char *dir;

static void put(const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void log_line(int log, char who, unsigned int i)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%c %u\n", who, i);

	if (write(log, line, n) != n)
		exit(3);
}

static int produce(int out, int log, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (write(out, &i, sizeof(i)) != sizeof(i))
			return 1;
		if (i % LOG_EVERY == 0)
			log_line(log, 'P', i);
		usleep(1000);
	}
	return 0;
}

/* The note, then EOF, from the pipe nobody writes to any more. */
static int read_note(int in)
{
	char buf[sizeof(NOTE) + 16];
	ssize_t len = 0, r;

	while ((r = read(in, buf + len, sizeof(buf) - len)) > 0)
		len += r;
	if (r < 0 || len != strlen(NOTE) || memcmp(buf, NOTE, len)) {
		fprintf(stderr, "pipe_tree: the note came back as %zd bytes\n",
			len);
		return 1;
	}
	return 0;
}

static int consume(int in, int note, int log, unsigned int n)
{
	unsigned int i, v;
	int size;

	for (i = 0; read(in, &v, sizeof(v)) == sizeof(v); i++) {
		if (v != i) {
			fprintf(stderr, "pipe_tree: read %u, expected %u\n",
				v, i);
			return 1;
		}
		if (i % LOG_EVERY == 0) {
			log_line(log, 'C', i);
			size = fcntl(in, F_GETPIPE_SZ);
			if (size != PIPE_SIZE) {
				fprintf(stderr, "pipe_tree: pipe size %d\n",
					size);
				return 1;
			}
		}
		if (i == 100)
			cr_touch(dir, "ready");
		usleep(3000);
	}
	if (i != n) {
		fprintf(stderr, "pipe_tree: %u values, expected %u\n", i, n);
		return 1;
	}
	return read_note(note);
}

/* Every progress line of both children, none lost to a shared offset. */
static int check_log(unsigned int n)
{
	char path[4096], line[64];
	unsigned int p = 0, c = 0, want = (n + LOG_EVERY - 1) / LOG_EVERY;
	FILE *f;

	snprintf(path, sizeof(path), "%s/log", dir);
	f = fopen(path, "r");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		p += line[0] == 'P';
		c += line[0] == 'C';
	}
	fclose(f);
	return p == want && c == want ? 0 : 1;
}

int main(int argc, char **argv)
{
	int data[2], note[2], log, st1, st2;
	unsigned int n;
	pid_t prod, cons;
	char ids[64];

	cr_start(argc, argv, 2, "DIR N");
	dir = argv[1];
	n = atoi(argv[2]);
	log = cr_open_in(dir, "log", O_WRONLY | O_CREAT | O_TRUNC);
	if (pipe(data) || pipe(note) ||
	    fcntl(data[1], F_SETPIPE_SZ, PIPE_SIZE) != PIPE_SIZE ||
	    write(note[1], NOTE, strlen(NOTE)) != (ssize_t)strlen(NOTE))
		cr_die("pipe_tree: the pipes");
	close(note[1]);
	prod = fork();
	if (prod == 0) {
		close(data[0]);
		close(note[0]);
		_exit(produce(data[1], log, n));
	}
	cons = fork();
	if (cons == 0) {
		close(data[1]);
		_exit(consume(data[0], note[0], log, n));
	}
	close(data[0]);
	close(data[1]);
	close(note[0]);
	if (waitpid(prod, &st1, 0) != prod || waitpid(cons, &st2, 0) != cons)
		cr_die("pipe_tree: waitpid");
	if (st1 || st2)
		put("result", "a child failed\n");
	else if (check_log(n))
		put("result", "progress lines were lost from the shared log\n");
	else
		put("result", "ok\n");
	snprintf(ids, sizeof(ids), "%d %d %d\n", getpid(), getpgid(0),
		 getsid(0));
	put("ids", ids);
	printf("pipe_tree: done\n");
	return 0;
}
