// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Signal handling state survives checkpoint/restart.  Installs handlers with
 * distinct flags and masks (SA_SIGINFO, SA_RESTART, SA_NODEFER, SA_RESETHAND,
 * SA_ONSTACK, a combination, SIG_IGN), blocks some signals, sets an
 * alternate signal stack, records sigaction() for every signal, the mask and
 * sigaltstack(), creates DIR/ready and waits for DIR/go.  Then it compares
 * them all and raises each signal: the right handler runs, with the right
 * mask, siginfo, on the alternate stack for SA_ONSTACK; SA_RESETHAND resets.
 * Exits 0 iff everything is right.
 * Usage: signals_state DIR
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cr_test_util.h"

static const char *dir;


static char altstack[65536] __attribute__((aligned(16)));

/* What the handlers saw. */
static volatile int n_info, n_plain, n_nodefer, n_reset, n_onstack, n_combo, n_rt;
static volatile int info_signo, info_code, info_value, rt_value, rt_code;
static sigset_t mask_info, mask_plain, mask_nodefer, mask_combo;
static volatile uintptr_t onstack_addr;
static volatile int onstack_flags;

static void h_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	n_info++;
	info_signo = si->si_signo;
	info_code = si->si_code;
	sigprocmask(SIG_BLOCK, NULL, &mask_info);
}

static void h_plain(int sig)
{
	(void)sig;
	n_plain++;
	sigprocmask(SIG_BLOCK, NULL, &mask_plain);
}

static void h_nodefer(int sig)
{
	(void)sig;
	n_nodefer++;
	sigprocmask(SIG_BLOCK, NULL, &mask_nodefer);
}

static void h_reset(int sig)
{
	(void)sig;
	n_reset++;
}

static void h_onstack(int sig)
{
	volatile char here;
	stack_t ss;

	(void)sig;
	n_onstack++;
	onstack_addr = (uintptr_t)&here;
	sigaltstack(NULL, &ss);
	onstack_flags = ss.ss_flags;
}

static void h_combo(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	n_combo++;
	sigprocmask(SIG_BLOCK, NULL, &mask_combo);
}

static void h_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	n_rt++;
	rt_value = si->si_value.sival_int;
	rt_code = si->si_code;
}

static void install(int sig, void *h, int flags, int m1, int m2)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	if (flags & SA_SIGINFO)
		sa.sa_sigaction = h;
	else
		sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (m1)
		sigaddset(&sa.sa_mask, m1);
	if (m2)
		sigaddset(&sa.sa_mask, m2);
	if (sigaction(sig, &sa, NULL)) {
		perror("sigaction");
		exit(2);
	}
}

#define NS 65
static struct sigaction act0[NS];
static int have0[NS];
static sigset_t blocked0;
static stack_t ss0;

static int same_set(const sigset_t *a, const sigset_t *b)
{
	int s;

	for (s = 1; s < NS; s++)
		if (sigismember(a, s) != sigismember(b, s))
			return 0;
	return 1;
}

static void snapshot(void)
{
	int s;

	for (s = 1; s < NS; s++)
		have0[s] = sigaction(s, NULL, &act0[s]) == 0;
	sigprocmask(SIG_BLOCK, NULL, &blocked0);
	sigaltstack(NULL, &ss0);
}

static void compare(void)
{
	struct sigaction a;
	sigset_t m;
	stack_t ss;
	int s;

	for (s = 1; s < NS; s++) {
		if (!have0[s])
			continue;
		if (sigaction(s, NULL, &a)) {
			cr_bad("sigaction(%d) fails", s);
			continue;
		}
		if (a.sa_handler != act0[s].sa_handler)
			cr_bad("signal %d (%s): handler %p, was %p", s, strsignal(s),
			    (void *)a.sa_handler, (void *)act0[s].sa_handler);
		if (a.sa_flags != act0[s].sa_flags)
			cr_bad("signal %d (%s): sa_flags %#x, was %#x", s, strsignal(s),
			    a.sa_flags, act0[s].sa_flags);
		if (!same_set(&a.sa_mask, &act0[s].sa_mask))
			cr_bad("signal %d (%s): sa_mask differs", s, strsignal(s));
	}
	sigprocmask(SIG_BLOCK, NULL, &m);
	if (!same_set(&m, &blocked0))
		cr_bad("the blocked mask differs");
	sigaltstack(NULL, &ss);
	if (ss.ss_sp != ss0.ss_sp || ss.ss_size != ss0.ss_size || ss.ss_flags != ss0.ss_flags)
		cr_bad("sigaltstack %p/%zu/%#x, was %p/%zu/%#x", ss.ss_sp, ss.ss_size,
		    ss.ss_flags, ss0.ss_sp, ss0.ss_size, ss0.ss_flags);
}

