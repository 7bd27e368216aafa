/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The interface between the blcr module and userspace: ioctls on
 * /proc/checkpoint/ctrl.  Shared verbatim by the module and libcr, so it
 * holds only fixed-width types.  Incompatible changes bump CR_ABI_MAJOR;
 * additions bump CR_ABI_MINOR.  Installed as <blcr/cr_abi.h>; where
 * libcr.h has a name of its own (scopes, request flags) the ABI's carries
 * CR_ABI_, so a program may include both.
 */
#ifndef CR_ABI_H
#define CR_ABI_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define CR_CTRL_FILE		"/proc/checkpoint/ctrl"

#define CR_ABI_MAJOR		2
#define CR_ABI_MINOR		9

#define CR_IOC_MAGIC		0xB1

#define CR_MODULE_VERSION_LEN	32

struct cr_version_args {
	__u32 abi_major;
	__u32 abi_minor;
	char module_version[CR_MODULE_VERSION_LEN];
};

#define CR_OP_VERSION	_IOR(CR_IOC_MAGIC, 0x00, struct cr_version_args)

/* Scopes, as BLCR numbered them. */
enum cr_abi_scope {
	CR_ABI_SCOPE_PROC = 1,
	CR_ABI_SCOPE_PGRP = 2,
	CR_ABI_SCOPE_SESS = 3,
	CR_ABI_SCOPE_TREE = 4,
};

/*
 * One request per ctrl fd.  CR_OP_CHKPT_REQ starts a checkpoint and
 * returns; the fd polls readable when it is done; CR_OP_CHKPT_REAP returns
 * its result (0 or -errno; -EAGAIN while it runs); CR_OP_LOG copies the
 * module's message about it.
 */
struct cr_chkpt_args {
	__s32 target;		/* pid (or pgid, sid) */
	__u32 scope;		/* enum cr_abi_scope */
	__s32 fd;		/* destination, open for writing */
	__u32 signal;		/* sent to the targets after success, or 0 */
	__u32 timeout_ms;	/* limit of the whole request; 0: none */
	__u32 flags;		/* CR_ABI_CHKPT_* */
	__u64 dest;		/* user pointer: the file's name, or 0 */
};

/*
 * dest (since 2.3) names the file for the targets' callbacks
 * (CR_OP_HAND_INFO) instead of its own path: cr_checkpoint's final name
 * while it writes a temporary file.  A NUL-terminated string of at most
 * CR_PATH_MAX bytes.
 */

/*
 * A target being traced (a thread of it) fails the request with
 * CR_ABI_EPTRACED, one tracing another task with CR_ABI_EPTRACER, unless:
 * PTRACED_ALLOW, a traced one is checkpointed (its tracer must let it
 * run); PTRACED_SKIP, PTRACER_SKIP, it is left out, and under
 * CR_ABI_SCOPE_TREE its descendants too (ESRCH if that leaves none).
 * BLCR's values; the two PTRACED ones exclude each other.
 */
#define CR_ABI_CHKPT_PTRACED_ALLOW	0x0002
#define CR_ABI_CHKPT_PTRACED_SKIP	0x0004
#define CR_ABI_CHKPT_PTRACER_SKIP	0x0008

/* Errors beyond errno.h's, libcr.h's CR_EPTRACED and CR_EPTRACER. */
#define CR_ABI_EPTRACED		2360
#define CR_ABI_EPTRACER		2361

/* Mapped files saved by value rather than by reference (BLCR's values). */
#define CR_ABI_CHKPT_SAVE_EXE		0x0200	/* the executable */
#define CR_ABI_CHKPT_SAVE_PRIVATE	0x0400	/* files mapped MAP_PRIVATE */
#define CR_ABI_CHKPT_SAVE_SHARED	0x0800	/* files mapped MAP_SHARED */
#define CR_ABI_CHKPT_SAVE_ALL		(CR_ABI_CHKPT_SAVE_EXE | \
					 CR_ABI_CHKPT_SAVE_PRIVATE | \
					 CR_ABI_CHKPT_SAVE_SHARED)
