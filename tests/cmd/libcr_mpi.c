// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libcr as a BLCR-era MPI runtime used it (contrib/mpi/README): a
 * launcher and NRANKS ranks in a ring of seqpacket socketpairs pass
 * NTOKENS tokens, each adding every hop it makes to its checksum.
 *
 * Usage: libcr_mpi MODE OUT [CTX]
 *   plain  the job alone: the checksums of an uninterrupted run;
 *   cont   the launcher's proxy (a child that leaves itself out with
 *          CR_CHECKPOINT_OMIT) asks for a CR_SCOPE_TREE checkpoint of the
 *          job into CTX mid-run (cr_request_checkpoint, then
 *          cr_poll_checkpoint), and the job goes on;
 *   kill   the same with SIGKILL afterwards: the job dies, the test
 *          restarts it from CTX.
 * Every process registers a thread-context callback and a
 * signal-context one.  The launcher's thread-context callback checks
 * who asked (cr_get_checkpoint_info()), tells each rank to quiesce and
 * waits until all have stopped sending, then tells them to drain: each
 * reads what its ring channel holds into memory (the messages in
 * flight) and acknowledges; then each calls cr_checkpoint().  Ranks
 * enter a critical section for each receive and send step, so no
 * callback runs in the middle of one.  In checkpoint
 * modes a token waits at hop NHOPS / 2 until its rank has checkpointed,
 * so every token is in flight when the job is saved.
 *
 * When every token is home the launcher writes OUT.sum ("sum HEX mode
 * plain|continued|restarted drained N") and OUT ("OK", or the failed
 * checks: a checksum other than an uninterrupted run's, callbacks that
 * did not see the checkpoint or the restart as the launcher did, a
 * wrong requester); the proxy writes OUT.proxy.  Exit 0 iff all is well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libcr.h>

#include "libcr_test.h"

#define NRANKS		3
#define NTOKENS		3
#define NHOPS		300
#define HOLD_HOP	(NHOPS / 2)

/* A token, on the ring; the same struct carries control messages. */
struct msg {
	uint32_t kind;		/* M_* */
	uint32_t token;
	uint32_t hop;
	uint32_t pad;
	uint64_t sum;
};

/* What a rank reports at the end: how its callbacks saw the checkpoint. */
struct rank_report {
	uint32_t kind;		/* M_REPORT */
	uint32_t rank;
	int32_t thread_cont, thread_rstrt, sig_cont, sig_rstrt;
	int32_t rstrt_info;	/* cr_get_restart_info() worked after restart */
	int32_t drained;
};

enum { M_TOKEN = 1, M_DONE, M_PROGRESS, M_END, M_QUIESCE, M_DRAIN, M_ACK,
       M_REPORT };

static const char *mode, *out, *ctx;
static bool ckpt_mode;

/* Each rank's (and the launcher's) callbacks, as they saw the checkpoint. */
static atomic_int thread_cont, thread_rstrt, sig_cont, sig_rstrt;
static atomic_int rstrt_info_ok, drained;

static uint64_t mix(uint64_t sum, uint32_t token, uint32_t hop, int rank)
{
	sum ^= hop * 0x9e3779b97f4a7c15ULL + rank * 131 + token;
	return sum * 0x100000001b3ULL;
}

/* What the tokens' checksums come to without a checkpoint. */
static uint64_t expected_sum(void)
{
	uint64_t all = 0;
	int t, h;

	for (t = 0; t < NTOKENS; t++) {
		uint64_t sum = t + 1;

		for (h = 0; h < NHOPS; h++)
			sum = mix(sum, t, h, (t + h) % NRANKS);
		all = all * 31 + sum;
	}
	return all;
}

static int send_msg(int fd, const void *m, size_t len)
{
	return send(fd, m, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* One message of len bytes from fd, waiting up to secs; -1 if none. */
static int recv_wait(int fd, void *m, size_t len, int secs)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, secs * 1000) < 0)
		if (errno != EINTR)
			return -1;
	return recv(fd, m, len, MSG_DONTWAIT) == (ssize_t)len ? 0 : -1;
}

/* ---- a rank ---- */

static int rank_me, ring_in, ring_out, ctl, qch;
static struct msg pending[NTOKENS];	/* drained from ring_in */
static int npending;

/* The launcher's word of kind k, on the quiesce channel. */
static void wait_word(uint32_t k)
{
	struct msg q;

	CHECK(recv_wait(qch, &q, sizeof(q), 60) == 0 && q.kind == k);
}

