dnl Linux 6.7 ("file: convert to SLAB_TYPESAFE_BY_RCU"): get_file_rcu()
dnl became a function taking the __rcu pointer's address.
AC_DEFUN([CR_AC_KERNEL_SRC_GET_FILE_RCU], [
	CR_LINUX_TEST_SRC([get_file_rcu_ptr], [
#include <linux/fs.h>
#include <linux/mm_types.h>
	], [
	struct file *f = get_file_rcu(&current->mm->exe_file);

	(void)f;
	])
])

AC_DEFUN([CR_AC_KERNEL_GET_FILE_RCU], [
	AC_MSG_CHECKING([whether get_file_rcu() takes a pointer's address])
	CR_LINUX_TEST_RESULT([get_file_rcu_ptr], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_GET_FILE_RCU_PTR], [1],
			[get_file_rcu() takes struct file __rcu **])
	], [AC_MSG_RESULT([no])])
])
