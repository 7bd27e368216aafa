/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cr_restart's parts. */
#ifndef CR_RSTRT_H
#define CR_RSTRT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <blcr/cr_abi.h>
#include "cr_rstrt_omit.h"

#include <sys/types.h>

/*
 * Which saved process groups come back: none (every process in
 * cr_restart's), the groups the restarted processes made themselves (the
 * default), or all of them.
 */
enum cr_pgids { CR_PGIDS_OURS, CR_PGIDS_INNER, CR_PGIDS_ALL };

/* What the module said to create: CR_OP_RSTRT_PROCS's output. */
struct cr_plan {
	int ctrl;
	const char *buf;
	const struct cr_rstrt_proc *procs;
	unsigned int nprocs;
	const struct cr_rstrt_pipe *pipes;
	unsigned int npipes;
	const struct cr_rstrt_sock *socks;
	unsigned int nsocks;
	const struct cr_rstrt_inet *inets;
	unsigned int ninets;
	const struct cr_rstrt_pty *ptys;
	unsigned int nptys;
	const struct cr_rstrt_nlsock *nlsocks;
	unsigned int nnlsocks;
	const struct cr_rstrt_event *events;
	unsigned int nevents;
	const struct cr_rstrt_watch *watches;	/* after the events */
	const struct cr_rstrt_ptimer *ptimers;
	unsigned int nptimers;
	bool restore_pid, restore_sid;
	enum cr_pgids pgids;
	pid_t own_pgid, own_sid;	/* cr_restart's */
	/* Without CAP_CHECKPOINT_RESTORE: pids through the module, one
	 * fork at a time among all the restart's processes. */
	pthread_mutex_t *pid_lock;
	/* --lazy: each process sends its userfaultfd on sock[1] (or -1). */
	int uffd_sock[2];
};

/* cr_rstrt_uffd.c: the processes' userfaultfds, for --lazy. */
struct cr_uffds {
	unsigned int n;		/* processes that sent theirs */
	unsigned int size;	/* the table's */
	int *fd;		/* by table index, -1 for none */
	pid_t *pid;		/* the process's pid now */
};
int cr_uffd_open(struct cr_plan *plan);
int cr_uffd_send(const struct cr_plan *plan, unsigned int index);
int cr_uffd_collect(struct cr_plan *plan, struct cr_uffds *u);
void cr_uffd_free(struct cr_uffds *u);

bool cr_is_root(const struct cr_plan *plan, unsigned int index);
pid_t cr_spawn(const struct cr_plan *plan, unsigned int index);
int cr_pid_lock_init(struct cr_plan *plan);
/*
 * The descriptor the module reads: img, or for an incremental image a
 * pipe of its merged stream (file names it, for finding its parents);
 * -errno with why on failure.
 */
int cr_rstrt_chain(int img, const char *file, const char *parent_dir,
		   char *why, size_t size);
void cr_rstrt_chain_forget(void);
/* Whether the merge's thread is still writing. */
bool cr_rstrt_chain_running(void);
/* The fds handed over for pipes and sockets, which epolls may watch. */
struct cr_handed {
	int *pipe_fds;		/* read and write end of each pipe */
	int *sock_fds;
	int *inet_fds;
	int *pty_fds;		/* master and slave of each pty */
	int *nlsock_fds;
	int *closed_peers;	/* the other ends of sockets whose peer was */
	unsigned int nclosed;	/* closed, to close once handed over */
};

int cr_make_pipes(const struct cr_plan *plan, int *fds);
int cr_make_socks(const struct cr_plan *plan, struct cr_handed *h);
int cr_make_inets(const struct cr_plan *plan, int *fds);
int cr_make_ptys(const struct cr_plan *plan, int *fds);
bool cr_pty_session(const struct cr_plan *plan, pid_t pid);
int cr_make_nlsocks(const struct cr_plan *plan, struct cr_handed *h);
int cr_make_events(const struct cr_plan *plan, const struct cr_handed *h);
int cr_make_inotify(const struct cr_plan *plan,
		    const struct cr_rstrt_event *ev,
		    const struct cr_rstrt_watch *w);
void cr_events_release(const struct cr_plan *plan);
int cr_own_watches(const struct cr_plan *plan, unsigned int index);
int cr_get_ptimers(struct cr_plan *plan);
int cr_make_ptimers(const struct cr_plan *plan, unsigned int index,
		    const pid_t *tids);

#endif /* CR_RSTRT_H */