/* The thread callbacks' checkpoint, counted as a continue or a restart. */
static void thread_checkpoint(void)
{
	int rc = cr_checkpoint(CR_CHECKPOINT_READY);

	if (rc > 0) {
		thread_rstrt++;
		rstrt_info_ok += cr_get_restart_info() != NULL;
	} else {
		CHECK(rc == 0);
		thread_cont++;
	}
}

/*
 * Thread context: the main thread waits outside its critical sections,
 * so this rank sends no more.  It says so; once every rank has, what is
 * in flight is in the channels for good: it drains its own.  Then it
 * checkpoints.
 */
static int rank_thread_cb(void *arg)
{
	struct msg ack = { .kind = M_ACK };
	int n = 0;

	wait_word(M_QUIESCE);
	CHECK(send_msg(qch, &ack, sizeof(ack)) == 0);
	wait_word(M_DRAIN);
	while (npending < NTOKENS &&
	       recv(ring_in, &pending[npending], sizeof(struct msg),
		    MSG_DONTWAIT) == sizeof(struct msg)) {
		npending++;
		n++;
	}
	drained += n;
	ack.hop = n;
	CHECK(send_msg(qch, &ack, sizeof(ack)) == 0);
	thread_checkpoint();
	return 0;
}

/* Signal context: async-signal-safe, only atomics. */
static int sig_cb(void *arg)
{
	int rc = cr_checkpoint(CR_CHECKPOINT_READY);

	if (rc > 0)
		sig_rstrt++;
	else if (!rc)
		sig_cont++;
	return 0;
}

static bool checkpointed(void)
{
	return thread_cont + thread_rstrt > 0;
}

/* The next token to handle, from memory or the ring; 0 if none now. */
static int next_token(struct msg *m)
{
	if (npending) {
		*m = pending[0];
		memmove(pending, pending + 1, --npending * sizeof(*m));
		return 1;
	}
	if (recv(ring_in, m, sizeof(*m), MSG_DONTWAIT | MSG_PEEK) !=
	    sizeof(*m))
		return 0;
	/* Held in the channel, in flight, until this rank has checkpointed. */
	if (ckpt_mode && m->hop >= HOLD_HOP && !checkpointed())
		return 0;
	return recv(ring_in, m, sizeof(*m), MSG_DONTWAIT) == sizeof(*m);
}

/* One hop of token m, inside a critical section. */
static void hop(struct msg *m, bool *progress)
{
	if (m->hop == NHOPS) {
		m->kind = M_DONE;
		CHECK(send_msg(ctl, m, sizeof(*m)) == 0);
		return;
	}
	m->sum = mix(m->sum, m->token, m->hop, rank_me);
	m->hop++;
	if (!*progress && m->hop >= NHOPS / 4) {
		struct msg p = { .kind = M_PROGRESS };

		*progress = !send_msg(ctl, &p, sizeof(p));
	}
	CHECK(send_msg(ring_out, m, sizeof(*m)) == 0);
}

static int rank_main(int id)
{
	struct pollfd p[2] = { { .fd = ring_in, .events = POLLIN },
			       { .fd = ctl, .events = POLLIN } };
	struct rank_report r = { .kind = M_REPORT, .rank = rank_me };
	bool progress = rank_me != 0, end = false;
	struct msg m;

	while (!end) {
		poll(p, 2, npending ? 0 : 20);
		cr_enter_cs(id);
		if (next_token(&m))
			hop(&m, &progress);
		else if (recv(ctl, &m, sizeof(m), MSG_DONTWAIT) == sizeof(m))
			end = m.kind == M_END;
		cr_leave_cs(id);
		cr_pause_ms(1);
	}
	r.thread_cont = thread_cont;
	r.thread_rstrt = thread_rstrt;
	r.sig_cont = sig_cont;
	r.sig_rstrt = sig_rstrt;
	r.rstrt_info = rstrt_info_ok;
	r.drained = drained;
	CHECK(send_msg(ctl, &r, sizeof(r)) == 0);
	return 0;
}

