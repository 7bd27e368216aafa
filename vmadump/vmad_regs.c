// SPDX-License-Identifier: GPL-2.0-only
/*
 * A thread's own registers, FPU/xstate, fs/gs base and per-thread kernel
 * state: saved and loaded by the thread itself, in its own context.
 */
#include <linux/elf.h>
#include <linux/futex.h>
#include <linux/regset.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/ptrace.h>
#include <asm/fpu/api.h>
#include <asm/fsgsbase.h>
#include <asm/msr.h>
#include <asm/segment.h>

#include "cr_compat.h"
#include "cr_internal.h"

/* Index of each register in user_regs_struct, which regs[] follows. */
enum {
	R_R15, R_R14, R_R13, R_R12, R_BP, R_BX, R_R11, R_R10, R_R9, R_R8,
	R_AX, R_CX, R_DX, R_SI, R_DI, R_ORIG_AX, R_IP, R_CS, R_FLAGS, R_SP,
	R_SS, R_FS_BASE, R_GS_BASE, R_DS, R_ES, R_FS, R_GS, R_NREGS
};

/* Flags a user may set; the rest are forced by the kernel. */
#define VMAD_USER_FLAGS (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_DF | \
			 X86_EFLAGS_OF | X86_EFLAGS_AC | X86_EFLAGS_ID)

static const struct user_regset *vmad_regset(unsigned int note)
{
	const struct user_regset_view *view = task_user_regset_view(current);
	int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note)
			return &view->regsets[i];
	return NULL;
}

int vmad_xstate_info(u64 *xfeatures, u32 *size)
{
	const struct user_regset *rs = vmad_regset(NT_X86_XSTATE);

	if (!rs)
		return -EOPNOTSUPP;
	*xfeatures = current->thread.fpu.fpstate->user_xfeatures;
	*size = rs->n * rs->size;
	return 0;
}

static void vmad_save_kstate(struct cr_img_thread *t)
{
	t->tid = task_pid_vnr(current);
	spin_lock_irq(&current->sighand->siglock);
	t->blocked = current->blocked.sig[0];
	t->pending = current->pending.signal.sig[0];
	spin_unlock_irq(&current->sighand->siglock);
	t->sas_ss_sp = current->sas_ss_sp;
	t->sas_ss_size = current->sas_ss_size;
	t->sas_ss_flags = current->sas_ss_flags;
	t->clear_child_tid = (unsigned long)current->clear_child_tid;
	t->set_child_tid = (unsigned long)current->set_child_tid;
	t->robust_list = (unsigned long)current->robust_list;
	t->robust_len = sizeof(struct robust_list_head);
	t->rseq = (unsigned long)current->rseq;
	t->rseq_len = cr_rseq_len(current);
	t->rseq_sig = current->rseq_sig;
}

int vmad_save_thread(struct cr_thread_image *ti, struct cr_status *st)
{
	const struct user_regset *gen = vmad_regset(NT_PRSTATUS);
	const struct user_regset *xs = vmad_regset(NT_X86_XSTATE);
	struct cr_img_thread *t = &ti->t;
	int n;

	BUILD_BUG_ON(sizeof(t->regs) != sizeof(struct user_regs_struct));
	if (!gen || !xs)
		return cr_fail(st, -EOPNOTSUPP, "no register sets");
	n = regset_get(current, gen, sizeof(t->regs), t->regs);
	if (n < 0)
		return cr_fail(st, n, "cannot read registers of %d",
			       task_pid_vnr(current));
	t->xstate_size = xs->n * xs->size;
	ti->xstate = kzalloc(t->xstate_size, GFP_KERNEL);
	if (!ti->xstate)
		return cr_fail(st, -ENOMEM, "out of memory");
	n = regset_get(current, xs, t->xstate_size, ti->xstate);
	if (n < 0)
		return cr_fail(st, n, "cannot read FPU state of %d",
			       task_pid_vnr(current));
	vmad_save_kstate(t);
	return 0;
}

static bool vmad_user_addr(u64 addr)
{
	return addr < TASK_SIZE_MAX;
}

/* Checks what restart will load; called before anything is torn down. */
int vmad_check_thread(const struct cr_img_thread *t, u32 xstate_size,
		      struct cr_status *st)
{
	const u64 *r = t->regs;

	if (!vmad_user_addr(r[R_IP]) || !vmad_user_addr(r[R_SP]) ||
	    !vmad_user_addr(r[R_FS_BASE]) || !vmad_user_addr(r[R_GS_BASE]))
		return cr_fail(st, -EINVAL, "thread %d: bad register values",
			       t->tid);
	if (t->xstate_size != xstate_size || !cr_rseq_len_ok(t->rseq_len) ||
	    t->robust_len != sizeof(struct robust_list_head))
		return cr_fail(st, -EINVAL, "thread %d: bad thread record",
			       t->tid);
	if (t->sas_ss_flags & ~(SS_DISABLE | SS_AUTODISARM | SS_ONSTACK))
		return cr_fail(st, -EINVAL, "thread %d: bad sigaltstack",
			       t->tid);
	return 0;
}

