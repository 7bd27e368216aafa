/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Wrappers over kernel APIs that differ between the supported kernels,
 * driven by the HAVE_* results of configure's probes (config/kernel-*.m4).
 */
#ifndef CR_COMPAT_H
#define CR_COMPAT_H

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/fsnotify_backend.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#ifdef HAVE_LINUX_RSEQ_H
#include <linux/rseq.h>
#endif

/* The inode an inode mark's connector is on. */
static inline struct inode *cr_conn_inode(struct fsnotify_mark_connector *c)
{
#ifdef HAVE_FSNOTIFY_CONN_OBJ
	return c->obj;
#else
	return container_of(c->obj, struct inode, i_fsnotify_marks);
#endif
}

/* Each POSIX timer of a process (signal_struct). */
#ifdef HAVE_POSIX_TIMERS_HLIST
#define cr_for_each_ptimer(t, sig) \
	hlist_for_each_entry(t, &(sig)->posix_timers, list)
#else
#define cr_for_each_ptimer(t, sig) \
	list_for_each_entry(t, &(sig)->posix_timers, list)
#endif

#ifdef HAVE_FOLL_DUMP
#define CR_FOLL_DUMP	FOLL_DUMP
#else
#define CR_FOLL_DUMP	0
#endif

/* A VMA's flags, mmap lock held for writing. */
static inline void cr_vm_flags_mod(struct vm_area_struct *vma,
				   unsigned long set, unsigned long clear)
{
#ifdef HAVE_VM_FLAGS_SET
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/* Pages of MM (ours or another), its mmap lock held: how many or -errno. */
static inline long cr_get_user_pages_remote(struct mm_struct *mm,
					    unsigned long addr,
					    unsigned long n,
					    unsigned int flags,
					    struct page **pages)
{
#ifdef HAVE_GUP_VMAS
	return get_user_pages_remote(mm, addr, n, flags, pages, NULL, NULL);
#else
	return get_user_pages_remote(mm, addr, n, flags, pages, NULL);
#endif
}

static inline struct timespec64 cr_inode_mtime(struct inode *inode)
{
#ifdef HAVE_INODE_GET_MTIME
	return inode_get_mtime(inode);
#else
	return inode->i_mtime;
#endif
}

static inline int cr_vfs_mkdir(const struct path *parent, struct dentry *d,
			       umode_t mode)
{
#ifdef HAVE_MNT_IDMAP
	return vfs_mkdir(mnt_idmap(parent->mnt), d_inode(parent->dentry), d,
			 mode);
#else
	return vfs_mkdir(mnt_user_ns(parent->mnt), d_inode(parent->dentry), d,
			 mode);
#endif
}

static inline int cr_vfs_unlink(const struct path *parent, struct dentry *d)
{
#ifdef HAVE_MNT_IDMAP
	return vfs_unlink(mnt_idmap(parent->mnt), d_inode(parent->dentry), d,
			  NULL);
#else
	return vfs_unlink(mnt_user_ns(parent->mnt), d_inode(parent->dentry),
			  d, NULL);
#endif
}

/* Before 6.3 every registered rseq area was the original 32 bytes. */
#define CR_RSEQ_ORIG_LEN	32

static inline u32 cr_rseq_len(struct task_struct *t)
{
#ifdef HAVE_RSEQ_LEN
	return t->rseq_len;
#else
	return t->rseq ? CR_RSEQ_ORIG_LEN : 0;
#endif
}

static inline bool cr_rseq_len_ok(u32 len)
{
#ifdef HAVE_RSEQ_LEN
	return len <= PAGE_SIZE;
#else
	return !len || len == CR_RSEQ_ORIG_LEN;
#endif
}

static inline void cr_set_rseq_len(struct task_struct *t, u32 len)
{
#ifdef HAVE_RSEQ_LEN
	t->rseq_len = len;
#endif
}

/* A reference to mm's executable, or NULL. */
static inline struct file *cr_get_mm_exe_file(struct mm_struct *mm)
{
	struct file *f;

	rcu_read_lock();
#ifdef HAVE_GET_FILE_RCU_PTR
	f = get_file_rcu(&mm->exe_file);
#else
	f = rcu_dereference(mm->exe_file);
	if (f && !get_file_rcu(f))
		f = NULL;
#endif
	rcu_read_unlock();
	return f;
}

static inline u64 cr_cap_to_u64(kernel_cap_t c)
{
#ifdef HAVE_KERNEL_CAP_VAL
	return c.val;
#else
	return (u64)c.cap[1] << 32 | c.cap[0];
#endif
}

static inline kernel_cap_t cr_u64_to_cap(u64 v)
{
	kernel_cap_t c;

#ifdef HAVE_KERNEL_CAP_VAL
	c.val = v;
#else
	c.cap[0] = (u32)v;
	c.cap[1] = v >> 32;
#endif
	return c;
}

#endif /* CR_COMPAT_H */
