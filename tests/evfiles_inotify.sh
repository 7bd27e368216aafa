# An inotify instance comes back with its watches and their wds (a hole
# where one was removed, skipped while / is watched), masks (IN_ONESHOT, IN_EXCL_UNLINK, a symlink
# watched itself) and its epoll watch: after restart events come with the
# old wds (tests/cmd/evfiles.c).  A watch on a deleted file cannot be
# added again: that checkpoint is refused, naming the fd and the wd, and
# the target goes on with its pending event intact.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
cycle $d evfiles inotify

step "refused"
rm -f $d/ctx $d/log
start_ready $d $CR_TESTS/cmd/evfiles inotify_deleted
ckpt_refused $d/ctx "fd 10: inotify watch 1 is on a deleted file"
go_on $d evfiles
echo ok
