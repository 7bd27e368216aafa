dnl Linux 6.3 ("mm: introduce vma->vm_flags wrapper functions"): vm_flags
dnl became const, changed through vm_flags_set() and vm_flags_clear().
AC_DEFUN([CR_AC_KERNEL_SRC_VM_FLAGS_SET], [
	CR_LINUX_TEST_SRC([vm_flags_set], [
#include <linux/mm.h>
	], [
	vm_flags_set((struct vm_area_struct *)0, VM_NOHUGEPAGE);
	])
])

AC_DEFUN([CR_AC_KERNEL_VM_FLAGS_SET], [
	AC_MSG_CHECKING([whether vm_flags_set() exists])
	CR_LINUX_TEST_RESULT([vm_flags_set], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_VM_FLAGS_SET], [1],
			[vm_flags_set() and vm_flags_clear() exist])
	], [AC_MSG_RESULT([no])])
])