static void fire(void)
{
	struct sigaction a;
	union sigval v;
	sigset_t m;

	raise(SIGUSR1);
	if (n_info != 1 || info_signo != SIGUSR1 || info_code != SI_TKILL)
		cr_bad("SA_SIGINFO handler: ran %d times, signo %d code %d", n_info, info_signo, info_code);
	if (!sigismember(&mask_info, SIGUSR2) || !sigismember(&mask_info, SIGUSR1) ||
	    !sigismember(&mask_info, SIGTTOU))
		cr_bad("SIGUSR1 handler mask lacks SIGUSR2/SIGUSR1/SIGTTOU");

	raise(SIGUSR2);
	if (n_plain != 1)
		cr_bad("SA_RESTART handler ran %d times", n_plain);
	if (!sigismember(&mask_plain, SIGHUP) || !sigismember(&mask_plain, SIGWINCH) ||
	    !sigismember(&mask_plain, SIGUSR2) || sigismember(&mask_plain, SIGUSR1))
		cr_bad("SIGUSR2 handler mask wrong");

	raise(SIGHUP);
	if (n_nodefer != 1)
		cr_bad("SA_NODEFER handler ran %d times", n_nodefer);
	if (sigismember(&mask_nodefer, SIGHUP) || !sigismember(&mask_nodefer, SIGPIPE))
		cr_bad("SA_NODEFER: SIGHUP blocked in its handler");

	raise(SIGURG);
	if (n_reset != 1)
		cr_bad("SA_RESETHAND handler ran %d times", n_reset);
	sigaction(SIGURG, NULL, &a);
	if (a.sa_handler != SIG_DFL)
		cr_bad("SA_RESETHAND did not reset the handler");
	raise(SIGURG);	/* default: ignored */
	if (n_reset != 1)
		cr_bad("SA_RESETHAND handler ran again");

	raise(SIGWINCH);
	if (n_onstack != 1)
		cr_bad("SA_ONSTACK handler ran %d times", n_onstack);
	else if (onstack_addr < (uintptr_t)altstack ||
		 onstack_addr >= (uintptr_t)altstack + sizeof(altstack) ||
		 !(onstack_flags & SS_ONSTACK))
		cr_bad("SA_ONSTACK handler ran at %#lx, not on the alternate stack %p",
		    (unsigned long)onstack_addr, (void *)altstack);

	raise(SIGINT);	/* ignored */

	raise(SIGTTIN);
	if (n_combo != 1)
		cr_bad("combined-flags handler ran %d times", n_combo);
	if (sigismember(&mask_combo, SIGTTIN) || !sigismember(&mask_combo, SIGRTMIN + 3))
		cr_bad("combined-flags handler mask wrong");

	v.sival_int = 4242;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	if (n_rt != 1 || rt_value != 4242 || rt_code != SI_QUEUE)
		cr_bad("RT handler: ran %d times, value %d code %d", n_rt, rt_value, rt_code);

	sigprocmask(SIG_BLOCK, NULL, &m);
	if (!same_set(&m, &blocked0))
		cr_bad("the blocked mask changed after the handlers");
}

int main(int argc, char **argv)
{
	sigset_t b;
	stack_t ss;

	cr_start(argc, argv, 1, "DIR");
	dir = argv[1];
	install(SIGUSR1, h_info, SA_SIGINFO, SIGUSR2, 0);
	install(SIGUSR2, h_plain, SA_RESTART, SIGHUP, SIGWINCH);
	install(SIGHUP, h_nodefer, SA_NODEFER, 0, 0);
	install(SIGURG, h_reset, SA_RESETHAND, SIGUSR1, 0);
	install(SIGWINCH, h_onstack, SA_ONSTACK, 0, 0);
	install(SIGTTIN, h_combo, SA_SIGINFO | SA_RESTART | SA_NODEFER, SIGRTMIN + 3, SIGALRM);
	install(SIGRTMIN + 1, h_rt, SA_SIGINFO, SIGRTMIN + 2, 0);
	signal(SIGINT, SIG_IGN);
	sigemptyset(&b);
	sigaddset(&b, SIGTTOU);
	sigaddset(&b, SIGPIPE);
	sigaddset(&b, SIGRTMIN + 5);
	sigprocmask(SIG_BLOCK, &b, NULL);
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL)) {
		perror("sigaltstack");
		return 2;
	}
	snapshot();
	printf("signals_state: set up, alternate stack %p\n", (void *)altstack);
	cr_ready_wait_go(dir);

	compare();
	fire();
	return cr_result();
}
