// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * After cr_init(), the program installs its own handler for CR_SIGNUM
 * (sigaction(), then signal() and sigset()); each call must report the
 * previous one's handler back, yet checkpoints must run libcr's: its
 * thread- and signal-context callbacks run, its own handler never.  The
 * thread-context callback records cr_get_checkpoint_info()->dest.
 * Run it, checkpoint it (it goes on), wait for OUT.cont, checkpoint it
 * with --kill and restart it.  Writes OUT.ready, OUT.cont, then
 * OUT.dest (the two dests, a line each) and OUT ("OK" or the failures).
 * Usage: libcr_signal OUT
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <libcr.h>

#include "libcr_test.h"

static atomic_int own_calls, thread_cont, thread_rstrt, sig_cont, sig_rstrt;
static char dest[2][4096];

static void own_handler(int sig)
{
	own_calls++;
}

static void own_action(int sig, siginfo_t *si, void *uc)
{
	own_calls++;
}

static int thread_cb(void *arg)
{
	const struct cr_checkpoint_info *info = cr_get_checkpoint_info();
	int rc;

	if (CHECK(info != NULL))
		snprintf(dest[thread_cont > 0], sizeof(dest[0]), "%s",
			 info->dest);
	rc = cr_checkpoint(0);
	if (rc == 0)
		thread_cont++;
	else if (rc > 0)
		thread_rstrt++;
	return 0;
}

static int sig_cb(void *arg)
{
	int rc = cr_checkpoint(0);

	if (rc == 0)
		sig_cont++;
	else if (rc > 0)
		sig_rstrt++;
	return 0;
}

static bool continued(void)
{
	return thread_cont == 1 && sig_cont == 1;
}

static bool restarted(void)
{
	return thread_rstrt == 1 && sig_rstrt == 1;
}

/* sigaction(), signal() and sigset() see the program's handlers only. */
static void install_own(void)
{
	struct sigaction sa = { .sa_sigaction = own_action,
				.sa_flags = SA_SIGINFO }, old;

	sigemptyset(&sa.sa_mask);
	/* libcr's handler, the program's first. */
	CHECK(sigaction(CR_SIGNUM, &sa, &old) == 0);
	CHECK(old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN);
	CHECK(sigaction(CR_SIGNUM, NULL, &old) == 0);
	CHECK(old.sa_sigaction == own_action && old.sa_flags & SA_SIGINFO);
	CHECK((void *)signal(CR_SIGNUM, own_handler) == (void *)own_action);
	/* Obsolete, but older programs still call it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	CHECK(sigset(CR_SIGNUM, own_handler) == own_handler);
#pragma GCC diagnostic pop
	CHECK(sigaction(CR_SIGNUM, NULL, &old) == 0);
	CHECK(old.sa_handler == own_handler && !(old.sa_flags & SA_SIGINFO));
}

static void write_dests(const char *out)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s.dest", out);
	f = fopen(path, "w");
	if (CHECK(f != NULL)) {
		fprintf(f, "%s\n%s\n", dest[0], dest[1]);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: libcr_signal OUT\n");
		return 2;
	}
	CHECK(cr_init() >= 0);
	CHECK(cr_register_callback(thread_cb, NULL, CR_THREAD_CONTEXT) >= 0);
	CHECK(cr_register_callback(sig_cb, NULL, CR_SIGNAL_CONTEXT) >= 0);
	install_own();
	lt_two_checkpoints(argv[1], continued, restarted);
	CHECK(own_calls == 0);
	write_dests(argv[1]);
	return lt_report(argv[1]);
}