static int vmad_load_xstate(const void *xstate, u32 size)
{
	struct fpstate *fps = current->thread.fpu.fpstate;
	struct fpu_guest g = { .fpstate = fps };
	u32 cur_size;
	u64 xfeatures;
	void *buf;
	int err;

	err = vmad_xstate_info(&xfeatures, &cur_size);
	if (err)
		return err;
	if (size > cur_size)
		return -EINVAL;
	/* The kernel reads a full-size buffer; pad a smaller image. */
	buf = kzalloc(cur_size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, xstate, size);
	/* Move the live registers to memory; exit to user reloads them. */
	kernel_fpu_begin_mask(0);
	kernel_fpu_end();
	fpregs_lock();
	err = fpu_copy_uabi_to_guest_fpstate(&g, buf, fps->user_xfeatures,
					     &current->thread.pkru);
	fpregs_unlock();
	kfree(buf);
	return err;
}

static void vmad_load_bases(u64 fsbase, u64 gsbase)
{
	unsigned long flags;

	preempt_disable();
	loadsegment(fs, 0);
	x86_fsbase_write_cpu(fsbase);
	current->thread.fsindex = 0;
	current->thread.fsbase = fsbase;
	preempt_enable();

	local_irq_save(flags);
	/* In the kernel the user's gs base sits in the inactive MSR. */
	wrmsrl(MSR_KERNEL_GS_BASE, gsbase);
	current->thread.gsindex = 0;
	current->thread.gsbase = gsbase;
	local_irq_restore(flags);
}

static bool vmad_restartable(long ax)
{
	return ax == -ERESTARTSYS || ax == -ERESTARTNOINTR ||
	       ax == -ERESTARTNOHAND || ax == -ERESTART_RESTARTBLOCK;
}

static void vmad_load_regs(const u64 *r, long *ax)
{
	struct pt_regs *regs = task_pt_regs(current);

	regs->r15 = r[R_R15];
	regs->r14 = r[R_R14];
	regs->r13 = r[R_R13];
	regs->r12 = r[R_R12];
	regs->bp = r[R_BP];
	regs->bx = r[R_BX];
	regs->r11 = r[R_R11];
	regs->r10 = r[R_R10];
	regs->r9 = r[R_R9];
	regs->r8 = r[R_R8];
	regs->cx = r[R_CX];
	regs->dx = r[R_DX];
	regs->si = r[R_SI];
	regs->di = r[R_DI];
	regs->ip = r[R_IP];
	regs->sp = r[R_SP];
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->flags = (r[R_FLAGS] & VMAD_USER_FLAGS) | X86_EFLAGS_IF |
		      X86_EFLAGS_FIXED;
	regs->ax = r[R_AX];
	/*
	 * Interrupted in a syscall: execute it again, as the kernel would
	 * have done on the way out.  A restart_block cannot travel, so a
	 * restart_syscall restarts the original call instead.
	 */
	if ((long)r[R_ORIG_AX] >= 0 && vmad_restartable(r[R_AX])) {
		regs->ip -= 2;
		regs->ax = r[R_ORIG_AX];
	}
	regs->orig_ax = -1;
	*ax = regs->ax;
}

static void vmad_load_kstate(const struct cr_thread_image *ti)
{
	const struct cr_img_thread *t = &ti->t;
	sigset_t blocked = { .sig[0] = t->blocked };

	sigdelsetmask(&blocked, sigmask(SIGKILL) | sigmask(SIGSTOP));
	sigprocmask(SIG_SETMASK, &blocked, NULL);
	current->sas_ss_sp = t->sas_ss_sp;
	current->sas_ss_size = t->sas_ss_size;
	current->sas_ss_flags = t->sas_ss_flags;
	current->clear_child_tid = (int __user *)t->clear_child_tid;
	current->set_child_tid = (int __user *)t->set_child_tid;
	current->robust_list = (struct robust_list_head __user *)t->robust_list;
	current->rseq = (struct rseq __user *)t->rseq;
	cr_set_rseq_len(current, t->rseq_len);
	current->rseq_sig = t->rseq_sig;
	rseq_set_notify_resume(current);
	cr_raise_pending(ti->sigq, t->pending, false);
}

/*
 * The ioctl that returns into the restored context hands its value back
 * through an int (sys_ioctl's "error"), which would cut a 64-bit rax to
 * 32 bits: the whole of it is put back on the way out to user mode,
 * after the syscall has stored its return value, before any signal frame
 * is built from the registers.
 */
struct vmad_ax_work {
	struct callback_head work;
	unsigned long ax;
};

static void vmad_put_ax(struct callback_head *work)
{
	struct vmad_ax_work *w = container_of(work, struct vmad_ax_work, work);

	task_pt_regs(current)->ax = w->ax;
	kfree(w);
}

/* Becomes the saved thread; *ax is what the ioctl must return. */
int vmad_load_thread(const struct cr_thread_image *ti, long *ax,
		     struct cr_status *st)
{
	const struct cr_img_thread *t = &ti->t;
	struct vmad_ax_work *w = kmalloc(sizeof(*w), GFP_KERNEL);
	int err;

	if (!w)
		return -ENOMEM;
	init_task_work(&w->work, vmad_put_ax);
	err = vmad_load_xstate(ti->xstate, t->xstate_size);
	if (err) {
		kfree(w);
		return cr_fail(st, err, "thread %d: FPU state refused",
			       t->tid);
	}
	vmad_load_bases(t->regs[R_FS_BASE], t->regs[R_GS_BASE]);
	vmad_load_kstate(ti);
	vmad_load_regs(t->regs, ax);
	w->ax = *ax;
	err = task_work_add(current, &w->work, TWA_RESUME);
	if (err)
		kfree(w);
	return err;
}
