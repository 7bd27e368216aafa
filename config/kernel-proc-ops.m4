dnl Linux 5.6 ("proc: decouple proc from VFS with struct proc_ops"):
dnl proc_create() takes a struct proc_ops.  Required.
AC_DEFUN([CR_AC_KERNEL_SRC_PROC_OPS], [
	CR_LINUX_TEST_SRC([proc_ops], [
#include <linux/proc_fs.h>
static const struct proc_ops ops = { .proc_ioctl = NULL };
	], [
	proc_create("x", 0, NULL, &ops);
	])
])

AC_DEFUN([CR_AC_KERNEL_PROC_OPS], [
	AC_MSG_CHECKING([whether proc_create() takes struct proc_ops])
	CR_LINUX_TEST_RESULT([proc_ops], [AC_MSG_RESULT([yes])], [
		AC_MSG_RESULT([no])
		CR_LINUX_TEST_ERROR([struct proc_ops])
	])
])
