// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files saved by value: shared anonymous memory, SysV segments, memfds
 * and deleted files, tmpfs files mapped shared (and small ones open for
 * writing), and mapped files the user asked to save (--save-*).  Each is
 * written once per checkpoint, as an OBJ record and PAGES records whose
 * addresses are offsets in the file, right before the first record that
 * names it.  At restart it becomes one new shmem file that every mapping
 * and descriptor of it shares, whatever process they are in; a tmpfs file
 * is written back at its path instead, so that its name leads to that
 * memory again.
 * A memfd's seals are put back once every process is rebuilt: its pages
 * and mappings are restored first, as they were made before sealing.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <uapi/linux/fcntl.h>

#include "cr_internal.h"

/*
 * A tmpfs file open for writing is saved only up to this size: a working
 * file a launcher keeps in its session directory costs nothing, while a
 * job's big output file in a tmpfs /tmp stays a file reopened by path
 * rather than grow every context by its size.
 */
#define CR_TMPFS_KEEP_MAX	(1 << 20)

#define CR_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/* The kind's state. */
struct cr_objs {
	/* checkpoint: inode -> object id (values); restart: id -> file */
	struct xarray objs;
	struct xarray seals;	/* restart: object id -> its F_SEAL_* */
	unsigned int n;
};

static struct cr_objs *cr_objs(struct cr_shared *sh)
{
	return sh->kind[CR_KIND_OBJS].state;
}

/* ---- checkpoint ---- */

/*
 * True when the file has no path to reopen it by, whatever the user asked:
 * it was deleted, or never had a name (shmem, SysV, memfd: a dentry of
 * its own, not in any directory).
 */
bool cr_obj_needed(struct file *f)
{
	struct dentry *d = f->f_path.dentry;

	return S_ISREG(file_inode(f)->i_mode) && d_unhashed(d) &&
	       d != f->f_path.mnt->mnt_root;
}

/*
 * A tmpfs file with a name.  Mapped shared, it is shared memory with a
 * name (POSIX shm in /dev/shm, an MPI library's segments in a session
 * directory on a tmpfs /tmp): the job's state, not data it keeps in a
 * file, so it is saved with the memory, and so are the descriptors of it
 * that the process mapping it holds.  Small and open for writing, it is a
 * file the job made in memory (a launcher's topology file in its session
 * directory), gone after a reboot, on another node, or once the job's end
 * removed it: saved too, to be made again where it is missing.
 */
bool cr_obj_named_tmpfs(struct file *f)
{
	return S_ISREG(file_inode(f)->i_mode) && shmem_mapping(f->f_mapping) &&
	       !cr_obj_needed(f);
}

/*
 * Whether the file's contents may be saved: the process holds it open for
 * reading, or may open it for reading itself.  The checkpoint runs in the
 * process's context, so file_permission() asks with its credentials, as
 * its own open(2) of /proc/self/fd/N would.  Anything else (a write-only
 * file of mode 0200, say) would put in the context file, which the
 * requester reads, bytes that the process could not read.
 */
static bool cr_obj_readable(struct file *f)
{
	return f->f_mode & FMODE_READ || !file_permission(f, MAY_READ);
}

/*
 * Whether this process maps the inode shared (MAP_SHARED leaves
 * VM_MAYSHARE even on a file opened read-only); not under its mmap lock.
 */
static bool cr_obj_mapped_shared(struct inode *inode)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	bool found = false;
	VMA_ITERATOR(vmi, mm, 0);

	if (!mm)
		return false;
	mmap_read_lock(mm);
	for_each_vma(vmi, vma) {
		if (vma->vm_file && vma->vm_flags & VM_MAYSHARE &&
		    file_inode(vma->vm_file) == inode) {
			found = true;
			break;
		}
	}
	mmap_read_unlock(mm);
	return found;
}

/*
 * The CR_OBJ_TMPFS* kind of a descriptor, or 0 if it is not saved.  An
 * open file the process may not read, or a big one, stays a file
 * reopened by path.
 */
static u32 cr_obj_tmpfs_fd(struct file *f)
{
	if (!cr_obj_named_tmpfs(f))
		return 0;
	if (cr_obj_mapped_shared(file_inode(f)))
		return CR_OBJ_TMPFS;
	return f->f_mode & FMODE_WRITE && cr_obj_readable(f) &&
	       i_size_read(file_inode(f)) <= CR_TMPFS_KEEP_MAX ?
	       CR_OBJ_TMPFS_KEEP : 0;
}

