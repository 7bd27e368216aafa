// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pending signals survive checkpoint/restart.  With them blocked, the
 * program sends itself, thread-directed (private pending): SIGUSR1 (raise)
 * and SIGRTMIN+3 with value 44 (pthread_sigqueue); process-directed (shared
 * pending): SIGUSR2 (kill) and SIGRTMIN+2 twice with values 42 and 43
 * (sigqueue).  It creates DIR/ready and waits for DIR/go.  Then sigpending()
 * must still show them all, and unblocking must run each handler once, the
 * SIGRTMIN+2 one twice with 42 then 43, with the right si_code.
 * Exits 0 iff so.
 * Usage: signals_pending DIR
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../cr_test_util.h"



static volatile int n_usr1, n_rt, rt_vals[4], rt_codes[4], usr1_code;
static volatile int n_usr2, usr2_code, n_rt3, rt3_val, rt3_code;

static void h_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	n_usr2++;
	usr2_code = si->si_code;
}

static void h_rt3(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	n_rt3++;
	rt3_val = si->si_value.sival_int;
	rt3_code = si->si_code;
}

static void h_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	n_usr1++;
	usr1_code = si->si_code;
}

static void h_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	if (n_rt < 4) {
		rt_vals[n_rt] = si->si_value.sival_int;
		rt_codes[n_rt] = si->si_code;
	}
	n_rt++;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t b, p;
	union sigval v;
	int rt = SIGRTMIN + 2, rt3 = SIGRTMIN + 3;

	cr_start(argc, argv, 1, "DIR");
	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = h_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_sigaction = h_rt;
	sigaction(rt, &sa, NULL);
	sa.sa_sigaction = h_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_sigaction = h_rt3;
	sigaction(rt3, &sa, NULL);
	sigemptyset(&b);
	sigaddset(&b, SIGUSR1);
	sigaddset(&b, SIGUSR2);
	sigaddset(&b, rt);
	sigaddset(&b, rt3);
	sigprocmask(SIG_BLOCK, &b, NULL);
	raise(SIGUSR1);
	kill(getpid(), SIGUSR2);
	v.sival_int = 44;
	pthread_sigqueue(pthread_self(), rt3, v);
	v.sival_int = 42;
	sigqueue(getpid(), rt, v);
	v.sival_int = 43;
	sigqueue(getpid(), rt, v);
	sigpending(&p);
	if (!sigismember(&p, SIGUSR1) || !sigismember(&p, rt) ||
	    !sigismember(&p, SIGUSR2) || !sigismember(&p, rt3))
		cr_bad("not pending before the checkpoint");
	printf("signals_pending: SIGUSR1, SIGRTMIN+3 (thread), SIGUSR2, SIGRTMIN+2 x2 (process) pending\n");
	cr_ready_wait_go(argv[1]);

	sigpending(&p);
	if (!sigismember(&p, SIGUSR1))
		cr_bad("SIGUSR1 is no longer pending");
	if (!sigismember(&p, rt))
		cr_bad("SIGRTMIN+2 is no longer pending");
	if (!sigismember(&p, SIGUSR2))
		cr_bad("SIGUSR2 is no longer pending");
	if (!sigismember(&p, rt3))
		cr_bad("SIGRTMIN+3 is no longer pending");
	if (n_usr1 || n_rt || n_usr2 || n_rt3)
		cr_bad("handlers ran while blocked");
	sigprocmask(SIG_UNBLOCK, &b, NULL);
	if (n_usr1 != 1 || usr1_code != SI_TKILL)
		cr_bad("SIGUSR1 handler ran %d times (code %d)", n_usr1, usr1_code);
	if (n_usr2 != 1 || usr2_code != SI_USER)
		cr_bad("SIGUSR2 handler ran %d times (code %d)", n_usr2, usr2_code);
	if (n_rt3 != 1 || rt3_val != 44 || rt3_code != SI_QUEUE)
		cr_bad("SIGRTMIN+3 handler ran %d times (value %d, code %d)", n_rt3, rt3_val, rt3_code);
	if (n_rt != 2 || rt_vals[0] != 42 || rt_vals[1] != 43 ||
	    rt_codes[0] != SI_QUEUE || rt_codes[1] != SI_QUEUE)
		cr_bad("SIGRTMIN+2 handler ran %d times: values %d, %d (codes %d, %d), not 42, 43 (SI_QUEUE %d)",
		    n_rt, rt_vals[0], rt_vals[1], rt_codes[0], rt_codes[1], SI_QUEUE);
	return cr_result();
}
