/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The module's ABI as libcr and the tools use it (cr_ioctl.c): nothing
 * else calls ioctl() on a ctrl fd.  Failures return -errno.
 */
#ifndef CR_IOCTL_H
#define CR_IOCTL_H

#include <stddef.h>
#include <sys/types.h>

#include <blcr/cr_abi.h>

int cri_ctrl_open(void);
int cri_module_version(struct cr_version_args *ver);
int cri_chkpt_start(int ctrl, const struct cr_chkpt_args *args);
int cri_chkpt_live(int ctrl, const struct cr_chkpt_live_args *args);
int cri_live_watch(const struct cr_live_proc *procs, unsigned int n);
int cri_live_pages(int watch, struct cr_live_pages_args *args);
int cri_rstrt_start(int ctrl, const struct cr_rstrt_args *args);
int cri_rstrt_relocate(int ctrl, const struct cr_rstrt_reloc_args *args);
int cri_rstrt_signal(int ctrl, int sig);
int cri_hint(unsigned int op, const void *addr, size_t len);
int cri_rstrt_procs(int ctrl, struct cr_rstrt_procs_args *args);
int cri_rstrt_pipes(int ctrl, const struct cr_rstrt_pipes_args *args);
int cri_rstrt_socks(int ctrl, const struct cr_rstrt_socks_args *args);
int cri_rstrt_inet(int ctrl, const struct cr_rstrt_inet_args *args);
int cri_rstrt_ptys(int ctrl, const struct cr_rstrt_ptys_args *args);
int cri_rstrt_nlsocks(int ctrl, const struct cr_rstrt_nlsocks_args *args);
int cri_rstrt_lazy(int ctrl, const struct cr_rstrt_lazy_args *args);
int cri_rstrt_events(int ctrl, const struct cr_rstrt_events_args *args);
int cri_rstrt_ptimers(int ctrl, struct cr_rstrt_ptimers_args *args);
int cri_rstrt_next_pid(int ctrl, pid_t pid);
int cri_rstrt_child(int ctrl, const struct cr_rstrt_child_args *args);
void cri_rstrt_abort(int ctrl, int err);
int cri_wait(int ctrl, int timeout_ms);
int cri_reap(int ctrl, int restart);
int cri_log_get(int ctrl, unsigned int kind, char *buf, unsigned int len);
void cri_log(int ctrl, unsigned int kind, char *buf, size_t len);
int cri_hand_wait(int token);
int cri_hand_chkpt(int token, unsigned long flags);
int cri_hand_info(int token, struct cr_hand_info *info);
int cri_chkpt_fwd(int token, const struct cr_fwd_args *args);

#endif /* CR_IOCTL_H */
