// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcr_omit, preloaded by cr_run --omit: the process leaves itself out of
 * every checkpoint.  A thread of its own (all signals blocked) registers
 * the process with the module and answers each checkpoint with
 * CR_HAND_OMIT; the program itself never notices.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "cr_ioctl.h"

/* A link anchor, as in BLCR: -u cr_omit_link_me. */
int cr_omit_link_me;

static int cri_omit_token = -1;

static void *cri_omit_thread(void *arg)
{
	int token = (long)arg;
	int r;

	for (;;) {
		r = cri_hand_wait(token);
		if (r == -EINTR)
			continue;
		if (r < 0)
			return NULL;
		cri_hand_chkpt(token, CR_HAND_OMIT);
	}
}

static void cri_omit_start(void)
{
	int token = cri_ctrl_open();
	sigset_t all, old;
	pthread_t th;

	if (token < 0)
		return;
	cri_omit_token = token;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&th, NULL, cri_omit_thread, (void *)(long)token)) {
		close(token);
		cri_omit_token = -1;
	} else
		pthread_detach(th);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* A forked child is a process of its own: it needs its own token. */
static void cri_omit_fork_child(void)
{
	close(cri_omit_token);
	cri_omit_start();
}

__attribute__((constructor)) static void cri_omit_init(void)
{
	cri_omit_start();
	pthread_atfork(NULL, NULL, cri_omit_fork_child);
}
