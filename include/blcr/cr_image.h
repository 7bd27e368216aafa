/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The context-file format: the one declaration of it, shared by the module
 * and the tools.  Installed as <blcr/cr_image.h>.
 *
 * A context file is a stream of records, written strictly in order with no
 * seeks, so it can go to a pipe or socket and be compressed or checksummed
 * record by record.  Each record is a struct cr_rec followed by len bytes
 * of payload; the next record starts at the next 8-byte aligned stream
 * offset.  Integers are little-endian.  Record types are never renumbered
 * or reused; a change to any record bumps CR_IMG_VERSION and gets a NEWS
 * line.
 *
 * Order: HEADER, PROCTAB, ZOMBIES (only if PROCTAB has zombies), PTIMERS,
 * EVENTS, PIPES, SOCKS, INET, PTYS, NLSOCKS, PIPEDATA*, SOCKDATA*,
 * INETDATA*, PTYDATA*, then per live process PROC, CREDS, RLIMITS, SIGHAND,
 * SIGQUEUE, MM, (VMA, PAGES*)*, FILES, (THREAD, SIGQUEUE) per thread;
 * then END.  An OBJ record and its PAGES come once per checkpoint, right
 * before the first MM, VMA or FILES record that names the object.
 * An incremental image has a PARENT record right after HEADER, and
 * PAGES_PARENT records among its PAGES.  A live checkpoint's stream is
 * a pre-copy image (PRECOPY right after HEADER) then an incremental
 * image whose parent it is (below).
 * A reader validates every field before use: the file is untrusted.
 */
#ifndef CR_IMAGE_H
#define CR_IMAGE_H

#include <linux/types.h>

#define CR_IMG_VERSION		12
#define CR_REC_MAGIC		0x52434c42	/* "BLCR" */
#define CR_REC_ALIGN		8
#define CR_PAGE_ALIGN		4096		/* page data, for direct I/O */

enum cr_rec_type {
	CR_REC_HEADER	= 1,
	CR_REC_PROCTAB	= 2,
	CR_REC_PROC	= 3,
	CR_REC_CREDS	= 4,
	CR_REC_FS	= 5,	/* unused: the cwd travels in PROCTAB */
	CR_REC_RLIMITS	= 6,
	CR_REC_SIGHAND	= 7,
	CR_REC_MM	= 8,
	CR_REC_VMA	= 9,
	CR_REC_PAGES	= 10,
	CR_REC_FILES	= 11,
	CR_REC_THREAD	= 12,
	CR_REC_PAGES_PARENT = 13,	/* pages an incremental image's parent has */
	CR_REC_SIGQUEUE	= 14,
	CR_REC_PIPES	= 15,
	CR_REC_PIPEDATA	= 16,
	CR_REC_OBJ	= 17,
	CR_REC_ZOMBIES	= 18,
	CR_REC_EVENTS	= 19,
	CR_REC_SOCKS	= 20,
	CR_REC_SOCKDATA	= 21,
	CR_REC_PTIMERS	= 22,
	CR_REC_INET	= 23,
	CR_REC_INETDATA	= 24,
	CR_REC_PTYS	= 25,
	CR_REC_PTYDATA	= 26,
	CR_REC_NLSOCKS	= 27,
	CR_REC_PARENT	= 28,
	CR_REC_PRECOPY	= 29,
	CR_REC_END	= 255,
};

/* Record flags.  Only PAGES records may carry CR_RECF_ZSTD. */
#define CR_RECF_ZSTD		0x0001	/* page data compressed */

struct cr_rec {
	__u32 magic;		/* CR_REC_MAGIC */
	__u16 type;		/* enum cr_rec_type */
	__u16 flags;		/* CR_RECF_* */
	__u64 len;		/* payload bytes */
	__u32 sum;		/* the payload's xxh64 (seed 0), low 32 bits */
	__u32 hdr_sum;		/* the same of this struct with hdr_sum = 0 */
};

enum cr_arch {
	CR_ARCH_X86_64 = 1,
};

#define CR_RELEASE_LEN		65
#define CR_COMM_LEN		16

