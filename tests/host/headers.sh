# The installed headers (make install-data) go together: a program may
# include all of them, in any order, and no name means two things.  Each
# order is compiled with -Wall -Werror (a macro defined again, an enum
# constant, tag or type declared twice, one header's macro breaking
# another's declaration), and no macro is defined by two headers, even
# with the same value.  Run from the build tree (CR_TOP).
set -u
cc=${CC:-cc}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
make -s -C "$CR_TOP" install-data DESTDIR="$d/root" prefix=/usr \
	>"$d/install.log" 2>&1 || { tail -n 20 "$d/install.log"; exit 1; }
inc=$d/root/usr/include
hdrs=$(cd "$inc" && find . -name '*.h' | sed 's|^\./||' | sort)
[ -n "$hdrs" ] || { echo "no headers installed"; exit 1; }
echo "installed:" $hdrs
bad=0

# Every order of the headers, each in one file.
orders() {
	local left=$1 done=$2 h
	[ -n "$left" ] || { echo "$done"; return; }
	for h in $left; do
		orders "$(echo "$left" | tr ' ' '\n' | grep -vx "$h" |
			  tr '\n' ' ' | sed 's/ $//')" "$done $h"
	done
}
n=0
while read -r order; do
	n=$((n + 1))
	for h in $order; do
		echo "#include <$h>"
	done > "$d/all.c"
	echo "int main(void) { return 0; }" >> "$d/all.c"
	"$cc" -Wall -Wextra -Werror -I"$inc" -c "$d/all.c" -o "$d/all.o" \
		2>"$d/cc.log" && continue
	echo "FAIL: the headers in this order do not compile:" $order
	head -n 20 "$d/cc.log"
	bad=1
	break
done <<EOF
$(orders "$(echo $hdrs)" "")
EOF
echo "$n orders compiled"

# The macros each header defines itself (gcc -dD, by line marker).
for h in $hdrs; do
	echo "#include <$h>" > "$d/one.c"
	"$cc" -E -dD -I"$inc" "$d/one.c" |
		awk -v inc="$inc/" '
			/^# [0-9]+ "/ { f = $3; gsub(/"/, "", f); next }
			/^#define / && index(f, inc) == 1 {
				n = $2; sub(/\(.*/, "", n)
				print n, substr(f, length(inc) + 1)
			}'
done | sort -u > "$d/macros"
dups=$(awk '{ print $1 }' "$d/macros" | uniq -d)
if [ -n "$dups" ]; then
	echo "FAIL: macros defined by two headers:"
	for m in $dups; do
		grep "^$m " "$d/macros"
	done
	bad=1
fi
echo "$(wc -l < "$d/macros") macros checked"
exit $bad
