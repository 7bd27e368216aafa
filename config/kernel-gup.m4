dnl Linux 6.5 ("mm/gup: remove vmas parameter from get_user_pages()"):
dnl get_user_pages_remote() lost its vmas argument.
AC_DEFUN([CR_AC_KERNEL_SRC_GUP], [
	CR_LINUX_TEST_SRC([gup_vmas], [
#include <linux/mm.h>
	], [
	struct page *page;

	get_user_pages_remote(NULL, 0, 1, 0, &page, NULL, NULL);
	])
])

AC_DEFUN([CR_AC_KERNEL_GUP], [
	AC_MSG_CHECKING([whether get_user_pages_remote() takes vmas])
	CR_LINUX_TEST_RESULT([gup_vmas], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_GUP_VMAS], [1],
			  [get_user_pages_remote() takes vmas])
	], [AC_MSG_RESULT([no])])
])
