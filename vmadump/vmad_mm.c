// SPDX-License-Identifier: GPL-2.0-only
/*
 * The address space: mm fields, mappings and the pages worth saving.
 * Clean file pages and never-touched anonymous pages are not written;
 * files are mapped again by path at restart, except those saved by value
 * (cr_objs.c): shared memory (named or not), deleted files, and what
 * --save-* asks for.
 * Both directions run in the target's own context, on current->mm.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/mman.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/slab.h>
#include <linux/stat.h>

#include "cr_compat.h"
#include "cr_internal.h"

static const char *vmad_special_name(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->name)
		return vma->vm_ops->name(vma);
	return NULL;
}

static bool vmad_is_special(struct vm_area_struct *vma, const char *name)
{
	const char *n = vmad_special_name(vma);

	return n && !strcmp(n, name);
}

void vmad_vdso_range(struct mm_struct *mm, u64 *vdso, u64 *vdso_len,
		     u64 *vvar, u64 *vvar_len)
{
	struct vm_area_struct *vma;
	VMA_ITERATOR(vmi, mm, 0);

	*vdso = *vdso_len = *vvar = *vvar_len = 0;
	mmap_read_lock(mm);
	for_each_vma(vmi, vma) {
		if (vmad_is_special(vma, "[vdso]")) {
			*vdso = vma->vm_start;
			*vdso_len = vma->vm_end - vma->vm_start;
		} else if (vmad_is_special(vma, "[vvar]")) {
			*vvar = vma->vm_start;
			*vvar_len = vma->vm_end - vma->vm_start;
		}
	}
	mmap_read_unlock(mm);
}

/* ---- checkpoint ---- */

/*
 * MAP_SHARED leaves VM_MAYSHARE; the kernel clears VM_SHARED (and
 * VM_MAYWRITE) when the file was opened read-only.
 */
static bool vmad_is_shared(struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_MAYSHARE;
}

/*
 * Shared memory with a name, and what the user asked to save by value
 * (--save-exe/private/shared).
 */
static bool vmad_by_value(struct vm_area_struct *vma, struct cr_shared *sh,
			  struct inode *exe)
{
	u32 want = vmad_is_shared(vma) ? CR_ABI_CHKPT_SAVE_SHARED :
					 CR_ABI_CHKPT_SAVE_PRIVATE;

	if (sh->save & want)
		return true;
	if (vmad_is_shared(vma) && cr_obj_named_tmpfs(vma->vm_file))
		return true;
	return sh->save & CR_ABI_CHKPT_SAVE_EXE && exe &&
	       file_inode(vma->vm_file) == exe;
}

static int vmad_vma_kind(struct vm_area_struct *vma, struct cr_shared *sh,
			 struct inode *exe, struct cr_status *st)
{
	struct file *f = vma->vm_file;

	/* Its missing pages are someone else's to give: they cannot be read. */
	if (vma->vm_flags & (VM_UFFD_MISSING | VM_UFFD_MINOR))
		return cr_fail(st, -EBUSY, "mapping at %lx is registered with "
			       "a userfaultfd (a lazy restart still filling "
			       "it?)", vma->vm_start);
	if (vmad_is_special(vma, "[vdso]"))
		return CR_VMA_VDSO;
	if (vmad_is_special(vma, "[vvar]"))
		return CR_VMA_VVAR;
	if (vma_is_anonymous(vma))
		return CR_VMA_ANON;
	if (!f || (vma->vm_flags & (VM_IO | VM_PFNMAP)) ||
	    !S_ISREG(file_inode(f)->i_mode))
		return cr_fail(st, -EOPNOTSUPP,
			       "mapping at %lx is a device or special mapping",
			       vma->vm_start);
	if (cr_obj_needed(f) || vmad_by_value(vma, sh, exe))
		return CR_VMA_OBJ;
	return CR_VMA_FILE;
}

/*
 * Only pages the file cannot give back: anonymous, or copied on write.
 * A zero-filled anonymous page (the untouched rest of a transparent huge
 * page, say) reads back as zero anyway and is skipped too.
 */
static bool vmad_worth_saving(struct vm_area_struct *vma, struct page *page)
{
	if (is_zero_pfn(page_to_pfn(page)))
		return false;
	if (!vma_is_anonymous(vma))
		return PageAnon(page);
	return !cr_page_is_zero(page);
}

/* The first of the ptes from addr to end that is not empty, or end. */
static unsigned long vmad_next_pte(pmd_t pmd, unsigned long addr,
				   unsigned long end)
{
	pte_t *pte;

	rcu_read_lock();
	pte = pte_offset_kernel(&pmd, addr);
	for (; addr < end; addr += PAGE_SIZE, pte++)
		if (!pte_none(ptep_get(pte)))
			break;
	rcu_read_unlock();
	return addr;
}

