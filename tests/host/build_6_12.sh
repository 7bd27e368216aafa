# Configures and builds the module against Debian's 6.12 headers, in a
# copy of the source tree (writable, also when it is make distcheck's):
# the probes must carry it across kernel versions.
set -u
hdr=$(ls -d /usr/src/linux-headers-6.12*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -z "$hdr" ]; then
	echo "linux-headers-6.12-amd64 is not installed"
	exit 77
fi
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
src=$(cd "$(dirname "$0")/../.." && pwd)
cp -a "$src/." "$d/"
chmod -R u+w "$d"
cd "$d" || exit 1
find . \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) \
	-delete
rm -rf build
timeout 300 ./configure --with-config=kernel --with-linux="$hdr" >configure.log 2>&1 ||
	{ tail -n 20 configure.log; exit 1; }
grep '^checking whether' configure.log | tail -n 6
timeout 300 make module >make.log 2>&1 || { tail -n 30 make.log; exit 1; }
modinfo -F vermagic blcr.ko
modinfo -F vermagic blcr.ko | grep -q '^6\.12' || exit 1