/*
 * The file is synced before the checkpoint counts as done: a write error
 * that shows only then (EIO) fails it before the targets get the signal.
 */
#define CR_ABI_CHKPT_SYNC	0x10000
/*
 * A Unix socket whose peer is outside the checkpoint comes back with its
 * peer closed (what it had received, then end-of-file), as BLCR did,
 * instead of failing the checkpoint.
 */
#define CR_ABI_CHKPT_SOCK_CLOSED	0x20000
/*
 * A TCP connection whose peer is outside the checkpoint comes back reset
 * by its peer (ECONNRESET, then end-of-file) instead of failing it.
 */
#define CR_ABI_CHKPT_TCP_CLOSE		0x80000
/*
 * Page data is compressed (zstd, record by record, include/blcr/
 * cr_image.h), where it pays.  EOPNOTSUPP on a kernel built without
 * zstd's compressor.
 */
#define CR_ABI_CHKPT_COMPRESS		0x100000
/*
 * (2.6) Memory pages unchanged since the targets' last incremental
 * checkpoint are referred to (PAGES_PARENT), that image named in a PARENT
 * record; a process the module has no such image of is saved whole.
 */
#define CR_ABI_CHKPT_INCREMENTAL	0x200000

/*
 * The requester may be in its own scope: it is stopped and saved like
 * every target (its calling thread on its way out of CR_OP_CHKPT_REQ),
 * unless PROHIBIT_SELF (the request fails with EDEADLK, BLCR's flag) or
 * OMIT_REQUESTER (cr_checkpoint's case): then it is left out, and where
 * its parent is saved it comes back as that parent's child that exited
 * with status 0, the status it has when the request succeeds.
 */
#define CR_ABI_CHKPT_PROHIBIT_SELF	0x0001
#define CR_ABI_CHKPT_OMIT_REQUESTER	0x40000

/*
 * A process that checkpointed itself keeps its request's fd in the
 * context file (CR_FD_CTRL); restarted, CR_OP_CHKPT_REAP on it returns 1
 * (BLCR's CR_ERESTARTED) instead of the 0 the continuing process gets,
 * and the fd polls readable.  A request that was over when saved reaps
 * its result again.
 */
#define CR_OP_CHKPT_REQ		_IOW(CR_IOC_MAGIC, 0x01, struct cr_chkpt_args)
#define CR_OP_CHKPT_REAP	_IO(CR_IOC_MAGIC, 0x02)

/*
 * CR_OP_CHKPT_LIVE (since 2.8), the stop of a live checkpoint
 * (cr_checkpoint --live).  The requester has watched the processes in
 * procs (CR_OP_LIVE_WATCH, whose fd it passes as watch), then cleared
 * their soft-dirty bits (/proc/PID/clear_refs, 4), then written their
 * memory with them running, as a pre-copy image of identity ident, to the
 * fd it passes in req (include/blcr/cr_image.h, PRECOPY).  The request is
 * req's, except that the image has a PARENT with an empty path (the
 * pre-copy before it in the stream), and a page of a process in procs
 * (same pid, same start time, same address space as when watched) that is
 * worth saving but not soft-dirty since is referred to (PAGES_PARENT)
 * rather than written.  A process whose page tables may have moved since
 * it was watched (an unmap or mremap of 2 MiB or more: moved tables keep
 * their clean bits) is saved whole.  EINVAL with CR_ABI_CHKPT_INCREMENTAL
 * or a watch that is not one; EOPNOTSUPP on a kernel without soft-dirty
 * bits or mmu notifiers.
 */
struct cr_live_proc {
	__s32 pid;
	__u32 pad;
	__u64 start;		/* /proc/PID/stat's starttime, clock ticks */
};

