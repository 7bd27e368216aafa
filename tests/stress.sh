# Real programs checkpointed at many random moments (make stress; not in
# tests/list): each program of the table below runs once uninterrupted
# for its reference output and duration, then CR_STRESS_N times (default
# 50), each time checkpointed with --tree at a random moment of its run:
# the odd times killed and restarted, the even times left running on.
# Every run's output must be the reference's, and every run end within
# ten times the uninterrupted one and a minute (else where its processes
# wait is shown, and they are killed).  A mismatch keeps the
# context file, the program's work directory (input and output) and the
# reference under CR_STRESS_SAVE (default /tmp/out/stress, which vmrun
# --keep keeps), prints the cr_restart command that replays it, and fails
# the test at the end (the other runs still go on).
#   CR_STRESS_N      runs per program (default 50)
#   CR_STRESS_PROGS  the programs to run (default: all of the table)
#   CR_STRESS_SEED   seed of the moments (default: the time)
. "$CR_TESTS/lib.sh"

n=${CR_STRESS_N:-50}
save=${CR_STRESS_SAVE:-/tmp/out/stress}
seed=${CR_STRESS_SEED:-$(date +%s)}
RANDOM=$seed
echo "seed $seed, $n runs a program"
d=$(mktemp -d)
trap 'pkill -KILL -f "$d/"; rm -rf $d' EXIT
bad=0

# Each program: prep_NAME writes its input into the work directory (the
# cwd), run_NAME is what runs there, its output in the directory too.
prep_pipeline() { seq 1 400000 > in; }
run_pipeline() {
	exec sh -c 'awk "{ s = (s * 31 + \$1) % 1000000007 }
		NR % 20000 == 0 { print NR, s }" in | sort -k2 -n |
		md5sum > out'
}
prep_xz() { head -c 1M /dev/urandom | base64 > in; }
run_xz() {
	exec sh -c 'xz -T2 -6 -c in | xz -dc | sha256sum | cut -c1-16 > out'
}
prep_python() { :; }
run_python() {
	exec python3 -c '
import hashlib
h = b"seed"
with open("out", "w") as o:
    for i in range(60000):
        h = hashlib.sha256(h).digest()
        if i % 2000 == 0:
            print(i, h.hex(), file=o, flush=True)'
}
prep_perl() { :; }
run_perl() {
	exec perl -MDigest::SHA=sha256_hex -e '
open(my $o, ">", "out") or die; $o->autoflush(1);
my $h = "seed";
for my $i (0 .. 40000) {
	$h = sha256_hex($h);
	print $o "$i $h\n" if $i % 2000 == 0;
}'
}
prep_sqlite() {
	local i
	echo 'CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER);' > script.sql
	for i in $(seq 30); do
		echo "INSERT INTO t (v) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000) SELECT (n * $i * 2654435761) % 1000003 FROM c;"
		echo "SELECT $i, count(*), sum(v) % 1000000007 FROM t;"
	done >> script.sql
}
run_sqlite() { exec sh -c 'sqlite3 db < script.sql > out'; }
prep_make() {
	local i
	for i in 1 2 3 4; do
		printf 'unsigned long f%d(unsigned long x)\n{\n\tfor (int k = 0; k < %d; k++)\n\t\tx = x * 6364136223846793005UL + %d;\n\treturn x;\n}\n' \
			$i $((1000 * i)) $i > f$i.c
	done
	printf '#include <stdio.h>\nunsigned long f1(unsigned long), f2(unsigned long), f3(unsigned long), f4(unsigned long);\nint main(void) { printf("%%lx\\n", f4(f3(f2(f1(1))))); return 0; }\n' > main.c
	printf '%s\n' 'OBJS = main.o f1.o f2.o f3.o f4.o' \
		'out: prog' '	./prog > $@' \
		'prog: $(OBJS)' '	gcc -o $@ $(OBJS)' \
		'%.o: %.c' '	gcc -O2 -c $< -o $@' > Makefile
}
run_make() { exec make -s -j2; }
prep_node() { :; }
run_node() {
	exec node -e '
const c = require("crypto"), fs = require("fs");
let h = "seed";
const fd = fs.openSync("out", "w");
for (let i = 0; i < 30000; i++) {
	h = c.createHash("sha256").update(h).digest("hex");
	if (i % 2000 == 0) fs.writeSync(fd, i + " " + h + "\n");
}'
}
prep_java() {
	cat > Chain.java <<'EOF'
import java.io.*;
import java.security.MessageDigest;
public class Chain {
	public static void main(String[] a) throws Exception {
		MessageDigest md = MessageDigest.getInstance("SHA-256");
		byte[] h = "seed".getBytes();
		try (PrintWriter o = new PrintWriter(new FileWriter("out"))) {
			for (int i = 0; i < 40000; i++) {
				h = md.digest(h);
				if (i % 2000 == 0) { o.println(i + " " + h[0] + h[31]); o.flush(); }
			}
		}
	}
}
EOF
	javac Chain.java
}
run_java() {
	exec java -Xshare:auto -XX:+UseSerialGC -XX:UseAVX=0 -Xmx64m -cp . Chain
}

# The MPI jobs of tests/mpi.sh, 4 ranks of 40 iterations of 100 ms; MPICH's
# known UCX warnings after a restart (see there) are not compared.
prep_openmpi() { [ -x $CR_TESTS/cmd/mpi_ring_openmpi ]; }
run_openmpi() {
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
	exec mpirun --oversubscribe -np 4 $CR_TESTS/cmd/mpi_ring_openmpi \
		40 100 > out
}
prep_mpich() { [ -x $CR_TESTS/cmd/mpi_ring_mpich ]; }
run_mpich() {
	exec sh -c "mpiexec.hydra -n 4 $CR_TESTS/cmd/mpi_ring_mpich 40 100 |
		grep -v 'UCX  WARN  Unable to detach' > out"
}

