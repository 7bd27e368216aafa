/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libcr internals shared with the tools in util/. */
#ifndef CR_PRIVATE_H
#define CR_PRIVATE_H

#include <stddef.h>

#include <blcr/cr_abi.h>

int cri_ctrl_open(void);
int cri_module_version(struct cr_version_args *ver);
int cri_chkpt_start(int ctrl, const struct cr_chkpt_args *args);
int cri_rstrt_start(int ctrl, const struct cr_rstrt_args *args);
int cri_rstrt_relocate(int ctrl, const struct cr_rstrt_reloc_args *args);
int cri_rstrt_signal(int ctrl, int sig);
int cri_rstrt_procs(int ctrl, struct cr_rstrt_procs_args *args);
int cri_rstrt_pipes(int ctrl, const struct cr_rstrt_pipes_args *args);
int cri_rstrt_socks(int ctrl, const struct cr_rstrt_socks_args *args);
int cri_rstrt_events(int ctrl, const struct cr_rstrt_events_args *args);
int cri_rstrt_ptimers(int ctrl, struct cr_rstrt_ptimers_args *args);
int cri_wait(int ctrl, int timeout_ms);
int cri_reap(int ctrl, int restart);
void cri_log(int ctrl, unsigned int kind, char *buf, size_t len);

#endif /* CR_PRIVATE_H */