struct cr_chkpt_live_args {
	struct cr_chkpt_args req;
	__u64 ident;		/* the pre-copy's identity */
	__u64 time_ns;		/* its HEADER's */
	__u64 procs;		/* user pointer: nprocs struct cr_live_proc */
	__u32 nprocs;		/* at most CR_LIVE_MAX_PROCS */
	__s32 watch;		/* CR_OP_LIVE_WATCH's fd (2.9; 2.8: pad) */
};

/*
 * CR_OP_LIVE_WATCH (since 2.9): before clearing the soft-dirty bits of
 * procs (pid and start time each), the requester has the module note
 * every move of their page tables from then on.  Returns a new fd that
 * holds the watch until closed (close-on-exec).  A process gone, reused
 * or not the caller's to checkpoint is left out (and saved whole).
 */
struct cr_live_watch_args {
	__u64 procs;		/* user pointer: nprocs struct cr_live_proc */
	__u32 nprocs;		/* at most CR_LIVE_MAX_PROCS */
	__u32 pad;
};

#define CR_LIVE_MAX_PROCS	65536
#define CR_OP_CHKPT_LIVE	_IOW(CR_IOC_MAGIC, 0x25, struct cr_chkpt_live_args)
#define CR_OP_LIVE_WATCH	_IOW(CR_IOC_MAGIC, 0x26, struct cr_live_watch_args)

/*
 * CR_OP_LIVE_PAGES (since 2.9), on a watch's fd: the pre-copy's pages,
 * written by the module, one copy.  A PAGES record of the pages at addrs
 * of process pid (watched, the same address space, still the caller's
 * to checkpoint) goes to fd, at position pos of an image whose identity
 * so far is ident; both come back updated, with saved, the pages the
 * record holds (0: none was written).  Pages that cannot be read (gone
 * meanwhile) are left out, and zero pages with CR_LIVE_SKIP_ZERO.
 * ESRCH: pid is not one the watch may read.
 */
struct cr_live_pages_args {
	__u64 addrs;		/* user pointer: npages page addresses */
	__u64 pos;
	__u64 ident;
	__s32 pid;
	__s32 fd;
	__u32 npages;		/* 1 to CR_LIVE_PAGES_MAX */
	__u32 flags;		/* CR_LIVE_SKIP_ZERO */
	__u32 saved;		/* out */
	__u32 pad;
};

#define CR_LIVE_PAGES_MAX	256	/* cr_image.h's CR_PAGES_MAX */
#define CR_LIVE_SKIP_ZERO	0x1
#define CR_OP_LIVE_PAGES	_IOWR(CR_IOC_MAGIC, 0x27, struct cr_live_pages_args)

struct cr_log_args {
	__u64 buf;		/* user pointer */
	__u32 len;
	__u32 kind;		/* CR_LOG_* */
};

/*
 * CR_LOG_ERROR: why the request failed (or ""); CR_LOG_WARNING: what it
 * did not do though it went on, a line each (cr_checkpoint --kmsg-*).
 */
#define CR_LOG_ERROR		0
#define CR_LOG_WARNING		1

/* Returns the message length including its NUL; copies up to len. */
#define CR_OP_LOG		_IOW(CR_IOC_MAGIC, 0x03, struct cr_log_args)

/*
 * Restart: CR_OP_RSTRT_REQ reads and checks the file's header and process
 * table; CR_OP_RSTRT_PROCS copies the table out (struct cr_rstrt_proc
 * entries followed by every process's thread ids); the restarter creates
 * the pipes (CR_OP_RSTRT_PIPES) and the event files (CR_OP_RSTRT_EVENTS),
 * then the processes and threads and their POSIX timers
 * (CR_OP_RSTRT_PTIMERS), and
 * each thread calls CR_OP_RSTRT_CHILD, which returns into the restored
 * context or fails with -errno.
 */
struct cr_rstrt_args {
	__s32 fd;		/* context file, open for reading */
	__u32 flags;		/* CR_ABI_RSTRT_* */
};

