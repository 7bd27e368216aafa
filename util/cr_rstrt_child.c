// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The restarted process's side of cr_restart, before the module takes it
 * over: move [vvar] and [vdso] to where the program had them, create the
 * threads, and let every thread enter the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <blcr/cr_image.h>
#include "cr_ioctl.h"
#include "cr_rstrt.h"
#include "cr_util.h"

#define THREAD_STACK	(64 * 1024)

struct range {
	unsigned long start, end;
};

/* This process's [vdso] and [vvar]; 0 when absent. */
static int find_special(struct range *vdso, struct range *vvar)
{
	char line[512], name[64];
	unsigned long s, e;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return -errno;
	memset(vdso, 0, sizeof(*vdso));
	memset(vvar, 0, sizeof(*vvar));
	while (fgets(line, sizeof(line), f)) {
		name[0] = '\0';
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %63s", &s, &e,
			   name) < 2)
			continue;
		if (!strcmp(name, "[vdso]"))
			*vdso = (struct range){ s, e };
		else if (!strcmp(name, "[vvar]"))
			*vvar = (struct range){ s, e };
	}
	fclose(f);
	return 0;
}

/* Whether anything but [vdso]/[vvar] is mapped in [start, end). */
static bool range_busy(unsigned long start, unsigned long end)
{
	char line[512], name[64];
	unsigned long s, e;
	bool busy = false;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return true;
	while (!busy && fgets(line, sizeof(line), f)) {
		name[0] = '\0';
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %63s", &s, &e,
			   name) < 2)
			continue;
		busy = s < end && start < e && strcmp(name, "[vdso]") &&
		       strcmp(name, "[vvar]");
	}
	fclose(f);
	return busy;
}

static int move(struct range *r, unsigned long to)
{
	size_t len = r->end - r->start;

	if (r->start == to)
		return 0;
	if (mremap((void *)r->start, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
		   (void *)to) == MAP_FAILED)
		return -errno;
	*r = (struct range){ to, to + len };
	return 0;
}

/*
 * The program may keep pointers into the vdso, so it must sit where it
 * was.  Park both areas in a scratch spot first so that the final moves
 * cannot land on each other.
 */
static int place_vdso(const struct cr_rstrt_proc *p)
{
	struct range vdso, vvar;
	size_t total = p->vdso_len + p->vvar_len;
	void *scratch;
	int err;

	if (!p->vdso_len && !p->vvar_len)
		return 0;
	err = find_special(&vdso, &vvar);
	if (err)
		return err;
	if (vdso.end - vdso.start != p->vdso_len ||
	    vvar.end - vvar.start != p->vvar_len)
		return cr_rstrt_error(-EINVAL,
			"this kernel's [vdso] differs from the checkpointed one");
	if (range_busy(p->vdso_start, p->vdso_start + p->vdso_len) ||
	    range_busy(p->vvar_start, p->vvar_start + p->vvar_len))
		return cr_rstrt_error(-EBUSY,
			"the restarter occupies the program's [vdso] address");
	scratch = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (scratch == MAP_FAILED)
		return -errno;
	err = move(&vvar, (unsigned long)scratch);
	if (!err)
		err = move(&vdso, (unsigned long)scratch + p->vvar_len);
	if (!err)
		err = move(&vvar, p->vvar_start);
	if (!err)
		err = move(&vdso, p->vdso_start);
	return err;
}

static long raw_syscall3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile ("syscall"
		      : "=a"(ret)
		      : "a"(nr), "D"(a), "S"(b), "d"(c)
		      : "rcx", "r11", "memory");
	return ret;
}

struct thread_arg {
	int ctrl;
	struct cr_rstrt_child_args child;
};

/* Runs on a bare stack with no TLS of its own: raw system calls only. */
static void __attribute__((noreturn, used)) thread_main(struct thread_arg *a)
{
	long ret = raw_syscall3(SYS_ioctl, a->ctrl, CR_OP_RSTRT_CHILD,
				(long)&a->child);

	raw_syscall3(SYS_exit, -ret, 0, 0);
	__builtin_unreachable();
}

