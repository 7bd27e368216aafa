dnl Linux 6.2 ("mm/gup: move private gup FOLL_ flags to internal.h"):
dnl FOLL_DUMP left the public header.  Without it, untouched anonymous
dnl pages come back as the zero page, which the dumper skips itself.
AC_DEFUN([CR_AC_KERNEL_SRC_FOLL_DUMP], [
	CR_LINUX_TEST_SRC([foll_dump], [
#include <linux/mm.h>
	], [
	unsigned int flags = FOLL_DUMP;

	(void)flags;
	])
])

AC_DEFUN([CR_AC_KERNEL_FOLL_DUMP], [
	AC_MSG_CHECKING([whether FOLL_DUMP is public])
	CR_LINUX_TEST_RESULT([foll_dump], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_FOLL_DUMP], [1], [FOLL_DUMP is in linux/mm.h])
	], [AC_MSG_RESULT([no])])
])
