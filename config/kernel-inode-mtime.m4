dnl Linux 6.7 ("fs: add inode_get_mtime and inode_set_mtime"; the field
dnl became private in 6.7's "fs: rename i_mtime to __i_mtime"): read a
dnl file's mtime through the accessor when there is one.
AC_DEFUN([CR_AC_KERNEL_SRC_INODE_MTIME], [
	CR_LINUX_TEST_SRC([inode_get_mtime], [
#include <linux/fs.h>
	], [
	struct timespec64 ts = inode_get_mtime((struct inode *)NULL);

	(void)ts;
	])
])

AC_DEFUN([CR_AC_KERNEL_INODE_MTIME], [
	AC_MSG_CHECKING([whether inode_get_mtime() exists])
	CR_LINUX_TEST_RESULT([inode_get_mtime], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_INODE_GET_MTIME], [1], [inode_get_mtime() exists])
	], [AC_MSG_RESULT([no])])
])
