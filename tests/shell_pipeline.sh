# A shell pipeline, "producer | filter | consumer >> out" run by bash -c,
# is checkpointed as a tree from the shell's pid while records wait in its
# pipes, and killed.  After restart the consumer's file must hold every
# record exactly once, in order, as the test computes them.
. "$CR_TESTS/lib.sh"

n=1500
d=$(mktemp -d)
trap 'pkill -KILL -f "$d/"' EXIT

# Record I every 2 ms; I also goes to PROGRESS, to tell how far it got.
cat > $d/producer <<'EOF'
#!/usr/bin/perl
my ($n, $progress) = @ARGV;
open(my $p, '>', $progress) or die "$progress: $!";
select($p); $| = 1;
select(STDOUT); $| = 1;
for my $i (0 .. $n - 1) {
	printf "rec %06d\n", $i;
	print $p "$i\n";
	select(undef, undef, undef, 0.002);
}
EOF
# Appends a number computed from the record's.
cat > $d/filter <<'EOF'
#!/usr/bin/awk -f
{ printf "%s %06d\n", $0, $2 * $2 % 9973; fflush() }
EOF
# One 18-byte record every 5 ms, read alone so that the rest stays in the
# pipe: the consumer is the slow end.
cat > $d/consumer <<'EOF'
#!/usr/bin/perl
$| = 1;
while ((my $r = sysread(STDIN, my $rec, 18)) != 0) {
	die "read: $!" unless defined $r;
	die "a short record: $rec" unless $r == 18;
	print $rec;
	select(undef, undef, undef, 0.005);
}
EOF
chmod +x $d/producer $d/filter $d/consumer
for ((i = 0; i < n; i++)); do
	printf 'rec %06d %06d\n' $i $((i * i % 9973))
done > $d/expect

step "the pipeline runs"
bash -c "$d/producer $n $d/produced | $d/filter | $d/consumer >> $d/out" &
pid=$!
wait_until 60 "the consumer did not get going" has_lines 100 $d/out
cpid=$(pgrep -f "perl $d/consumer") || fail "no consumer"
# FIONREAD on the consumer's stdin: bytes waiting in the last pipe.
queued=$(perl -e 'open(F, "<", $ARGV[0]) or die "$ARGV[0]: $!";
	ioctl(F, 0x541B, my $n = pack("L", 0)) or die "FIONREAD: $!";
	print unpack("L", $n)' /proc/$cpid/fd/0) || fail "cannot look into the pipe"
echo "$queued bytes in the consumer's pipe"
[ $queued -ge 180 ] || fail "fewer than 10 records wait in the pipe"

step "checkpoint --tree --kill of the shell"
ckpt_kill $d/ctx --tree
sleep 0.5
pgrep -af "$d/" && fail "a stage survived --kill"
produced=$(wc -l < $d/produced)
consumed=$(wc -l < $d/out)
echo "at the checkpoint: $produced produced, $consumed consumed"
[ $consumed -lt $n ] || fail "the consumer finished before the checkpoint"
[ $((produced - consumed)) -ge 10 ] || fail "no records were in flight"

step "restart"
cr_restart $d/ctx
rc=$?
[ $rc -eq 0 ] || fail "cr_restart exited $rc"
cmp $d/expect $d/out || fail "the consumer's records differ: $(diff $d/expect $d/out | head -5)"
echo "$n records through 3 stages, $((produced - consumed)) of them in flight at the checkpoint"
