/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared inside the module. */
#ifndef CR_INTERNAL_H
#define CR_INTERNAL_H

#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/task_work.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/xxhash.h>

#include "cr_abi.h"
#include "cr_base.h"
#include "cr_ctrl.h"
#include "cr_image.h"
#include "cr_io.h"
#include "cr_pageio.h"
#include "vmadump.h"

#define CR_DEFAULT_TIMEOUT_MS	10000

/* cr_chkpt.c */
struct cr_chkpt_req;
long cr_chkpt_request(struct file *ctrl, void __user *uarg,
		      struct cr_chkpt_req **reqp, struct cr_req **basep);
void cr_chkpt_cancel(struct cr_chkpt_req *req);
const char *cr_chkpt_warnings(struct cr_chkpt_req *req);

/* cr_rstrt.c */
struct cr_rstrt_req;
long cr_rstrt_request(struct file *ctrl, void __user *uarg,
		      struct cr_rstrt_req **reqp, struct cr_req **basep);
long cr_rstrt_procs(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_child(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_abort(struct cr_rstrt_req *req, int err);
long cr_rstrt_relocate(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_next_pid(struct cr_rstrt_req *req, unsigned long pid);
long cr_rstrt_signal(struct cr_rstrt_req *req, unsigned long sig);
long cr_rstrt_pipes(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_events(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_socks(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_ptimers(struct cr_rstrt_req *req, void __user *uarg);

/* cr_hand.c: processes with libcr callbacks. */
struct cr_hand;
long cr_hand_wait(struct cr_hand **hp);
long cr_hand_chkpt(struct cr_hand **hp, bool restored, unsigned long flags);
long cr_hand_info(struct cr_hand *h, void __user *uarg);
long cr_hand_forward(struct cr_hand *h, void __user *uarg);
void cr_hand_release(struct cr_hand *h);
bool cr_restoring(struct task_struct *t);

int cr_ctrl_init(void);
void cr_ctrl_exit(void);

/* Per-resource save and restore, each in its own file. */
int cr_save_proc(struct cr_stream *s, bool stopped, struct cr_status *st);
int cr_restore_proc(struct cr_stream *s, struct cr_img_creds **credp,
		    u32 *flags, struct cr_status *st);
void cr_load_dumpable(u32 flags);
int cr_restore_creds(struct cr_img_creds *c, struct cr_status *st);
int cr_save_signals(struct cr_stream *s, struct cr_status *st);
int cr_restore_signals(struct cr_stream *s, struct cr_status *st);
void cr_save_itimer_real(struct cr_img_sighand *h);
void cr_load_itimer_real(const struct cr_img_sighand *h);
void cr_save_cpu_itimers(struct cr_img_proc_ent *e);
int cr_save_sigqueue(struct cr_stream *s, struct sigpending *p);
struct cr_img_sigqueue *cr_read_sigqueue(struct cr_stream *s);
void cr_raise_pending(const struct cr_img_sigqueue *q, u64 set, bool group);

/*
 * What the processes of one checkpoint or restart share: the open files
 * (numbered by file id, cr_files.c), the pipes (cr_pipes.c), the files
 * saved by value (cr_objs.c) and the event files (cr_evfiles.c).
 */
struct cr_pipe;
struct cr_sock;
struct cr_event;
struct cr_reloc;
struct cr_shared {
	struct mutex lock;	/* checkpoint: seen and pipes, while noting */
	struct xarray seen;	/* checkpoint: pipe files counted */
	struct xarray ids;	/* checkpoint: file -> file id */
	struct xarray files;	/* restart: file id -> file */
	unsigned int nfiles;	/* file ids given out */
	struct cr_pipe *pipes;
	unsigned int npipes, pcap;
	bool pipes_ready;	/* restart: the restarter's pipes are filled */
	struct cr_event *events;	/* cr_evfiles.c */
	unsigned int nevents, ecap;
	struct cr_img_watch *watches;	/* restart: every epoll's */
	char **wpaths;		/* restart: the inotify watches' paths */
	unsigned int nwatches;
	bool events_ready;	/* restart: the restarter's event files came */
	struct cr_sock *socks;	/* cr_socks.c */
	unsigned int nsocks, scap;
	bool socks_ready;	/* restart: the restarter's sockets are filled */
	struct cr_img_ptimers *ptimers;	/* restart: cr_ptimers.c */
	/* checkpoint: inode -> object id (values); restart: id -> file */
	struct xarray objs;
	struct xarray seals;	/* restart: object id -> its F_SEAL_* */
	unsigned int nobjs;
	u32 save;		/* checkpoint: CR_ABI_CHKPT_SAVE_* */
	bool outside_closed;	/* checkpoint: CR_ABI_CHKPT_SOCK_CLOSED */
	struct file *out;	/* checkpoint: the context file */
	struct cr_reloc *reloc;	/* restart: --relocate, or NULL */
};

/* cr_reloc.c */
struct cr_reloc *cr_reloc_copy(void __user *uarg, struct cr_status *st);
void cr_reloc_free(struct cr_reloc *r);
char *cr_relocate(const struct cr_reloc *r, const char *path,
		  struct cr_status *st);

void cr_shared_init(struct cr_shared *sh);
void cr_shared_release(struct cr_shared *sh);
int cr_check_files(struct cr_shared *sh, struct cr_status *st);
int cr_save_files(struct cr_stream *s, struct cr_shared *sh,
		  struct cr_status *st);
int cr_restore_files(struct cr_stream *s, struct cr_shared *sh,
		     struct cr_status *st);
int cr_note_pipe(struct cr_shared *sh, struct file *f);
int cr_snapshot_pipes(struct cr_shared *sh, struct cr_status *st);
int cr_save_pipes(struct cr_stream *s, struct cr_shared *sh);
int cr_save_pipe_data(struct cr_stream *s, struct cr_shared *sh);
void cr_pipe_fd(struct cr_shared *sh, struct file *f, struct cr_img_fd *e);
int cr_pipe_watch(struct cr_shared *sh, struct file *f,
		  struct cr_img_watch *w);
int cr_read_pipes(struct cr_stream *s, struct cr_shared *sh,
		  struct cr_status *st);
int cr_relocate_fifos(struct cr_shared *sh, struct cr_status *st);
size_t cr_pipes_table_len(struct cr_shared *sh);
size_t cr_pipes_table(struct cr_shared *sh, char *buf, size_t off);
int cr_fill_pipes(struct cr_stream *s, struct cr_shared *sh, const s32 *fds,
		  struct cr_status *st);
struct file *cr_pipe_file(struct cr_shared *sh, const struct cr_img_fd *e);
void cr_release_pipes(struct cr_shared *sh);

bool cr_is_unix(struct file *f);
int cr_note_sock(struct cr_shared *sh, struct file *f, unsigned int fd,
		 struct cr_status *st);
int cr_snapshot_socks(struct cr_shared *sh, struct cr_status *st);
int cr_save_socks(struct cr_stream *s, struct cr_shared *sh);
int cr_save_sock_data(struct cr_stream *s, struct cr_shared *sh);
void cr_sock_fd(struct cr_shared *sh, struct file *f, struct cr_img_fd *e);
int cr_sock_watch(struct cr_shared *sh, struct file *f,
		  struct cr_img_watch *w);
int cr_read_socks(struct cr_stream *s, struct cr_shared *sh,
		  struct cr_status *st);
size_t cr_socks_table_len(struct cr_shared *sh);
size_t cr_socks_table(struct cr_shared *sh, char *buf, size_t off);
int cr_fill_socks(struct cr_stream *s, struct cr_shared *sh, const s32 *fds,
		  struct cr_status *st);
struct file *cr_sock_file(struct cr_shared *sh, const struct cr_img_fd *e);
void cr_release_socks(struct cr_shared *sh);

int cr_read_ptimers(struct cr_stream *s, struct cr_shared *sh,
		    struct cr_status *st);
long cr_copy_ptimers(struct cr_shared *sh, void __user *uarg);
int cr_load_ptimers(struct cr_shared *sh, pid_t pid, struct cr_status *st);

int cr_event_kind(struct file *f);
int cr_note_event(struct cr_shared *sh, struct file *f, unsigned int fd,
		  struct cr_status *st);
/* An epoll's registration, or an inotify watch (cr_inotify.c). */
struct cr_watch {
	struct file *file;		/* checkpoint: the epoll's target */
	char *path;			/* checkpoint: the inotify's file */
	struct cr_img_watch img;
};

struct cr_event {
	/* checkpoint: the instance; restart: the one cr_restart made */
	struct file *file;
	struct cr_img_event img;
	struct cr_watch *watch;		/* checkpoint: an epoll's, inotify's */
	pid_t pid;			/* checkpoint: for messages */
	unsigned int fd;
};

typedef int (*cr_line_fn)(const char *p, struct cr_event *ev,
			  struct cr_watch *w, struct cr_status *st);

int cr_note_lines(struct cr_event *ev, const char *key, cr_line_fn note,
		  struct cr_status *st);
int cr_note_inotify(struct cr_event *ev, struct cr_status *st);
bool cr_inotify_watch_ok(const struct cr_img_watch *w, s32 prev);
int cr_relocate_inotify(struct cr_shared *sh, struct cr_status *st);
int cr_save_events(struct cr_stream *s, struct cr_shared *sh,
		   struct cr_status *st);
int cr_event_fd(struct cr_shared *sh, struct file *f, struct cr_img_fd *e);
int cr_read_events(struct cr_stream *s, struct cr_shared *sh,
		   struct cr_status *st);
int cr_check_watches(struct cr_shared *sh, struct cr_status *st);
size_t cr_events_table_len(struct cr_shared *sh);
size_t cr_events_table(struct cr_shared *sh, char *buf, size_t off);
int cr_take_events(struct cr_shared *sh, const s32 *fds,
		   struct cr_status *st);
struct file *cr_event_file(struct cr_shared *sh, const struct cr_img_fd *e);
void cr_release_events(struct cr_shared *sh);

bool cr_obj_needed(struct file *f);
bool cr_obj_readable(struct file *f);
int cr_save_obj(struct cr_stream *s, struct cr_shared *sh, struct file *f,
		u32 *id, struct cr_status *st);
int cr_restore_objs(struct cr_stream *s, struct cr_shared *sh,
		    struct cr_status *st);
struct file *cr_obj_file(struct cr_shared *sh, u32 id);
int cr_seal_objs(struct cr_shared *sh, struct cr_status *st);

/* cr_sched.c */
void cr_save_sched(struct cr_img_sched *s);
int cr_check_sched(const struct cr_img_sched *s);
int cr_load_sched(const struct cr_img_sched *s, struct cr_status *st);

#endif /* CR_INTERNAL_H */
