dnl Linux 5.11 ("task_work: cleanup notification modes"): task_work_add()
dnl takes enum task_work_notify_mode, and TWA_SIGNAL wakes a thread that
dnl sleeps interruptibly.  Targets are stopped this way.  Required.
AC_DEFUN([CR_AC_KERNEL_SRC_TASK_WORK], [
	CR_LINUX_TEST_SRC([task_work_signal], [
#include <linux/sched.h>
#include <linux/task_work.h>
	], [
	static struct callback_head cb;
	enum task_work_notify_mode mode = TWA_SIGNAL;

	task_work_add(current, &cb, mode);
	])
])

AC_DEFUN([CR_AC_KERNEL_TASK_WORK], [
	AC_MSG_CHECKING([whether task_work_add() supports TWA_SIGNAL])
	CR_LINUX_TEST_RESULT([task_work_signal], [AC_MSG_RESULT([yes])], [
		AC_MSG_RESULT([no])
		CR_LINUX_TEST_ERROR([task_work_add(TWA_SIGNAL)])
	])
])