/*
 * The first address from addr on, below end, that the page tables do not
 * say is empty: a hole costs one look per table entry rather than a GUP
 * call per page.  Only a hint for GUP, which looks again under the page
 * table lock; the mmap lock keeps the tables from going away.
 */
static unsigned long vmad_next_mapped(struct mm_struct *mm,
				      unsigned long addr, unsigned long end)
{
	while (addr < end) {
		pgd_t *pgd = pgd_offset(mm, addr);
		p4d_t *p4d;
		pud_t *pud;
		pmd_t pmd;
		unsigned long next;

		next = pgd_addr_end(addr, end);
		if (pgd_none(READ_ONCE(*pgd)))
			goto skip;
		if (pgd_bad(READ_ONCE(*pgd)))
			return addr;
		p4d = p4d_offset(pgd, addr);
		next = p4d_addr_end(addr, end);
		if (p4d_none(READ_ONCE(*p4d)))
			goto skip;
		if (p4d_bad(READ_ONCE(*p4d)))
			return addr;
		pud = pud_offset(p4d, addr);
		next = pud_addr_end(addr, end);
		if (pud_none(READ_ONCE(*pud)))
			goto skip;
		if (!pud_present(READ_ONCE(*pud)) || pud_bad(READ_ONCE(*pud)))
			return addr;
		pmd = READ_ONCE(*pmd_offset(pud, addr));
		next = pmd_addr_end(addr, end);
		if (pmd_none(pmd))
			goto skip;
		if (!pmd_present(pmd) || pmd_bad(pmd))
			return addr;
		next = vmad_next_pte(pmd, addr, next);
		if (next != pmd_addr_end(addr, end))
			return next;
skip:
		addr = next;
	}
	return end;
}

#ifdef CONFIG_MEM_SOFT_DIRTY
/*
 * Whether the page at addr may have been written since the requester
 * cleared the soft-dirty bits (cr_live.c): yes unless its pte or huge pmd
 * (or their swap or migration entry) says no.  A KSM merge drops the bit
 * of a page written before it, so a mergeable mapping is always written;
 * page tables moved since are the watch's (cr_live.c).  Under the mmap
 * lock, as vmad_next_mapped().
 */
static bool vmad_soft_dirty(struct vm_area_struct *vma, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(vma->vm_mm, addr);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t pmd;
	pte_t pte;

	if (vma->vm_flags & (VM_SOFTDIRTY | VM_MERGEABLE))
		return true;
	if (!pgd_present(READ_ONCE(*pgd)))
		return true;
	p4d = p4d_offset(pgd, addr);
	if (!p4d_present(READ_ONCE(*p4d)))
		return true;
	pud = pud_offset(p4d, addr);
	if (!pud_present(READ_ONCE(*pud)) || pud_leaf(READ_ONCE(*pud)))
		return true;
	pmd = READ_ONCE(*pmd_offset(pud, addr));
	if (pmd_trans_huge(pmd))
		return pmd_soft_dirty(pmd);
	if (pmd_none(pmd))
		return true;
	if (!pmd_present(pmd))	/* a huge page's migration entry */
		return pmd_swp_soft_dirty(pmd);
	if (pmd_bad(pmd))
		return true;
	rcu_read_lock();
	pte = ptep_get(pte_offset_kernel(&pmd, addr));
	rcu_read_unlock();
	if (pte_present(pte))
		return pte_soft_dirty(pte);
	return pte_none(pte) || pte_swp_soft_dirty(pte);
}
#else
static bool vmad_soft_dirty(struct vm_area_struct *vma, unsigned long addr)
{
	return true;
}
#endif

/*
 * Takes up to a batch's room of pages at addr into the batch, keeping
 * those worth saving.  Returns the bytes it covered: empty page tables
 * and ranges the process excluded (cr_hints.c) are skipped whole, and a
 * hole (FOLL_DUMP's -EFAULT) covers one page.
 */
static unsigned long vmad_take_pages(struct vm_area_struct *vma,
				     unsigned long addr, struct cr_batch *b,
				     bool live)
{
	unsigned long stop, next;
	unsigned long room = CR_PAGES_MAX - b->n;
	struct page **got = b->pages + b->n;
	long i, n;

	next = vmad_next_mapped(vma->vm_mm, addr, vma->vm_end);
	if (next == addr)
		next = cr_hints_skip(vma->vm_mm, addr, vma->vm_end, &stop);
	if (next != addr)
		return next - addr;
	room = min(room, (stop - addr) >> PAGE_SHIFT);

	n = cr_get_user_pages_remote(vma->vm_mm, addr, room,
				     CR_FOLL_DUMP | FOLL_FORCE, got);
	if (n <= 0)
		return PAGE_SIZE;
	/* Compacts in place: b->n never passes the page being looked at. */
	for (i = 0; i < n; i++) {
		struct page *page = got[i];

		if (!vmad_worth_saving(vma, page)) {
			put_page(page);
			continue;
		}
		b->addrs[b->n] = addr + i * PAGE_SIZE;
		/* a live checkpoint's pre-copy holds what was not written */
		if (live && !vmad_soft_dirty(vma, b->addrs[b->n]))
			__set_bit(b->n, b->ref);
		b->pages[b->n++] = page;
	}
	return n * PAGE_SIZE;
}

