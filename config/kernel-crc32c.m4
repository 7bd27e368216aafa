dnl crc32c_impl() is in 6.1's <linux/crc32c.h> and gone by 6.12, where
dnl libcrc32c no longer goes through the crypto API: only where it exists
dnl can the module say which crc32c implementation it got.
AC_DEFUN([CR_AC_KERNEL_SRC_CRC32C_IMPL], [
	CR_LINUX_TEST_SRC([crc32c_impl], [
#include <linux/crc32c.h>
	], [
	const char *s = crc32c_impl();

	(void)s;
	])
])

AC_DEFUN([CR_AC_KERNEL_CRC32C_IMPL], [
	AC_MSG_CHECKING([whether crc32c_impl() exists])
	CR_LINUX_TEST_RESULT([crc32c_impl], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_CRC32C_IMPL], [1], [crc32c_impl() exists])
	], [AC_MSG_RESULT([no])])
])
