# Load and unload the module 20 times; the runner checks dmesg after.
. "$CR_TESTS/lib.sh"

for i in $(seq 20); do
	rmmod blcr || fail "rmmod #$i"
	[ ! -e /proc/checkpoint ] || fail "/proc/checkpoint left after rmmod #$i"
	insmod "$CR_MODULE" || fail "insmod #$i"
	[ -e /proc/checkpoint/ctrl ] || fail "no ctrl after insmod #$i"
done
echo "20 load/unload cycles"