#define CR_ABI_RSTRT_RESTORE_PID	0x1
/*
 * Since 2.7 (cr_restart --lazy): the pages of private anonymous mappings
 * (CR_VMA_ANON) are left for the restarter to fill (it registers them
 * with each process's userfaultfd), and the processes, once rebuilt,
 * wait for CR_OP_RSTRT_LAZY's CR_RSTRT_LAZY_GO.  Only from a regular
 * file, read again at offsets.
 */
#define CR_ABI_RSTRT_LAZY		0x2

/*
 * CR_OP_RSTRT_RELOCATE (cr_restart --relocate), once, after
 * CR_OP_RSTRT_REQ and before CR_OP_RSTRT_PROCS: a path of the context
 * file (an open or mapped file, the executable, a FIFO, a cwd) that is
 * oldpath or lies under it, by whole components, is opened at newpath
 * plus the rest; the first matching pair wins.  Both paths are absolute,
 * with no trailing '/' (but "/" itself), at most 4096 bytes with the NUL.
 */
#define CR_RSTRT_MAX_RELOC	16

struct cr_rstrt_reloc {
	__u64 oldpath;		/* user pointers to the strings */
	__u64 newpath;
};

struct cr_rstrt_reloc_args {
	__u64 pairs;		/* user pointer to npairs cr_rstrt_reloc */
	__u32 npairs;		/* 1..CR_RSTRT_MAX_RELOC */
	__u32 pad;
};

/* CR_OP_RSTRT_PROCS output: nprocs of these, then the data they index. */
struct cr_rstrt_proc {
	__s32 pid;
	__s32 ppid;
	__s32 pgid;
	__s32 sid;
	__u32 nthreads;
	__u32 tids_off;		/* byte offset of nthreads __s32 tids */
	__u32 cwd_off;		/* byte offset of the cwd, NUL-terminated */
	__u32 zombie;		/* CR_ZOMBIE | wait status, or 0 (live) */
	__u64 vdso_start;	/* where the process had its [vdso] */
	__u64 vdso_len;
	__u64 vvar_start;	/* and its [vvar] */
	__u64 vvar_len;
	__u64 itimer_prof_ns;	/* CPU-time interval timers to arm, in ns */
	__u64 itimer_prof_incr_ns;
	__u64 itimer_virt_ns;
	__u64 itimer_virt_incr_ns;
};

/*
 * A zombie (nthreads 0) is recreated by its parent's restarter: a child
 * that exits with the saved status, which the parent then must not reap.
 */
#define CR_ZOMBIE		0x10000

struct cr_rstrt_procs_args {
	__u64 buf;		/* user pointer */
	__u32 len;		/* in: bytes at buf; out: bytes needed */
	__u32 nprocs;		/* out */
	__u32 npipes;		/* out: pipes to create */
	__u32 pipes_off;	/* out: byte offset of npipes cr_rstrt_pipe */
	__u32 nevents;		/* out: event files to create */
	__u32 events_off;	/* out: byte offset of nevents cr_rstrt_event, */
				/* then of their cr_rstrt_watch entries */
	__u32 nsocks;		/* out: Unix sockets to create */
	__u32 socks_off;	/* out: byte offset of nsocks cr_rstrt_sock */
	__u32 ninets;		/* out: TCP and UDP sockets to create */
	__u32 inets_off;	/* out: byte offset of ninets cr_rstrt_inet */
	__u32 nptys;		/* out (since 2.4): pseudo-terminals to open */
	__u32 ptys_off;		/* out: byte offset of nptys cr_rstrt_pty */
	__u32 nnlsocks;		/* out (2.4): netlink sockets to create */
	__u32 nlsocks_off;	/* out: offset of nnlsocks cr_rstrt_nlsock */
};

/*
 * An eventfd, timerfd, signalfd, epoll or inotify instance to create, as
 * struct cr_img_event of <blcr/cr_image.h> describes it; an epoll's nwatch
 * registrations and an inotify instance's nwatch watches follow the
 * table, every instance's in table order.
 */
