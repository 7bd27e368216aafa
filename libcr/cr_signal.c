// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CR_SIGNUM belongs to libcr once cr_init() installed its handler, as in
 * BLCR, whose module put libcr's handler back at each checkpoint.  Here
 * the program's sigaction(), signal() and sigset() for that signal are
 * recorded and reported back by the later ones (libcr's handler until
 * the first), but not installed: a checkpoint always runs libcr's
 * handler, never the program's.  The
 * shared libcr exports these three; other signals, and CR_SIGNUM before
 * cr_init(), go to the C library's (dlsym(RTLD_NEXT)).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "cr_lib.h"

typedef int (*cri_sigaction_fn)(int, const struct sigaction *,
				struct sigaction *);

static atomic_bool cri_sig_owned;
static struct sigaction cri_user_act;	/* the program's, for CR_SIGNUM */
static cr_spinlock_t cri_user_lock = CR_SPINLOCK_INITIALIZER;

/* The C library's function name; NULL (ENOSYS) if there is none. */
static void *cri_real(const char *name, void *_Atomic *cache)
{
	void *fn = atomic_load(cache);

	if (!fn) {
		fn = dlsym(RTLD_NEXT, name);
		atomic_store(cache, fn);
	}
	if (!fn)
		errno = ENOSYS;
	return fn;
}

static cri_sigaction_fn cri_real_sigaction(void)
{
	static void *_Atomic fn;

	return (cri_sigaction_fn)cri_real("sigaction", &fn);
}

/* Swaps the program's record; signals blocked so a handler cannot spin. */
static void cri_user_swap(const struct sigaction *act, struct sigaction *oact)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	cr_spinlock_lock(&cri_user_lock);
	if (oact)
		*oact = cri_user_act;
	if (act)
		cri_user_act = *act;
	cr_spinlock_unlock(&cri_user_lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Installs libcr's handler (again in a forked child's cr_init()). */
int cri_sig_own(const struct sigaction *sa)
{
	cri_sigaction_fn real = cri_real_sigaction();

	if (!real || real(CR_SIGNUM, sa, NULL))
		return -1;
	/* Until the program sets its own, it sees libcr's, as with BLCR. */
	if (!atomic_load(&cri_sig_owned)) {
		cri_user_swap(sa, NULL);
		atomic_store(&cri_sig_owned, true);
	}
	return 0;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
	cri_sigaction_fn real;

	if (sig == CR_SIGNUM && atomic_load(&cri_sig_owned)) {
		cri_user_swap(act, oact);
		return 0;
	}
	real = cri_real_sigaction();
	return real ? real(sig, act, oact) : -1;
}

/* glibc's signal(): BSD semantics, the signal blocked in its handler. */
sighandler_t signal(int sig, sighandler_t handler)
{
	static void *_Atomic fn;
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART };
	struct sigaction old;
	sighandler_t (*real)(int, sighandler_t);

	if (sig == CR_SIGNUM && atomic_load(&cri_sig_owned)) {
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, sig);
		cri_user_swap(&sa, &old);
		return old.sa_handler;
	}
	real = cri_real("signal", &fn);
	return real ? real(sig, handler) : SIG_ERR;
}

/*
 * SysV's sigset(): SIG_HOLD blocks the signal, anything else installs
 * it and unblocks it; returns SIG_HOLD if it was blocked, else the old
 * disposition.
 */
sighandler_t sigset(int sig, sighandler_t disp)
{
	static void *_Atomic fn;
	struct sigaction sa = { .sa_handler = disp }, old;
	sighandler_t (*real)(int, sighandler_t);
	sigset_t set, oset;

	if (sig != CR_SIGNUM || !atomic_load(&cri_sig_owned)) {
		real = cri_real("sigset", &fn);
		return real ? real(sig, disp) : SIG_ERR;
	}
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (disp == SIG_HOLD) {
		cri_user_swap(NULL, &old);
		pthread_sigmask(SIG_BLOCK, &set, &oset);
	} else {
		cri_user_swap(&sa, &old);
		pthread_sigmask(SIG_UNBLOCK, &set, &oset);
	}
	return sigismember(&oset, sig) ? SIG_HOLD : old.sa_handler;
}