/* First record.  Restart refuses another arch or missing CPU features. */
struct cr_img_header {
	__u8  ident[8];		/* "BLCRctx\0" */
	__u32 version;		/* CR_IMG_VERSION */
	__u32 arch;		/* enum cr_arch */
	__u64 xfeatures;	/* XCR0 bits the saved xstate uses */
	__u32 xstate_size;	/* bytes of each thread's xstate */
	__u32 nprocs;		/* entries in PROCTAB */
	__u64 time_ns;		/* CLOCK_REALTIME at checkpoint */
	char  release[CR_RELEASE_LEN];	/* uname -r of the checkpoint */
	__u8  pad[7];
};

#define CR_IMG_IDENT		"BLCRctx"

/*
 * PROCTAB: what cr_restart must prepare before the module restores:
 * processes, threads, the [vdso] placement and the working directory.
 * Payload: nprocs entries, then every process's tids in order, then
 * every process's cwd, NUL-terminated, in order.
 */
struct cr_img_proc_ent {
	__s32 pid;
	__s32 ppid;
	__s32 pgid;
	__s32 sid;
	__u32 nthreads;
	__u32 flags;
	__u64 vdso_start;
	__u64 vdso_len;
	__u64 vvar_start;
	__u64 vvar_len;
	__u64 itimer_prof_ns;	/* ITIMER_PROF: time left, 0 if disarmed */
	__u64 itimer_prof_incr_ns;
	__u64 itimer_virt_ns;	/* ITIMER_VIRTUAL */
	__u64 itimer_virt_incr_ns;
};

/*
 * CR_PENT_ZOMBIE: an exited child its parent had not reaped.  It has no
 * threads and no section; its cwd is "/", its vdso and itimer fields 0.
 * Zombies come after every live process, and each one's parent is a live
 * process of the table.
 */
#define CR_PENT_ZOMBIE		0x1

#define CR_MAX_THREADS		4096
#define CR_MAX_PROCS		4096

struct cr_img_proc {
	__s32 pid;
	__u32 nthreads;
	__u32 personality;
	__u32 umask;
	__u32 flags;		/* CR_PROCF_* */
	__u32 exit_signal;
};

#define CR_PROCF_NO_NEW_PRIVS	0x1
#define CR_PROCF_DUMPABLE	0x2
#define CR_PROCF_STOPPED	0x4	/* job-control stopped (SIGSTOP) */
#define CR_PROCF_SUBREAPER	0x8	/* PR_SET_CHILD_SUBREAPER */
#define CR_PROCF_HAS_SUBREAPER	0x10	/* an ancestor is a subreaper */

/* CREDS payload: this struct, then ngroups supplementary gids. */
struct cr_img_creds {
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u64 cap_inheritable;
	__u64 cap_permitted;
	__u64 cap_effective;
	__u64 cap_bset;
	__u64 cap_ambient;
	__u32 ngroups;
	__u32 securebits;	/* SECBIT_* (PR_GET_SECUREBITS), keep_caps too */
	__u32 groups[];
};

#define CR_MAX_GROUPS		65536

#define CR_PATH_MAX		4096

/*
 * ZOMBIES: the wait status (as waitpid() reports it) of every zombie of
 * PROCTAB, in table order.
 */
struct cr_img_zombie {
	__s32 pid;
	__u32 status;
};

struct cr_img_zombies {
	__u32 nzombies;
	__u32 pad;
	struct cr_img_zombie zombie[];
};

#define CR_NLIMITS		16
struct cr_img_rlimits {
	__u64 cur[CR_NLIMITS];
	__u64 max[CR_NLIMITS];
};

#define CR_NSIG			64
struct cr_img_sigaction {
	__u64 handler;
	__u64 flags;
	__u64 restorer;
	__u64 mask;
};

struct cr_img_sighand {
	struct cr_img_sigaction action[CR_NSIG];
	__u64 shared_pending;	/* bitmap of process-wide pending signals */
	__u64 itimer_real_ns;	/* ITIMER_REAL: time left, 0 if disarmed */
	__u64 itimer_real_incr_ns;
};

/* Identifies a file reopened by path, so that a changed one is refused. */
struct cr_img_fileid {
	__u64 ino;
	__u64 dev;
	__u64 size;
	__s64 mtime_sec;
	__u64 mtime_nsec;
};

/*
 * SIGQUEUE: queued signals with their siginfo, oldest first: the
 * process's after SIGHAND, each thread's after its THREAD record.
 */
#define CR_SIGINFO_SIZE		48	/* siginfo_t without its padding */
#define CR_MAX_SIGQUEUE		65536

