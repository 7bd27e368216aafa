dnl Linux 5.8 ("mmap locking API: initial implementation as rwsem
dnl wrappers"): mmap_read_lock() replaces down_read(&mm->mmap_sem).
dnl Required.
AC_DEFUN([CR_AC_KERNEL_SRC_MMAP_LOCK], [
	CR_LINUX_TEST_SRC([mmap_read_lock], [
#include <linux/mm.h>
#include <linux/mmap_lock.h>
	], [
	mmap_read_lock(current->mm);
	mmap_read_unlock(current->mm);
	])
])

AC_DEFUN([CR_AC_KERNEL_MMAP_LOCK], [
	AC_MSG_CHECKING([whether mmap_read_lock() exists])
	CR_LINUX_TEST_RESULT([mmap_read_lock], [AC_MSG_RESULT([yes])], [
		AC_MSG_RESULT([no])
		CR_LINUX_TEST_ERROR([mmap_read_lock()])
	])
])