/* clone3() a thread that starts in thread_main(arg) on its own stack. */
static long clone3_thread(struct clone_args *ca, struct thread_arg *arg)
{
	register long r12 asm("r12") = (long)thread_main;
	register long r13 asm("r13") = (long)arg;
	long ret;

	asm volatile ("syscall\n\t"
		      "test %%rax, %%rax\n\t"
		      "jnz 1f\n\t"
		      "xor %%ebp, %%ebp\n\t"
		      "mov %%r13, %%rdi\n\t"
		      "call *%%r12\n\t"
		      "hlt\n"
		      "1:"
		      : "=a"(ret)
		      : "a"(SYS_clone3), "D"(ca), "S"(sizeof(*ca)), "r"(r12),
			"r"(r13)
		      : "rcx", "r11", "memory");
	return ret;
}

/* Whether clone3() may be given pids: CAP_CHECKPOINT_RESTORE or admin. */
static bool may_set_tid(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	uint64_t eff;

	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	eff = d[0].effective | (uint64_t)d[1].effective << 32;
	return eff & (1ULL << CAP_CHECKPOINT_RESTORE | 1ULL << CAP_SYS_ADMIN);
}

/*
 * A restarter that may not set pids itself asks the module for them: a
 * robust mutex shared by all the restart's processes keeps their forks
 * from taking each other's pids.
 */