struct cr_img_sigqueue {
	__u32 count;
	__u32 pad;
	__u8 info[][CR_SIGINFO_SIZE];
};

#define CR_AUXV_WORDS		64
/* MM payload: this struct, then the executable's path, NUL-terminated. */
struct cr_img_mm {
	__u64 start_code, end_code, start_data, end_data;
	__u64 start_brk, brk, start_stack;
	__u64 arg_start, arg_end, env_start, env_end;
	__u64 vdso;		/* mm->context.vdso */
	__u64 auxv[CR_AUXV_WORDS];
	__u32 nr_vmas;
	__u32 exe_path_len;	/* bytes of path after this struct, 0 if none */
	struct cr_img_fileid exe;
	__u32 exe_obj;		/* the executable saved by value, or 0 */
	__u32 pad;
};

enum cr_vma_kind {
	CR_VMA_ANON	= 1,	/* private anonymous (heap, stack, mmap) */
	CR_VMA_FILE	= 2,	/* file mapping, by reference */
	CR_VMA_OBJ	= 3,	/* mapping of OBJ obj_id (shared memory, */
				/* a deleted file, or --save-*) */
	CR_VMA_VDSO	= 4,
	CR_VMA_VVAR	= 5,
};

/* PROT_* and MAP_* bits as in <sys/mman.h>. */
struct cr_img_vma {
	__u64 start;
	__u64 end;
	__u64 pgoff;		/* file offset in pages */
	__u64 vm_flags;		/* VM_* of the checkpoint kernel */
	__u32 kind;		/* enum cr_vma_kind */
	__u32 prot;
	__u32 mapflags;		/* MAP_SHARED, MAP_PRIVATE, MAP_GROWSDOWN */
	__u32 path_len;		/* bytes of path after this struct, 0 if none */
	struct cr_img_fileid id;
	__u32 obj_id;		/* CR_VMA_OBJ */
	__u32 pad;
};

/*
 * PAGES payload: this struct, npages page addresses, then (in records of
 * CR_PAGES_ALIGN_MIN pages or more) zero padding up to the next
 * CR_PAGE_ALIGN stream offset, then npages pages of data.  Smaller records
 * are not padded: a one-page mapping's would be half padding.
 * Addresses are increasing and lie inside the preceding VMA, or, after
 * an OBJ record, are offsets inside the object.
 * With CR_RECF_ZSTD the addresses are followed, with no padding, by one
 * zstd frame that inflates to exactly npages pages; it is shorter than
 * them (a record that would not be is written plain).  The checksum is
 * of the payload as stored.
 */
struct cr_img_pages {
	__u32 npages;
	__u32 pad;
};

/*
 * Incremental images.  PARENT names the image this one is relative to:
 * its identity, and its path, relative to this image's directory unless
 * absolute.  An image's identity is id(N), N its number of records with
 * END, where id(0) = 0 and id(k + 1) is the xxh64 of record k's struct
 * cr_rec as stored, seeded with id(k): it changes with any byte of the
 * image, and needs no second pass over the data.
 * PAGES_PARENT payload: a struct cr_img_pages and npages addresses, no
 * data: the pages the parent chain holds at the same addresses of the
 * same process (pid), or offsets of the object with the same obj_id.
 * In each mapping or object, the addresses of its PAGES and PAGES_PARENT
 * records together are increasing.  Only cr_restart and cr_merge read
 * incremental images: they give the module the merged, full stream.
 * A PARENT whose path is empty (path_len 1) is the pre-copy image right
 * before this one in the same stream.
 */
struct cr_img_parent {
	__u64 ident;		/* the parent's identity */
	__u64 time_ns;		/* its HEADER's */
	__u32 depth;		/* images behind this one: 1 if the parent */
				/* is full */
	__u32 path_len;		/* bytes of path after this struct, NUL */
				/* included */
};

#define CR_MAX_CHAIN		1024	/* depth of a chain */

/*
 * A live checkpoint's pre-copy, written by the requester while the
 * targets run: HEADER (nprocs: the processes that follow), PRECOPY, then
 * per process a PROC record (only pid is set), and per mapping with
 * pages a VMA record (start, end, prot, mapflags; the rest zero) and its
 * PAGES records: every page that was present or swapped out, and not
 * file-backed, when it was read (an anonymous mapping's zero pages may
 * be left out); then END and zeros up to the next CR_PAGE_ALIGN stream
 * offset, where the image that refers to it begins.  Never restarted by
 * itself.
 */