/* A file saved by reference: its path at path, and its identity. */
static int vmad_file_ref(struct file *f, char *path, u32 *path_len,
			 struct cr_img_fileid *id)
{
	struct inode *inode = file_inode(f);
	int err = cr_file_path(f, path, path_len);

	if (err)
		return err;
	id->ino = inode->i_ino;
	id->dev = inode->i_sb->s_dev;
	id->size = i_size_read(inode);
	id->mtime_sec = cr_inode_mtime(inode).tv_sec;
	id->mtime_nsec = cr_inode_mtime(inode).tv_nsec;
	return 0;
}

static u32 vmad_prot(unsigned long vm_flags)
{
	return (vm_flags & VM_READ ? PROT_READ : 0) |
	       (vm_flags & VM_WRITE ? PROT_WRITE : 0) |
	       (vm_flags & VM_EXEC ? PROT_EXEC : 0);
}

/*
 * What saving one address space needs at hand.  Nothing is written with
 * the mmap lock held: a file's write path takes its own locks (sb_writers,
 * i_rwsem, a pipe's mutex) before faulting in under the mmap lock.  So a
 * mapping is described, and its pages pinned, under the lock, and written
 * after it.  The targets are stopped; a mapping that changes in between
 * all the same (another process sharing the mm) fails the checkpoint.
 */
struct vmad_save {
	struct cr_stream *s;
	struct cr_shared *sh;
	struct inode *exe;
	struct cr_batch *b;
	char *buf;		/* an MM or VMA record with a path */
	struct file *obj;	/* the mapping's file, to save by value */
	u32 obj_kind;		/* ... CR_OBJ_TMPFS, or 0: its own */
	bool pages;		/* the mapping may have pages worth saving */
	u32 nr_vmas;
};

/* The pages of the mapping v describes, a batch at a time. */
static int vmad_save_pages(struct vmad_save *vs, const struct cr_img_vma *v)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long addr = v->start;
	int err = 0;

	while (!err && addr < v->end) {
		mmap_read_lock(mm);
		vma = vma_lookup(mm, addr);
		if (!vma || vma->vm_start != v->start || vma->vm_end != v->end)
			err = -EBUSY;
		while (!err && addr < v->end && vs->b->n < CR_PAGES_MAX) {
			addr += vmad_take_pages(vma, addr, vs->b,
						vs->sh->live);
			cond_resched();
		}
		mmap_read_unlock(mm);
		if (!err && vs->b->n)
			err = vs->sh->track ?
			      cr_track_flush(vs->sh->track, vs->s, vs->b, 0) :
			      cr_batch_flush(vs->s, vs->b);
	}
	cr_batch_release(vs->b);
	return err;
}

static void vmad_fill_vma(struct cr_img_vma *v, struct vm_area_struct *vma,
			  int kind)
{
	v->start = vma->vm_start;
	v->end = vma->vm_end;
	v->pgoff = vma->vm_pgoff;
	v->vm_flags = vma->vm_flags;
	v->kind = kind;
	v->prot = vmad_prot(vma->vm_flags);
	v->mapflags = (vmad_is_shared(vma) ? MAP_SHARED : MAP_PRIVATE) |
		      (vma->vm_flags & VM_GROWSDOWN ? MAP_GROWSDOWN : 0);
}

/*
 * Describes the first mapping that ends above addr into vs->buf, under
 * the mmap lock.  Leaves the record zeroed past the last mapping.
 */
static int vmad_describe_vma(struct vmad_save *vs, unsigned long addr,
			     struct cr_status *st)
{
	struct mm_struct *mm = current->mm;
	struct cr_img_vma *v = (struct cr_img_vma *)vs->buf;
	struct vm_area_struct *vma;
	int kind, err = 0;

	memset(v, 0, sizeof(*v));
	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma)
		goto out;
	kind = vmad_vma_kind(vma, vs->sh, vs->exe, st);
	if (kind < 0) {
		err = kind;
		goto out;
	}
	vmad_fill_vma(v, vma, kind);
	/* No anon_vma: nothing was ever written or copied here. */
	vs->pages = vma->anon_vma && kind != CR_VMA_VDSO &&
		    kind != CR_VMA_VVAR;
	if (kind == CR_VMA_FILE) {
		err = vmad_file_ref(vma->vm_file, (char *)(v + 1),
				    &v->path_len, &v->id);
		if (err)
			cr_fail(st, err, "path of mapping at %lx",
				vma->vm_start);
	} else if (kind == CR_VMA_OBJ) {
		vs->obj = get_file(vma->vm_file);
		vs->obj_kind = vmad_is_shared(vma) &&
			       cr_obj_named_tmpfs(vma->vm_file) ?
			       CR_OBJ_TMPFS : 0;
	}
