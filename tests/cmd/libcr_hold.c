// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_hold_ctrl() and the *_NO_CALLBACKS hooks.  Main's thread-context
 * callback keeps a window open for a second after its cr_checkpoint()
 * returns; three threads watch it from their own code:
 *  held    called cr_init(), default hold (INIT scope: BOTH);
 *  rstrt   called cr_init() and cr_hold_ctrl(THREAD, CR_HOLD_RSTRT);
 *  uninit  never called cr_init() (UNINIT scope: BOTH).
 * A held thread must not run its own code while the window is open; rstrt
 * must run in it after the checkpoint it continues from (not held), not
 * after the restart.  The NO_CALLBACKS hooks must run once each, in
 * uninit, the SIGNAL_CONTEXT ones in held and rstrt.
 * Run it, checkpoint it (it goes on), wait for OUT.cont, checkpoint it
 * with --kill and restart it.
 * Writes OUT.ready, OUT.cont, then OUT ("OK" or the failures).
 * Usage: libcr_hold OUT
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <libcr.h>

#include "libcr_test.h"

enum { HELD, RSTRT, UNINIT, NTH, MAIN = NTH };
enum { NONE, CONT, RESTARTED };	/* the window, after which checkpoint */

static atomic_int window, rounds[3], ready;
static atomic_int saw[NTH][3];	/* ran inside the window, per kind */
static atomic_int hooks[CR_NUM_HOOKS], bad_hook_thread;
static __thread int me = -1;	/* a restart may change the tids */
static atomic_bool stop;

static int thread_cb(void *arg)
{
	int rc = cr_checkpoint(0);
	int kind = rc > 0 ? RESTARTED : rc == 0 ? CONT : NONE;

	if (kind == NONE)
		return 0;
	window = kind;
	cr_pause_ms(1000);
	window = NONE;
	rounds[kind]++;
	return 0;
}

static void hook(cr_hook_event_t ev)
{
	hooks[ev]++;
	if ((ev == CR_HOOK_CONT_NO_CALLBACKS ||
	     ev == CR_HOOK_RSTRT_NO_CALLBACKS) && me != UNINIT)
		bad_hook_thread++;
	if ((ev == CR_HOOK_CONT_SIGNAL_CONTEXT ||
	     ev == CR_HOOK_RSTRT_SIGNAL_CONTEXT) && me != HELD &&
	    me != RSTRT && me != MAIN)
		bad_hook_thread++;
}

static void *watcher(void *arg)
{
	long i = (long)arg;
	int w;

	me = i;
	if (i != UNINIT)
		CHECK(cr_init() >= 0);
	if (i == RSTRT)
		CHECK(cr_hold_ctrl(CR_HOLD_SCOPE_THREAD, CR_HOLD_RSTRT) ==
		      CR_HOLD_DFLT);
	ready++;
	while (!stop) {
		w = window;
		if (w != NONE)
			saw[i][w]++;
		cr_pause_ms(5);
	}
	return NULL;
}

static bool all_ready(void)
{
	return ready == NTH;
}

static bool continued(void)
{
	return rounds[CONT] == 1;
}

static bool restarted(void)
{
	return rounds[RESTARTED] == 1;
}

int main(int argc, char **argv)
{
	pthread_t th[NTH];
	long i;
	int e;

	if (argc != 2) {
		fprintf(stderr, "usage: libcr_hold OUT\n");
		return 2;
	}
	me = MAIN;
	CHECK(cr_init() >= 0);
	CHECK(cr_hold_ctrl(CR_HOLD_SCOPE_INIT, CR_HOLD_READ) == CR_HOLD_BOTH);
	CHECK(cr_hold_ctrl(CR_HOLD_SCOPE_UNINIT, CR_HOLD_READ) ==
	      CR_HOLD_BOTH);
	CHECK(cr_register_callback(thread_cb, NULL, CR_THREAD_CONTEXT) >= 0);
	for (e = 0; e < CR_NUM_HOOKS; e++)
		cr_register_hook(e, hook);
	for (i = 0; i < NTH; i++)
		pthread_create(&th[i], NULL, watcher, (void *)i);
	CHECK(lt_wait(all_ready, 10));
	lt_two_checkpoints(argv[1], continued, restarted);
	stop = true;
	for (i = 0; i < NTH; i++)
		pthread_join(th[i], NULL);
	CHECK(saw[HELD][CONT] == 0 && saw[HELD][RESTARTED] == 0);
	CHECK(saw[UNINIT][CONT] == 0 && saw[UNINIT][RESTARTED] == 0);
	CHECK(saw[RSTRT][CONT] > 0);
	CHECK(saw[RSTRT][RESTARTED] == 0);
	CHECK(hooks[CR_HOOK_CONT_NO_CALLBACKS] == 1);
	CHECK(hooks[CR_HOOK_RSTRT_NO_CALLBACKS] == 1);
	/* Main, held and rstrt called cr_init(); main is signalled too. */
	CHECK(hooks[CR_HOOK_CONT_SIGNAL_CONTEXT] == 3);
	CHECK(hooks[CR_HOOK_RSTRT_SIGNAL_CONTEXT] == 3);
	CHECK(hooks[CR_HOOK_CONT_THREAD_CONTEXT] == 1);
	CHECK(hooks[CR_HOOK_RSTRT_THREAD_CONTEXT] == 1);
	CHECK(bad_hook_thread == 0);
	return lt_report(argv[1]);
}
