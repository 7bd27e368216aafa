#!/bin/bash
# make check-packages (as root): builds the Debian packages from the
# release tree (make distdir) and debian/ with dpkg-buildpackage, runs
# lintian (an error fails), installs the four packages on the host (DKMS
# builds the module for the installed kernels), checks what they hold,
# runs the demo in the guest with the DKMS-built module and the installed
# tools and libcr (tests/installed_demo.sh), and purges them again.  The
# host is shared: the packages are removed whatever happens.
#   tests/pkg/packages.sh BUILDDIR VERSION GUEST_KERNEL
set -u
top=$(cd "${1:?usage: packages.sh BUILDDIR VERSION GUEST_KERNEL}" && pwd) || exit 2
ver=${2:?} gkver=${3:?}
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/tests/pkg/lib.sh"
pkgs="blcr-dkms libcr0 libcr-dev blcr-util"
for t in dpkg-buildpackage dh dh_dkms lintian; do
	command -v $t > /dev/null ||
		die "$t is missing (apt-get install dpkg-dev debhelper dh-dkms lintian)"
done
for p in $pkgs; do
	! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' ||
		die "$p is already installed: remove it first"
done
no_blcr_installed

d=$(mktemp -d)
cleanup() {
	local p inst=
	for p in $pkgs blcr-util-dbgsym libcr0-dbgsym; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'installed$\|config-files$\|unpacked$' && inst="$inst $p"
	done
	if [ -n "$inst" ]; then
		echo "== purging$inst"
		DEBIAN_FRONTEND=noninteractive dpkg --purge $inst > "$d/purge.log" 2>&1 ||
			{ tail -n 20 "$d/purge.log"; echo "WARNING: dpkg --purge failed" >&2; }
	fi
	dkms_cleanup "$ver"
	rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "== dpkg-buildpackage -us -uc -b (release tree and debian/)"
t=$d/blcr-$ver
make -s -C "$top" distdir distdir="$t" > "$d/dist.log" 2>&1 ||
	{ tail -n 20 "$d/dist.log"; die "make distdir failed"; }
cp -a "$src/debian" "$t/"
(cd "$t" && dpkg-buildpackage -us -uc -b) > "$d/build.log" 2>&1 ||
	{ tail -n 40 "$d/build.log"; die "dpkg-buildpackage failed"; }
grep 'dpkg-gensymbols: warning' "$d/build.log" && die "the symbols file is out of date"
ls "$d"/*.deb

echo "== lintian"
lintian --tag-display-limit 0 "$d"/*.changes > "$d/lintian.log" 2>&1
sed 's/^/   /' "$d/lintian.log"
grep -q '^E: ' "$d/lintian.log" && die "lintian reports errors"

echo "== installing $pkgs (DKMS builds the module)"
debs=
for p in $pkgs; do
	debs="$debs $(ls "$d/${p}_"*.deb)"
done
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	$debs > "$d/install.log" 2>&1 ||
	{ tail -n 40 "$d/install.log"; die "the packages do not install"; }
grep -E '^(Building|Done|Module build)' "$d/install.log" | sed 's/^/   /'

echo "== what they installed"
bad=0
must() {
	"$@" > /dev/null 2>&1 || { echo "FAIL: $*"; bad=1; }
}
must dpkg -L blcr-dkms | grep -qx /etc/modules-load.d/blcr.conf
must grep -qx blcr /etc/modules-load.d/blcr.conf
must test -f "/usr/src/blcr-$ver/dkms.conf"
must test -x /usr/bin/cr_checkpoint
must test -f /usr/share/man/man1/cr_restart.1.gz
must test -f /usr/share/man/man3/libcr.3.gz
must test -f /usr/include/libcr.h
must pkg-config --exists libcr
printf '#include <libcr.h>\nint main(void) { return cr_init() < 0; }\n' > "$d/t.c"
must sh -c "cc -o '$d/t' '$d/t.c' \$(pkg-config --cflags --libs libcr)"
must sh -c "ldd '$d/t' | grep -Eq 'libcr.so.0 => /(usr/)?lib/'"
f=$(modinfo -k "$gkver" -n blcr 2>/dev/null)
case $f in */updates/dkms/blcr.ko*) echo "   $gkver: $f" ;;
*) echo "FAIL: DKMS did not install blcr for $gkver: $f"; bad=1 ;;
esac
[ $bad = 0 ] || exit 1

guest_demo "$top" "$gkver" --env CR_INSTALLED_TOOLS=1
