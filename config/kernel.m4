dnl Kernel detection and the compile-probe machinery.
dnl
dnl Probes follow one pattern: CR_LINUX_TEST_SRC(name, includes, body)
dnl writes a tiny module source under build/; CR_LINUX_TEST_COMPILE_ALL
dnl compiles every probe in a single kbuild pass; CR_LINUX_TEST_RESULT
dnl then reads one result.  Probes must not depend on each other.

dnl The range this tree is written for; a failed required probe cites it.
m4_define([CR_LINUX_MIN], [6.1])
m4_define([CR_LINUX_MAX], [6.12])

AC_DEFUN([CR_AC_KERNEL], [
	CR_AC_KERNEL_FIND
	CR_AC_KERNEL_TEST_SRC
	CR_LINUX_TEST_COMPILE_ALL
	CR_AC_KERNEL_TEST_RESULT
])

dnl Pick the kbuild tree: --with-linux, else the running kernel's, else
dnl the newest installed Debian linux-headers-*-amd64 (not an RT one).
AC_DEFUN([CR_AC_KERNEL_FIND], [
	AC_ARG_WITH([linux],
		[AS_HELP_STRING([--with-linux=DIR],
			[kbuild tree to build the module against])],
		[LINUX_OBJ="$withval"], [LINUX_OBJ=])
	AC_ARG_VAR([KERNEL_CC], [C compiler for the kernel module])
	AC_MSG_CHECKING([for the kernel build tree])
	AS_IF([test -n "$LINUX_OBJ"], [
		AS_IF([test -f "$LINUX_OBJ/Makefile"], [],
			[AC_MSG_ERROR([--with-linux=$LINUX_OBJ is not a kbuild tree (no Makefile)])])
		cr_linux_how="given"
	], [test -f "/lib/modules/$(uname -r)/build/Makefile"], [
		LINUX_OBJ="/lib/modules/$(uname -r)/build"
		cr_linux_how="running kernel"
	], [
		dnl A PREEMPT_RT flavour only when it is all there is.
		LINUX_OBJ=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null |
			sort -V | awk '!/-rt-amd64$/ { n = $[]0 } { a = $[]0 }
				END { print n ? n : a }')
		AS_IF([test -n "$LINUX_OBJ" -a -f "$LINUX_OBJ/Makefile"], [],
			[AC_MSG_ERROR([no kernel build tree found: the running kernel $(uname -r) has none and no linux-headers-*-amd64 is installed; install one (apt-get install linux-headers-amd64) or give --with-linux=DIR])])
		cr_linux_how="newest installed headers; the running kernel has none"
	])
	LINUX_OBJ=$(cd "$LINUX_OBJ" && pwd -P)
	AC_MSG_RESULT([$LINUX_OBJ ($cr_linux_how)])

	dnl Debian's kernel.release holds the upstream version, so prefer the
	dnl name under /lib/modules that points at this tree.
	AC_MSG_CHECKING([the kernel release])
	LINUX_VERSION=
	for cr_d in /lib/modules/*/build; do
		test "$(cd "$cr_d" 2>/dev/null && pwd -P)" = "$LINUX_OBJ" || continue
		LINUX_VERSION=$(basename "$(dirname "$cr_d")")
	done
	AS_IF([test -z "$LINUX_VERSION"],
		[LINUX_VERSION=$(cat "$LINUX_OBJ/include/config/kernel.release" 2>/dev/null)])
	AS_IF([test -z "$LINUX_VERSION"],
		[AC_MSG_ERROR([cannot tell the release of $LINUX_OBJ])])
	AC_MSG_RESULT([$LINUX_VERSION])
	AC_SUBST([LINUX_OBJ])
	AC_SUBST([LINUX_VERSION])
])

dnl CR_LINUX_TEST_SRC(NAME, INCLUDES, BODY)
AC_DEFUN([CR_LINUX_TEST_SRC], [
	mkdir -p build/probes
	cat >build/probes/$1.c <<'_CR_PROBE_EOF'
#include <linux/module.h>
$2

void cr_probe_$1(void);
void cr_probe_$1(void)
{
$3
}
MODULE_LICENSE("GPL");
_CR_PROBE_EOF
	echo "obj-m += $1.o" >>build/probes/Kbuild
])

AC_DEFUN([CR_LINUX_TEST_COMPILE_ALL], [
	AC_MSG_CHECKING([kernel API probes (one kbuild pass)])
	echo "ccflags-y += -Werror" >>build/probes/Kbuild
	cr_kcc=
	test -n "$KERNEL_CC" && cr_kcc="CC=$KERNEL_CC"
	make -C "$LINUX_OBJ" M="$(pwd)/build/probes" $cr_kcc \
		KBUILD_MODPOST_NOFINAL=1 -k -j"$(nproc 2>/dev/null || echo 2)" \
		modules >build/probes/build.log 2>&1
	AC_MSG_RESULT([done, log in build/probes/build.log])
])

dnl CR_LINUX_TEST_RESULT(NAME, ACTION-IF-OK, ACTION-IF-NOT)
AC_DEFUN([CR_LINUX_TEST_RESULT], [
	AS_IF([test -f build/probes/$1.o], [$2], [$3])
])

dnl CR_LINUX_TEST_ERROR(WHAT)
AC_DEFUN([CR_LINUX_TEST_ERROR], [
	AC_MSG_ERROR([the kernel in $LINUX_OBJ lacks $1; this tree supports Linux CR_LINUX_MIN to CR_LINUX_MAX (see build/probes/build.log)])
])

dnl Every probe is listed here and in CR_AC_KERNEL_TEST_RESULT.
AC_DEFUN([CR_AC_KERNEL_TEST_SRC], [
	rm -rf build/probes
	mkdir -p build/probes
	: >build/probes/Kbuild
	CR_AC_KERNEL_SRC_PROC_OPS
	CR_AC_KERNEL_SRC_TASK_WORK
	CR_AC_KERNEL_SRC_MMAP_LOCK
	CR_AC_KERNEL_SRC_GUP
	CR_AC_KERNEL_SRC_FOLL_DUMP
	CR_AC_KERNEL_SRC_VM_FLAGS_SET
	CR_AC_KERNEL_SRC_INODE_MTIME
	CR_AC_KERNEL_SRC_MNT_IDMAP
	CR_AC_KERNEL_SRC_RSEQ_LEN
	CR_AC_KERNEL_SRC_RSEQ_H
	CR_AC_KERNEL_SRC_GET_FILE_RCU
	CR_AC_KERNEL_SRC_CAP_VAL
	CR_AC_KERNEL_SRC_EVENTFD_SIGNAL_COUNT
	CR_AC_KERNEL_SRC_POSIX_TIMERS_HLIST
	CR_AC_KERNEL_SRC_FSNOTIFY_CONN_OBJ
])

AC_DEFUN([CR_AC_KERNEL_TEST_RESULT], [
	CR_AC_KERNEL_PROC_OPS
	CR_AC_KERNEL_TASK_WORK
	CR_AC_KERNEL_MMAP_LOCK
	CR_AC_KERNEL_GUP
	CR_AC_KERNEL_FOLL_DUMP
	CR_AC_KERNEL_VM_FLAGS_SET
	CR_AC_KERNEL_INODE_MTIME
	CR_AC_KERNEL_MNT_IDMAP
	CR_AC_KERNEL_RSEQ_LEN
	CR_AC_KERNEL_RSEQ_H
	CR_AC_KERNEL_GET_FILE_RCU
	CR_AC_KERNEL_CAP_VAL
	CR_AC_KERNEL_EVENTFD_SIGNAL_COUNT
	CR_AC_KERNEL_POSIX_TIMERS_HLIST
	CR_AC_KERNEL_FSNOTIFY_CONN_OBJ
])