struct cr_img_precopy {
	__u32 nprocs;
	__u32 pad;
};

#define CR_PAGES_MAX		256	/* pages in one record */
#define CR_PAGES_ALIGN_MIN	64	/* pages in a record with aligned data */

/*
 * OBJ: a file saved by value, once per checkpoint: shared anonymous
 * memory, a SysV segment, a memfd or deleted file, a tmpfs file mapped
 * shared (shared memory with a name: /dev/shm) or open for writing, or a
 * mapped file the user asked to save.  A tmpfs file's path (path_len
 * bytes with its NUL) follows the struct: restart writes the object back
 * there, or for an open file makes it there only if it is missing.
 * PAGES records with its non-zero pages follow.  Objects are numbered
 * from 1 in stream order.
 */
enum cr_obj_kind {
	CR_OBJ_SHMEM	= 1,	/* shared anonymous memory or SysV segment */
	CR_OBJ_FILE	= 2,	/* a deleted file, a memfd, or --save-* */
	CR_OBJ_TMPFS	= 3,	/* a tmpfs file mapped shared, at its path */
	CR_OBJ_TMPFS_KEEP = 4,	/* a tmpfs file open, at its path if missing */
};

struct cr_img_obj {
	__u32 obj_id;
	__u32 kind;		/* enum cr_obj_kind */
	__u64 size;
	__u32 mode;		/* permission bits */
	__u32 seals;		/* F_SEAL_* (a memfd's), applied at the end */
	__u32 path_len;		/* a CR_OBJ_TMPFS*'s, else 0 */
	__u32 pad;
};

#define CR_MAX_OBJS		(1U << 16)
#define CR_OBJ_MAX_SIZE		(1ULL << 44)

/*
 * PIPES: the pipes and FIFOs whose every end is inside the checkpoint,
 * once for all processes; FILES entries name them by index.  After the
 * npipes entries come the FIFOs' paths, NUL-terminated, in order.  Each
 * pipe with data_len bytes buffered has, in order after SOCKS, a PIPEDATA
 * record of them.
 */
struct cr_img_pipe {
	__u32 size;		/* capacity (F_GETPIPE_SZ), a power of two */
	__u32 data_len;		/* bytes buffered, at most size */
	__u32 path_len;		/* a FIFO: bytes of its path; a pipe: 0 */
	__u32 pad;
};

struct cr_img_pipes {
	__u32 npipes;
	__u32 pad;
	struct cr_img_pipe pipe[];
};

#define CR_MAX_PIPES		4096
#define CR_PIPE_MAX_SIZE	(64U << 20)

/*
 * PTIMERS: the POSIX timers (timer_create) of every live process, grouped
 * by process in PROCTAB order, each process's by increasing id.  cr_restart
 * recreates them with the same ids before the module restores the
 * process.  Only CLOCK_REALTIME, CLOCK_MONOTONIC and CLOCK_BOOTTIME.
 */
struct cr_img_ptimer {
	__s32 pid;		/* its process */
	__s32 id;		/* the timer_t the program holds */
	__u32 clockid;
	__u32 notify;		/* SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID */
	__u32 signo;		/* not SIGEV_NONE: 1..64 */
	__s32 tid;		/* SIGEV_THREAD_ID: a thread of pid */
	__u64 sival;		/* sigev_value */
	__u32 flags;		/* TIMER_ABSTIME (CLOCK_REALTIME only) */
	__u32 overrun;		/* timer_getoverrun() */
	/*
	 * The time left in ns, 0 when disarmed; with TIMER_ABSTIME the
	 * deadline in CLOCK_REALTIME ns.
	 */
	__u64 value_ns;
	__u64 interval_ns;
};

struct cr_img_ptimers {
	__u32 ntimers;
	__u32 pad;
	struct cr_img_ptimer timer[];
};

#define CR_MAX_PTIMERS		65536	/* in one checkpoint */
#define CR_MAX_PTIMER_ID	65535	/* each id skipped costs syscalls */

/*
 * EVENTS: the eventfd, timerfd, signalfd, epoll and inotify instances
 * of the checkpoint, once for all processes; FILES entries name them by
 * index.  After the nevents entries come the nwatches watches of the
 * epoll and inotify instances, each one's nwatch in table order, then
 * the inotify watches' paths, in the same order.  cr_restart creates
 * the instances (the module cannot) and adds the watches.
 */