static int start_rank(int k, const int ring[NRANKS][2], int my_ctl, int my_q)
{
	struct msg first = { .kind = M_TOKEN, .token = k, .sum = k + 1 };
	char path[4096];
	int id;

	rank_me = k;
	ring_in = ring[k][1];
	ring_out = ring[(k + 1) % NRANKS][0];
	ctl = my_ctl;
	qch = my_q;
	id = cr_init();
	CHECK(id >= 0);
	CHECK(cr_register_callback(rank_thread_cb, NULL,
				   CR_THREAD_CONTEXT) >= 0);
	CHECK(cr_register_callback(sig_cb, NULL, CR_SIGNAL_CONTEXT) >= 0);
	/* Rank k starts token k. */
	if (k < NTOKENS)
		pending[npending++] = first;
	rank_main(id);
	snprintf(path, sizeof(path), "%s.rank%d", out, k);
	_exit(lt_report(path));
}

/* ---- the proxy: asks for the checkpoint and leaves itself out ---- */

static pid_t launcher;

static int proxy_cb(void *arg)
{
	const struct cr_checkpoint_info *info = cr_get_checkpoint_info();

	CHECK(info && info->requester == getpid() &&
	      info->target == launcher && info->scope == CR_SCOPE_TREE);
	CHECK(cr_checkpoint(CR_CHECKPOINT_OMIT) == -CR_EOMITTED);
	return 0;
}

