#!/bin/bash
# make check-dkms (as root): dkms add, build and install of the release
# tree (make distdir, with contrib/dkms.mkconf's dkms.conf) for every
# kernel with headers in /lib/modules/*/build, then the demo in the guest
# with the module DKMS built for the guest's kernel (tests/installed_demo.sh).
# The host is shared: whatever happens, blcr is removed from DKMS again
# and no blcr.ko is left under /lib/modules.
#   tests/pkg/dkms.sh BUILDDIR VERSION GUEST_KERNEL
set -u
top=$(cd "${1:?usage: dkms.sh BUILDDIR VERSION GUEST_KERNEL}" && pwd) || exit 2
ver=${2:?} gkver=${3:?}
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/tests/pkg/lib.sh"
command -v dkms > /dev/null || die "dkms is not installed (apt-get install dkms)"
no_blcr_installed

d=$(mktemp -d)
cleanup() {
	dkms_cleanup "$ver"
	rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

make -s -C "$top" distdir distdir="$d/blcr-$ver" > "$d/dist.log" 2>&1 ||
	{ tail -n 20 "$d/dist.log"; die "make distdir failed"; }
sh "$src/contrib/dkms.mkconf" -n blcr -v "$ver" -f "$d/blcr-$ver/dkms.conf"
dkms add "$d/blcr-$ver" || die "dkms add failed"
for k in $(kernels_with_headers); do
	step_dkms_install "$ver" "$k" || exit 1
done
guest_demo "$top" "$gkver"
