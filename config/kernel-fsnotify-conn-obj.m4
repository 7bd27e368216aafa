dnl Linux 6.9 ("fsnotify: lazy attach fsnotify_sb_info state to sb" and
dnl its series): a mark connector's obj became the watched object itself,
dnl no longer the address of its i_fsnotify_marks.
AC_DEFUN([CR_AC_KERNEL_SRC_FSNOTIFY_CONN_OBJ], [
	CR_LINUX_TEST_SRC([fsnotify_conn_obj_void], [
#include <linux/fsnotify_backend.h>
	], [
	struct fsnotify_mark_connector *c = NULL;

	BUILD_BUG_ON(!__builtin_types_compatible_p(typeof(c->obj), void *));
	])
])

AC_DEFUN([CR_AC_KERNEL_FSNOTIFY_CONN_OBJ], [
	AC_MSG_CHECKING([whether an fsnotify connector points at the object])
	CR_LINUX_TEST_RESULT([fsnotify_conn_obj_void], [
		AC_MSG_RESULT([yes])
		AC_DEFINE([HAVE_FSNOTIFY_CONN_OBJ], [1],
			[fsnotify_mark_connector.obj is the watched object])
	], [AC_MSG_RESULT([no])])
])
