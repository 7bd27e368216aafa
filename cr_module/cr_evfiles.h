/* SPDX-License-Identifier: GPL-2.0-only */
/* The event files kind, shared by cr_evfiles.c and cr_inotify.c. */
#ifndef CR_EVFILES_H
#define CR_EVFILES_H

#include "cr_internal.h"

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

/* The kind's state. */
struct cr_events {
	struct cr_event *ev;
	unsigned int n, cap;
	struct cr_img_watch *watches;	/* restart: every epoll's */
	char **wpaths;		/* restart: the inotify watches' paths */
	unsigned int nwatches;
};

static inline struct cr_events *cr_events(struct cr_shared *sh)
{
	return sh->kind[CR_KIND_EVENTS].state;
}

typedef int (*cr_line_fn)(const char *p, struct cr_event *ev,
			  struct cr_watch *w, struct cr_status *st);

int cr_note_lines(struct cr_event *ev, const char *key, cr_line_fn note,
		  struct cr_status *st);
int cr_note_inotify(struct cr_event *ev, struct cr_status *st);
bool cr_inotify_watch_ok(const struct cr_img_watch *w, s32 prev);
int cr_relocate_inotify(struct cr_shared *sh, struct cr_status *st);

#endif /* CR_EVFILES_H */
