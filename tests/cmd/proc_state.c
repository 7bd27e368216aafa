// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Process attributes that must survive a restart: cwd, umask, resource
 * limits, personality, the prctl name, no_new_privs, keepcaps (set here),
 * the securebits (as started: setpriv --securebits) and the user ids.
 * Usage: proc_state DIR.  Sets them, creates DIR/ready, waits for DIR/go,
 * checks them all, writes "ok" to DIR/result and exits 0 (1 on a mismatch).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cr_test_util.h"

static char dir[PATH_MAX];
static FILE *out;
static int errors;

#define BAD(...) do { fprintf(out, "BAD: " __VA_ARGS__); \
		      fputc('\n', out); errors++; } while (0)

static void path(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%.3000s/%s", dir, name);
}

static void check_limit(int res, const struct rlimit *want)
{
	struct rlimit now;

	getrlimit(res, &now);
	if (now.rlim_cur != want->rlim_cur || now.rlim_max != want->rlim_max)
		BAD("rlimit %d is %lu/%lu, not %lu/%lu", res, now.rlim_cur,
		    now.rlim_max, want->rlim_cur, want->rlim_max);
}

int main(int argc, char **argv)
{
	struct rlimit nofile = { 100, 2000 }, stack = { 4 << 20, 64 << 20 };
	char p[PATH_MAX], cwd[PATH_MAX], name[16] = "";
	uid_t uid = getuid(), euid = geteuid();
	int pers, securebits;

	snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : ".");
	path(p, "work");
	mkdir(p, 0777);
	path(p, "result");
	out = fopen(p, "w");
	path(p, "work");
	if (!out || chdir(p) || setrlimit(RLIMIT_NOFILE, &nofile) ||
	    setrlimit(RLIMIT_STACK, &stack) ||
	    personality(PER_LINUX | ADDR_NO_RANDOMIZE) < 0 ||
	    prctl(PR_SET_NAME, "cr-state") || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return 2;
	securebits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	umask(027);
	setvbuf(out, NULL, _IOLBF, 0);
	cr_ready_wait_go(dir);

	path(p, "work");
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, p))
		BAD("cwd is %s, not %s", cwd, p);
	if (umask(0) != 027)
		BAD("umask changed");
	check_limit(RLIMIT_NOFILE, &nofile);
	check_limit(RLIMIT_STACK, &stack);
	pers = personality(0xffffffff);
	if (pers != (PER_LINUX | ADDR_NO_RANDOMIZE))
		BAD("personality is %#x", pers);
	prctl(PR_GET_NAME, name);
	if (strcmp(name, "cr-state"))
		BAD("name is '%s'", name);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		BAD("no_new_privs was lost");
	if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 1)
		BAD("keepcaps was lost");
	if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != securebits)
		BAD("securebits are %#x, not %#x",
		    prctl(PR_GET_SECUREBITS, 0, 0, 0, 0), securebits);
	if (getuid() != uid || geteuid() != euid)
		BAD("ids are %d/%d, not %d/%d", getuid(), geteuid(), uid, euid);
	fprintf(out, errors ? "FAILED\n" : "ok\n");
	return errors ? 1 : 0;
}
