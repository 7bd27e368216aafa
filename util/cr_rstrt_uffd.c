// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_restart --lazy: a userfaultfd belongs to the address space of the
 * process that makes it, so each process of the restart makes its own
 * before the module rebuilds it (the module keeps the address space) and
 * sends it, with its index and pid, to cr_restart over a socket that
 * every process inherits.  cr_restart reads them until the last process
 * has sent its own or died (end of file: it closed its end).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cr_rstrt.h"
#include "cr_util.h"

struct uffd_msg_out {
	uint32_t index;
	int32_t pid;
};

int cr_uffd_open(struct cr_plan *plan)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
		       plan->uffd_sock) < 0)
		return cr_rstrt_error(-errno, "cannot make a socket pair");
	return 0;
}

/* In process index, before the module rebuilds it. */
int cr_uffd_send(const struct cr_plan *plan, unsigned int index)
{
	struct uffd_msg_out m = { .index = index, .pid = getpid() };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &m, sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	int ufd, err = 0;

	close(plan->uffd_sock[0]);
	ufd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (ufd < 0)
		return cr_rstrt_error(-errno, "--lazy: no userfaultfd "
				      "(root, or vm.unprivileged_userfaultfd"
				      "=1, is needed)");
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &ufd, sizeof(int));
	if (sendmsg(plan->uffd_sock[1], &mh, MSG_NOSIGNAL) != sizeof(m))
		err = cr_rstrt_error(-errno, "--lazy: cannot send the "
				     "userfaultfd");
	close(ufd);
	close(plan->uffd_sock[1]);
	return err;
}

/* One process's message: 1, 0 at the end, or -errno. */
static int uffd_recv(int sock, const struct cr_plan *plan,
		     struct cr_uffds *u)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct uffd_msg_out m;
	struct iovec iov = { &m, sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n ? -errno : 0;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (n != sizeof(m) || m.index >= plan->nprocs || u->fd[m.index] >= 0) {
		close(fd);
		return -EPROTO;
	}
	u->fd[m.index] = fd;
	u->pid[m.index] = m.pid;
	u->n++;
	return 1;
}

/*
 * In cr_restart, once every root is made: each live process's
 * userfaultfd and pid, until all have sent theirs or ended.
 */
int cr_uffd_collect(struct cr_plan *plan, struct cr_uffds *u)
{
	unsigned int i;
	int ret;

	close(plan->uffd_sock[1]);
	plan->uffd_sock[1] = -1;
	u->size = plan->nprocs;
	u->fd = malloc(plan->nprocs * sizeof(*u->fd));
	u->pid = calloc(plan->nprocs, sizeof(*u->pid));
	if (!u->fd || !u->pid)
		return cr_rstrt_error(-ENOMEM, "--lazy");
	for (i = 0; i < plan->nprocs; i++)
		u->fd[i] = -1;
	while ((ret = uffd_recv(plan->uffd_sock[0], plan, u)) > 0)
		;
	close(plan->uffd_sock[0]);
	plan->uffd_sock[0] = -1;
	return ret ? cr_rstrt_error(ret, "--lazy: a process's "
				    "userfaultfd") : 0;
}

void cr_uffd_free(struct cr_uffds *u)
{
	unsigned int i;

	for (i = 0; u->fd && i < u->size; i++)
		if (u->fd[i] >= 0)
			close(u->fd[i]);
	free(u->fd);
	free(u->pid);
}
