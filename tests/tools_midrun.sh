# Everyday tools checkpointed mid-run with --tree --kill and restarted:
# xz -T2 (two compressing threads), make -j2 driving gcc (a jobserver
# pipe, compilers forking assemblers) and sqlite3 (a database file
# written statement by statement).  What each leaves behind must be what
# an uninterrupted run leaves.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'pkill -KILL -f "$d/"; rm -rf $d' EXIT

# midrun NAME READY CMD...: runs CMD (in $d/NAME, output under $d/NAME)
# to the end for the reference, then again, checkpointed once READY (a
# command) succeeds, killed and restarted.  Leaves $d/NAME.ref and
# $d/NAME.out, the two runs' directories.
midrun() {
	local name=$1 ready=$2
	shift 2
	cp -r $d/$name $d/$name.ref
	(cd $d/$name.ref && "$@") > /dev/null 2>&1 ||
		fail "$name: the reference run failed"
	mv $d/$name $d/$name.out
	(cd $d/$name.out && exec "$@") > /dev/null 2>&1 &
	pid=$!
	wait_until 300 "$name: ready for the checkpoint" eval "$ready"
	ckpt_kill $d/$name.ctx --tree
	cr_restart $d/$name.ctx > /dev/null 2>&1 ||
		fail "$name: cr_restart exited $?"
}

# size_of FILE: its size in bytes, 0 when missing
size_of() {
	stat -c %s $1 2> /dev/null || echo 0
}

step "xz -T2"
mkdir $d/xz
head -c 12M /dev/urandom | base64 > $d/xz/in
midrun xz '[ $(size_of $d/xz.out/out.xz) -gt 0 ]' \
	sh -c 'exec xz -T2 -1 -c < in > out.xz'
cmp $d/xz.ref/out.xz $d/xz.out/out.xz || fail "xz: the outputs differ"
xz -dc $d/xz.out/out.xz | cmp - $d/xz.out/in ||
	fail "xz: the output does not decompress to the input"

step "make -j2 with gcc"
mkdir $d/mk
for i in 1 2 3 4 5 6; do
	cat > $d/mk/f$i.c << EOF
unsigned long f$i(unsigned long x)
{
	for (int k = 0; k < 1000 * $i; k++)
		x = x * 6364136223846793005UL + $i;
	return x;
}
EOF
done
{
	echo '#include <stdio.h>'
	for i in 1 2 3 4 5 6; do echo "unsigned long f$i(unsigned long);"; done
	echo 'int main(void) { unsigned long x = 1;'
	for i in 1 2 3 4 5 6; do echo "x = f$i(x); printf(\"%d %lx\\n\", $i, x);"; done
	echo 'return 0; }'
} > $d/mk/main.c
printf '%s\n' 'OBJS = main.o f1.o f2.o f3.o f4.o f5.o f6.o' \
	'result: prog' '	./prog > $@' \
	'prog: $(OBJS)' '	gcc -o $@ $(OBJS)' \
	'%.o: %.c' '	gcc -O2 -c $< -o $@' > $d/mk/Makefile
midrun mk 'ls $d/mk.out/*.o > /dev/null 2>&1' make -j2
cmp $d/mk.ref/result $d/mk.out/result || fail "make: the results differ"
[ $(wc -l < $d/mk.out/result) = 6 ] || fail "make: the result is short"

step "sqlite3"
mkdir $d/sq
{
	echo 'CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER);'
	for i in $(seq 60); do
		echo "INSERT INTO t (v) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000) SELECT (n * $i * 2654435761) % 1000003 FROM c;"
		echo "SELECT $i, count(*), sum(v) % 1000000007, max(v) FROM t;"
	done
} > $d/sq/script.sql
midrun sq '[ $(wc -l 2> /dev/null < $d/sq.out/out || echo 0) -ge 10 ]' \
	sh -c 'exec sqlite3 db < script.sql > out'
cmp $d/sq.ref/out $d/sq.out/out || fail "sqlite3: the outputs differ"
[ "$(sqlite3 $d/sq.out/db 'PRAGMA integrity_check;')" = ok ] ||
	fail "sqlite3: the database is damaged"
echo "xz, make and sqlite3 went on as uninterrupted"
