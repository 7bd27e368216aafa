/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kinds of resource a checkpoint's processes share, each in a file of
 * its own: pipes and FIFOs (cr_pipes.c), Unix sockets (cr_socks.c), TCP
 * and UDP sockets (cr_inet.c), pseudo-terminals (cr_ptys.c), netlink
 * sockets (cr_nlsocks.c), event files (cr_evfiles.c, with cr_inotify.c),
 * files saved by value (cr_objs.c) and POSIX timers (cr_ptimers.c).  Each
 * exports one struct cr_kind_ops; cr_kinds[] lists them, and the generic
 * code (cr_files.c, cr_chkpt.c, cr_rstrt.c) calls their hooks in that
 * order, skipping the NULL ones.  A kind's state is a struct private to its
 * file, made by its alloc hook, in sh->kind[its CR_KIND_*].
 *
 * Included by cr_internal.h, for struct cr_shared.
 */
#ifndef CR_KIND_H
#define CR_KIND_H

#include <linux/types.h>

struct cr_img_fd;
struct cr_img_proc_ent;
struct cr_img_watch;
struct cr_rstrt_procs_args;
struct cr_shared;
struct cr_status;
struct cr_stream;
struct file;

/*
 * Every kind, in the order of their records in the context file: this
 * list makes enum cr_kind_id, the ops declarations and cr_kinds[].
 */
#define CR_KINDS(K)			\
	K(PTIMERS, cr_ptimer_ops)	\
	K(EVENTS, cr_evfile_ops)	\
	K(PIPES, cr_pipe_ops)		\
	K(SOCKS, cr_sock_ops)		\
	K(INET, cr_inet_ops)		\
	K(PTYS, cr_pty_ops)		\
	K(NLSOCKS, cr_nlsock_ops)	\
	K(OBJS, cr_obj_ops)

#define CR_KIND_ID(id, ops)	CR_KIND_##id,
enum cr_kind_id { CR_KINDS(CR_KIND_ID) CR_NKINDS };
#undef CR_KIND_ID

/* A kind's place in struct cr_shared. */
struct cr_kind_slot {
	void *state;		/* the kind's own, from its alloc hook */
	bool ready;		/* restart: the restarter's files came */
};

/* restart: the table's live processes, for the kinds' checks. */
struct cr_kind_procs {
	const struct cr_img_proc_ent *ent;	/* n entries, in table order */
	const s32 *tids;	/* their thread ids, process after process */
	unsigned int n;
};

/*
 * CR_OP_RSTRT_PIPES, _SOCKS, _INET, _PTYS, _NLSOCKS and _EVENTS all take
 * this layout: each kind
 * with a take hook checks its own struct against it (CR_HANDOVER_ARGS).
 */
struct cr_handover_args {
	__u64 fds;
	__u32 n;
	__u32 pad;
};

#define CR_HANDOVER_ARGS(type, n_field)					    \
	static_assert(sizeof(type) == sizeof(struct cr_handover_args) &&   \
		      offsetof(type, fds) ==				    \
		      offsetof(struct cr_handover_args, fds) &&		    \
		      offsetof(type, n_field) ==			    \
		      offsetof(struct cr_handover_args, n) &&		    \
		      offsetof(type, pad) ==				    \
		      offsetof(struct cr_handover_args, pad))

struct cr_kind_ops {
	const char *name;	/* plural, for messages: "pipes" */
	u32 fd_kind;		/* CR_FD_* of its descriptors, or 0 */
	u32 watch_kinds;	/* BIT(CR_WATCH_*): epoll targets it indexes */
	/* what a watch's index names per entry: 0 or 1, or 2 (ends) */
	unsigned int watch_ends;
	/* the CR_OP_RSTRT_* of its handover (take or copy_out), or 0 */
	unsigned int handover_op;
	unsigned int fds_per;	/* take: the restarter's fds per entry */

	/* Its state for one request, zeroed, or NULL; and what frees it. */
	void *(*alloc)(void);
	void (*release)(void *state);

