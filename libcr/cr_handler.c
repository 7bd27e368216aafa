// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The checkpoint itself, as libcr sees it.  The libcr thread waits in
 * CR_OP_HAND_WAIT; for each checkpoint it runs the thread-context
 * callbacks, and their innermost cr_checkpoint() stops every thread that
 * called cr_init(): CRI_SIGNUM makes each run its signal-context
 * callbacks, whose innermost cr_checkpoint() waits on cri_gen.  With all
 * of them waiting, CR_OP_HAND_CHKPT saves the process; its result is
 * published in cri_result and cri_gen moves on to release them.  A
 * restarted process wakes up in the same places: the waits are plain
 * futex waits, which the kernel restarts, and CR_OP_HAND_CHKPT returns 1.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cr_lib.h"

static atomic_int cri_gen;	/* moves on when a result is published */
static atomic_int cri_arrived;	/* stopped threads of this round */
static atomic_int cri_sig_flags; /* a signal-context callback's failure */
static int cri_result;

/* Innermost cr_checkpoint() of a thread's signal-context callbacks. */
static int cri_signal_group_end(int flags)
{
	int gen = atomic_load(&cri_gen);
	int none = 0;

	if (flags & CR_CHECKPOINT_ABORT_MASK)
		atomic_compare_exchange_strong(&cri_sig_flags, &none, flags);
	atomic_fetch_add(&cri_arrived, 1);
	cri_futex_wake_all(&cri_arrived);
	while (atomic_load(&cri_gen) == gen)
		cri_futex_wait(&cri_gen, gen);
	return cri_result;
}

static void cri_sig_handler(int sig, siginfo_t *si, void *uc)
{
	struct cri_chain c = { .lifo = true, .end = cri_signal_group_end };
	int saved = errno;

	/* Only libcr's own tgkill(), never a stray or nested signal. */
	if (si->si_code != SI_TKILL || si->si_pid != getpid() || !cri_self ||
	    cri_chain) {
		errno = saved;
		return;
	}
	c.tab = &cri_self->sig;
	cri_run_hook(CR_HOOK_CONT_SIGNAL_CONTEXT, cri_chain_run(&c));
	errno = saved;
}

/* Sends CRI_SIGNUM to every registered thread; returns how many got it. */
static int cri_signal_threads(void)
{
	struct cri_thread *t;
	pid_t pid = getpid();
	int n = 0;

	for (t = cri_threads; t; t = t->next)
		if (!syscall(SYS_tgkill, pid, t->tid, CRI_SIGNUM))
			n++;
	return n;
}

/* Stops the registered threads; returns a failure one of them asked for. */
static int cri_stop_threads(void)
{
	int n, a;

	atomic_store(&cri_arrived, 0);
	atomic_store(&cri_sig_flags, 0);
	n = cri_signal_threads();
	while ((a = atomic_load(&cri_arrived)) < n)
		cri_futex_wait(&cri_arrived, a);
	return atomic_load(&cri_sig_flags);
}

static void cri_release_threads(int result)
{
	cri_result = result;
	atomic_fetch_add(&cri_gen, 1);
	cri_futex_wake_all(&cri_gen);
}

/* The kernel's flags for cr_checkpoint() flags: a failure carries errno. */
static unsigned long cri_hand_flags(int flags)
{
	int err = cri_checkpoint_errno(flags);

	if (flags & CR_CHECKPOINT_PERM_FAILURE)
		return CR_HAND_PERM_FAILURE | (unsigned long)err << 16;
	if (flags & CR_CHECKPOINT_TEMP_FAILURE)
		return CR_HAND_TEMP_FAILURE | (unsigned long)err << 16;
	return flags & CR_CHECKPOINT_OMIT ? CR_HAND_OMIT : CR_HAND_READY;
}

/* Innermost cr_checkpoint() of the thread-context callbacks. */
static int cri_thread_group_end(int flags)
{
	int r;

	if (!(flags & CR_CHECKPOINT_ABORT_MASK))
		flags = cri_stop_threads();
	r = ioctl(cri_token, CR_OP_HAND_CHKPT, cri_hand_flags(flags));
	if (r < 0)
		r = -errno;
	else if (flags & CR_CHECKPOINT_ABORT_MASK)
		r = -cri_checkpoint_errno(flags);
	cri_release_threads(r);
	return r;
}

static void cri_get_info(void)
{
	struct cr_hand_info hi = { 0 };

	ioctl(cri_token, CR_OP_HAND_INFO, &hi);
	cri_chkpt_info.signal = hi.signal;
	cri_chkpt_info.requester = hi.requester;
	cri_chkpt_info.target = hi.target;
	cri_chkpt_info.scope = cri_uscope(hi.scope);
	cri_chkpt_info.dest = "";
}

static void cri_run_checkpoint(void)
{
	struct cri_chain c = {
		.tab = &cri_thread_cbs,
		.end = cri_thread_group_end,
	};

	cri_cs_block();
	cri_lock();
	atomic_store(&cri_state, CR_STATE_ACTIVE);
	cri_get_info();
	cri_run_hook(CR_HOOK_CONT_THREAD_CONTEXT, cri_chain_run(&c));
	atomic_store(&cri_state, CR_STATE_IDLE);
	cri_unlock();
	cri_cs_unblock();
}

static void *cri_hand_thread(void *started)
{
	int r;

	/* Lets cr_init() return only when the module is about to know us. */
	sem_post(started);
	for (;;) {
		do
			r = ioctl(cri_token, CR_OP_HAND_WAIT);
		while (r < 0 && errno == EINTR);
		/* Other errors: a module without the handler side. */
		if (r < 0)
			return NULL;
		cri_run_checkpoint();
	}
}

/* Installs the handler and starts the libcr thread, all signals blocked. */
int cri_handler_start(void)
{
	struct sigaction sa = { .sa_sigaction = cri_sig_handler };
	sigset_t all, old;
	pthread_t th;
	sem_t started;
	int err;

	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	if (sigaction(CRI_SIGNUM, &sa, NULL))
		return -1;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	sem_init(&started, 0, 0);
	err = pthread_create(&th, NULL, cri_hand_thread, &started);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err) {
		pthread_detach(th);
		while (sem_wait(&started) && errno == EINTR)
			;
	}
	sem_destroy(&started);
	return err ? -1 : 0;
}
