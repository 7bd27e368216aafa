// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libcr calls that need no checkpoint: what fails before cr_init() or
 * outside a callback, argument checks, critical sections with nothing
 * pending, spinlocks, hooks, hold flags, persistence counts, cr_strerror
 * and the request argument defaults.  Writes OUT ("OK" or the failures).
 * Usage: libcr_api OUT
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libcr.h>

#include "libcr_test.h"

static int cb(void *arg)
{
	return 0;
}

static void hook(cr_hook_event_t ev)
{
}

/* Before cr_init(): CR_ENOINIT, CR_ENOTCB. */
static void before_init(void)
{
	CHECK(cr_register_callback(cb, NULL, CR_THREAD_CONTEXT) == -1 &&
	      errno == CR_ENOINIT);
	CHECK(cr_enter_cs(0) == -1 && errno == CR_ENOINIT);
	CHECK(cr_status() == -1 && errno == CR_ENOINIT);
	CHECK(cr_hold_ctrl(CR_HOLD_SCOPE_INIT, CR_HOLD_READ) == -1 &&
	      errno == CR_ENOINIT);
	CHECK(cr_checkpoint(0) == -CR_ENOTCB);
	CHECK(cr_replace_self(cb, NULL, CR_THREAD_CONTEXT) == -1 &&
	      errno == CR_ENOTCB);
	CHECK(!cr_get_checkpoint_info() && errno == CR_ENOTCB);
	CHECK(!cr_get_restart_info());
	CHECK(cr_forward_checkpoint(CR_SCOPE_PROC, 0) == -1 &&
	      errno == CR_ENOTCB);
}

static void callbacks(void)
{
	int a, b;

	CHECK(cr_register_callback(cb, NULL, 0) == -1 && errno == EINVAL);
	CHECK(cr_register_callback(cb, NULL, CR_THREAD_CONTEXT |
				   CR_SIGNAL_CONTEXT) == -1 && errno == EINVAL);
	CHECK(cr_register_callback(NULL, NULL, CR_SIGNAL_CONTEXT) == -1);
	a = cr_register_callback(cb, NULL, CR_SIGNAL_CONTEXT);
	b = cr_register_callback(cb, NULL, CR_SIGNAL_CONTEXT);
	CHECK(a >= 0 && b == a + 1);
	CHECK(cr_register_callback(cb, NULL, CR_THREAD_CONTEXT) >= 0);
	CHECK(cr_replace_callback(a, NULL, NULL, CR_SIGNAL_CONTEXT) == 0);
	CHECK(cr_replace_callback(b + 1, cb, NULL, CR_SIGNAL_CONTEXT) == -1 &&
	      errno == EINVAL);
	CHECK(cr_checkpoint(0) == -CR_ENOTCB);
}

static int id;

static void *other_thread(void *arg)
{
	/* Another thread's section blocks nothing: no checkpoint pending. */
	CHECK(cr_init() >= 0);
	CHECK(cr_tryenter_cs(cr_init()) == 0);
	CHECK(cr_leave_cs(cr_init()) == 0);
	CHECK(cr_enter_cs(id) == -1 && errno == EINVAL);
	return NULL;
}

static void critical_sections(void)
{
	pthread_t th;

	CHECK(cr_enter_cs(id) == 0);
	CHECK(cr_enter_cs(id) == 0);
	CHECK(cr_tryenter_cs(id) == 0);
	CHECK(cr_status() == CR_STATE_IDLE);
	pthread_create(&th, NULL, other_thread, NULL);
	pthread_join(th, NULL);
	CHECK(cr_leave_cs(id) == 0);
	CHECK(cr_leave_cs(id) == 0);
	CHECK(cr_leave_cs(id) == 0);
	CHECK(cr_leave_cs(id) == -1 && errno == EINVAL);
	CHECK(cr_enter_cs(id + 1) == -1 && errno == EINVAL);
	CHECK(cr_enter_cs(CR_ID_CALLBACK) == 0);
}