out:
	mmap_read_unlock(mm);
	return err;
}

/* Writes the mapping vmad_describe_vma() described, and its pages. */
static int vmad_save_vma(struct vmad_save *vs, struct cr_status *st)
{
	struct cr_img_vma *v = (struct cr_img_vma *)vs->buf;
	int err = 0;

	if (vs->obj) {
		err = cr_save_obj(vs->s, vs->sh, vs->obj, vs->obj_kind,
				  &v->obj_id, st);
		fput(vs->obj);
		vs->obj = NULL;
		if (err)
			return err;
	}
	err = cr_write_rec(vs->s, CR_REC_VMA, v, sizeof(*v) + v->path_len);
	if (!err && vs->pages)
		err = vmad_save_pages(vs, v);
	if (err == -EBUSY)
		return cr_fail(st, err, "mapping at %llx changed while saved",
			       v->start);
	return err ? cr_fail(st, err, "writing the context file") : 0;
}

static int vmad_fill_exe(struct vmad_save *vs, struct file *exe,
			 struct cr_img_mm *m, struct cr_status *st)
{
	if (cr_obj_needed(exe) ||
	    vs->sh->save & (CR_ABI_CHKPT_SAVE_EXE | CR_ABI_CHKPT_SAVE_PRIVATE))
		return cr_save_obj(vs->s, vs->sh, exe, 0, &m->exe_obj, st);
	return vmad_file_ref(exe, (char *)(m + 1), &m->exe_path_len, &m->exe);
}

static void vmad_fill_mm(struct mm_struct *mm, struct cr_img_mm *m)
{
	memset(m, 0, sizeof(*m));
	mmap_read_lock(mm);
	m->start_code = mm->start_code;
	m->end_code = mm->end_code;
	m->start_data = mm->start_data;
	m->end_data = mm->end_data;
	m->start_brk = mm->start_brk;
	m->brk = mm->brk;
	m->start_stack = mm->start_stack;
	m->arg_start = mm->arg_start;
	m->arg_end = mm->arg_end;
	m->env_start = mm->env_start;
	m->env_end = mm->env_end;
	m->vdso = (unsigned long)mm->context.vdso;
	memcpy(m->auxv, mm->saved_auxv,
	       min(sizeof(m->auxv), sizeof(mm->saved_auxv)));
	m->nr_vmas = mm->map_count;
	mmap_read_unlock(mm);
}

static int vmad_write_mm(struct vmad_save *vs, struct mm_struct *mm,
			 struct file *exe, struct cr_status *st)
{
	struct cr_img_mm *m = (struct cr_img_mm *)vs->buf;
	int err = 0;

	vmad_fill_mm(mm, m);
	vs->nr_vmas = m->nr_vmas;
	if (exe)
		err = vmad_fill_exe(vs, exe, m, st);
	if (!err)
		err = cr_write_rec(vs->s, CR_REC_MM, m,
				   sizeof(*m) + m->exe_path_len);
	return err;
}

/* The MM record, then each mapping with its pages. */
static int vmad_save_vmas(struct vmad_save *vs, struct cr_status *st)
{
	struct cr_img_vma *v = (struct cr_img_vma *)vs->buf;
	unsigned long addr = 0;
	u32 n = 0;
	int err;

	for (;;) {
		err = vmad_describe_vma(vs, addr, st);
		if (err || !v->end)
			break;
		err = vmad_save_vma(vs, st);
		if (err)
			break;
		addr = v->end;
		n++;
	}
	if (!err && n != vs->nr_vmas)
		err = cr_fail(st, -EBUSY, "%u mappings, then %u, while saved",
			      vs->nr_vmas, n);
	return err;
}

int vmad_save_mm(struct cr_stream *s, struct cr_shared *sh,
		 struct cr_status *st)
{
	struct mm_struct *mm = current->mm;
	struct vmad_save vs = { .s = s, .sh = sh };
	struct file *exe = cr_get_mm_exe_file(mm);
	int err;

	vs.exe = exe ? file_inode(exe) : NULL;
	vs.buf = kmalloc(max(sizeof(struct cr_img_vma),
			     sizeof(struct cr_img_mm)) + CR_PATH_MAX, GFP_KERNEL);
	vs.b = kzalloc(sizeof(*vs.b), GFP_KERNEL);
	err = -ENOMEM;
	if (!vs.buf || !vs.b)
		goto out_free;
	err = vmad_write_mm(&vs, mm, exe, st);
	if (!err)
		err = vmad_save_vmas(&vs, st);
out_free:
	kfree(vs.b);
	kfree(vs.buf);
	if (exe)
		fput(exe);
	return err ? cr_fail(st, err, "saving memory") : 0;
}