enum cr_event_kind {
	CR_EV_EVENTFD	= 1,
	CR_EV_TIMERFD	= 2,
	CR_EV_SIGNALFD	= 3,
	CR_EV_EPOLL	= 4,
	CR_EV_INOTIFY	= 5,
};

struct cr_img_event {
	__u32 kind;		/* enum cr_event_kind */
	__u32 flags;		/* eventfd: EFD_SEMAPHORE; timerfd: */
				/* TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET */
	__u32 clockid;		/* timerfd */
	__u32 nwatch;		/* epoll: its registrations; inotify: watches */
	__u64 count;		/* eventfd: counter; timerfd: unread ticks */
	/*
	 * timerfd: the time left in ns, 0 when disarmed; with
	 * TFD_TIMER_ABSTIME (kept only on a realtime clock) the deadline in
	 * CLOCK_REALTIME ns.
	 */
	__u64 value_ns;
	__u64 interval_ns;	/* timerfd */
	__u64 sigmask;		/* signalfd: bit n is signal n + 1 */
	/*
	 * epoll watching a signalfd: the pid of the process that registers
	 * those watches at restart (a signalfd wakes the waiters on the
	 * signal handlers of whoever registered it), else 0.
	 */
	__s32 owner;
	__u32 pad;
};

enum cr_watch_kind {
	CR_WATCH_PIPE_R	= 1,	/* the read end of pipe "index" of PIPES */
	CR_WATCH_PIPE_W	= 2,	/* its write end */
	CR_WATCH_EVENT	= 3,	/* event "index" of this table */
	CR_WATCH_INHERIT = 4,	/* the restarter's fd "index", 0-2 */
	CR_WATCH_SOCK	= 5,	/* socket "index" of SOCKS */
	CR_WATCH_INOTIFY = 6,	/* a watch of an inotify instance */
	CR_WATCH_INET	= 7,	/* socket "index" of INET */
	CR_WATCH_PTY	= 8,	/* pty "index / 2" of PTYS: its master if */
				/* index is even, else its slave */
	CR_WATCH_NLSOCK	= 9,	/* netlink socket "index" of NLSOCKS */
};

/*
 * One registration of an epoll instance (EPOLL_CTL_ADD), or one watch of
 * an inotify instance (kind CR_WATCH_INOTIFY: tfd is its wd, events its
 * IN_* mask with IN_ONESHOT and IN_EXCL_UNLINK, data 0, index the length
 * of its path, NUL included; an instance's watches by increasing wd).
 */
struct cr_img_watch {
	__s32 tfd;		/* the fd number it was registered with */
	__u32 events;		/* EPOLL* bits, EPOLLET and EPOLLONESHOT kept */
	__u64 data;
	__u32 kind;		/* enum cr_watch_kind */
	__u32 index;
};

struct cr_img_events {
	__u32 nevents;
	__u32 nwatches;
	struct cr_img_event event[];
};

#define CR_MAX_EVENTS		4096
#define CR_MAX_WATCHES		65536
#define CR_MAX_TFD		(1 << 20)	/* the kernel's NR_OPEN */
#define CR_MAX_INOTIFY_WD	(1 << 18)	/* cr_restart skips to each */
#define CR_MAX_WATCH_PATHS	(16 << 20)	/* bytes, all inotify paths */

/*
 * SOCKS: the Unix sockets of the checkpoint, once for all processes;
 * FILES entries and epoll watches name them by index.  A connected
 * socket is saved only with its peer (a socketpair, or the two ends of
 * an accepted connection), and comes back as a socketpair.  After the
 * nsocks entries come the bound ones' addresses (sun_path bytes,
 * abstract names with their leading NUL), in order.  Then, per socket in
 * order, nmsgs SOCKDATA records of what its receive queue held: one per
 * datagram or record, or one of all the bytes of a stream.
 */
enum cr_sock_kind {
	CR_SOCK_PAIR	= 1,	/* connected to SOCKS entry "peer" */
	CR_SOCK_LISTEN	= 2,	/* bound and listening, nothing to accept */
	CR_SOCK_ALONE	= 3,	/* neither connected nor listening */
};

