// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcr_run, preloaded by cr_run: BLCR needed it to make a program
 * checkpointable.  The blcr module checkpoints any process as it is, so
 * this library only exists for compatibility and holds just BLCR's link
 * anchor (-u cr_run_link_me).
 */
int cr_run_link_me;