/* Before the target is disturbed: refuse what cannot be saved. */
int vmad_check_mm(struct cr_shared *sh, struct cr_status *st)
{
	struct vm_area_struct *vma;
	int err = 0;
	VMA_ITERATOR(vmi, current->mm, 0);

	mmap_read_lock(current->mm);
	for_each_vma(vmi, vma) {
		err = vmad_vma_kind(vma, sh, NULL, st);
		if (err < 0)
			break;
		err = 0;
	}
	mmap_read_unlock(current->mm);
	return err;
}

/* ---- restart ---- */

static bool vmad_range_ok(u64 start, u64 end)
{
	return start <= end && end <= TASK_SIZE;
}

static int vmad_check_mm_rec(const struct cr_img_mm *m, size_t len,
			     struct cr_shared *sh)
{
	if (len != sizeof(*m) + m->exe_path_len || m->nr_vmas > 65536 ||
	    (m->exe_path_len &&
	     !cr_path_ok((const char *)(m + 1), m->exe_path_len)) ||
	    (m->exe_path_len && m->exe_obj) || m->exe_obj > cr_nobjs(sh) ||
	    m->pad)
		return -EBADMSG;
	if (!vmad_range_ok(m->start_code, m->end_code) ||
	    !vmad_range_ok(m->start_data, m->end_data) ||
	    !vmad_range_ok(m->start_brk, m->brk) ||
	    !vmad_range_ok(m->arg_start, m->arg_end) ||
	    !vmad_range_ok(m->env_start, m->env_end) ||
	    m->start_stack >= TASK_SIZE || m->vdso >= TASK_SIZE)
		return -EBADMSG;
	return 0;
}

static void vmad_load_mm_fields(struct mm_struct *mm,
				const struct cr_img_mm *m)
{
	mmap_write_lock(mm);
	mm->start_code = m->start_code;
	mm->end_code = m->end_code;
	mm->start_data = m->start_data;
	mm->end_data = m->end_data;
	mm->start_brk = m->start_brk;
	mm->brk = m->brk;
	mm->start_stack = m->start_stack;
	mm->arg_start = m->arg_start;
	mm->arg_end = m->arg_end;
	mm->env_start = m->env_start;
	mm->env_end = m->env_end;
	memcpy(mm->saved_auxv, m->auxv,
	       min(sizeof(m->auxv), sizeof(mm->saved_auxv)));
	mmap_write_unlock(mm);
}

/* Unmaps everything but [vdso] and [vvar], which the restarter placed. */
static int vmad_unmap_all(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	unsigned long start = 0, end = 0;
	int err;

	do {
		VMA_ITERATOR(vmi, mm, start);

		mmap_read_lock(mm);
		end = 0;
		for_each_vma(vmi, vma) {
			if (vmad_special_name(vma)) {
				start = vma->vm_end;
				continue;
			}
			start = vma->vm_start;
			end = vma->vm_end;
			break;
		}
		mmap_read_unlock(mm);
		err = end ? vm_munmap(start, end - start) : 0;
	} while (end && !err);
	return err;
}

/*
 * Whether inode is the file saved as id.  A file mapped shared is live
 * state, like an open file: only its identity is checked.  A relocated
 * copy is another inode: it must have the saved size and modification
 * time, to the second (kept by cp -p, even onto a coarser filesystem);
 * one mapped shared is taken as it is.
 */
static bool vmad_same_file(struct inode *inode,
			   const struct cr_img_fileid *id, bool live,
			   bool moved)
{
	struct timespec64 mtime = cr_inode_mtime(inode);

	if (!S_ISREG(inode->i_mode))
		return false;
	if (!moved && (inode->i_ino != id->ino ||
		       inode->i_sb->s_dev != id->dev))
		return false;
	if (live)
		return true;
	return i_size_read(inode) == id->size && mtime.tv_sec == id->mtime_sec &&
	       (moved || mtime.tv_nsec == id->mtime_nsec);
}

/* Reopens a file saved by reference, relocated; refuses one that changed. */
static struct file *vmad_open_same(struct cr_shared *sh, const char *path,
				   int flags, bool live,
				   const struct cr_img_fileid *id,
				   struct cr_status *st)
{
	char *moved = cr_relocate(sh->reloc, path, st);
	const char *name = moved ?: path;
	struct file *f;

