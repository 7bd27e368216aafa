dnl Linux 6.8 ("eventfd: simplify eventfd_signal()"): eventfd_signal()
dnl lost its count.  Before 6.3 fdinfo does not show EFD_SEMAPHORE, and
dnl the module finds it out with a read and an eventfd_signal() of the
dnl count, which only the old form allows.
AC_DEFUN([CR_AC_KERNEL_SRC_EVENTFD_SIGNAL_COUNT], [
	CR_LINUX_TEST_SRC([eventfd_signal_count], [
#include <linux/eventfd.h>
	], [
	__u64 n = eventfd_signal(NULL, 1);

	(void)n;
	])
])

AC_DEFUN([CR_AC_KERNEL_EVENTFD_SIGNAL_COUNT], [
	AC_MSG_CHECKING([whether eventfd_signal() takes a count])
	CR_LINUX_TEST_RESULT([eventfd_signal_count], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_EVENTFD_SIGNAL_COUNT], [1],
			  [eventfd_signal(ctx, n) adds n])
	], [AC_MSG_RESULT([no])])
])