/* Writes b's pages of object id (incremental: those that changed). */
static int cr_obj_flush(struct cr_stream *s, struct cr_shared *sh, u32 id,
			struct cr_batch *b)
{
	if (sh->track)
		return cr_track_flush(sh->track, s, b, CR_TRACK_OBJ(id));
	return cr_batch_flush(s, b);
}

/* Reads [pos, end) of r into b, flushing full batches. */
static int cr_obj_save_range(struct cr_stream *s, struct cr_shared *sh,
			     u32 id, struct file *r, loff_t pos, loff_t end,
			     struct cr_batch *b)
{
	int err = 0;

	while (!err && pos < end) {
		struct page *page = alloc_page(GFP_KERNEL);
		loff_t at = pos;
		ssize_t n;

		if (!page)
			return -ENOMEM;
		n = kernel_read(r, page_address(page), PAGE_SIZE, &pos);
		if (n <= 0) {
			__free_page(page);
			return n ?: -EIO;
		}
		memset(page_address(page) + n, 0, PAGE_SIZE - n);
		pos = at + PAGE_SIZE;
		/* It reads back as zero from the sparse new file. */
		if (cr_page_is_zero(page)) {
			__free_page(page);
			continue;
		}
		b->addrs[b->n] = at;
		b->pages[b->n++] = page;
		if (b->n == CR_PAGES_MAX)
			err = cr_obj_flush(s, sh, id, b);
		cond_resched();
	}
	return err;
}

/* Every data extent of the file, found with SEEK_DATA and SEEK_HOLE. */
static int cr_obj_save_data(struct cr_stream *s, struct cr_shared *sh,
			    u32 id, struct file *r, loff_t size)
{
	struct cr_batch *b = kzalloc(sizeof(*b), GFP_KERNEL);
	loff_t pos = 0, end, done = 0;
	int err = 0;

	if (!b)
		return -ENOMEM;
	while (!err && pos < size) {
		pos = vfs_llseek(r, pos, SEEK_DATA);
		if (pos == -ENXIO)
			break;
		end = pos < 0 ? pos : vfs_llseek(r, pos, SEEK_HOLE);
		if (end < 0) {
			err = end;
			break;
		}
		/* Extents need not be page-aligned: no page twice. */
		pos = max(round_down(pos, PAGE_SIZE), done);
		err = cr_obj_save_range(s, sh, id, r, pos, min(end, size), b);
		done = pos = round_up(end, PAGE_SIZE);
	}
	if (!err && b->n)
		err = cr_obj_flush(s, sh, id, b);
	cr_batch_release(b);
	kfree(b);
	return err;
}

/* The OBJ record: o, then a named tmpfs file's path. */
static int cr_obj_rec(struct cr_stream *s, struct file *f,
		      struct cr_img_obj *o)
{
	char *buf = kmalloc(sizeof(*o) + CR_PATH_MAX, GFP_KERNEL);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	if (o->kind == CR_OBJ_TMPFS || o->kind == CR_OBJ_TMPFS_KEEP)
		err = cr_file_path(f, buf + sizeof(*o), &o->path_len);
	if (!err) {
		memcpy(buf, o, sizeof(*o));
		err = cr_write_rec(s, CR_REC_OBJ, buf,
				   sizeof(*o) + o->path_len);
	}
	kfree(buf);
	return err;
}

static int cr_obj_write(struct cr_stream *s, struct cr_shared *sh,
			struct file *f, u32 kind, u32 id)
{
	struct inode *inode = file_inode(f);
	struct cr_img_obj o = {
		.obj_id = id,
		.kind = kind ?: shmem_mapping(f->f_mapping) ? CR_OBJ_SHMEM :
							      CR_OBJ_FILE,
		.size = i_size_read(inode),
		.mode = inode->i_mode & 0777,
		/* Only memfds may be sealed; the rest stay unsealable. */
		.seals = shmem_mapping(f->f_mapping) ?
			 SHMEM_I(inode)->seals & CR_SEALS : F_SEAL_SEAL,
	};
	struct file *r;
	int err;