	if (IS_ERR(moved))
		return ERR_CAST(moved);
	f = filp_open(name, flags | O_LARGEFILE, 0);
	if (IS_ERR(f)) {
		cr_fail(st, PTR_ERR(f), "cannot open mapped file %s", name);
	} else if (!vmad_same_file(file_inode(f), id, live, moved)) {
		fput(f);
		f = ERR_PTR(-ESTALE);
		cr_fail(st, -ESTALE, moved ?
			"mapped file %s: its size or mtime is not the checkpoint's" :
			"mapped file %s changed since the checkpoint", name);
	}
	kfree(moved);
	return f;
}

/*
 * Opened for writing only where the mapping could be made writable
 * (VM_MAYWRITE: its file was open for writing), so that mprotect() allows
 * and refuses PROT_WRITE as before.  The caller's rights decide the open.
 */
static struct file *vmad_open_mapped(struct cr_shared *sh,
				     const struct cr_img_vma *v,
				     struct cr_status *st)
{
	int flags = (v->mapflags & MAP_SHARED) &&
		    (v->vm_flags & VM_MAYWRITE) ? O_RDWR : O_RDONLY;

	return vmad_open_same(sh, (const char *)(v + 1), flags,
			      v->mapflags & MAP_SHARED, &v->id, st);
}

/*
 * A caller could not have checkpointed a program that runs set-id as
 * somebody else (it is not dumpable): such a file was made by another
 * user, or forged.  Only a caller who may take those ids restarts it.
 */
static int vmad_check_setid(struct file *f, const char *path,
			    struct cr_status *st)
{
	struct inode *inode = file_inode(f);
	umode_t mode = inode->i_mode;

	if ((mode & S_ISUID) && !uid_eq(inode->i_uid, current_euid()) &&
	    !capable(CAP_SETUID))
		goto refuse;
	if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
	    !in_egroup_p(inode->i_gid) && !capable(CAP_SETGID))
		goto refuse;
	return 0;
refuse:
	return cr_fail(st, -EPERM,
		       "the executable %s is set-id: only its owner or a privileged user may restart it",
		       path);
}

/* /proc/PID/exe: point the mm at the saved executable again. */
static int vmad_set_exe(struct mm_struct *mm, const struct cr_img_mm *m,
			struct cr_shared *sh, struct cr_status *st)
{
	const char *path = (const char *)(m + 1);
	struct file *f, *old;
	int err;

	if (m->exe_obj)
		f = cr_obj_file(sh, m->exe_obj);
	else if (m->exe_path_len)
		f = vmad_open_same(sh, path, O_RDONLY, false, &m->exe, st);
	else
		return 0;
	if (IS_ERR(f))
		return PTR_ERR(f);
	err = m->exe_obj ? 0 : vmad_check_setid(f, path, st);
	if (err) {
		fput(f);
		return err;
	}
	err = exe_file_deny_write_access(f);
	if (err) {
		fput(f);
		return cr_fail(st, err, "the executable is open for writing");
	}
	old = xchg((__force struct file **)&mm->exe_file, f);
	if (old) {
		exe_file_allow_write_access(old);
		fput(old);
	}
	return 0;
}

static int vmad_check_vma_rec(const struct cr_img_vma *v, size_t len,
			      struct cr_shared *sh)
{
	const char *path = (const char *)(v + 1);

	if (len < sizeof(*v) || len != sizeof(*v) + v->path_len || v->pad ||
	    (v->obj_id && v->kind != CR_VMA_OBJ))
		return -EBADMSG;
	if (v->start >= v->end || !PAGE_ALIGNED(v->start) ||
	    !PAGE_ALIGNED(v->end) || v->end > TASK_SIZE ||
	    v->prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC) ||
	    v->mapflags & ~(MAP_SHARED | MAP_PRIVATE | MAP_GROWSDOWN) ||
	    !(v->mapflags & (MAP_SHARED | MAP_PRIVATE)) ||
	    v->pgoff > (ULONG_MAX >> PAGE_SHIFT) ||
	    (v->vm_flags & (VM_HUGEPAGE | VM_NOHUGEPAGE)) ==
	    (VM_HUGEPAGE | VM_NOHUGEPAGE))
		return -EBADMSG;
	if (v->kind == CR_VMA_FILE)
		return cr_path_ok(path, v->path_len) ? 0 : -EBADMSG;
	if (v->kind == CR_VMA_ANON && !(v->mapflags & MAP_SHARED))
		return v->path_len ? -EBADMSG : 0;
	if (v->kind == CR_VMA_OBJ)
		return !v->path_len && v->obj_id && v->obj_id <= cr_nobjs(sh) ?
		       0 : -EBADMSG;
	if (v->kind == CR_VMA_VDSO || v->kind == CR_VMA_VVAR)
		return v->path_len ? -EBADMSG : 0;
	return -EBADMSG;
}

/* [vdso] and [vvar] must already be where the checkpoint had them. */
static int vmad_check_special(const struct cr_img_vma *v,
			      struct cr_status *st)
{
	struct vm_area_struct *vma;
	const char *want = v->kind == CR_VMA_VDSO ? "[vdso]" : "[vvar]";
	bool ok;

