// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The checkpoint itself, as libcr sees it.  The libcr thread waits in
 * CR_OP_HAND_WAIT; for each checkpoint it runs the thread-context
 * callbacks, and their innermost cr_checkpoint() stops the other threads:
 * CR_SIGNUM makes each thread that called cr_init() run its
 * signal-context callbacks, whose innermost cr_checkpoint() waits on
 * cri_gen, and each other thread that does not block CR_SIGNUM wait
 * there at once.  With all of them waiting, CR_OP_HAND_CHKPT saves the
 * process; its result is published in cri_result and cri_gen moves on to
 * release them.  A restarted process wakes up in the same places: the
 * waits are plain futex waits, which the kernel restarts, and
 * CR_OP_HAND_CHKPT returns 1.  Then each thread runs its hook (the
 * *_NO_CALLBACKS one in threads without cr_init()) and, if its hold flags
 * (cr_hold_ctrl()) cover the outcome, waits on cri_busy until every
 * thread, the libcr thread included, has run its callbacks and hook.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>

#include "cr_lib.h"

static atomic_int cri_gen;	/* moves on when a result is published */
static atomic_int cri_arrived;	/* stopped threads of this round */
static atomic_int cri_sig_flags; /* a signal-context callback's failure */
static int cri_result;
static int cri_nsig;		/* threads signalled this round */
static atomic_int cri_busy;	/* threads not done with this round */
static struct cri_cb_table cri_no_cbs;	/* for threads without cr_init() */

/*
 * A thread's part in the round is over; its hold flags say whether it
 * waits for the other threads' parts to be over too.
 */
static void cri_round_wait(void)
{
	int busy;

	while ((busy = atomic_load(&cri_busy)) > 0)
		cri_futex_wait(&cri_busy, busy);
}

static void cri_round_done(int result, int hold)
{
	if (atomic_fetch_sub(&cri_busy, 1) == 1)
		cri_futex_wake_all(&cri_busy);
	if (hold & (result > 0 ? CR_HOLD_RSTRT : CR_HOLD_CONT))
		cri_round_wait();
}

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

/* A thread without cr_init() runs an empty group: it only waits. */
static void cri_sig_handler(int sig, siginfo_t *si, void *uc)
{
	struct cri_thread *t = cri_self;
	struct cri_chain c = {
		.tab = t ? &t->sig : &cri_no_cbs,
		.lifo = true,
		.end = cri_signal_group_end,
	};
	int saved = errno;
	int r;

	/* Only libcr's own tgkill() in a round, never a stray or nested one. */
	if (si->si_code != SI_TKILL || si->si_pid != getpid() || cri_chain ||
	    atomic_load(&cri_state) != CR_STATE_ACTIVE) {
		errno = saved;
		return;
	}
	r = cri_chain_run(&c);
	cri_run_hook(t ? CR_HOOK_CONT_SIGNAL_CONTEXT :
		     CR_HOOK_CONT_NO_CALLBACKS, r);
	cri_round_done(r, cri_hold_flags(t));
	errno = saved;
}

static bool cri_registered(pid_t tid)
{
	struct cri_thread *t;

	cri_lock();
	for (t = cri_threads; t; t = t->next)
		if (t->tid == tid)
			break;
	cri_unlock();
	return t;
}

/* The thread blocks CR_SIGNUM (its SigBlk line); true if unknown. */
static bool cri_blocks_signum(pid_t tid)
{
	char path[64], line[128];
	unsigned long long mask = ~0ULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return true;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigBlk: %llx", &mask) == 1)
			break;
	fclose(f);
	return mask >> (CR_SIGNUM - 1) & 1;
}

/*
 * Sends CR_SIGNUM to the other threads: every registered one (it may
 * block the signal only for a moment, see cri_table_op()), and those
 * without cr_init() that do not block it.  Returns how many got it.
 */
static int cri_signal_threads(void)
{
	pid_t pid = getpid(), self = gettid(), tid;
	struct dirent *e;
	DIR *dir;
	int n = 0;

	dir = opendir("/proc/self/task");
	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		tid = atoi(e->d_name);
		if (tid <= 0 || tid == self)
			continue;
		if (!cri_registered(tid) && cri_blocks_signum(tid))
			continue;
		if (!syscall(SYS_tgkill, pid, tid, CR_SIGNUM))
			n++;
	}
	closedir(dir);
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
	cri_nsig = n;
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
	r = cri_hand_chkpt(cri_token, cri_hand_flags(flags));
	if (r >= 0 && (flags & CR_CHECKPOINT_ABORT_MASK))
		r = -cri_checkpoint_errno(flags);
	/* The stopped threads and this one, done once its hook has run. */
	atomic_store(&cri_busy, cri_nsig + 1);
	cri_release_threads(r);
	return r;
}

/* The module's paths (d_path()) fit in PATH_MAX bytes with their NUL. */
static char cri_dest[PATH_MAX];

static void cri_get_info(void)
{
	struct cr_hand_info hi = {
		.dest = (unsigned long)cri_dest,
		.dest_len = sizeof(cri_dest),
	};

	if (cri_hand_info(cri_token, &hi))
		hi = (struct cr_hand_info){ 0 };
	cri_chkpt_info.signal = hi.signal;
	cri_chkpt_info.requester = hi.requester;
	cri_chkpt_info.target = hi.target;
	cri_chkpt_info.scope = cri_uscope(hi.scope);
	cri_chkpt_info.dest = hi.dest_len && hi.dest_len <= sizeof(cri_dest) ?
			       cri_dest : "";
}

static void cri_run_checkpoint(void)
{
	struct cri_chain c = {
		.tab = &cri_thread_cbs,
		.end = cri_thread_group_end,
	};
	int r;

	/* Threads the last round did not hold may still be in their hooks. */
	cri_round_wait();
	cri_cs_block();
	cri_nsig = 0;
	atomic_store(&cri_state, CR_STATE_ACTIVE);
	cri_get_info();
	r = cri_chain_run(&c);
	cri_run_hook(CR_HOOK_CONT_THREAD_CONTEXT, r);
	atomic_store(&cri_state, CR_STATE_IDLE);
	cri_round_done(r, CR_HOLD_NONE);
	cri_cs_unblock();
}

static void *cri_hand_thread(void *started)
{
	int r;

	/* Lets cr_init() return only when the module is about to know us. */
	sem_post(started);
	for (;;) {
		do
			r = cri_hand_wait(cri_token);
		while (r == -EINTR);
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

	/* A forked child starts with no round, whatever its parent was in. */
	atomic_store(&cri_busy, 0);
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	if (cri_sig_own(&sa))
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
