dnl CR_AC_CONFIG: --with-config=kernel|user|all selects what is built, so
dnl that packaging (DKMS) can configure the module alone.
AC_DEFUN([CR_AC_CONFIG], [
	AC_ARG_WITH([config],
		[AS_HELP_STRING([--with-config=CONFIG],
			[build kernel, user or all (default all)])],
		[CR_CONFIG="$withval"], [CR_CONFIG=all])
	AC_MSG_CHECKING([what to build])
	AS_CASE([$CR_CONFIG],
		[kernel|user|all], [AC_MSG_RESULT([$CR_CONFIG])],
		[AC_MSG_ERROR([--with-config must be kernel, user or all, not '$CR_CONFIG'])])
	AM_CONDITIONAL([CONFIG_KERNEL],
		[test "$CR_CONFIG" = kernel -o "$CR_CONFIG" = all])
	AM_CONDITIONAL([CONFIG_USER],
		[test "$CR_CONFIG" = user -o "$CR_CONFIG" = all])
])