struct cr_img_sock {
	__u32 type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	__u32 kind;		/* enum cr_sock_kind */
	__u32 peer;
	__u32 shutdown;		/* 1: no more receives, 2: no more sends */
	__u32 backlog;		/* CR_SOCK_LISTEN */
	__u32 addr_len;		/* bytes of its address after the table */
	__u32 sndbuf;		/* SO_SNDBUF and SO_RCVBUF as set by the */
	__u32 rcvbuf;		/* program, or 0 for the defaults */
	__u32 nmsgs;
	__u32 data_len;		/* bytes in its SOCKDATA records */
};

struct cr_img_socks {
	__u32 nsocks;
	__u32 pad;
	struct cr_img_sock sock[];
};

#define CR_MAX_SOCKS		4096
#define CR_SOCK_MAX_DATA	(64U << 20)	/* queued in one socket */
#define CR_SOCK_MAX_MSGS	65536

/*
 * INET: the TCP and UDP sockets (IPv4, IPv6) of the checkpoint, once for
 * all processes; FILES entries and epoll watches name them by index.  A
 * TCP connection is saved with both its ends (or, --tcp-close, as reset)
 * and comes back connected with the same addresses and ports; a
 * connection not yet accepted is an entry of its own (CR_INET_PENDING),
 * in its listener's queue order.  Addresses are in the socket's own
 * family (an IPv4 one in the first 4 bytes), ports in host order.  Then,
 * per entry with data_len, in order, an INETDATA record of the bytes it
 * re-sends to its peer: what the peer had not read, then what this end
 * had not had acknowledged.  UDP datagrams queued are not saved.
 */
enum cr_inet_kind {
	CR_INET_ALONE	= 1,	/* TCP neither connected nor listening, */
				/* or UDP not connected */
	CR_INET_LISTEN	= 2,	/* TCP listening */
	CR_INET_CONN	= 3,	/* TCP connected to entry "peer"; */
				/* UDP connected to raddr */
	CR_INET_PENDING	= 4,	/* TCP in listener's queue, from "peer" */
	CR_INET_RESET	= 5,	/* TCP whose peer was outside: reset */
};

/* flags */
#define CR_INET_BOUND		0x001	/* bound to laddr:lport by the program */
#define CR_INET_CONNECT		0x002	/* connects to its peer at restart */
#define CR_INET_REUSEADDR	0x004
#define CR_INET_REUSEPORT	0x008
#define CR_INET_KEEPALIVE	0x010
#define CR_INET_NODELAY		0x020
#define CR_INET_LINGER		0x040
#define CR_INET_V6ONLY		0x080
#define CR_INET_FLAGS		0x0ff

struct cr_img_inet {
	__u32 family;		/* AF_INET, AF_INET6 */
	__u32 type;		/* SOCK_STREAM (TCP), SOCK_DGRAM (UDP) */
	__u32 kind;		/* enum cr_inet_kind */
	__u32 flags;		/* CR_INET_* */
	__u32 peer;		/* CONN (TCP), PENDING: an INET entry */
	__u32 listener;		/* PENDING: its listener's INET entry */
	__u32 shutdown;		/* 1: no more receives, 2: no more sends */
	__u32 backlog;		/* LISTEN */
	__u8 laddr[16];
	__u8 raddr[16];
	__u16 lport;
	__u16 rport;
	__u32 sndbuf;		/* SO_SNDBUF and SO_RCVBUF as set by the */
	__u32 rcvbuf;		/* program, or 0 for the defaults */
	__u32 linger;		/* seconds, with CR_INET_LINGER */
	__u32 keepidle;		/* TCP_KEEPIDLE, _KEEPINTVL, _KEEPCNT as */
	__u32 keepintvl;	/* set by the program, or 0 */
	__u32 keepcnt;
	__u32 data_len;		/* bytes in its INETDATA record */
};

struct cr_img_inets {
	__u32 ninets;
	__u32 pad;
	struct cr_img_inet inet[];
};

#define CR_MAX_INETS		4096

/*
 * PTYS: the pseudo-terminals (/dev/ptmx masters) of the checkpoint whose
 * master is inside it, once for all processes; FILES entries and epoll
 * watches name an end by index (2 * pty for its master, + 1 for its
 * slave).  Each comes back as a new pair with the slave's termios, window
 * size and modes.  Then, per pty in order, a PTYDATA record of out_len
 * bytes if out_len: what the slave's side wrote that the master's holder
 * had not read; and one of in_len bytes if in_len: the slave's input not
 * yet read, each complete line of a canonical slave with its end ('\n',
 * VEOL, VEOL2, or VEOF for a line ended by end-of-file, the character
 * n_tty does not return), then the rest, a partial line.  A slave whose
 * master is outside is CR_FD_INHERIT.
 */