struct cr_rstrt_event {
	__u32 kind;
	__u32 flags;
	__u32 clockid;
	__u32 nwatch;
	__u64 count;
	__u64 value_ns;
	__u64 interval_ns;
	__u64 sigmask;
	/*
	 * The process (by pid in the table) that adds this epoll's signalfd
	 * watches itself, before it enters the module; 0 when none.
	 */
	__s32 owner;
	__u32 pad;
};

/*
 * Register the target with EPOLL_CTL_ADD under fd number tfd: a pipe
 * end (kind 1 read, 2 write, of pipe index), event index (3), the
 * restarter's own fd index (4, 0-2), Unix socket index (5), TCP/UDP
 * socket index (7), pty end index (8: the master of pty index / 2 when
 * even, else its slave) or netlink socket index (9).  Kind 6 is an
 * inotify watch: add the NUL-terminated path at byte offset index with
 * mask events so that it gets wd tfd (an instance's by increasing wd).
 */
struct cr_rstrt_watch {
	__s32 tfd;
	__u32 events;
	__u64 data;
	__u32 kind;
	__u32 index;
};

/* A pipe to create; a FIFO is opened at the path at path_off instead. */
struct cr_rstrt_pipe {
	__u32 size;		/* for F_SETPIPE_SZ */
	__u32 path_off;		/* byte offset of the FIFO's path, or 0 */
};

/*
 * CR_OP_RSTRT_PIPES: the restarter made the npipes pipes the table asked
 * for (pipe2 with O_NONBLOCK, or a FIFO opened for reading and for
 * writing, sized with F_SETPIPE_SZ); fds holds each one's read and write
 * fd.  The module fills them and keeps them; the
 * restarter closes its fds before creating the processes.
 */
struct cr_rstrt_pipes_args {
	__u64 fds;		/* user pointer to 2 * npipes __s32 */
	__u32 npipes;
	__u32 pad;
};

/*
 * A Unix socket to create (struct cr_img_sock of <blcr/cr_image.h>): one end
 * of a socketpair with socket "peer" (with itself: the other end is the
 * restarter's, closed after CR_OP_RSTRT_SOCKS), or a socket bound to the
 * address at addr_off (sun_path bytes) and, if listening, listening.
 * sndbuf and rcvbuf, when not 0, are set with SO_SNDBUF and SO_RCVBUF.
 */
struct cr_rstrt_sock {
	__u32 type;
	__u32 kind;
	__u32 peer;
	__u32 backlog;
	__u32 sndbuf;
	__u32 rcvbuf;
	__u32 addr_len;
	__u32 addr_off;
};

/*
 * CR_OP_RSTRT_SOCKS, after CR_OP_RSTRT_PIPES: the restarter made the
 * nsocks sockets (with SOCK_NONBLOCK); fds holds each one's fd.  The
 * module refills them and keeps them.
 */
struct cr_rstrt_socks_args {
	__u64 fds;		/* user pointer to nsocks __s32 */
	__u32 nsocks;
	__u32 pad;
};

/*
 * A TCP or UDP socket to create, as struct cr_img_inet of <blcr/cr_image.h>
 * describes it (without its data): the restarter makes it with its own
 * rights, binds, connects (a CR_INET_CONNECT end to its peer, the peer
 * accepting) or listens, and sets its options.  A PENDING entry is only
 * connected to (its peer connects to its listener, after the others);
 * a RESET one is any connection whose peer reset it.
 */
struct cr_rstrt_inet {
	__u32 family;
	__u32 type;
	__u32 kind;
	__u32 flags;
	__u32 peer;
	__u32 listener;
	__u32 backlog;
	__u32 sndbuf;
	__u32 rcvbuf;
	__u32 linger;
	__u32 keepidle;
	__u32 keepintvl;
	__u32 keepcnt;
	__u16 lport;
	__u16 rport;
	__u8 laddr[16];
	__u8 raddr[16];
};

/*
 * CR_OP_RSTRT_INET, after CR_OP_RSTRT_SOCKS: the restarter made the
 * ninets sockets (with SOCK_NONBLOCK); fds holds each one's fd (-1 for a
 * PENDING entry).  The module refills them and keeps them.
 */
