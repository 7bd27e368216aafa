/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mpi_ring ITERS PAUSE_MS [THREADS [MIB [STATUS]]]: an MPI job whose result depends
 * on every message, for tests/mpi.sh (built with each MPI's own mpicc).
 *
 * Each iteration passes a token round the ranks (each mixes itself in),
 * then chains an MPI_Allreduce and an MPI_Bcast from a rotating root into
 * every rank's accumulator, and sleeps PAUSE_MS so that a checkpoint lands
 * mid-run.  Rank 0 prints "iter N ACC" per iteration and at the end
 * "mpi_ring: result X" (the accumulators of all ranks and threads, which
 * must agree, combined).  With THREADS > 1 (MPI_THREAD_MULTIPLE) each rank
 * runs that many rings at once, each on its own communicator; with MIB,
 * each rank also keeps MIB MiB of memory whose checksum is in the result.
 * Every rank exits with STATUS (default 0) after MPI_Finalize, 1 if the
 * ranks disagreed: the launcher's exit status is the job's.
 */
#include <inttypes.h>
#include <mpi.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rank, size, iters, pause_ms;

static uint64_t mix(uint64_t a, uint64_t b)
{
	a ^= b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2);
	return a * 0xff51afd7ed558ccdULL;
}

struct ring {
	MPI_Comm comm;
	int id;
	uint64_t acc;
};

static void step(struct ring *r, int i)
{
	int next = (rank + 1) % size, prev = (rank + size - 1) % size;
	uint64_t token, sum, b;

	if (rank == 0) {
		token = mix(r->acc, i);
		MPI_Send(&token, 1, MPI_UINT64_T, next, i, r->comm);
		MPI_Recv(&token, 1, MPI_UINT64_T, prev, i, r->comm,
			 MPI_STATUS_IGNORE);
	} else {
		MPI_Recv(&token, 1, MPI_UINT64_T, prev, i, r->comm,
			 MPI_STATUS_IGNORE);
		token = mix(token, rank);
		MPI_Send(&token, 1, MPI_UINT64_T, next, i, r->comm);
	}
	/* rank 0 has the full circle: every rank gets it from the Bcast */
	MPI_Bcast(&token, 1, MPI_UINT64_T, 0, r->comm);
	sum = mix(token, rank);
	MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_UINT64_T, MPI_SUM, r->comm);
	b = mix(sum, i % size);
	MPI_Bcast(&b, 1, MPI_UINT64_T, i % size, r->comm);
	r->acc = mix(mix(r->acc, token), mix(sum, b));
}

static void *run(void *arg)
{
	struct ring *r = arg;
	int i;

	for (i = 0; i < iters; i++) {
		step(r, i);
		if (rank == 0 && r->id == 0) {
			printf("iter %d %016" PRIx64 "\n", i, r->acc);
			fflush(stdout);
		}
		usleep(pause_ms * 1000);
	}
	return NULL;
}

/* MIB MiB filled from the rank, summed at the end: memory that must come back. */
static uint64_t *fill(long mib)
{
	size_t n = mib << 17, k;
	uint64_t *m = malloc(n * 8 + 8);

	if (!m) {
		fprintf(stderr, "mpi_ring: no memory\n");
		MPI_Abort(MPI_COMM_WORLD, 2);
	}
	for (k = 0; k < n; k++)
		m[k] = mix(rank, k);
	return m;
}

static uint64_t mem_sum(const uint64_t *m, long mib)
{
	size_t n = mib << 17, k;
	uint64_t s = 0;

	for (k = 0; k < n; k++)
		s = s * 31 + m[k];
	return s;
}

int main(int argc, char **argv)
{
	int nthreads = argc > 3 ? atoi(argv[3]) : 1, provided, t, bad = 0;
	long mib = argc > 4 ? atol(argv[4]) : 0;
	int status = argc > 5 ? atoi(argv[5]) : 0;
	struct ring rings[8];
	pthread_t tids[8];
	uint64_t acc = 0, all, *mem = NULL;

	if (argc < 3 || nthreads < 1 || nthreads > 8 || mib < 0) {
		fprintf(stderr, "usage: mpi_ring ITERS PAUSE_MS [THREADS [MIB [STATUS]]]\n");
		return 2;
	}
	iters = atoi(argv[1]);
	pause_ms = atoi(argv[2]);
	MPI_Init_thread(&argc, &argv, nthreads > 1 ? MPI_THREAD_MULTIPLE :
			MPI_THREAD_SINGLE, &provided);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (nthreads > 1 && provided < MPI_THREAD_MULTIPLE) {
		if (rank == 0)
			printf("mpi_ring: no MPI_THREAD_MULTIPLE (%d)\n",
			       provided);
		MPI_Finalize();
		return 77;
	}
	if (mib)
		mem = fill(mib);
	for (t = 0; t < nthreads; t++) {
		MPI_Comm_dup(MPI_COMM_WORLD, &rings[t].comm);
		rings[t].id = t;
		rings[t].acc = t;
	}
	if (rank == 0) {
		printf("mpi_ring: %d ranks, %d thread(s) each, %d iterations\n",
		       size, nthreads, iters);
		fflush(stdout);
	}
	for (t = 1; t < nthreads; t++)
		pthread_create(&tids[t], NULL, run, &rings[t]);
	run(&rings[0]);
	for (t = 1; t < nthreads; t++)
		pthread_join(tids[t], NULL);

	for (t = 0; t < nthreads; t++) {
		/* every rank must have come to the same accumulator */
		uint64_t mine = rings[t].acc, lo = mine, hi = mine;

		MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_UINT64_T, MPI_MIN,
			      MPI_COMM_WORLD);
		MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_UINT64_T, MPI_MAX,
			      MPI_COMM_WORLD);
		bad |= lo != hi;
		acc = mix(acc, mine);
		MPI_Comm_free(&rings[t].comm);
	}
	if (mem)
		acc = mix(acc, mem_sum(mem, mib));
	acc = mix(acc, rank);
	MPI_Reduce(&acc, &all, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
	if (rank == 0) {
		if (bad)
			printf("mpi_ring: BAD: the ranks disagree\n");
		printf("mpi_ring: result %016" PRIx64 "\n", all);
		fflush(stdout);
	}
	free(mem);
	MPI_Finalize();
	return bad ? 1 : status;
}
