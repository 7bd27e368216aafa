# libcr's ABI: the built libcr.so exports exactly the names of
# libcr/libcr.map, every function libcr.h declares is among them, the
# Debian symbols file lists the same names, and the soname is the one
# blcr_common.h announces.  A public function that disappears, or an
# internal one that leaks out, fails here.  Run from the build tree (CR_TOP).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
so=$CR_TOP/libcr/.libs/libcr.so
[ -f "$so" ] || { echo "libcr is not built (--with-config=kernel?)"; exit 77; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
bad=0

sed -n '/^global:/,/^local:/s/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);.*/\1/p' \
	"$src/libcr/libcr.map" | sort > "$d/map"
nm -D --defined-only "$so" | awk '{ print $3 }' | sort > "$d/exported"
[ $(wc -l < "$d/map") -gt 30 ] || { echo "FAIL: libcr.map lists too few"; bad=1; }
for s in $(comm -23 "$d/map" "$d/exported"); do
	echo "FAIL: $s is public (libcr.map) but libcr.so does not export it"
	bad=1
done
for s in $(comm -13 "$d/map" "$d/exported"); do
	echo "FAIL: libcr.so exports $s, which is not in libcr.map"
	bad=1
done

# libcr.h's functions, as the compiler sees them (-aux-info).
echo '#include <libcr.h>' > "$d/h.c"
${CC:-cc} -I"$src/include" -I"$CR_TOP/include" -aux-info "$d/protos" \
	-c "$d/h.c" -o "$d/h.o" || { echo "FAIL: libcr.h does not compile"; exit 1; }
grep -F "$src/include/libcr.h:" "$d/protos" |
	sed 's/^.*\*\/ *//; s/ *(.*//; s/.*[ *]//' | sort -u > "$d/header"
[ $(wc -l < "$d/header") -gt 30 ] || { echo "FAIL: few functions in libcr.h"; bad=1; }
for s in $(comm -23 "$d/header" "$d/map"); do
	echo "FAIL: libcr.h declares $s, which libcr.map does not export"
	bad=1
done

if [ -f "$src/debian/libcr0.symbols" ]; then
	awk '/^[^ *#|]/ { lib = $1 }
	     lib == "libcr.so.0" && /^ / { sub(/@.*/, "", $1); print $1 }' \
		"$src/debian/libcr0.symbols" | sort > "$d/debian"
	if ! cmp -s "$d/map" "$d/debian"; then
		echo "FAIL: debian/libcr0.symbols and libcr.map differ:"
		diff "$d/map" "$d/debian" | grep '^[<>]'
		bad=1
	fi
fi

major=$(sed -n 's/^#define LIBCR_MAJOR[[:space:]]*//p' "$CR_TOP/include/blcr_common.h")
soname=$(objdump -p "$so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "libcr.so.$major" ] ||
	{ echo "FAIL: soname $soname, blcr_common.h says libcr.so.$major"; bad=1; }
echo "$(wc -l < "$d/exported") symbols exported, $(wc -l < "$d/header") in libcr.h, soname $soname"
exit $bad