int cr_pid_lock_init(struct cr_plan *plan)
{
	pthread_mutexattr_t a;
	void *m;

	if (!plan->restore_pid || may_set_tid())
		return 0;
	m = mmap(NULL, sizeof(*plan->pid_lock), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return cr_rstrt_error(-errno, "pid lock");
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	plan->pid_lock = m;
	return 0;
}

/* Before a fork or clone that is to get pid; then pid_unlock(). */
static int pid_lock(const struct cr_plan *plan, pid_t pid)
{
	int err;

	if (!plan->pid_lock)
		return 0;
	err = pthread_mutex_lock(plan->pid_lock);
	if (err == EOWNERDEAD)
		err = pthread_mutex_consistent(plan->pid_lock);
	if (err)
		return -err;
	err = cri_rstrt_next_pid(plan->ctrl, pid);
	if (!err)
		return 0;
	pthread_mutex_unlock(plan->pid_lock);
	return err;
}

static void pid_unlock(const struct cr_plan *plan)
{
	if (plan->pid_lock)
		pthread_mutex_unlock(plan->pid_lock);
}

/*
 * A steered pid can be taken by any fork in the system between the
 * module's steering and ours; a short-lived process (a shell's ls) gives
 * it back soon, so try again for a while before calling it in use.
 */
static bool steer_again(unsigned int *tries)
{
	if (++*tries >= 50)
		return false;
	usleep(20000);
	return true;
}

/* what: "pid" or "thread id". */
static int pid_error(int err, const char *what, pid_t pid)
{
	if (err == -EEXIST || err == -EBUSY)
		return cr_rstrt_error(-EBUSY, "%s %d is in use", what, pid);
	if (err == -EPERM)
		return cr_rstrt_error(err, "restoring %s %d needs "
				      "CAP_CHECKPOINT_RESTORE, or the blcr "
				      "module's allow_unprivileged_pid_restore "
				      "(or use --no-restore-pid)", what, pid);
	return err;
}

/*
 * One try at thread i of process index: its tid, or -errno.  The stack is
 * never unmapped: a thread that got the wrong tid may still be on it, and
 * the module replaces the whole address space anyway.
 */
static long try_thread(const struct cr_plan *plan, unsigned int index,
		       unsigned int i, pid_t tid)
{
	struct thread_arg *arg;
	struct clone_args ca;
	char *stack;
	long ret;

	stack = mmap(NULL, THREAD_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		return -errno;
	/* The argument lives at the top of the thread's own stack. */
	arg = (struct thread_arg *)(stack + THREAD_STACK) - 1;
	arg->ctrl = plan->ctrl;
	arg->child = (struct cr_rstrt_child_args){ .proc = index, .thread = i };
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		   CLONE_THREAD | CLONE_SYSVSEM;
	ca.stack = (unsigned long)stack;
	ca.stack_size = ((char *)arg - stack) & ~15UL;
	if (plan->restore_pid && !plan->pid_lock) {
		ca.set_tid = (unsigned long)&tid;
		ca.set_tid_size = 1;
	}
	ret = pid_lock(plan, tid);
	if (ret)
		return ret;
	ret = clone3_thread(&ca, arg);
	pid_unlock(plan);
	/* A thread with another tid is refused by the module. */
	if (ret > 0 && plan->restore_pid && ret != tid)
		ret = -EBUSY;
	return ret;
}

/* Starts thread i of process index: its tid, or -errno. */
static int start_thread(const struct cr_plan *plan, unsigned int index,
			unsigned int i)
{
	const struct cr_rstrt_proc *p = &plan->procs[index];
	const int32_t *tids = (const int32_t *)(plan->buf + p->tids_off);
	unsigned int tries = 0;
	long ret;

	do
		ret = try_thread(plan, index, i, tids[i]);
	while (ret == -EBUSY && plan->pid_lock && steer_again(&tries));
	return ret < 0 ? pid_error(ret, "thread id", tids[i]) : ret;
}

static struct timeval ns_to_tv(uint64_t ns)
{
	return (struct timeval){ .tv_sec = ns / 1000000000,
				 .tv_usec = ns % 1000000000 / 1000 };
}

static int arm(int which, uint64_t left_ns, uint64_t incr_ns)
{
	struct itimerval v = { ns_to_tv(incr_ns), ns_to_tv(left_ns) };

	/* A timer with under 1 us left must still fire. */
	if (left_ns && !v.it_value.tv_sec && !v.it_value.tv_usec)
		v.it_value.tv_usec = 1;
	return setitimer(which, &v, NULL) < 0 ? -errno : 0;
}

/* The module cannot arm CPU-time timers: do it before it takes over. */
static int arm_cpu_itimers(const struct cr_rstrt_proc *p)
{
	int err = arm(ITIMER_PROF, p->itimer_prof_ns, p->itimer_prof_incr_ns);

	if (!err)
		err = arm(ITIMER_VIRTUAL, p->itimer_virt_ns,
			  p->itimer_virt_incr_ns);
	return err ? cr_rstrt_error(err, "cannot arm the CPU-time timers") : 0;
}

/* A child with pid (when pids are restored): its pid, 0 in it, or -errno. */
static pid_t cr_fork_with_pid(const struct cr_plan *plan, pid_t pid)
{
	struct clone_args ca = { .exit_signal = SIGCHLD };
	unsigned int tries = 0;
	pid_t got;
	int err;

	if (!plan->restore_pid) {
		got = fork();
		return got < 0 ? -errno : got;
	}
	if (!plan->pid_lock) {
		ca.set_tid = (unsigned long)&pid;
		ca.set_tid_size = 1;
		got = syscall(SYS_clone3, &ca, sizeof(ca));
		return got < 0 ? -errno : got;
	}
	do {
		err = pid_lock(plan, pid);
		if (err)
			return err;
		got = fork();
		if (got == 0)
			return 0;
		err = -errno;
		pid_unlock(plan);
		if (got < 0)
			return err;
		if (got == pid)
			return got;
		/* Someone else's fork took the pid, or it was in use. */
		kill(got, SIGKILL);
		waitpid(got, NULL, 0);
	} while (steer_again(&tries));
	return -EBUSY;
}

/* Whether process index's parent is outside the restart. */
bool cr_is_root(const struct cr_plan *plan, unsigned int index)
{
	unsigned int j;

	for (j = 0; j < plan->nprocs; j++)
		if (plan->procs[j].pid == plan->procs[index].ppid)
			return false;
	return true;
}

/*
 * Whether p makes its session again: asked for, or a pty of the restart
 * was its terminal (which only a session of its own can have).
 */
static bool new_session(const struct cr_plan *plan,
			const struct cr_rstrt_proc *p)
{
	return p->sid == p->pid &&
	       (plan->restore_sid || cr_pty_session(plan, p->pid));
}

/*
 * Whether p goes back to its saved group.  By default only a group that
 * the restarted processes made themselves does: its leader is restarted
 * and is not a root, whose group stays cr_restart's so that a restarted
 * job stays in the shell's foreground; or p is in a session made again,
 * which cr_restart's group is not part of.
 */
static bool keeps_group(const struct cr_plan *plan,
			const struct cr_rstrt_proc *p)
{
	unsigned int j;

	if (plan->pgids != CR_PGIDS_INNER)
		return plan->pgids == CR_PGIDS_ALL;
	if (!plan->restore_pid)
		return false;
	for (j = 0; j < plan->nprocs; j++)
		if (plan->procs[j].pid == p->pgid)
			return !cr_is_root(plan, j) ||
			       getsid(0) != plan->own_sid;
	return false;
}

/*
 * By default a process left out of its saved group is in cr_restart's,
 * even when its parent went back to one of the restarted groups.
 */
static int back_to_ours(const struct cr_plan *plan, pid_t pid)
{
	if (plan->pgids != CR_PGIDS_INNER || getsid(0) != plan->own_sid ||
	    getpgid(pid) == plan->own_pgid)
		return 0;
	return setpgid(pid, plan->own_pgid) < 0 ? -errno : 0;
}

/*
 * Session and process group, before the children are made so that they
 * inherit them.  Without the original pids only a process's own group or
 * session can be made again.
 */
static int restore_ids(const struct cr_plan *plan,
		       const struct cr_rstrt_proc *p)
{
	pid_t pgid = p->pgid == p->pid ? 0 : p->pgid;
	int err;

	if (new_session(plan, p) && setsid() < 0)
		return cr_rstrt_error(-errno, "cannot make pid %d a session "
				      "leader", p->pid);
	if (!keeps_group(plan, p)) {
		err = back_to_ours(plan, 0);
		return err ? cr_rstrt_error(err, "cannot put pid %d in "
					    "process group %d", p->pid,
					    plan->own_pgid) : 0;
	}
	if (getpgid(0) == p->pgid)
		return 0;
	/* Only the saved pids lead or name the saved group (BLCR: EBUSY). */
	if (!plan->restore_pid)
		return cr_rstrt_error(-EBUSY, "process group %d of pid %d "
				      "needs --restore-pid", p->pgid, p->pid);
	if (setpgid(0, pgid) < 0)
		return cr_rstrt_error(-errno, "cannot put pid %d in process "
				      "group %d", p->pid, p->pgid);
	return 0;
}

/*
 * The parent puts a new process in its group too, as shells do: the
 * group's leader is made first, so its members never race it.
 */
static void cr_set_group(const struct cr_plan *plan, unsigned int index,
			 pid_t pid)
{
	const struct cr_rstrt_proc *p = &plan->procs[index];

	/*
	 * A session leader makes its own group with setsid(), which fails
	 * if it already leads one.
	 */
	if (new_session(plan, p))
		return;
	if (!keeps_group(plan, p))
		back_to_ours(plan, pid);
	else if (p->pgid == p->pid)
		setpgid(pid, pid);
	else if (plan->restore_pid)
		setpgid(pid, p->pgid);
}

/*
 * A zombie child is made dead before its parent's signal state is
 * restored: the SIGCHLD it raised is dropped, the saved pending set wins.
 */
static int await_zombie(pid_t pid)
{
	struct timespec now = { 0, 0 };
	siginfo_t info;
	sigset_t chld;

	while (waitid(P_PID, pid, &info, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			return cr_rstrt_error(-errno, "zombie %d", pid);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigtimedwait(&chld, NULL, &now);
	return 0;
}

/* The children of process index must exist before it becomes the program. */
static int fork_children(const struct cr_plan *plan, unsigned int index)
{
	const struct cr_rstrt_proc *procs = plan->procs;
	unsigned int j;
	pid_t pid;
	int err;

	for (j = index + 1; j < plan->nprocs; j++) {
		if (procs[j].ppid != procs[index].pid)
			continue;
		pid = cr_spawn(plan, j);
		if (pid < 0)
			return pid;
		if (procs[j].zombie) {
			err = await_zombie(pid);
			if (err)
				return err;
		}
	}
	return 0;
}

static int prepare(const struct cr_plan *plan, unsigned int index)
{
	const struct cr_rstrt_proc *p = &plan->procs[index];
	const char *cwd = plan->buf + p->cwd_off;
	pid_t tids[CR_MAX_THREADS];	/* what the threads got */
	unsigned int i;
	int err;

	err = restore_ids(plan, p);
	if (!err)
		err = fork_children(plan, index);
	if (!err)
		err = cr_own_watches(plan, index);
	if (err)
		return err;
	if (chdir(cwd) < 0)
		return cr_rstrt_error(-errno, "cannot enter %s", cwd);
	err = place_vdso(p);
	if (err)
		return cr_rstrt_error(err, "cannot place [vdso]");
	err = arm_cpu_itimers(p);
	tids[0] = getpid();
	for (i = 1; !err && i < p->nthreads; i++) {
		err = start_thread(plan, index, i);
		if (err < 0)
			return cr_rstrt_error(err, "cannot create thread %u", i);
		tids[i] = err;
		err = 0;
	}
	return err ?: cr_make_ptimers(plan, index, tids);
}

/* The kernel's sigaction, for any signal (glibc keeps 32 and 33). */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

/*
 * Ends the way the zombie ended: its exit code, or its fatal signal with
 * the default action and no core file.  The wait status is all the
 * parent will see of it.
 */
static void __attribute__((noreturn)) die_as(uint32_t status)
{
	struct ksigaction dfl = { .handler = SIG_DFL };
	struct rlimit no_core = { 0, 0 };
	uint64_t unblock;
	int sig = status & 0x7f;

	if (!sig)
		_exit((status >> 8) & 0xff);
	prctl(PR_SET_DUMPABLE, 0);
	setrlimit(RLIMIT_CORE, &no_core);
	unblock = 1ULL << (sig - 1);
	syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(uint64_t));
	syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &unblock, NULL,
		sizeof(uint64_t));
	syscall(SYS_kill, getpid(), sig);
	_exit(128 + sig);
}

/*
 * Runs in the process that becomes process index of the table.  Never
 * returns on success: the thread becomes the restarted program.  On
 * failure the module is told, so that the whole restart stops.
 */
static int cr_rstrt_child_run(const struct cr_plan *plan, unsigned int index)
{
	struct cr_rstrt_child_args leader = { .proc = index };
	sigset_t all;
	int err;

	/* Signals wait for the restored program's own mask and handlers. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if (plan->procs[index].zombie) {
		err = restore_ids(plan, &plan->procs[index]);
		if (!err)
			die_as(plan->procs[index].zombie & 0xffff);
		cri_rstrt_abort(plan->ctrl, -err);
		return err;
	}
	err = prepare(plan, index);
	if (!err && plan->uffd_sock[1] >= 0)
		err = cr_uffd_send(plan, index);
	if (!err)
		err = cri_rstrt_child(plan->ctrl, &leader);
	cri_rstrt_abort(plan->ctrl, err ? -err : EINVAL);
	return err ? err : -EINVAL;
}

/* Creates process index of the table to rebuild itself: its pid, or -errno. */
pid_t cr_spawn(const struct cr_plan *plan, unsigned int index)
{
	pid_t want = plan->procs[index].pid;
	pid_t pid = cr_fork_with_pid(plan, want);

	if (pid == 0) {
		cr_rstrt_chain_forget();
		_exit(-cr_rstrt_child_run(plan, index) & 0xff);
	}
	if (pid > 0) {
		cr_set_group(plan, index, pid);
		return pid;
	}
	if (pid == -EEXIST || pid == -EBUSY || pid == -EPERM)
		return pid_error(pid, "pid", want);
	return cr_rstrt_error(pid, "cannot create process %d", want);
}
