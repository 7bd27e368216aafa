// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The chain tools' command lines, one program each (CR_CHAIN_MERGE):
 *   cr_merge -o OUT IMAGE         the full image of an incremental one
 *   cr_diff -o OUT PARENT IMAGE   IMAGE as an incremental image of PARENT
 * The output is written to OUT.tmp and renamed when complete, so that a
 * failure never leaves half an image under the name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cr_chain.h"
#include "cr_util.h"

#ifdef CR_CHAIN_MERGE
#define PROG	"cr_merge"
#define NARGS	1
#define ARGS	"IMAGE"
#define WHAT \
"Writes the full context file of the incremental image IMAGE (- for\n" \
"standard input): its pages with those of its parents, which are found\n" \
"by the paths IMAGE records (relative to its directory) and checked\n" \
"against the identities it records.  The output restarts without them.\n"
#else
#define PROG	"cr_diff"
#define NARGS	2
#define ARGS	"PARENT IMAGE"
#define WHAT \
"Writes IMAGE (a full context file of a later checkpoint of the same\n" \
"job; - for standard input) as an incremental image of PARENT: the\n" \
"pages PARENT holds unchanged are left out and referred to.  PARENT may\n" \
"itself be incremental.  cr_restart restarts the output while PARENT\n" \
"and its own parents stay where the output records them: PARENT's path\n" \
"relative to OUT's directory when both are in it, else absolute.\n"
#endif

static void usage(FILE *out)
{
	fprintf(out,
"Usage: " PROG " [OPTIONS] -o OUT " ARGS "\n"
WHAT
"\n"
"  -o, --output OUT     the file to write (- for standard output)\n"
"  -p, --parent-dir DIR look for every parent in DIR, by its name,\n"
"                       instead of at its recorded path\n"
"  -q, --quiet          print no messages\n"
"  -h, --help           this text\n"
"      --version        versions of the tools and the module\n"
"\n"
"Exit status: 0 on success, 1 on failure (the reason on standard\n"
"error), 255 for a usage error.\n");
}

enum { OPT_VERSION = 0x100 };

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "parent-dir", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char *out;
	const char *parent_dir;
	const char *arg[NARGS];
};

static int parse(int argc, char **argv, struct opts *o)
{
	int c, i;

	while ((c = getopt_long(argc, argv, "o:p:qh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'p':
			o->parent_dir = optarg;
			break;
		case 'q':
			cr_quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			return cr_print_version(PROG);
		default:
			usage(stderr);
			return 255;
		}
	}
	if (!o->out)
		return cr_usage_error("-o OUT is needed");
	if (argc - optind != NARGS)
		return cr_usage_error("%s expected", ARGS);
	for (i = 0; i < NARGS; i++)
		o->arg[i] = argv[optind + i];
	return -1;
}

__attribute__((format(printf, 1, 2)))
static int failure(const char *fmt, ...)
{
	va_list ap;

	if (!cr_quiet) {
		fprintf(stderr, PROG ": ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	return 1;
}

static FILE *open_in(const char *path)
{
	return strcmp(path, "-") ? fopen(path, "rb") : stdin;
}

/* OUT.tmp, or standard output. */
static FILE *open_out(const char *out, char **tmp)
{
	*tmp = NULL;
	if (!strcmp(out, "-"))
		return stdout;
	if (asprintf(tmp, "%s.tmp", out) < 0) {
		*tmp = NULL;
		return NULL;
	}
	return fopen(*tmp, "wb");
}

/* Renames OUT.tmp to OUT if ok, else removes it. */
static int close_out(FILE *f, const char *out, char *tmp, bool ok)
{
	if (ok && (fflush(f) || (tmp && fsync(fileno(f)))))
		ok = !failure("%s: %s", out, strerror(errno));
	if (tmp) {
		if (fclose(f) && ok)
			ok = !failure("%s: %s", out, strerror(errno));
		if (ok && rename(tmp, out))
			ok = !failure("%s: %s", out, strerror(errno));
		if (!ok)
			unlink(tmp);
		free(tmp);
	}
	return ok ? 0 : 1;
}

#ifndef CR_CHAIN_MERGE
/*
 * PARENT's name as the output records it: relative to OUT's directory
 * when it lies there, else absolute.
 */
static char *parent_name(const char *parent, const char *out)
{
	char *rp = realpath(parent, NULL), *od = NULL, *copy, *pd, *name;

	copy = strdup(strcmp(out, "-") ? out : "./-");
	if (!rp || !copy)
		goto out;
	od = realpath(dirname(copy), NULL);
	free(copy);
	copy = strdup(rp);
	pd = copy ? dirname(copy) : NULL;
	name = od && pd && !strcmp(od, pd) ? strdup(basename(rp)) : NULL;
	if (name) {
		free(rp);
		rp = name;
	}
out:
	free(copy);
	free(od);
	return rp;
}
#endif

static int run(struct opts *o, struct cr_chain *c, struct cr_img_in *in,
	       struct cr_img_out *out)
{
	struct cr_img_header hdr;
	struct cr_img_parent p;
	char *name = NULL, *path = NULL;
	int ret, err = -1;

	ret = cr_chain_parent(in, &hdr, &p, &name);
	if (ret < 0)
		return failure("%s: %s", o->arg[NARGS - 1], in->why);
#ifdef CR_CHAIN_MERGE
	if (!ret)
		return failure("%s: a full image already", o->arg[0]);
	path = cr_chain_path(o->arg[0], name, o->parent_dir);
	if (!path) {
		snprintf(c->why, sizeof(c->why), "out of memory");
		goto out;
	}
	if (cr_chain_open(c, path, p.ident, o->parent_dir) ||
	    cr_chain_merge(c, in, &hdr, out))
		goto out;
#else
	if (ret) {
		free(name);
		return failure("%s: an incremental image: merge it first",
			       o->arg[1]);
	}
	path = parent_name(o->arg[0], o->out);
	if (!path)
		return failure("%s: %s", o->arg[0], strerror(errno));
	if (cr_chain_open(c, o->arg[0], 0, o->parent_dir) ||
	    cr_chain_diff(c, in, &hdr, path, out))
		goto out;
	if (!cr_quiet)
		fprintf(stderr, PROG ": %llu pages written, %llu referred "
			"to %s\n", (unsigned long long)c->pages_kept,
			(unsigned long long)c->pages_ref, path);
#endif
	err = 0;
out:
	free(name);
	free(path);
	return err ? failure("%s", c->why) : 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct cr_img_out out = { 0 };
	struct cr_img_in in = { 0 };
	struct cr_chain c = { 0 };
	char *tmp;
	int rc;

	rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	in.f = open_in(o.arg[NARGS - 1]);
	if (!in.f)
		return failure("%s: %s", o.arg[NARGS - 1], strerror(errno));
	out.f = open_out(o.out, &tmp);
	if (!out.f)
		return failure("%s: %s", o.out, strerror(errno));
	rc = run(&o, &c, &in, &out);
	rc = close_out(out.f, o.out, tmp, !rc) || rc;
	cr_chain_close(&c);
	free(in.buf);
	return rc;
}