struct cr_rstrt_inet_args {
	__u64 fds;		/* user pointer to ninets __s32 */
	__u32 ninets;
	__u32 pad;
};

/*
 * A pseudo-terminal to open (since 2.4): a new /dev/ptmx master,
 * unlocked, and its slave, both O_RDWR | O_NOCTTY.  When ctty_sid is not
 * 0 the slave was the controlling terminal of that session: its leader,
 * a process of the table, makes a new session (setsid) even without
 * --restore-sid, and the module makes the slave its terminal again.
 */
struct cr_rstrt_pty {
	__s32 ctty_sid;
	__u32 pad;
};

/*
 * CR_OP_RSTRT_PTYS, after CR_OP_RSTRT_SOCKS: fds holds each pty's
 * master and slave fd.  The module sets the slave's termios, window size
 * and modes, refills the master's queue and keeps them.
 */
struct cr_rstrt_ptys_args {
	__u64 fds;		/* user pointer to 2 * nptys __s32 */
	__u32 nptys;
	__u32 pad;
};

/*
 * A netlink socket to create (struct cr_img_nlsock of <blcr/cr_image.h>):
 * socket(AF_NETLINK, type, protocol), its SOL_NETLINK options (bit n of
 * nlopts: option n set to 1), SO_PASSCRED, buffers and timeouts set,
 * bound to portid when not 0, a member of its groups, connected when
 * dst_portid or dst_groups is not 0.
 */
struct cr_rstrt_nlsock {
	__u32 protocol;
	__u32 type;
	__u32 portid;
	__u32 flags;		/* CR_NL_PASSCRED of <blcr/cr_image.h> */
	__u32 dst_portid;
	__u32 dst_groups;
	__u32 nlopts;
	__u32 sndbuf;
	__u32 rcvbuf;
	__u32 rcvtimeo_ms;
	__u32 sndtimeo_ms;
	__u32 pad;
	__u32 groups[32];	/* bit n of word w: group 32 * w + n + 1 */
};

/*
 * CR_OP_RSTRT_NLSOCKS (since 2.4), after CR_OP_RSTRT_SOCKS: the
 * restarter made the nnlsocks netlink sockets; fds holds each one's fd.
 * The module checks them and keeps them.
 */
struct cr_rstrt_nlsocks_args {
	__u64 fds;		/* user pointer to nnlsocks __s32 */
	__u32 nsocks;
	__u32 pad;
};

/*
 * CR_OP_RSTRT_EVENTS: the restarter made the nevents event files and
 * registered the epolls' watches; fds holds each one's fd.  The module
 * keeps them; the restarter closes its fds (after CR_OP_RSTRT_PIPES).
 */
struct cr_rstrt_events_args {
	__u64 fds;		/* user pointer to nevents __s32 */
	__u32 nevents;
	__u32 pad;
};

/*
 * CR_OP_RSTRT_PTIMERS, after CR_OP_RSTRT_REQ: copies out the POSIX timers
 * to recreate, struct cr_img_ptimer of <blcr/cr_image.h>, checked:
 * grouped by process in table order, ids increasing, every pid and tid
 * one of the table's.  Each process makes its own, after its threads, before
 * CR_OP_RSTRT_CHILD.
 */
struct cr_rstrt_ptimer {
	__s32 pid;
	__s32 id;
	__u32 clockid;
	__u32 notify;
	__u32 signo;
	__s32 tid;
	__u64 sival;
	__u32 flags;
	__u32 overrun;
	__u64 value_ns;
	__u64 interval_ns;
};

struct cr_rstrt_ptimers_args {
	__u64 buf;		/* user pointer */
	__u32 len;		/* in: bytes at buf; out: bytes needed */
	__u32 ntimers;		/* out */
};

struct cr_rstrt_child_args {
	__u32 proc;		/* index in the process table */
	__u32 thread;		/* index of the thread in its process */
};