	mmap_read_lock(current->mm);
	vma = find_vma(current->mm, v->start);
	ok = vma && vma->vm_start == v->start && vma->vm_end == v->end &&
	     vmad_is_special(vma, want);
	mmap_read_unlock(current->mm);
	return ok ? 0 : cr_fail(st, -EINVAL,
				"%s at %llx differs from this kernel's", want,
				v->start);
}

/*
 * madvise() state, which vm_mmap() cannot give: set on the new VMA
 * itself.  VM_LOCKED (locked-memory accounting) and VM_MERGEABLE (KSM)
 * are not restored.
 */
#define VMAD_ADVICE	(VM_HUGEPAGE | VM_NOHUGEPAGE | VM_DONTCOPY | \
			 VM_DONTDUMP | VM_WIPEONFORK | VM_SEQ_READ | \
			 VM_RAND_READ)

static unsigned long vmad_advice(const struct cr_img_vma *v)
{
	unsigned long adv = v->vm_flags & VMAD_ADVICE;

	/* As madvise(MADV_WIPEONFORK): private anonymous memory only. */
	if (v->kind != CR_VMA_ANON || (v->mapflags & MAP_SHARED))
		adv &= ~VM_WIPEONFORK;
	return adv;
}

/*
 * The new VMA must not merge into the one just below it, or its advice
 * would cover that one too: while it is mapped, the one below carries
 * VM_RAND_READ, which no new mapping has.  Returns where that one starts
 * (0: nothing marked).
 */
static unsigned long vmad_fence_below(struct mm_struct *mm,
				      unsigned long start)
{
	struct vm_area_struct *prev;
	unsigned long at = 0;

	mmap_write_lock(mm);
	prev = find_vma(mm, start - 1);
	if (prev && prev->vm_end == start &&
	    !(prev->vm_flags & VM_RAND_READ)) {
		cr_vm_flags_mod(prev, VM_RAND_READ, 0);
		at = prev->vm_start;
	}
	mmap_write_unlock(mm);
	return at;
}

static void vmad_set_advice(struct mm_struct *mm, const struct cr_img_vma *v,
			    unsigned long adv, unsigned long fenced)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = fenced ? find_vma(mm, fenced) : NULL;
	if (vma && vma->vm_start == fenced)
		cr_vm_flags_mod(vma, 0, VM_RAND_READ);
	vma = find_vma(mm, v->start);
	if (adv && vma && vma->vm_start == v->start && vma->vm_end == v->end)
		cr_vm_flags_mod(vma, adv, 0);
	mmap_write_unlock(mm);
}

/* vm_mmap() with the saved advice; returns vm_mmap()'s result. */
static unsigned long vmad_mmap(const struct cr_img_vma *v, struct file *f,
			       unsigned long flags)
{
	unsigned long adv = vmad_advice(v), fenced = 0, addr;

	if (adv && v->start)
		fenced = vmad_fence_below(current->mm, v->start);
	addr = vm_mmap(f, v->start, v->end - v->start, v->prot, flags,
		       f ? v->pgoff << PAGE_SHIFT : 0);
	if (adv)
		vmad_set_advice(current->mm, v, addr == v->start ? adv : 0,
				fenced);
	return addr;
}

/*
 * A file saved by value, opened read-only again for a shared mapping of a
 * file opened so: mprotect(PROT_WRITE) is refused after restart too.
 */
static struct file *vmad_open_obj(struct cr_shared *sh,
				  const struct cr_img_vma *v)
{
	struct file *obj = cr_obj_file(sh, v->obj_id), *f;

	if (!obj)
		return ERR_PTR(-EBADMSG);
	if (!(v->mapflags & MAP_SHARED) || v->vm_flags & VM_MAYWRITE)
		return obj;
	f = dentry_open(&obj->f_path, O_RDONLY | O_LARGEFILE, current_cred());
	fput(obj);
	return f;
}

static int vmad_map(const struct cr_img_vma *v, struct cr_shared *sh,
		    struct cr_status *st)
{
	struct file *f = NULL;
	unsigned long addr;
	unsigned long flags = v->mapflags | MAP_FIXED;

	/* A big sparse mapping must not be refused by the overcommit check. */
	if (v->vm_flags & VM_NORESERVE)
		flags |= MAP_NORESERVE;