	/* ---- checkpoint ---- */
	/* fd_kind when f is of this kind, 0 when not, -errno: refused */
	int (*classify)(struct file *f);
	/*
	 * Each process at the barrier, concurrently (they take sh->lock):
	 * each of its fds of the kind, then the process itself.
	 */
	int (*note)(struct cr_shared *sh, struct file *f, unsigned int fd,
		    struct cr_status *st);
	int (*note_proc)(struct cr_shared *sh, unsigned int index,
			 struct cr_status *st);
	/* Every process stopped and noted, before anything is written. */
	int (*snapshot)(struct cr_shared *sh, struct cr_status *st);
	/* Its table, after the process table. */
	int (*save)(struct cr_stream *s, struct cr_shared *sh,
		    struct cr_status *st);
	/* Its data, after every kind's table; take reads it back. */
	int (*save_data)(struct cr_stream *s, struct cr_shared *sh);
	/* Fills the FILES entry e of a descriptor of the kind. */
	int (*save_fd)(struct cr_stream *s, struct cr_shared *sh,
		       struct file *f, struct cr_img_fd *e,
		       struct cr_status *st);
	/* An epoll's watch on f, of the kind by classify: w's kind, index */
	int (*watch)(struct cr_shared *sh, struct file *f,
		     struct cr_img_watch *w);
	/* Written and about to be killed (--kill): by each dumper. */
	int (*before_kill)(struct cr_shared *sh);

	/* ---- restart ---- */
	/* Its table, read with the process table, checked against it. */
	int (*read)(struct cr_stream *s, struct cr_shared *sh,
		    struct cr_status *st);
	int (*check)(struct cr_shared *sh, const struct cr_kind_procs *procs,
		     struct cr_status *st);
	int (*relocate)(struct cr_shared *sh, struct cr_status *st);
	u32 (*count)(struct cr_shared *sh);	/* entries of its table */
	/* What the restarter makes, into CR_OP_RSTRT_PROCS's buffer. */
	size_t (*table_len)(struct cr_shared *sh);
	size_t (*table)(struct cr_shared *sh, char *buf, size_t off,
			struct cr_rstrt_procs_args *a);
	/* Its handover: count() entries of fds_per fds, stream locked; */
	int (*take)(struct cr_stream *s, struct cr_shared *sh, const s32 *fds,
		    struct cr_status *st);
	/* or, without take, what the restarter makes itself. */
	long (*copy_out)(struct cr_shared *sh, void __user *uarg);
	/* Records save_fd wrote ahead of the FILES record. */
	int (*read_ahead)(struct cr_stream *s, struct cr_shared *sh,
			  struct cr_status *st);
	/* A FILES entry of the kind, checked; NULL: it has no path. */
	bool (*fd_ok)(struct cr_shared *sh, const struct cr_img_fd *e);
	struct file *(*open_fd)(struct cr_shared *sh,
				const struct cr_img_fd *e,
				struct cr_status *st);
	/* In each restarting process, once its signal state is back. */
	int (*load_proc)(struct cr_shared *sh, pid_t pid,
			 struct cr_status *st);
	/* Once every process is rebuilt, by the last. */
	int (*finish)(struct cr_shared *sh, struct cr_status *st);
};

#define CR_KIND_OPS(id, ops)	extern const struct cr_kind_ops ops;
CR_KINDS(CR_KIND_OPS)
#undef CR_KIND_OPS

extern const struct cr_kind_ops *const cr_kinds[CR_NKINDS];

/*
 * Calls the hook of every kind that has one, in table order, with the
 * same arguments, until one fails: its -errno, or 0.
 */
#define cr_kinds_call(hook, ...)					\
({									\
	unsigned int __i;						\
	int __err = 0;							\
									\
	for (__i = 0; !__err && __i < CR_NKINDS; __i++)			\
		if (cr_kinds[__i]->hook)				\
			__err = cr_kinds[__i]->hook(__VA_ARGS__);	\
	__err;								\
})

/* cr_kind.c: what the generic code asks of the kinds. */
int cr_kinds_alloc(struct cr_shared *sh);
void cr_kinds_release(struct cr_shared *sh);
const struct cr_kind_ops *cr_kind_of_fd(u32 fd_kind, unsigned int *id);
const struct cr_kind_ops *cr_kind_of_op(unsigned int op, unsigned int *id);
int cr_kind_classify(struct file *f);
int cr_kind_watch(struct cr_shared *sh, struct file *f,
		  struct cr_img_watch *w);
bool cr_kind_watch_ok(struct cr_shared *sh, const struct cr_img_watch *w);
bool cr_kind_watch_known(u32 watch_kind);
u32 cr_kind_count(struct cr_shared *sh, unsigned int id);

/* cr_objs.c: files saved by value, also what memory mappings name. */
bool cr_obj_needed(struct file *f);
bool cr_obj_named_tmpfs(struct file *f);
int cr_save_obj(struct cr_stream *s, struct cr_shared *sh, struct file *f,
		u32 kind, u32 *id, struct cr_status *st);
int cr_restore_objs(struct cr_stream *s, struct cr_shared *sh,
		    struct cr_status *st);
struct file *cr_obj_file(struct cr_shared *sh, u32 id);
u32 cr_nobjs(struct cr_shared *sh);

#endif /* CR_KIND_H */