	if (o.size > CR_OBJ_MAX_SIZE)
		return -EFBIG;
	/*
	 * A reader of its own: the target's file may be write-only.  Asked
	 * again: the mode may have changed since cr_check_files().
	 */
	if (!cr_obj_readable(f))
		return -EACCES;
	r = dentry_open(&f->f_path, O_RDONLY | O_LARGEFILE, current_cred());
	if (IS_ERR(r))
		return PTR_ERR(r);
	err = cr_obj_rec(s, f, &o);
	if (!err)
		err = cr_obj_save_data(s, sh, id, r, o.size);
	fput(r);
	return err;
}

/*
 * f's object id, writing the object when this checkpoint meets its inode
 * for the first time: of a CR_OBJ_TMPFS* kind, or 0 for the one its file
 * has.  Sections are written one at a time: no lock.
 */
int cr_save_obj(struct cr_stream *s, struct cr_shared *sh, struct file *f,
		u32 kind, u32 *id, struct cr_status *st)
{
	struct cr_objs *os = cr_objs(sh);
	unsigned long key = (unsigned long)file_inode(f);
	void *v = xa_load(&os->objs, key);
	int err;

	if (v) {
		*id = xa_to_value(v);
		return 0;
	}
	if (os->n == CR_MAX_OBJS)
		return cr_fail(st, -E2BIG, "too many files saved by value");
	*id = os->n + 1;
	err = xa_err(xa_store(&os->objs, key, xa_mk_value(*id), GFP_KERNEL));
	if (!err)
		err = cr_obj_write(s, sh, f, kind, *id);
	if (err)
		return cr_fail(st, err, "pid %d: saving a file by value",
			       task_tgid_vnr(current));
	os->n++;
	return 0;
}

/* A descriptor's entry: its offset, and its object's id. */
static int cr_obj_fd(struct cr_stream *s, struct cr_shared *sh,
		     struct file *f, struct cr_img_fd *e, struct cr_status *st)
{
	e->pos = f->f_pos;
	return cr_save_obj(s, sh, f, cr_obj_tmpfs_fd(f), &e->obj_id, st);
}

/* ---- restart ---- */

/* len bytes at pos; a short write is tried again for its reason. */
static int cr_obj_pwrite(struct file *f, const u8 *buf, size_t len,
			 loff_t pos)
{
	ssize_t w;

	for (; len; buf += w, len -= w) {
		w = kernel_write(f, buf, len, &pos);
		if (w <= 0)
			return w ?: -EIO;
	}
	return 0;
}

/* The object's pages, written to f, or only read when there is none. */
static int cr_obj_fill(struct cr_stream *s, struct file *f, loff_t size,
		       u8 *data, u64 *addrs)
{
	int n, i, err = 0;

	while (!err && cr_peek_type(s) == CR_REC_PAGES) {
		n = cr_read_pages(s, 0, PAGE_ALIGN(size), data, addrs);
		if (n < 0)
			return n;
		for (i = 0; f && !err && i < n; i++)
			err = cr_obj_pwrite(f, data + i * PAGE_SIZE,
					    min_t(loff_t, PAGE_SIZE,
						  size - addrs[i]), addrs[i]);
	}
	return err;
}

/* A tmpfs file's path follows; it cannot have been sealed. */
static int cr_check_obj_rec(const struct cr_img_obj *o, size_t len,
			    struct cr_objs *os)
{
	bool tmpfs = o->kind == CR_OBJ_TMPFS || o->kind == CR_OBJ_TMPFS_KEEP;

	if (o->obj_id != os->n + 1 || o->obj_id > CR_MAX_OBJS ||
	    (o->kind != CR_OBJ_SHMEM && o->kind != CR_OBJ_FILE && !tmpfs) ||
	    o->size > CR_OBJ_MAX_SIZE || o->mode & ~0777 ||
	    o->seals & ~CR_SEALS || o->pad ||
	    len != sizeof(*o) + o->path_len)
		return -EBADMSG;
	if (!tmpfs)
		return o->path_len ? -EBADMSG : 0;
	if (o->seals != F_SEAL_SEAL ||
	    !cr_path_ok((const char *)(o + 1), o->path_len))
		return -EBADMSG;
	return 0;
}

/* Makes path, and the directories above it if they are missing. */
static struct file *cr_obj_make_at(const char *path, umode_t mode)
{
	int flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_LARGEFILE;
	struct file *f = filp_open(path, flags, mode);
	int err;

	if (PTR_ERR(f) != -ENOENT)
		return f;
	err = cr_make_parents(path);
	return err ? ERR_PTR(err) : filp_open(path, flags, mode);
}