#define CR_PTY_NCCS		19	/* the kernel's NCCS */

struct cr_img_pty {
	__u32 iflag;		/* the slave's termios */
	__u32 oflag;
	__u32 cflag;
	__u32 lflag;
	__u32 ispeed;
	__u32 ospeed;
	__u8  line;		/* line discipline: N_TTY (0) only */
	__u8  cc[CR_PTY_NCCS];
	__u16 rows;		/* window size (TIOCGWINSZ) */
	__u16 cols;
	__u16 xpixel;
	__u16 ypixel;
	__u32 flags;		/* CR_PTYF_* */
	__u32 pktstatus;	/* packet mode: the status not yet read */
	__s32 sid;		/* the session it is the controlling */
	__s32 pgrp;		/* terminal of, and its foreground group; 0 */
	__u32 out_len;		/* bytes in its first PTYDATA record */
	__u32 in_len;		/* bytes in its second */
};

#define CR_PTYF_PACKET		0x1	/* TIOCPKT on the master */
#define CR_PTYF_LOCKED		0x2	/* TIOCSPTLCK: the slave locked */

struct cr_img_ptys {
	__u32 nptys;
	__u32 pad;
	struct cr_img_pty pty[];
};

#define CR_MAX_PTYS		1024
/* The n_tty buffer and the tty's flip buffers, with room to spare. */
#define CR_PTY_MAX_DATA		(128U << 10)
/* Input: what n_tty takes at once (a third of it with PARMRK). */
#define CR_PTY_MAX_INPUT	4095

/*
 * NLSOCKS: the netlink sockets of the checkpoint, once for all
 * processes; FILES entries and epoll watches name them by index.  Each
 * comes back as a new socket of its protocol and type with its options,
 * bound again to its port id (nl_pid) and groups and connected again;
 * what its receive queue held is dropped (CR_NL_LOST).
 */
#define CR_NL_GROUP_WORDS	32	/* groups 1-1024 */

struct cr_img_nlsock {
	__u32 protocol;		/* NETLINK_ROUTE, ... (sk_protocol) */
	__u32 type;		/* SOCK_RAW or SOCK_DGRAM */
	__u32 portid;		/* its nl_pid once bound, else 0 */
	__u32 flags;		/* CR_NL_* */
	__u32 dst_portid;	/* connect()ed to: a port id, */
	__u32 dst_groups;	/* or a group, as getpeername()'s nl_groups */
	__u32 nlopts;		/* bit n: SOL_NETLINK option n is on */
	__u32 sndbuf;		/* SO_SNDBUF and SO_RCVBUF as set by the */
	__u32 rcvbuf;		/* program, or 0 for the defaults */
	__u32 rcvtimeo_ms;	/* SO_RCVTIMEO and SO_SNDTIMEO, 0: none */
	__u32 sndtimeo_ms;
	__u32 pad;
	__u32 groups[CR_NL_GROUP_WORDS];	/* bit n of word w: group */
						/* 32 * w + n + 1 */
};

#define CR_NL_PASSCRED		0x1	/* SO_PASSCRED */
#define CR_NL_LOST		0x2	/* messages were queued: dropped */

/*
 * The SOL_NETLINK options kept, each an int set to 1: NETLINK_PKTINFO,
 * _BROADCAST_ERROR, _NO_ENOBUFS, _CAP_ACK, _EXT_ACK, _GET_STRICT_CHK.
 * (NETLINK_LISTEN_ALL_NSID cannot be read back: it is not kept.)
 */
#define CR_NL_OPTS	((1U << 3) | (1U << 4) | (1U << 5) | (1U << 10) | \
			 (1U << 11) | (1U << 12))

struct cr_img_nlsocks {
	__u32 nsocks;
	__u32 pad;
	struct cr_img_nlsock sock[];
};

#define CR_NL_MAX_PROTOCOL	31	/* MAX_LINKS - 1 */
#define CR_NL_MAX_TIMEO_MS	(24U * 3600 * 1000)