#define CR_OP_RSTRT_REQ		_IOW(CR_IOC_MAGIC, 0x10, struct cr_rstrt_args)
#define CR_OP_RSTRT_PROCS	_IOWR(CR_IOC_MAGIC, 0x11, struct cr_rstrt_procs_args)
#define CR_OP_RSTRT_CHILD	_IOW(CR_IOC_MAGIC, 0x12, struct cr_rstrt_child_args)
#define CR_OP_RSTRT_REAP	_IO(CR_IOC_MAGIC, 0x13)
/* A restarting process gave up before entering the module: arg = errno. */
#define CR_OP_RSTRT_ABORT	_IO(CR_IOC_MAGIC, 0x14)
#define CR_OP_RSTRT_PIPES	_IOW(CR_IOC_MAGIC, 0x15, struct cr_rstrt_pipes_args)
/*
 * For a restarter without CAP_CHECKPOINT_RESTORE, when the module's
 * allow_unprivileged_pid_restore is on (else -EPERM): its next fork or
 * clone is to get pid arg, one of the restart's.  It must check that it
 * did: another process may fork first.
 */
#define CR_OP_RSTRT_NEXT_PID	_IO(CR_IOC_MAGIC, 0x16)
#define CR_OP_RSTRT_EVENTS	_IOW(CR_IOC_MAGIC, 0x17, struct cr_rstrt_events_args)
#define CR_OP_RSTRT_RELOCATE	_IOW(CR_IOC_MAGIC, 0x18, struct cr_rstrt_reloc_args)
#define CR_OP_RSTRT_SOCKS	_IOW(CR_IOC_MAGIC, 0x19, struct cr_rstrt_socks_args)
#define CR_OP_RSTRT_PTIMERS	_IOWR(CR_IOC_MAGIC, 0x1a, struct cr_rstrt_ptimers_args)
/*
 * Before CR_OP_RSTRT_PROCS: signal arg (1.._NSIG-1) goes to every
 * restored process once all are rebuilt, before any of their threads
 * returns to user mode (cr_restart --signal, --stop, ...).
 */
#define CR_OP_RSTRT_SIGNAL	_IO(CR_IOC_MAGIC, 0x1b)
#define CR_OP_RSTRT_INET	_IOW(CR_IOC_MAGIC, 0x1c, struct cr_rstrt_inet_args)
#define CR_OP_RSTRT_PTYS	_IOW(CR_IOC_MAGIC, 0x1d, struct cr_rstrt_ptys_args)
#define CR_OP_RSTRT_NLSOCKS	_IOW(CR_IOC_MAGIC, 0x1e, struct cr_rstrt_nlsocks_args)
/*
 * With CR_ABI_RSTRT_LAZY, in this order: CR_RSTRT_LAZY_WAIT blocks until
 * every process is rebuilt (0) or the restart failed (its error);
 * CR_RSTRT_LAZY_GO hands the module the nfds userfaultfds at fds, which
 * it keeps, and lets the processes run; CR_RSTRT_LAZY_DONE says every
 * page is in.  A restarter that closes its ctrl fd before DONE fails the
 * restart: the processes are killed, before their userfaultfds go.
 */
struct cr_rstrt_lazy_args {
	__u32 op;		/* CR_RSTRT_LAZY_* */
	__u32 nfds;		/* GO: at most the processes restarted */
	__u64 fds;		/* GO: user pointer to nfds __s32 */
};

#define CR_RSTRT_LAZY_WAIT	0
#define CR_RSTRT_LAZY_GO	1
#define CR_RSTRT_LAZY_DONE	2
#define CR_OP_RSTRT_LAZY	_IOW(CR_IOC_MAGIC, 0x1f, struct cr_rstrt_lazy_args)

