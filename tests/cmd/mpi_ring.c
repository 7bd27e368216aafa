// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An MPI token ring (tests/mpi_ring.sh builds it with mpicc in the
 * guest).  Usage: mpi_ring N: N rounds, 0.1 s apart; each rank adds 1 to
 * the token as it passes.  Rank 0 says "round R" every 10 rounds, then
 * "mpi_ring: ok" if the token is N times the ranks, else "mpi_ring:
 * FAILED".
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int rank, size, i, tok = 0, n = argc > 1 ? atoi(argv[1]) : 100;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	for (i = 0; i < n; i++) {
		if (rank == 0) {
			tok++;
			MPI_Send(&tok, 1, MPI_INT, 1 % size, 0, MPI_COMM_WORLD);
			MPI_Recv(&tok, 1, MPI_INT, size - 1, 0, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
		} else {
			MPI_Recv(&tok, 1, MPI_INT, rank - 1, 0, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
			tok++;
			MPI_Send(&tok, 1, MPI_INT, (rank + 1) % size, 0,
				 MPI_COMM_WORLD);
		}
		if (rank == 0 && i % 10 == 0) {
			printf("round %d\n", i);
			fflush(stdout);
		}
		usleep(100000);
	}
	if (rank == 0)
		printf("mpi_ring: %s\n", tok == n * size ? "ok" : "FAILED");
	MPI_Finalize();
	return 0;
}
