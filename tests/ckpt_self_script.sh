# A script checkpoints its own tree with cr_checkpoint --tree $$: in the
# foreground, in the background followed by wait, from a subshell (a
# child checkpointing its parent's tree) and from a signal trap.  Each
# time the script goes on with the next command and cr_checkpoint's
# status is 0; restarted, the script goes on from the same command, which
# again gives 0, and counts to the end.  cr_checkpoint is not in the file.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill -KILL $pid 2> /dev/null; rm -rf $d' EXIT

cat > $d/job.sh <<'JOB'
d=$1
exec >> $d/out 2>> $d/err
trap 'cr_checkpoint --tree $$ -f $d/ctx; echo "trap rc=$?"; trapped=1' USR1
for i in $(seq 0 19); do
	echo $i
	[ $i = 8 ] || continue
	case $2 in
	fg)	cr_checkpoint --tree $$ -f $d/ctx; echo "rc=$?" ;;
	bg)	cr_checkpoint --tree $$ -f $d/ctx & wait $!; echo "rc=$?" ;;
	sub)	(cr_checkpoint --tree $$ -f $d/ctx; echo "sub rc=$?")
		echo "rc=$?" ;;
	trap)	trapped=
		: > $d/ready
		until [ -n "$trapped" ]; do sleep 0.1; done ;;
	esac
done
echo done
JOB

# after HOW: what the script writes after cr_checkpoint.
after() {
	case $1 in
	sub) printf 'sub rc=0\nrc=0\n' ;;
	trap) echo "trap rc=0" ;;
	*) echo "rc=0" ;;
	esac
	seq 9 19
	echo done
}

for how in fg bg sub trap; do
	step "$how"
	rm -f $d/out $d/err $d/ctx $d/ready
	bash $d/job.sh $d $how &
	pid=$!
	if [ $how = trap ]; then
		wait_file $d/ready $pid || fail "the script did not start"
		kill -USR1 $pid
	fi
	wait $pid || fail "the script exited $?: $(cat $d/out $d/err)"
	pid=
	{ seq 0 8; after $how; } > $d/want
	cmp -s $d/want $d/out || fail "the script that went on: $(cat $d/out $d/err)"
	cr_restart $d/ctx || fail "cr_restart exited $?: $(cat $d/out $d/err)"
	after $how >> $d/want
	cmp -s $d/want $d/out || fail "after the restart: $(cat $d/out $d/err)"
	echo "$how: went on, and restarted as such"
done