all="pipeline xz python perl sqlite make node java openmpi mpich"
progs=${CR_STRESS_PROGS:-$all}

# in_ms MS: sleeps MS milliseconds.
in_ms() {
	sleep $(($1 / 1000)).$(printf %03d $(($1 % 1000)))
}

# keep NAME K WHY: saves run K of NAME for a replay, and says how.
keep() {
	local to=$save/$1.$2
	mkdir -p $to && cp -a $d/$1.$2/. $to/ && cp $d/$1.ref/out $to/out.ref
	[ -f $d/$1.$2.ctx ] && cp $d/$1.$2.ctx $to/ctx
	cp $d/$1.$2.err $to/err 2> /dev/null
	echo "MISMATCH $1 run $2 ($3): kept in $to;" \
		"replay: cd $to && cr_restart ctx; cmp out out.ref"
	bad=$((bad + 1))
}

# missed NAME K: the checkpoint of run K failed; false (a moment
# missed) if the program had ended, else a mismatch.
missed() {
	if kill -0 $pid 2> /dev/null; then
		bounded $pid
		keep $1 $2 "cr_checkpoint failed: $(tail -n 2 $d/$1.$2.err)"
	else
		wait $pid
		echo "$1 run $2: ended first ($(tail -n 1 $d/$1.$2.err))"
		rm -rf $d/$1.$2 $d/$1.$2.err
		return 1
	fi
}

# bounded PID [PID...]: waits for the first PID, a run's program,
# cr_checkpoint or cr_restart, and returns its status; 124 if it is still
# there after ten times an uninterrupted run and a minute, once where
# every PID and its descendants wait is shown, and they are killed.
bounded() {
	local end=$((EPOCHSECONDS + ms / 100 + 60)) all
	while kill -0 $1 2> /dev/null; do
		if [ $EPOCHSECONDS -ge $end ]; then
			all=$(descendants "$@")
			show_stuck $all
			kill -KILL $all
			wait $1
			return 124
		fi
		sleep 0.2
	done
	wait $1
}

# finish NAME K [--kill]: run K of NAME after its checkpoint: restarted
# (--kill) or left running to its end, then judged.
finish() {
	local w=$d/$1.$2 rc
	if [ -n "${3:-}" ]; then
		wait $pid 2> /dev/null
		(cd $w && exec cr_restart $d/$1.$2.ctx) > /dev/null \
			2>> $w.err &
		bounded $!
	else
		bounded $pid
	fi
	rc=$?
	if [ $rc = 124 ]; then
		keep $1 $2 "hung (above)"
	elif [ $rc != 0 ]; then
		keep $1 $2 "exit $rc: $(tail -n 2 $w.err)"
	elif ! cmp -s $w/out $d/$1.ref/out; then
		keep $1 $2 "the output differs"
	fi
}

# one NAME K MS: run K of NAME, checkpointed after MS ms; killed and
# restarted when K is odd.  False when the program ended before it.
one() {
	local w=$d/$1.$2 rc kill=
	cp -a $d/$1.ref.in $w
	(cd $w && run_$1) > /dev/null 2>&1 &
	pid=$!
	in_ms $3
	[ $(($2 % 2)) = 1 ] && kill=--kill
	cr_checkpoint --tree $kill -f $d/$1.$2.ctx $pid 2> $w.err &
	bounded $! $pid
	rc=$?
	if [ $rc = 124 ]; then
		wait $pid
		keep $1 $2 "cr_checkpoint hung (above)"
	elif [ $rc != 0 ]; then
		missed $1 $2
		return
	else
		finish $1 $2 $kill
	fi
	rm -rf $w $w.err $d/$1.$2.ctx
	return 0
}

for p in $progs; do
	step "$p"
	mkdir $d/$p.ref.in
	(cd $d/$p.ref.in && prep_$p) > /dev/null 2>&1 ||
		{ echo "$p: cannot prepare it, left out"; continue; }
	cp -a $d/$p.ref.in $d/$p.ref
	(cd $d/$p.ref && run_$p) > /dev/null 2>&1 ||
		fail "$p: the reference run failed"
	# timed warm (the first run loads the program from disk), and a
	# check that the program's output does not change from run to run
	cp -a $d/$p.ref.in $d/$p.warm
	t0=$(now_ms)
	(cd $d/$p.warm && run_$p) > /dev/null 2>&1 ||
		fail "$p: the second uninterrupted run failed"
	ms=$(($(now_ms) - t0))
	cmp -s $d/$p.warm/out $d/$p.ref/out ||
		fail "$p: two uninterrupted runs differ"
	rm -rf $d/$p.warm
	echo "$p: $ms ms uninterrupted"
	k=1 missed=0
	while [ $k -le $n ]; do
		# a moment in the middle 90% of the run
		if one $p $k $((ms / 20 + RANDOM * ms * 9 / 10 / 32768)); then
			k=$((k + 1))
		else
			# runs are shorter than the timed one (it ran
			# beside a slow moment): the moments move earlier
			ms=$((ms * 9 / 10))
			missed=$((missed + 1))
			[ $missed -lt $n ] || fail "$p: ended before most checkpoints"
		fi
	done
	echo "$p: $n runs ($missed moments missed, after the end)"
done
[ $bad = 0 ] || fail "$bad runs did not end as the reference"
echo "every run ended as the uninterrupted one"
