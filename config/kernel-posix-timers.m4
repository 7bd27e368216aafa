dnl Linux 6.11 ("posix-timers: Convert timer list to hlist"): a process's
dnl POSIX timers are an hlist.
AC_DEFUN([CR_AC_KERNEL_SRC_POSIX_TIMERS_HLIST], [
	CR_LINUX_TEST_SRC([posix_timers_hlist], [
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>
	], [
	struct signal_struct *sig = current->signal;
	struct k_itimer *t;

	hlist_for_each_entry(t, &sig->posix_timers, list)
		(void)t;
	])
])

AC_DEFUN([CR_AC_KERNEL_POSIX_TIMERS_HLIST], [
	AC_MSG_CHECKING([whether a process's POSIX timers are an hlist])
	CR_LINUX_TEST_RESULT([posix_timers_hlist], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_POSIX_TIMERS_HLIST], [1],
			[signal_struct.posix_timers is an hlist_head])
	], [AC_MSG_RESULT([no])])
])
