dnl Linux 6.3 ("fs: port vfs_*() helpers to struct mnt_idmap"): the vfs
dnl calls that make files take the mount's idmap, no longer its user
dnl namespace.
AC_DEFUN([CR_AC_KERNEL_SRC_MNT_IDMAP], [
	CR_LINUX_TEST_SRC([mnt_idmap], [
#include <linux/mount.h>
	], [
	struct mnt_idmap *m = mnt_idmap((struct vfsmount *)NULL);

	(void)m;
	])
])

AC_DEFUN([CR_AC_KERNEL_MNT_IDMAP], [
	AC_MSG_CHECKING([whether mnt_idmap() exists])
	CR_LINUX_TEST_RESULT([mnt_idmap], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_MNT_IDMAP], [1], [mnt_idmap() exists])
	], [AC_MSG_RESULT([no])])
])
