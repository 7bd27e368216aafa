# Shared by tests/pkg/dkms.sh and tests/pkg/packages.sh; sourced.
die() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (DKMS and dpkg change the host)"

kernels_with_headers() {
	local b
	for b in /lib/modules/*/build; do
		[ -f "$b/Makefile" ] && basename "$(dirname "$b")"
	done
}

# Someone else's blcr in DKMS or under /lib/modules: stop rather than
# take it away.
no_blcr_installed() {
	[ ! -e /var/lib/dkms/blcr ] ||
		die "blcr is already in DKMS (/var/lib/dkms/blcr): dkms remove it first"
	leftover_modules
}

leftover_modules() {
	local left
	left=$(find /lib/modules/*/updates /lib/modules/*/extra \
		-name 'blcr.ko*' 2>/dev/null)
	[ -z "$left" ] || die "blcr modules left under /lib/modules: $left"
}

# step_dkms_install VERSION KERNEL: build and install, check the result.
step_dkms_install() {
	local ver=$1 k=$2 f v
	echo "== dkms build and install of blcr $ver for $k"
	dkms build -m blcr -v "$ver" -k "$k" > /dev/null ||
		{ dkms_log "$ver" "$k"; echo "FAIL: dkms build for $k"; return 1; }
	dkms install -m blcr -v "$ver" -k "$k" > /dev/null ||
		{ echo "FAIL: dkms install for $k"; return 1; }
	f=$(modinfo -k "$k" -n blcr) || { echo "FAIL: no blcr module for $k"; return 1; }
	v=$(modinfo -k "$k" -F vermagic blcr | awk '{ print $1 }')
	echo "   $f ($v)"
	case $f in */updates/dkms/blcr.ko*) ;; *)
		echo "FAIL: blcr for $k is $f"; return 1 ;;
	esac
	[ "$v" = "$k" ] || { echo "FAIL: built for $v, not $k"; return 1; }
}

dkms_log() {
	local log=/var/lib/dkms/blcr/$1/build/make.log
	[ -f "$log" ] && tail -n 30 "$log"
	log=/var/lib/dkms/blcr/$1/build/config.log
	[ -f "$log" ] && tail -n 20 "$log"
}

# Removes blcr VERSION from DKMS (every kernel) and its /usr/src copy.
dkms_cleanup() {
	if [ -e "/var/lib/dkms/blcr/$1" ]; then
		dkms remove -m blcr -v "$1" --all > /dev/null ||
			echo "WARNING: dkms remove blcr/$1 failed" >&2
	fi
	rm -rf "/usr/src/blcr-$1"
	rmdir /var/lib/dkms/blcr 2>/dev/null
	leftover_modules
}

# guest_demo BUILDDIR KERNEL [vmrun options]: tests/installed_demo.sh in
# the guest; its result line and vmrun's summary are printed.
guest_demo() {
	local top=$1 k=$2
	shift 2
	echo "== the demo in a $k guest, with the module DKMS installed"
	"$src/tests/vm/vmrun" --kernel "$k" --no-module --show \
		--builddir "$top" --list "$src/tests/installed.list" "$@"
}
