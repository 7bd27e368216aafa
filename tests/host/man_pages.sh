# The manual pages: every long option of cr_checkpoint, cr_restart, cr_info,
# cr_merge and cr_diff (their getopt tables) and cr_run (its --help) is in its page, every page and
# .so link renders with man --warnings and no warning, and every page the
# include.am files install exists.  Needs man-db and groff-base.
set -u
command -v man > /dev/null && command -v groff > /dev/null ||
	{ echo "man or groff is missing (man-db, groff-base)"; exit 77; }
# The source tree: this script is its tests/host/man_pages.sh.
src=$(cd "$(dirname "$0")/../.." && pwd)
bad=0
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

# The long options of a getopt_long table: its "name" entries.
table_opts() {
	sed -n '/long_opts\[\] = {/,/^};/s/^[[:space:]]*{ "\([^"]*\)".*/\1/p' "$1"
}

# The page documents --OPT when its source has \-\-OPT not followed by
# more of a name.
check_opts() {
	local page=$1 o n=0
	shift
	for o in "$@"; do
		n=$((n + 1))
		grep -Eq -- "\\\\-\\\\-${o//-/\\\\-}([^a-z\\\\]|\\\\f|\$)" "$page" &&
			continue
		echo "FAIL: --$o is not in $page"
		bad=1
	done
	[ $n -gt 3 ] || { echo "FAIL: only $n options found for $page"; bad=1; }
}

check_opts "$src/util/cr_checkpoint.1" $(table_opts "$src/util/cr_checkpoint.c")
check_opts "$src/util/cr_restart.1" $(table_opts "$src/util/cr_restart.c")
check_opts "$src/util/cr_info.1" $(table_opts "$src/util/cr_info.c")
check_opts "$src/util/cr_merge.1" $(table_opts "$src/util/cr_chain_tool.c")
check_opts "$src/util/cr_diff.1" $(table_opts "$src/util/cr_chain_tool.c")
check_opts "$src/util/cr_run.1" $(sh "$src/util/cr_run.in" --help |
	grep -o -- '--[a-z][a-z-]*' | sed 's/^--//' | sort -u)

# The installed layout, so that .so man3/PAGE.3 resolves from $d.
mkdir -p "$d/man1" "$d/man3"
pages=$(sed -n '/^dist_man_MANS += \\$/,/[^\\]$/p; s/^dist_man_MANS += *//p' \
	"$src/util/include.am" "$src/libcr/include.am" |
	grep -o '[a-z/_]*\.[13]\b' | sort -u)
[ $(echo "$pages" | wc -l) -ge 20 ] || { echo "FAIL: pages: $pages"; bad=1; }
for p in $pages; do
	[ -f "$src/$p" ] || { echo "FAIL: $p is missing"; bad=1; continue; }
	cp "$src/$p" "$d/man${p##*.}/"
done
cd "$d" || exit 1
for p in man1/* man3/*; do
	out=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$p" 2>&1 > "$p.txt")
	if [ -n "$out" ] || [ $(wc -l < "$p.txt") -lt 10 ]; then
		echo "FAIL: $p: ${out:-renders to nothing}"
		bad=1
	fi
	rm -f "$p.txt"
done
echo "$(echo "$pages" | wc -l) pages checked"
exit $bad