/*
 * The handler side, for libcr in a program that registered callbacks.
 * Each process keeps one ctrl fd of its own for these (the token).
 *
 * CR_OP_HAND_WAIT blocks until a checkpoint covers the caller's process,
 * then returns 0 and the process runs its callbacks; the first call
 * registers the process, and closing the token ends that.  While a
 * process is registered, a checkpoint does not stop it by itself: it
 * waits (up to the request's timeout) for the process to call
 * CR_OP_HAND_CHKPT.  -EINTR if a signal came first.
 *
 * CR_OP_HAND_CHKPT(arg = cr_checkpoint() flags): with CR_HAND_READY,
 * stops and saves every thread of the process and returns 0 when it goes
 * on, or 1 in a process restarted from that checkpoint (its token was
 * reopened by the restart); a failure flag fails the request (the code
 * above bit 16 is the requester's errno, else ECANCELED) and returns 0;
 * CR_HAND_OMIT leaves the process out of the checkpoint (which fails with
 * ESRCH only when no process is left) and returns 0.  -ESRCH when no
 * checkpoint is pending.
 *
 * CR_OP_HAND_INFO: the pending checkpoint, for cr_get_checkpoint_info().
 * Since 2.3 it also copies the path of the context file being written
 * (d_path(): "pipe:[INODE]" and the like for a file without one, a
 * " (deleted)" suffix for an unlinked one) with its NUL to dest if it
 * fits in dest_len bytes, and sets dest_len to the bytes it needs;
 * -ENAMETOOLONG for a path longer than CR_PATH_MAX.
 *
 * CR_OP_CHKPT_FWD (since 2.1), from the callbacks, before CR_OP_HAND_CHKPT:
 * adds the processes of another scope to the pending checkpoint, in the
 * same context file; those already in it are saved once.  -EINVAL when
 * no checkpoint is pending or the caller has answered, -ESRCH for no such
 * target, -EPERM for a process the caller may not checkpoint.
 */
#define CR_HAND_READY		0x0
#define CR_HAND_TEMP_FAILURE	0x1
#define CR_HAND_PERM_FAILURE	0x2
#define CR_HAND_OMIT		0x4

struct cr_hand_info {
	__s32 requester;	/* pid of the requester */
	__s32 target;		/* the request's target */
	__u32 scope;		/* enum cr_abi_scope */
	__u32 signal;		/* signal after the checkpoint, or 0 */
	__u64 dest;		/* user pointer to a buffer for the path */
	__u32 dest_len;		/* in: bytes at dest; out: bytes needed */
	__u32 pad;
};

struct cr_fwd_args {
	__u32 scope;		/* enum cr_abi_scope */
	__s32 target;
};

#define CR_OP_HAND_WAIT		_IO(CR_IOC_MAGIC, 0x20)
#define CR_OP_HAND_CHKPT	_IO(CR_IOC_MAGIC, 0x21)
#define CR_OP_HAND_INFO		_IOWR(CR_IOC_MAGIC, 0x22, struct cr_hand_info)
#define CR_OP_CHKPT_FWD		_IOW(CR_IOC_MAGIC, 0x23, struct cr_fwd_args)

/*
 * Exclusion hints (since 2.5): CR_HINT_EXCLUDE marks the whole pages
 * inside [addr, addr + len) of the caller's own address space as not to
 * be saved; CR_HINT_INCLUDE unmarks every page the range touches.  A
 * range is forgotten when unmapped, and a new address space (fork,
 * exec, restart) has none.  ENOSPC past CR_HINTS_MAX separate ranges.
 */
struct cr_hint_args {
	__u64 addr;
	__u64 len;
	__u32 op;		/* CR_HINT_* */
	__u32 pad;
};

#define CR_HINT_EXCLUDE		1
#define CR_HINT_INCLUDE		2
#define CR_HINTS_MAX		512

#define CR_OP_HINT		_IOW(CR_IOC_MAGIC, 0x24, struct cr_hint_args)

/* Only in a module configured with --enable-test-ioctls. */
#define CR_OP_TEST_WARN	_IO(CR_IOC_MAGIC, 0x7f)

#endif /* CR_ABI_H */
