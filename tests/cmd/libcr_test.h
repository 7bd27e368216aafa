/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the libcr test programs (tests/cmd/libcr_*.c). */
#ifndef LIBCR_TEST_H
#define LIBCR_TEST_H

#include <stdbool.h>

#include <libcr.h>

#include "../cr_test_util.h"

/* Records a failed condition for lt_report(). */
#define CHECK(cond)	lt_check((cond), #cond, __LINE__)

bool lt_check(bool ok, const char *what, int line);
long long lt_now_ns(void);
/* Polls cond every 10 ms for up to secs seconds; false on timeout. */
bool lt_wait(bool (*cond)(void), int secs);
/* Checkpoints pid's tree into fd, SIGKILL afterwards: the request's result. */
int lt_request_kill(pid_t pid, int fd, cr_checkpoint_handle_t *h);
/*
 * Checkpoints target (0: the caller) in scope into fd and waits: -1 with
 * errno if refused, else cr_poll_checkpoint()'s result.
 */
int lt_checkpoint(cr_scope_t scope, pid_t target, unsigned int flags, int fd);
/*
 * The two checkpoints of a libcr_*.sh test: the first one the program
 * goes on from, the second one it is killed by and restarted from.
 * Writes OUT.ready, waits for continued(), writes OUT.cont, then waits
 * for restarted().
 */
void lt_two_checkpoints(const char *out, bool (*continued)(void),
			bool (*restarted)(void));
/* Writes "OK" or the failed checks to path; returns the exit status. */
int lt_report(const char *path);

#endif /* LIBCR_TEST_H */
