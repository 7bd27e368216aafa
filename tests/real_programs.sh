# Ordinary interpreters as a tree: a bash script starts a python3 and a
# perl program, each extending a SHA-256 chain and a running sum step by
# step, and extends a chain of its own through a $(...) subshell and
# sha256sum per step.  Checkpointed mid-way with --tree --kill and
# restarted, the three outputs must be those of an uninterrupted run of
# the same script.
#
# It found two bugs: a checkpoint failed when one of bash's children was
# between exit and zombie, and a thread stopped in user mode came back
# with rax cut to 32 bits (perl died of SIGSEGV once in ten restarts).
. "$CR_TESTS/lib.sh"

py=/usr/bin/python3
[ -x $py ] || py=$(command -v python3) || skip "no python3"
perl -MDigest::SHA -e 1 || fail "perl lacks Digest::SHA"

d=$(mktemp -d)
trap 'pkill -KILL -f "$d/"' EXIT

cat > $d/chain.py <<'EOF'
import hashlib, sys, time

out, n, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
h, total, seen = b"start", 0, {}
with open(out, "w", buffering=1) as f:
    for i in range(n):
        for _ in range(300):
            h = hashlib.sha256(h + str(i).encode()).digest()
        total += int.from_bytes(h[:4], "little")
        seen[h[:1]] = seen.get(h[:1], 0) + 1
        f.write(f"{i} {h.hex()} {total} {len(seen)}\n")
        time.sleep(pause)
EOF
cat > $d/chain.pl <<'EOF'
use Digest::SHA qw(sha256);

my ($out, $n, $pause) = @ARGV;
open(my $f, '>', $out) or die "$out: $!";
select($f); $| = 1;
my ($h, $total, %seen) = ("start", 0);
for my $i (0 .. $n - 1) {
	$h = sha256($h . $i) for 1 .. 300;
	$total += unpack("V", $h);
	$seen{substr($h, 0, 1)}++;
	printf "%d %s %d %d\n", $i, unpack("H*", $h), $total, scalar(keys %seen);
	select(undef, undef, undef, $pause);
}
EOF
# A pause of 40 ms a step, longer on a slow kernel, where bash's forks
# slow down more than the interpreters' hashing.
pause=$(awk -v k=${CR_SLOW:-1} 'BEGIN { print 0.04 * k }')
cat > $d/run.sh <<EOF
# run.sh DIR: the three programs, their outputs in DIR.
$py $d/chain.py \$1/py 200 $pause &
py=\$!
perl $d/chain.pl \$1/pl 200 $pause &
pl=\$!
h=start
for ((i = 0; i < 50; i++)); do
	h=\$(printf '%s %d\n' "\$h" \$i | sha256sum)
	h=\${h%% *}
	echo "\$i \$h"
done > \$1/sh
wait \$py || exit 1
wait \$pl || exit 2
EOF

step "an uninterrupted run"
mkdir $d/ref $d/ckpt
t0=$(now_ms)
bash $d/run.sh $d/ref || fail "the uninterrupted run exited $?"
echo "it took $(($(now_ms) - t0)) ms"

step "checkpoint --tree --kill mid-way"
bash $d/run.sh $d/ckpt &
pid=$!
wait_until 60 "the programs did not get going" has_lines 10 $d/ckpt/{py,pl,sh}
ckpt_kill $d/ctx --tree
sleep 0.5
pgrep -af "$d/" && fail "a program survived --kill"
for f in py pl sh; do
	cmp -s $d/ref/$f $d/ckpt/$f && fail "$f finished before the checkpoint"
	echo "$f: $(wc -l < $d/ckpt/$f) lines at the checkpoint"
done

step "restart"
cr_restart $d/ctx
rc=$?
[ $rc -eq 0 ] || fail "cr_restart exited $rc"
for f in py pl sh; do
	cmp $d/ref/$f $d/ckpt/$f || { diff $d/ref/$f $d/ckpt/$f | grep -m3 "^<"; diff $d/ref/$f $d/ckpt/$f | grep -m3 "^>"; fail "$f's output differs from the uninterrupted run's"; }
done
echo "bash, python3 and perl carried on as if never stopped"
