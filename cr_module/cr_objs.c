// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files saved by value: shared anonymous memory, SysV segments, memfds
 * and deleted files, and mapped files the user asked to save (--save-*).
 * Each is written once per checkpoint, as an OBJ record and PAGES records
 * whose addresses are offsets in the file, right before the first record
 * that names it.  At restart it becomes one new shmem file that every
 * mapping and descriptor of it shares, whatever process they are in.  A
 * memfd's seals are put back once every process is rebuilt: its pages
 * and mappings are restored first, as they were made before sealing.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <uapi/linux/fcntl.h>

#include "cr_internal.h"

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

/* Reads [pos, end) of r into b, flushing full batches. */
static int cr_obj_save_range(struct cr_stream *s, struct file *r, loff_t pos,
			     loff_t end, struct cr_batch *b)
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
			err = cr_batch_flush(s, b);
		cond_resched();
	}
	return err;
}

/* Every data extent of the file, found with SEEK_DATA and SEEK_HOLE. */
static int cr_obj_save_data(struct cr_stream *s, struct file *r, loff_t size)
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
		err = cr_obj_save_range(s, r, pos, min(end, size), b);
		done = pos = round_up(end, PAGE_SIZE);
	}
	if (!err && b->n)
		err = cr_batch_flush(s, b);
	cr_batch_release(b);
	kfree(b);
	return err;
}

static int cr_obj_write(struct cr_stream *s, struct file *f, u32 id)
{
	struct inode *inode = file_inode(f);
	struct cr_img_obj o = {
		.obj_id = id,
		.kind = shmem_mapping(f->f_mapping) ? CR_OBJ_SHMEM : CR_OBJ_FILE,
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
	err = cr_write_rec(s, CR_REC_OBJ, &o, sizeof(o));
	if (!err)
		err = cr_obj_save_data(s, r, o.size);
	fput(r);
	return err;
}

/*
 * f's object id, writing the object when this checkpoint meets its inode
 * for the first time.  Sections are written one at a time: no lock.
 */
int cr_save_obj(struct cr_stream *s, struct cr_shared *sh, struct file *f,
		u32 *id, struct cr_status *st)
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
		err = cr_obj_write(s, f, *id);
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
	return cr_save_obj(s, sh, f, &e->obj_id, st);
}

/* ---- restart ---- */

static int cr_obj_fill(struct cr_stream *s, struct file *f, loff_t size,
		       u8 *data, u64 *addrs)
{
	int n, i, err = 0;

	while (!err && cr_peek_type(s) == CR_REC_PAGES) {
		n = cr_read_pages(s, 0, PAGE_ALIGN(size), data, addrs);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			loff_t pos = addrs[i];
			size_t len = min_t(loff_t, PAGE_SIZE, size - pos);
			ssize_t w = kernel_write(f, data + i * PAGE_SIZE, len,
						 &pos);

			if (w != len) {
				err = w < 0 ? w : -EIO;
				break;
			}
		}
	}
	return err;
}

static int cr_check_obj_rec(const struct cr_img_obj *o, struct cr_objs *os)
{
	if (o->obj_id != os->n + 1 || o->obj_id > CR_MAX_OBJS ||
	    (o->kind != CR_OBJ_SHMEM && o->kind != CR_OBJ_FILE) ||
	    o->size > CR_OBJ_MAX_SIZE || o->mode & ~0777 ||
	    o->seals & ~CR_SEALS)
		return -EBADMSG;
	return 0;
}

static int cr_restore_obj(struct cr_stream *s, struct cr_objs *os,
			  u8 *data, u64 *addrs)
{
	struct cr_img_obj o;
	struct file *f;
	int err;

	err = cr_read_fixed(s, CR_REC_OBJ, &o, sizeof(o));
	if (!err)
		err = cr_check_obj_rec(&o, os);
	if (err)
		return err;
	/* Charged page by page, as a sparse object should be. */
	f = shmem_file_setup("blcr", o.size, VM_NORESERVE);
	if (IS_ERR(f))
		return PTR_ERR(f);
	file_inode(f)->i_mode = S_IFREG | o.mode;
	err = cr_obj_fill(s, f, o.size, data, addrs);
	if (!err)
		err = xa_err(xa_store(&os->seals, o.obj_id,
				      xa_mk_value(o.seals), GFP_KERNEL));
	if (!err)
		err = xa_err(xa_store(&os->objs, o.obj_id, f, GFP_KERNEL));
	if (err) {
		fput(f);
		return err;
	}
	os->n++;
	return 0;
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
		err = cr_restore_obj(s, cr_objs(sh), data, addrs);
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
	if (!cr_obj_needed(f))
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