static void spinlocks(void)
{
	cr_spinlock_t l = CR_SPINLOCK_INITIALIZER;

	CHECK(cr_spinlock_trylock(&l));
	CHECK(!cr_spinlock_trylock(&l));
	cr_spinlock_unlock(&l);
	cr_spinlock_lock(&l);
	CHECK(!cr_spinlock_trylock(&l));
	cr_spinlock_init(&l);
	CHECK(cr_spinlock_trylock(&l));
}

static void hooks_and_hold(void)
{
	CHECK(cr_register_hook(CR_HOOK_CONT_THREAD_CONTEXT, hook) == NULL);
	CHECK(cr_register_hook(CR_HOOK_CONT_THREAD_CONTEXT, NULL) == hook);
	CHECK(cr_register_hook(CR_NUM_HOOKS, hook) == CR_HOOK_FN_ERROR &&
	      errno == EINVAL);
	CHECK(cr_hold_ctrl(CR_HOLD_SCOPE_THREAD, CR_HOLD_READ) == CR_HOLD_DFLT);
	CHECK(cr_hold_ctrl(CR_HOLD_SCOPE_INIT, CR_HOLD_NONE) == CR_HOLD_BOTH);
	CHECK(cr_hold_ctrl(CR_HOLD_SCOPE_INIT, CR_HOLD_READ) == CR_HOLD_NONE);
	CHECK(cr_hold_ctrl(CR_HOLD_SCOPE_INIT, CR_HOLD_DFLT) == -1 &&
	      errno == EINVAL);
	CHECK(cr_hold_ctrl(7, CR_HOLD_READ) == -1 && errno == EINVAL);
	CHECK(cr_inc_persist() == 0 && cr_inc_persist() == 1);
	CHECK(cr_dec_persist() == 2 && cr_dec_persist() == 1);
	CHECK(cr_dec_persist() == -1 && errno == ERANGE);
}

static void strings_and_args(void)
{
	cr_checkpoint_args_t ca;
	cr_restart_args_t ra;
	cr_checkpoint_handle_t h = 0;	/* stdin: no request */

	CHECK(strstr(cr_strerror(CR_ETEMPFAIL), "cancel") != NULL);
	CHECK(strstr(cr_strerror(CR_ENOINIT), "cr_init") != NULL);
	CHECK(strcmp(cr_strerror(ENOENT), strerror(ENOENT)) == 0);
	CHECK(CR_ETEMPFAIL == 2354 && CR_ENOINIT == 2365);
	CHECK(CR_CHECKPOINT_PERM_FAILURE_CODE(42) == (2 | 42 << 16));
	CHECK(cr_initialize_checkpoint_args_t(&ca) == 0);
	CHECK(ca.cr_scope == (cr_scope_t)-1 && ca.cr_fd == -1 &&
	      ca.cr_target == 0 && ca.cr_signal == 0 && ca.cr_flags == 0);
	CHECK(cr_request_checkpoint(&ca, &h) == -1 && errno == EINVAL);
	ca.cr_scope = CR_SCOPE_PROC;
	ca.cr_target = 0x7ffffff0;
	ca.cr_fd = open("/dev/null", O_WRONLY);
	CHECK(cr_request_checkpoint(&ca, &h) == -1 && errno == ESRCH);
	close(ca.cr_fd);
	CHECK(cri_init_checkpoint_args_t(2, &ca) == -1 && errno == EINVAL);
	CHECK(cr_initialize_restart_args_t(&ra) == 0);
	CHECK(ra.cr_flags == CR_RSTRT_RESTORE_PID && ra.cr_fd == -1);
	CHECK(cr_request_restart(&ra, &h) == -1 && errno == EBADF);
	ra.cr_flags |= 0x100;
	CHECK(cr_request_restart(&ra, &h) == -1 && errno == EINVAL);
	CHECK(cr_reap_restart(&h) == -1 && errno == EINVAL);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: libcr_api OUT\n");
		return 2;
	}
	before_init();
	id = cr_init();
	CHECK(id >= 0);
	CHECK(cr_init() == id);
	callbacks();
	critical_sections();
	spinlocks();
	hooks_and_hold();
	strings_and_args();
	return lt_report(argv[1]);
}