	if (v->kind == CR_VMA_VDSO || v->kind == CR_VMA_VVAR)
		return vmad_check_special(v, st);
	if (v->kind == CR_VMA_FILE) {
		f = vmad_open_mapped(sh, v, st);
		if (IS_ERR(f))
			return PTR_ERR(f);
	} else if (v->kind == CR_VMA_OBJ) {
		f = vmad_open_obj(sh, v);
		if (IS_ERR(f))
			return PTR_ERR(f);
	} else {
		flags |= MAP_ANONYMOUS;
	}
	addr = vmad_mmap(v, f, flags);
	if (f)
		fput(f);
	if (IS_ERR_VALUE(addr))
		return cr_fail(st, (long)addr, "cannot map %llx-%llx",
			       v->start, v->end);
	if (addr != v->start) {
		vm_munmap(addr, v->end - v->start);
		return cr_fail(st, -EINVAL, "mapping %llx moved", v->start);
	}
	return 0;
}

/*
 * A PAGES record of the mapping v: its head here, its pages by a job, or
 * by the restarter when lazy (it reads and checks them itself).
 */
static int vmad_restore_pages(struct cr_stream *s, const struct cr_img_vma *v,
			      struct vmad_fill *f, u8 *scratch, bool lazy,
			      struct cr_status *st)
{
	struct vmad_job *j = vmad_fill_job(f, v->start, v->end, st);
	struct cr_pages_in in;
	int err;

	if (IS_ERR(j))
		return PTR_ERR(j);
	err = cr_read_pages_head(s, v->start, v->end, j->b.addrs, scratch,
				 &in);
	if (err) {
		vmad_fill_drop(f, j);
		return vmad_fill_fail(st, err, v->start, v->end);
	}
	if (lazy)
		return vmad_fill_skip(f, j, in.clen ?: (loff_t)in.n << PAGE_SHIFT,
				      st);
	if (in.clen)
		return vmad_fill_zipped(f, j, &in, st);
	j->r.sum = in.sum;
	j->r.want = in.rec.sum;
	return vmad_fill_run(f, j, in.n, st);
}

static int vmad_restore_vma(struct cr_stream *s, struct cr_shared *sh,
			    struct vmad_fill *f, u8 *scratch,
			    struct cr_status *st)
{
	struct cr_img_vma *v;
	size_t len;
	int err;

	err = cr_restore_objs(s, sh, st);
	if (err)
		return err;
	v = cr_read_rec(s, CR_REC_VMA, sizeof(*v),
			sizeof(*v) + CR_PATH_MAX, &len);
	if (IS_ERR(v))
		return cr_fail(st, PTR_ERR(v), "bad mapping record");
	err = vmad_check_vma_rec(v, len, sh);
	if (err) {
		cr_fail(st, err, "bad mapping record");
		goto out;
	}
	err = vmad_map(v, sh, st);
	while (!err && cr_peek_type(s) == CR_REC_PAGES)
		err = vmad_restore_pages(s, v, f, scratch,
					 sh->lazy && v->kind == CR_VMA_ANON, st);
out:
	kvfree(v);
	return err;
}

/*
 * The mappings; their pages are all in place when it returns, but for
 * those of jobs deferred to *later (when later is not NULL).
 */
static int vmad_restore_vmas(struct cr_stream *s, struct cr_shared *sh,
			     u32 nr_vmas, struct vmad_fill **later,
			     struct cr_status *st)
{
	u8 *scratch = kmalloc(CR_PAGE_ALIGN, GFP_KERNEL);	/* for padding */
	struct vmad_fill *f = vmad_fill_begin(s, later);
	int err = 0, ended = 0;
	u32 i;

	if (IS_ERR(f)) {
		kfree(scratch);
		return PTR_ERR(f);
	}
	if (!scratch)
		err = -ENOMEM;
	for (i = 0; !err && i < nr_vmas; i++)
		err = vmad_restore_vma(s, sh, f, scratch, st);
	if (!err && vmad_fill_deferred(f))
		*later = f;
	else
		ended = vmad_fill_end(f, st);
	kfree(scratch);
	return err ?: ended;
}

/* later: as for vmad_restore_vmas(); the caller ends it, on error too. */
int vmad_restore_mm(struct cr_stream *s, struct cr_shared *sh,
		    struct vmad_fill **later, struct cr_status *st)
{
	struct cr_img_mm *m;
	size_t len;
	int err;

	err = cr_restore_objs(s, sh, st);
	if (err)
		return err;
	m = cr_read_rec(s, CR_REC_MM, sizeof(*m), sizeof(*m) + CR_PATH_MAX,
			&len);
	if (IS_ERR(m))
		return cr_fail(st, PTR_ERR(m), "bad memory record");
	err = vmad_check_mm_rec(m, len, sh);
	if (err) {
		cr_fail(st, err, "bad memory record");
		goto out;
	}
	err = vmad_unmap_all(current->mm);
	if (err) {
		cr_fail(st, err, "cannot clear the address space");
		goto out;
	}
	err = vmad_restore_vmas(s, sh, m->nr_vmas, later, st);
	if (!err)
		err = vmad_set_exe(current->mm, m, sh, st);
	if (!err)
		vmad_load_mm_fields(current->mm, m);
out:
	kvfree(m);
	return err;
}