/*
 * A tmpfs file mapped shared, written back at its path (made if missing,
 * emptied if there).  One that something maps is in use (by the
 * checkpointed job, still running, say): it is left alone and the restart
 * fails.
 */
static struct file *cr_obj_write_back(const char *path,
				      const struct cr_img_obj *o,
				      struct cr_status *st)
{
	struct file *f = cr_obj_make_at(path, o->mode);
	int err;

	if (IS_ERR(f))
		return ERR_PTR(cr_fail(st, PTR_ERR(f),
				       "cannot write shared memory back to %s",
				       path));
	if (!S_ISREG(file_inode(f)->i_mode) || !shmem_mapping(f->f_mapping))
		err = cr_fail(st, -EXDEV, "%s: not a file on a tmpfs", path);
	else if (mapping_mapped(f->f_mapping))
		err = cr_fail(st, -EBUSY,
			      "%s is shared memory in use: not overwritten",
			      path);
	else
		err = vfs_truncate(&f->f_path, 0) ?:
		      vfs_truncate(&f->f_path, o->size);
	if (err) {
		cr_fail(st, err, "cannot write shared memory back to %s", path);
		fput(f);
		return ERR_PTR(err);
	}
	return f;
}

/*
 * A tmpfs file open and not mapped: one still there is used as it is, as
 * any file is (*fill false); one missing is made again, in its directory.
 */
static struct file *cr_obj_keep(const char *path, const struct cr_img_obj *o,
				bool *fill, struct cr_status *st)
{
	int flags = O_RDWR | O_NOFOLLOW | O_LARGEFILE;
	struct file *f = filp_open(path, flags | O_CREAT | O_EXCL, o->mode);

	*fill = PTR_ERR(f) != -EEXIST;
	if (*fill) {
		if (IS_ERR(f))
			cr_fail(st, PTR_ERR(f), "cannot make %s again", path);
		return f;
	}
	f = filp_open(path, flags, 0);
	if (IS_ERR(f))
		cr_fail(st, PTR_ERR(f), "cannot reopen %s", path);
	return f;
}

/* A tmpfs file, at its path again (relocated as asked): *fill if new. */
static struct file *cr_obj_at_path(struct cr_shared *sh,
				   const struct cr_img_obj *o, bool *fill,
				   struct cr_status *st)
{
	const char *path = (const char *)(o + 1);
	char *moved = cr_relocate(sh->reloc, path, st);
	struct file *f;

	if (IS_ERR(moved))
		return ERR_CAST(moved);
	if (o->kind == CR_OBJ_TMPFS)
		f = cr_obj_write_back(moved ?: path, o, st);
	else
		f = cr_obj_keep(moved ?: path, o, fill, st);
	kfree(moved);
	return f;
}

/* Charged page by page, as a sparse object should be. */
static struct file *cr_obj_new(struct cr_shared *sh,
			       const struct cr_img_obj *o, bool *fill,
			       struct cr_status *st)
{
	struct file *f;

	*fill = true;
	if (o->path_len)
		return cr_obj_at_path(sh, o, fill, st);
	f = shmem_file_setup("blcr", o->size, VM_NORESERVE);
	if (!IS_ERR(f))
		file_inode(f)->i_mode = S_IFREG | o->mode;
	return f;
}

static int cr_restore_obj(struct cr_stream *s, struct cr_shared *sh,
			  u8 *data, u64 *addrs, struct cr_status *st)
{
	struct cr_objs *os = cr_objs(sh);
	struct cr_img_obj *o;
	struct file *f;
	size_t len;
	bool fill;
	int err;

	o = cr_read_rec(s, CR_REC_OBJ, sizeof(*o), sizeof(*o) + CR_PATH_MAX,
			&len);
	if (IS_ERR(o))
		return PTR_ERR(o);
	err = cr_check_obj_rec(o, len, os);
	if (err)
		goto out;
	f = cr_obj_new(sh, o, &fill, st);
	err = PTR_ERR_OR_ZERO(f);
	if (err)
		goto out;
	err = cr_obj_fill(s, fill ? f : NULL, o->size, data, addrs);
	if (err && fill && o->kind == CR_OBJ_TMPFS_KEEP) {
		cr_fail(st, err, "cannot make %s again",
			(const char *)(o + 1));
		cr_unmake(f);
	}
	if (!err)
		err = xa_err(xa_store(&os->seals, o->obj_id,
				      xa_mk_value(o->seals), GFP_KERNEL));
	if (!err)
		err = xa_err(xa_store(&os->objs, o->obj_id, f, GFP_KERNEL));
	if (err) {
		fput(f);
		goto out;
	}
	os->n++;
out:
	kvfree(o);
	return err;
}