enum cr_fd_kind {
	CR_FD_REG	= 1,	/* reopened by path */
	CR_FD_INHERIT	= 2,	/* the restarter's fd inherit_fd (a tty, or */
				/* a pipe end whose peer was outside) */
	CR_FD_PIPE	= 3,	/* an end of pipe number "pipe" of PIPES */
	CR_FD_OBJ	= 4,	/* a new open file of OBJ obj_id */
	CR_FD_EVENT	= 5,	/* event number "event" of EVENTS */
	CR_FD_SOCK	= 6,	/* socket number "pipe" of SOCKS */
	CR_FD_CTRL	= 7,	/* /proc/checkpoint/ctrl, reopened by path; */
				/* pos is its request's CR_CTRL_* state */
	CR_FD_INET	= 8,	/* socket number "pipe" of INET */
	CR_FD_PTY	= 9,	/* end "pipe" of PTYS (2 * pty, + 1: slave) */
	CR_FD_NLSOCK	= 10,	/* netlink socket number "pipe" of NLSOCKS */
};

/*
 * A ctrl fd's request when saved: none (or a restart's), running (the
 * checkpoint that saved it: restarted, it reaps as restarted), or over,
 * CR_CTRL_DONE + the errno of its result (0 for success).
 */
enum cr_ctrl_state {
	CR_CTRL_NONE	= 0,
	CR_CTRL_RUNNING	= 1,
	CR_CTRL_DONE	= 2,
};

/*
 * One descriptor.  file_id numbers the open files of the whole checkpoint
 * from 1, in stream order: the first entry with an id describes the file;
 * a later one with the same id (a dup, or a file inherited through fork)
 * shares it and has kind, flags, pos and path_len 0.
 */
struct cr_img_fd {
	__s32 fd;
	__u32 kind;		/* enum cr_fd_kind */
	__u32 flags;		/* open flags (O_ACCMODE, O_APPEND, ...) */
	__u32 cloexec;
	__s64 pos;
	__u32 file_id;
	__u32 path_len;		/* bytes of path after this struct */
	__u32 pipe;		/* CR_FD_PIPE: index in PIPES; */
				/* CR_FD_SOCK: index in SOCKS; */
				/* CR_FD_INET: index in INET */
				/* CR_FD_PTY: end of PTYS */
				/* CR_FD_NLSOCK: index in NLSOCKS */
	__u32 inherit_fd;	/* CR_FD_INHERIT: 0, 1 or 2 */
	__u32 obj_id;		/* CR_FD_OBJ */
	__u32 event;		/* CR_FD_EVENT: index in EVENTS */
};

#define CR_MAX_FILES		(1U << 20)	/* file ids of a checkpoint */

/* FILES payload: nfds, then nfds (cr_img_fd + path) entries, 8-aligned. */
struct cr_img_files {
	__u32 nfds;
	__u32 pad;
};

#define CR_MAX_FDS		65536

/* A thread's scheduling and prctl state, and its name (PR_SET_NAME). */
#define CR_SCHED_CPU_WORDS	16	/* affinity of CPUs 0-1023 */

struct cr_img_sched {
	__u32 policy;		/* SCHED_*, with SCHED_RESET_ON_FORK */
	__u32 rt_priority;
	__s32 nice;
	__u32 pdeath_signal;	/* PR_SET_PDEATHSIG */
	__u64 timer_slack_ns;	/* PR_SET_TIMERSLACK */
	__u64 cpus[CR_SCHED_CPU_WORDS];	/* bit n: CPU n */
	char  comm[CR_COMM_LEN];	/* NUL-terminated */
};

/* THREAD: registers, then xstate_size bytes of XSAVE image. */
struct cr_img_thread {
	__s32 tid;
	__u32 index;
	__u64 regs[27];		/* struct user_regs_struct order */
	__u64 blocked;
	__u64 pending;		/* bitmap of the thread's pending signals */
	__u64 sas_ss_sp;
	__u64 sas_ss_size;
	__u32 sas_ss_flags;
	__u32 rseq_len;
	__u64 rseq;
	__u32 rseq_sig;
	__u32 xstate_size;
	__u64 clear_child_tid;
	__u64 set_child_tid;
	__u64 robust_list;
	__u64 robust_len;
	struct cr_img_sched sched;
};

struct cr_img_end {
	__u64 nrecords;		/* records before this one */
	__u64 bytes;		/* stream bytes before this record */
};

#endif /* CR_IMAGE_H */
