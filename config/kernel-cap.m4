dnl Linux 6.3 ("capability: just use a 'u64' instead of a 'u32[2]' array"):
dnl kernel_cap_t holds one u64.
AC_DEFUN([CR_AC_KERNEL_SRC_CAP_VAL], [
	CR_LINUX_TEST_SRC([kernel_cap_val], [
#include <linux/capability.h>
	], [
	kernel_cap_t c = { .val = 0 };

	(void)c;
	])
])

AC_DEFUN([CR_AC_KERNEL_CAP_VAL], [
	AC_MSG_CHECKING([whether kernel_cap_t is one u64])
	CR_LINUX_TEST_RESULT([kernel_cap_val], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_KERNEL_CAP_VAL], [1], [kernel_cap_t has .val])
	], [AC_MSG_RESULT([no])])
])