/* Reads the objects that come before the next record that names them. */
int cr_restore_objs(struct cr_stream *s, struct cr_shared *sh,
		    struct cr_status *st)
{
	u8 *data = NULL;
	u64 *addrs = NULL;
	int err = 0;

	if (cr_peek_type(s) != CR_REC_OBJ)
		return 0;
	data = kvmalloc(CR_PAGES_MAX * PAGE_SIZE + CR_PAGE_ALIGN, GFP_KERNEL);
	addrs = kmalloc_array(CR_PAGES_MAX, sizeof(u64), GFP_KERNEL);
	if (!data || !addrs)
		err = -ENOMEM;
	while (!err && cr_peek_type(s) == CR_REC_OBJ)
		err = cr_restore_obj(s, sh, data, addrs, st);
	kfree(addrs);
	kvfree(data);
	return err ? cr_fail(st, err, "bad file saved by value") : 0;
}

/* The object's file, referenced, or NULL for an id not read yet. */
struct file *cr_obj_file(struct cr_shared *sh, u32 id)
{
	struct file *f = id ? xa_load(&cr_objs(sh)->objs, id) : NULL;

	return f ? get_file(f) : NULL;
}

/* The objects read so far. */
u32 cr_nobjs(struct cr_shared *sh)
{
	return cr_objs(sh)->n;
}

static bool cr_obj_fd_ok(struct cr_shared *sh, const struct cr_img_fd *e)
{
	return !e->path_len && e->obj_id && e->obj_id <= cr_nobjs(sh) &&
	       !(e->flags & (O_DIRECTORY | O_PATH));
}

/* A new open file of a file saved by value, with its own flags. */
static struct file *cr_open_obj(struct cr_shared *sh,
				const struct cr_img_fd *e,
				struct cr_status *st)
{
	struct file *obj = cr_obj_file(sh, e->obj_id), *f;

	if (!obj)
		return ERR_PTR(-EBADMSG);
	f = dentry_open(&obj->f_path, e->flags | O_LARGEFILE, current_cred());
	fput(obj);
	return IS_ERR(f) ? f : cr_seek(f, e, st);
}

/*
 * The seals, once every process is rebuilt.  F_SEAL_WRITE, as when it was
 * first added, needs the object to have no writable shared mapping.
 */
static int cr_seal_objs(struct cr_shared *sh, struct cr_status *st)
{
	struct cr_objs *os = cr_objs(sh);
	unsigned long id;
	struct file *f;
	int err;

	xa_for_each(&os->objs, id, f) {
		u32 seals = xa_to_value(xa_load(&os->seals, id));

		if (!shmem_mapping(f->f_mapping))
			continue;
		if (seals & F_SEAL_WRITE) {
			err = mapping_deny_writable(f->f_mapping);
			if (err)
				return cr_fail(st, err,
					"sealed memfd mapped writable");
		}
		SHMEM_I(file_inode(f))->seals = seals;
	}
	return 0;
}

static int cr_obj_kind(struct file *f)
{
	if (!cr_obj_needed(f) && !cr_obj_tmpfs_fd(f))
		return 0;
	return cr_obj_readable(f) ? CR_FD_OBJ : -EACCES;
}

static void *cr_alloc_objs(void)
{
	struct cr_objs *os = kzalloc(sizeof(*os), GFP_KERNEL);

	if (os) {
		xa_init(&os->objs);
		xa_init(&os->seals);
	}
	return os;
}

static void cr_release_objs(void *state)
{
	struct cr_objs *os = state;
	unsigned long id;
	struct file *f;

	xa_for_each(&os->objs, id, f)
		if (!xa_is_value(f))
			fput(f);
	xa_destroy(&os->objs);
	xa_destroy(&os->seals);
	kfree(os);
}

const struct cr_kind_ops cr_obj_ops = {
	.name = "files saved by value",
	.fd_kind = CR_FD_OBJ,
	.alloc = cr_alloc_objs,
	.release = cr_release_objs,
	.classify = cr_obj_kind,
	.save_fd = cr_obj_fd,
	.read_ahead = cr_restore_objs,
	.fd_ok = cr_obj_fd_ok,
	.open_fd = cr_open_obj,
	.finish = cr_seal_objs,
};
