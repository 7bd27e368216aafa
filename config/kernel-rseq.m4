dnl Linux 6.3 ("rseq: Extend struct rseq with numa node id"): the task
dnl remembers the registered rseq area's length; before, it was 32 bytes.
AC_DEFUN([CR_AC_KERNEL_SRC_RSEQ_LEN], [
	CR_LINUX_TEST_SRC([rseq_len], [
#include <linux/sched.h>
	], [
	current->rseq_len = 32;
	])
])

AC_DEFUN([CR_AC_KERNEL_RSEQ_LEN], [
	AC_MSG_CHECKING([whether task_struct has rseq_len])
	CR_LINUX_TEST_RESULT([rseq_len], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_RSEQ_LEN], [1], [task_struct has rseq_len])
	], [AC_MSG_RESULT([no])])
])

dnl Linux 6.7 ("sched: Move rseq helpers to their own header"):
dnl rseq_set_notify_resume() moved from linux/sched.h to linux/rseq.h.
AC_DEFUN([CR_AC_KERNEL_SRC_RSEQ_H], [
	CR_LINUX_TEST_SRC([rseq_h], [
#include <linux/rseq.h>
	], [
	rseq_set_notify_resume(current);
	])
])

AC_DEFUN([CR_AC_KERNEL_RSEQ_H], [
	AC_MSG_CHECKING([whether linux/rseq.h exists])
	CR_LINUX_TEST_RESULT([rseq_h], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_LINUX_RSEQ_H], [1], [linux/rseq.h exists])
	], [AC_MSG_RESULT([no])])
])