static int proxy_main(int go)
{
	cr_checkpoint_args_t args;
	cr_checkpoint_handle_t h;
	char path[4096], c;
	int fd;

	CHECK(cr_init() >= 0);
	CHECK(cr_register_callback(proxy_cb, NULL, CR_THREAD_CONTEXT) >= 0);
	/* The launcher says when the ring is under way. */
	CHECK(read(go, &c, 1) == 1);
	fd = open(ctx, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(cr_initialize_checkpoint_args_t(&args) == 0);
	args.cr_scope = CR_SCOPE_TREE;
	args.cr_target = launcher;
	args.cr_fd = fd;
	args.cr_signal = !strcmp(mode, "kill") ? SIGKILL : 0;
	if (CHECK(cr_request_checkpoint(&args, &h) == 0))
		CHECK(cr_poll_checkpoint(&h, NULL) > 0);
	close(fd);
	snprintf(path, sizeof(path), "%s.proxy", out);
	_exit(lt_report(path));
}

/* ---- the launcher ---- */

static int ctls[NRANKS], qs[NRANKS];
static pid_t requester, proxy;
static int chkpt_info_ok, ranks_drained;

/* Says kind k to every rank and adds up their acknowledgements' counts. */
static int all_ranks(uint32_t k)
{
	struct msg word = { .kind = k }, ack;
	int r, n = 0;

	for (r = 0; r < NRANKS; r++)
		CHECK(send_msg(qs[r], &word, sizeof(word)) == 0);
	for (r = 0; r < NRANKS; r++)
		if (CHECK(recv_wait(qs[r], &ack, sizeof(ack), 60) == 0 &&
			  ack.kind == M_ACK))
			n += ack.hop;
	return n;
}

/*
 * Thread context: every rank stops sending, then every rank drains
 * (draining before all have stopped would miss what a late one sends),
 * then the launcher checkpoints.
 */
static int launcher_thread_cb(void *arg)
{
	const struct cr_checkpoint_info *info = cr_get_checkpoint_info();

	if (info) {
		requester = info->requester;
		chkpt_info_ok = info->target == getpid() &&
				info->scope == CR_SCOPE_TREE;
	}
	all_ranks(M_QUIESCE);
	drained += all_ranks(M_DRAIN);
	thread_checkpoint();
	return 0;
}

/* Collects the tokens and, once all are home, the ranks' reports. */
static uint64_t run_launcher(int id, int go)
{
	struct pollfd p[NRANKS];
	uint64_t sums[NTOKENS] = { 0 }, all = 0;
	int k, done = 0, reports = 0;
	bool told = !ckpt_mode;
	char buf[64];

	for (k = 0; k < NRANKS; k++)
		p[k] = (struct pollfd){ .fd = ctls[k], .events = POLLIN };
	while (reports < NRANKS) {
		poll(p, NRANKS, 20);
		cr_enter_cs(id);
		for (k = 0; k < NRANKS; k++) {
			struct msg *m = (struct msg *)buf;
			struct rank_report *r = (struct rank_report *)buf;

			if (recv(ctls[k], buf, sizeof(buf), MSG_DONTWAIT) <= 0)
				continue;
			if (m->kind == M_PROGRESS && !told) {
				told = write(go, "g", 1) == 1;
				close(go);
			}
			if (m->kind == M_DONE && m->token < NTOKENS) {
				sums[m->token] = m->sum;
				done++;
			}
			if (m->kind == M_REPORT) {
				reports++;
				CHECK(r->thread_cont == thread_cont &&
				      r->sig_cont == thread_cont);
				CHECK(r->thread_rstrt == thread_rstrt &&
				      r->sig_rstrt == thread_rstrt);
				CHECK(r->rstrt_info == thread_rstrt);
				ranks_drained += r->drained;
			}
		}
		if (done == NTOKENS) {
			struct msg end = { .kind = M_END };

			for (k = 0; k < NRANKS; k++)
				CHECK(!send_msg(ctls[k], &end, sizeof(end)));
			done++;
		}
		cr_leave_cs(id);
	}
	for (k = 0; k < NTOKENS; k++)
		all = all * 31 + sums[k];
	return all;
}

/* The job's end: the ranks, and the proxy if it is still ours. */
static void reap(const pid_t *ranks)
{
	int k, status;

	for (k = 0; k < NRANKS; k++)
		CHECK(waitpid(ranks[k], &status, 0) == ranks[k] &&
		      WIFEXITED(status) && !WEXITSTATUS(status));
	if (!proxy)
		return;
	/* Left out of the checkpoint, it is no child of a restarted job. */
	if (thread_rstrt)
		CHECK(waitpid(proxy, &status, 0) < 0 && errno == ECHILD);
	else
		CHECK(waitpid(proxy, &status, 0) == proxy &&
		      WIFEXITED(status) && !WEXITSTATUS(status));
}

static void write_sum(uint64_t sum)
{
	const char *how = !ckpt_mode ? "plain" :
			  thread_rstrt ? "restarted" : "continued";
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s.sum", out);
	f = fopen(path, "w");
	if (!CHECK(f != NULL))
		return;
	fprintf(f, "sum %016llx mode %s drained %d\n",
		(unsigned long long)sum, how, (int)drained);
	fclose(f);
}

int main(int argc, char **argv)
{
	int ring[NRANKS][2], ctlp[NRANKS][2], qp[NRANKS][2], go[2], k, id;
	pid_t ranks[NRANKS];
	uint64_t sum;

	if (argc < 3 || (strcmp(argv[1], "plain") && argc != 4)) {
		fprintf(stderr, "usage: libcr_mpi plain|cont|kill OUT [CTX]\n");
		return 2;
	}
	mode = argv[1];
	out = argv[2];
	ctx = argv[3];
	ckpt_mode = strcmp(mode, "plain");
	launcher = getpid();
	for (k = 0; k < NRANKS; k++)
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ring[k]) ||
		    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ctlp[k]) ||
		    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, qp[k]))
			cr_die("socketpair");
	/* Ranks and proxy first: a child's cr_init() is its own. */
	for (k = 0; k < NRANKS; k++) {
		ranks[k] = fork();
		if (!ranks[k])
			start_rank(k, ring, ctlp[k][1], qp[k][1]);
		close(ctlp[k][1]);
		close(qp[k][1]);
		ctls[k] = ctlp[k][0];
		qs[k] = qp[k][0];
	}
	/* The proxy's go: a pipe the ranks do not hold. */
	if (pipe(go))
		cr_die("pipe");
	if (ckpt_mode) {
		proxy = fork();
		if (!proxy)
			proxy_main(go[0]);
	}
	close(go[0]);
	if (!ckpt_mode)
		close(go[1]);
	id = cr_init();
	CHECK(id >= 0);
	CHECK(cr_register_callback(launcher_thread_cb, NULL,
				   CR_THREAD_CONTEXT) >= 0);
	CHECK(cr_register_callback(sig_cb, NULL, CR_SIGNAL_CONTEXT) >= 0);
	sum = run_launcher(id, go[1]);
	reap(ranks);
	CHECK(sum == expected_sum());
	if (ckpt_mode) {
		CHECK(thread_cont + thread_rstrt == 1);
		CHECK(sig_cont == thread_cont && sig_rstrt == thread_rstrt);
		CHECK(rstrt_info_ok == thread_rstrt);
		CHECK(requester == proxy && chkpt_info_ok);
		/* Every token was in a channel, drained once by its rank. */
		CHECK(drained == NTOKENS && ranks_drained == NTOKENS);
	} else {
		CHECK(!thread_cont && !thread_rstrt && !drained);
	}
	write_sum(sum);
	return lt_report(out);
}
