// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hand_token DIR [REFUSE]: the module's side of libcr callbacks, driven
 * with the raw ioctls.  A handler thread registers a token and answers
 * each checkpoint: with CR_HAND_READY, appending "answer N" to DIR/log
 * where N is what CR_OP_HAND_CHKPT returned (0 going on, 1 restarted);
 * or, given REFUSE, with a permanent failure whose code is REFUSE.  The
 * main thread counts; DIR/go makes it check the log and exit 0 once the
 * last answer is the one DIR/expect names and CR_OP_HAND_INFO described
 * every request right.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <blcr/cr_abi.h>
#include "../cr_test_util.h"

static char dir[2048];
static unsigned long refuse;

static void append(const char *name, long v)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "a");
	if (f) {
		fprintf(f, "answer %ld\n", v);
		fclose(f);
	}
}

static void *handler(void *arg)
{
	int token = *(int *)arg;
	struct cr_hand_info info;
	long ret;

	append("ready", 0);
	for (;;) {
		if (ioctl(token, CR_OP_HAND_WAIT) < 0)
			continue;
		/* No buffer for the path: only its length comes back. */
		memset(&info, 0, sizeof(info));
		if (ioctl(token, CR_OP_HAND_INFO, &info) < 0 ||
		    info.scope != CR_ABI_SCOPE_TREE || info.target != getpid() ||
		    info.dest_len < 2)
			append("log", -100);
		if (refuse) {
			ioctl(token, CR_OP_HAND_CHKPT,
			      CR_HAND_PERM_FAILURE | refuse << 16);
			append("log", -200);
			continue;
		}
		ret = ioctl(token, CR_OP_HAND_CHKPT, CR_HAND_READY);
		append("log", ret);
	}
	return NULL;
}

/* Whether DIR/log ends with the answer DIR/expect names, and no error. */
static int check_log(void)
{
	char path[4096], line[64], last[64] = "", want[16] = "";
	int bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/expect", dir);
	f = fopen(path, "r");
	if (!f || !fgets(want, sizeof(want), f))
		return -1;
	fclose(f);
	snprintf(path, sizeof(path), "%s/log", dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		bad |= !strcmp(line, "answer -100\n");
		strcpy(last, line);
	}
	fclose(f);
	want[strcspn(want, "\n")] = '\0';
	last[strcspn(last, "\n")] = '\0';
	return !bad && !strcmp(last, want);
}

/* The handler may answer just after go appears: give it 5 s. */
static int verdict(void)
{
	int i, ok = 0;

	for (i = 0; i < 50 && !ok; i++) {
		ok = check_log();
		if (ok < 0)
			return 3;
		if (!ok)
			usleep(100000);
	}
	printf("hand_token: %s\n", ok ? "ok" : "the expected answer never came");
	return !ok;
}

int main(int argc, char **argv)
{
	volatile unsigned long count = 0;
	pthread_t t;
	int token;

	if (argc < 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	refuse = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
	token = open(CR_CTRL_FILE, O_RDWR | O_CLOEXEC);
	if (token < 0 || pthread_create(&t, NULL, handler, &token))
		return 2;
	while (!cr_exists(dir, "go"))
		count++;
	return verdict();
}
