// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * FPU/vector register state across a checkpoint.  Threads, each with its
 * own patterns:
 *  - sse: loads xmm0-15 and the 8 x87 registers, sets a non-default MXCSR
 *    and x87 control word, then loops in one asm block: FXSAVE, compare
 *    (masked) with the FXSAVE image taken right after loading.
 *  - avx (if the CPU and OS have AVX): ymm0-15 loaded, then the loop stores
 *    them to memory and compares with the patterns.
 *  - avx512 (if AVX-512F): zmm0-31 and k0-7 likewise.
 *  The loops never touch the registers except to store them, and make a
 *  1 ms nanosleep every 64 rounds (by the syscall instruction), so the
 *  checkpoint finds them either in user mode or in the kernel.
 *  - gpr: 64-bit patterns in rax, rdx, r8 and r9, compared in a loop
 *    that makes no syscall, so the checkpoint finds it in user mode with
 *    all of rax in use.
 *  - sum: double and long double (x87) running sums with a 1 ms sleep per
 *    step, kept in registers across the (asm) syscall; the results must
 *    equal, bit for bit, the same computation done without sleeping, and
 *    an exactly representable sum must be exact.
 * The vector loops run until the sum thread is done.  OUT.ready appears
 * when every loop has run; OUT gets the report.  "restarted_at N" is the
 * sum step at which the parent pid was first seen changed (-1: never).
 * Usage: fpu_state OUT [SUM_STEPS]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

static volatile int stop;
static const struct timespec ms1 = { 0, 1000 * 1000 };

struct vec {
	const char *name;
	int nq;			/* qwords compared */
	uint64_t pat[32 * 8 + 8] __attribute__((aligned(64)));
	uint64_t cur[32 * 8 + 8] __attribute__((aligned(64)));
	uint64_t mask[32 * 8 + 8];
	volatile long iters;
	long bad;		/* 1 + index of the first bad qword */
	uint64_t got, want;
};

static struct vec sse = { .name = "sse" }, avx = { .name = "avx" },
	avx512 = { .name = "avx512" };

static void fill(struct vec *v, uint64_t seed, int nq)
{
	int i;

	v->nq = nq;
	for (i = 0; i < nq; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		v->pat[i] = seed ^ (seed >> 29);
		v->mask[i] = ~0ULL;
	}
}

/* The common tail of the loops: masked compare cur/pat, count, sleep. */
#define CHECK_AND_SLEEP(NQ)						\
	"xor %%ecx, %%ecx\n"						\
	"2: mov (%[c],%%rcx,8), %%rax\n"				\
	"xor (%[p],%%rcx,8), %%rax\n"					\
	"and (%[m],%%rcx,8), %%rax\n"					\
	"jnz 8f\n"							\
	"inc %%rcx\n"							\
	"cmp $" #NQ ", %%rcx\n"						\
	"jb 2b\n"							\
	"incq (%[it])\n"						\
	"cmpl $0, (%[stop])\n"						\
	"jne 9f\n"							\
	"testq $63, (%[it])\n"						\
	"jnz 1b\n"							\
	"mov $35, %%eax\n"	/* nanosleep(ts, NULL) */		\
	"mov %[ts], %%rdi\n"						\
	"xor %%esi, %%esi\n"						\
	"syscall\n"							\
	"jmp 1b\n"							\
	"8: inc %%rcx\n"						\
	"mov %%rcx, (%[bad])\n"						\
	"9:\n"

/*
 * x87 + SSE via FXSAVE (512-byte image): compared are FCW (bytes 0-1),
 * the abridged tag byte (4), MXCSR (24-27), ST0-7 (32 + 16*i, 10 bytes
 * each) and XMM0-15 (160-415).  pat gets the image taken after loading.
 */
static void *sse_thread(void *arg)
{
	struct vec *v = &sse;
	/* what is loaded: xmm at 0, x87 at 256, FCW at 320, MXCSR at 324 */
	static struct {
		uint64_t xmm[32];
		double x87[8];
		uint16_t fcw;
		uint16_t pad;
		uint32_t mxcsr;
	} ld __attribute__((aligned(16))) = {
		.x87 = { 1.5, -2.25, 3.125, 1e100, -1e-100, 6.02214076e23,
			 0.1, 42.0 },
		.fcw = 0x067f,		/* round down, 53 bits */
		.mxcsr = 0x7f80,	/* round to zero */
	};
	int i;

	_Static_assert(__builtin_offsetof(typeof(ld), fcw) == 320, "fcw");
	_Static_assert(__builtin_offsetof(typeof(ld), mxcsr) == 324, "mx");
	fill(v, 0x55e55e, 64);
	memcpy(ld.xmm, v->pat, sizeof(ld.xmm));
	memset(v->mask, 0, sizeof(v->mask));
	v->mask[0] = 0x000000ff0000ffffULL;		/* FCW, FTW */
	v->mask[3] = 0x00000000ffffffffULL;		/* MXCSR */
	for (i = 0; i < 8; i++) {
		v->mask[4 + 2 * i] = ~0ULL;
		v->mask[5 + 2 * i] = 0xffffULL;
	}
	for (i = 20; i < 52; i++)
		v->mask[i] = ~0ULL;
	asm volatile(
		"fninit\n"
		"fldcw 320(%[x])\n"
		"ldmxcsr 324(%[x])\n"
		"fldl 256(%[x])\n fldl 264(%[x])\n fldl 272(%[x])\n"
		"fldl 280(%[x])\n fldl 288(%[x])\n fldl 296(%[x])\n"
		"fldl 304(%[x])\n fldl 312(%[x])\n"
		"movdqu 0(%[x]), %%xmm0\n movdqu 16(%[x]), %%xmm1\n"
		"movdqu 32(%[x]), %%xmm2\n movdqu 48(%[x]), %%xmm3\n"
		"movdqu 64(%[x]), %%xmm4\n movdqu 80(%[x]), %%xmm5\n"
		"movdqu 96(%[x]), %%xmm6\n movdqu 112(%[x]), %%xmm7\n"
		"movdqu 128(%[x]), %%xmm8\n movdqu 144(%[x]), %%xmm9\n"
		"movdqu 160(%[x]), %%xmm10\n movdqu 176(%[x]), %%xmm11\n"
		"movdqu 192(%[x]), %%xmm12\n movdqu 208(%[x]), %%xmm13\n"
		"movdqu 224(%[x]), %%xmm14\n movdqu 240(%[x]), %%xmm15\n"
		"fxsave (%[p])\n"
		"1: fxsave (%[c])\n"
		CHECK_AND_SLEEP(64)
		"fninit\n"
		:
		: [p] "r"(v->pat), [c] "r"(v->cur), [m] "r"(v->mask),
		  [it] "r"(&v->iters), [stop] "r"(&stop), [ts] "r"(&ms1),
		  [bad] "r"(&v->bad), [x] "r"(&ld)
		: "rax", "rcx", "rdi", "rsi", "r11", "memory", "cc",
		  "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)",
		  "st(7)", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		  "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		  "xmm13", "xmm14", "xmm15");
	asm volatile("ldmxcsr %0" : : "m"((uint32_t){ 0x1f80 }));
	/* the image taken after loading must hold what was loaded */
	if (!v->bad && (memcmp((char *)v->pat + 160, ld.xmm, 256) ||
			(uint16_t)v->pat[0] != ld.fcw ||
			(uint32_t)v->pat[3] != ld.mxcsr))
		v->bad = -1;
	if (v->bad > 0) {
		v->got = v->cur[v->bad - 1];
		v->want = v->pat[v->bad - 1];
	}
	return NULL;
}

static void *avx_thread(void *arg)
{
	struct vec *v = &avx;

	fill(v, 0xa7a7a7, 64);
	asm volatile(
		"vmovdqu 0(%[p]), %%ymm0\n vmovdqu 32(%[p]), %%ymm1\n"
		"vmovdqu 64(%[p]), %%ymm2\n vmovdqu 96(%[p]), %%ymm3\n"
		"vmovdqu 128(%[p]), %%ymm4\n vmovdqu 160(%[p]), %%ymm5\n"
		"vmovdqu 192(%[p]), %%ymm6\n vmovdqu 224(%[p]), %%ymm7\n"
		"vmovdqu 256(%[p]), %%ymm8\n vmovdqu 288(%[p]), %%ymm9\n"
		"vmovdqu 320(%[p]), %%ymm10\n vmovdqu 352(%[p]), %%ymm11\n"
		"vmovdqu 384(%[p]), %%ymm12\n vmovdqu 416(%[p]), %%ymm13\n"
		"vmovdqu 448(%[p]), %%ymm14\n vmovdqu 480(%[p]), %%ymm15\n"
		"1:\n"
		"vmovdqu %%ymm0, 0(%[c])\n vmovdqu %%ymm1, 32(%[c])\n"
		"vmovdqu %%ymm2, 64(%[c])\n vmovdqu %%ymm3, 96(%[c])\n"
		"vmovdqu %%ymm4, 128(%[c])\n vmovdqu %%ymm5, 160(%[c])\n"
		"vmovdqu %%ymm6, 192(%[c])\n vmovdqu %%ymm7, 224(%[c])\n"
		"vmovdqu %%ymm8, 256(%[c])\n vmovdqu %%ymm9, 288(%[c])\n"
		"vmovdqu %%ymm10, 320(%[c])\n vmovdqu %%ymm11, 352(%[c])\n"
		"vmovdqu %%ymm12, 384(%[c])\n vmovdqu %%ymm13, 416(%[c])\n"
		"vmovdqu %%ymm14, 448(%[c])\n vmovdqu %%ymm15, 480(%[c])\n"
		CHECK_AND_SLEEP(64)
		"vzeroupper\n"
		:
		: [p] "r"(v->pat), [c] "r"(v->cur), [m] "r"(v->mask),
		  [it] "r"(&v->iters), [stop] "r"(&stop), [ts] "r"(&ms1),
		  [bad] "r"(&v->bad)
		: "rax", "rcx", "rdx", "rdi", "rsi", "r11", "memory", "cc",
		  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14", "xmm15");
	if (v->bad > 0) {
		v->got = v->cur[v->bad - 1];
		v->want = v->pat[v->bad - 1];
	}
	return NULL;
}

/* zmm0-31 (2048 bytes, 256 qwords) then k0-k7 (16 bits each, 2 qwords). */
__attribute__((target("avx512f")))
static void *avx512_thread(void *arg)
{
	struct vec *v = &avx512;
	int i;

	fill(v, 0x512512, 258);
	for (i = 256; i < 258; i++) {
		v->pat[i] &= 0x0000ffff0000ffffULL;
		v->mask[i] = 0x0000ffff0000ffffULL;
	}
#define Z(n) "vmovdqu64 " #n "*64(%[p]), %%zmm" #n "\n"
#define S(n) "vmovdqu64 %%zmm" #n ", " #n "*64(%[c])\n"
#define KL(n) "kmovw 2048+" #n "*4(%[p]), %%k" #n "\n"
#define KS(n) "kmovw %%k" #n ", 2048+" #n "*4(%[c])\n"
	asm volatile(
		Z(0) Z(1) Z(2) Z(3) Z(4) Z(5) Z(6) Z(7) Z(8) Z(9) Z(10) Z(11)
		Z(12) Z(13) Z(14) Z(15) Z(16) Z(17) Z(18) Z(19) Z(20) Z(21)
		Z(22) Z(23) Z(24) Z(25) Z(26) Z(27) Z(28) Z(29) Z(30) Z(31)
		KL(0) KL(1) KL(2) KL(3) KL(4) KL(5) KL(6) KL(7)
		"1:\n"
		S(0) S(1) S(2) S(3) S(4) S(5) S(6) S(7) S(8) S(9) S(10) S(11)
		S(12) S(13) S(14) S(15) S(16) S(17) S(18) S(19) S(20) S(21)
		S(22) S(23) S(24) S(25) S(26) S(27) S(28) S(29) S(30) S(31)
		KS(0) KS(1) KS(2) KS(3) KS(4) KS(5) KS(6) KS(7)
		CHECK_AND_SLEEP(258)
		"vzeroupper\n"
		:
		: [p] "r"(v->pat), [c] "r"(v->cur), [m] "r"(v->mask),
		  [it] "r"(&v->iters), [stop] "r"(&stop), [ts] "r"(&ms1),
		  [bad] "r"(&v->bad)
		: "rax", "rcx", "rdx", "rdi", "rsi", "r11", "memory", "cc",
		  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19",
		  "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25",
		  "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31",
		  "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
	if (v->bad > 0) {
		v->got = v->cur[v->bad - 1];
		v->want = v->pat[v->bad - 1];
	}
	return NULL;
}

struct sums {
	double d, half;
	long double ld;
};

static volatile long sum_step;
static volatile long restarted_at = -1;
static pid_t ppid0;

/* The same code, sleeping or not; the sums stay in registers. */
__attribute__((noinline))
static void compute(long n, int sleep, struct sums *r)
{
	double d = 0, half = 0;
	long double ld = 0;
	long i, ppid;

	for (i = 1; i <= n; i++) {
		d += 1.0 / (double)i;
		ld += 1.0L / ((long double)i * i);
		half += 0.5 * (double)i;
		if (sleep) {
			long rax = 35;

			asm volatile("syscall" : "+a"(rax)
				     : "D"(&ms1), "S"(0L)
				     : "rcx", "r11", "memory");
			rax = 110;	/* getppid */
			asm volatile("syscall" : "+a"(rax) : : "rcx", "r11",
				     "memory");
			ppid = rax;
			if (ppid != ppid0 && restarted_at < 0)
				restarted_at = i;
			sum_step = i;
		}
	}
	r->d = d;
	r->ld = ld;
	r->half = half;
}

static long sum_steps = 2000;
static struct sums got_sums;
static volatile uint64_t gpr_iters, gpr_bad;

#define GPR_CHECK(pat, reg) \
	"movabs $" pat ", %%rcx\n cmp %%rcx, %%" reg "\n jne 2f\n"

static void *gpr_thread(void *arg)
{
	asm volatile(
		"movabs $0x1122334455667788, %%rax\n"
		"movabs $0x99aabbccddeeff01, %%rdx\n"
		"movabs $0x0fedcba987654321, %%r8\n"
		"movabs $0x8badf00ddeadbeef, %%r9\n"
		"1: incq %[it]\n"
		GPR_CHECK("0x1122334455667788", "rax")
		GPR_CHECK("0x99aabbccddeeff01", "rdx")
		GPR_CHECK("0x0fedcba987654321", "r8")
		GPR_CHECK("0x8badf00ddeadbeef", "r9")
		"cmpl $0, %[stop]\n je 1b\n jmp 3f\n"
		"2: movq $1, %[bad]\n"
		"3:\n"
		: [it] "+m"(gpr_iters), [bad] "+m"(gpr_bad)
		: [stop] "m"(stop)
		: "rax", "rcx", "rdx", "r8", "r9", "cc", "memory");
	return NULL;
}

static void *sum_thread(void *arg)
{
	compute(sum_steps, 1, &got_sums);
	return NULL;
}

static int report(FILE *out, struct vec *v, int on)
{
	if (!on) {
		fprintf(out, "%s: not supported, skipped\n", v->name);
		return 0;
	}
	fprintf(out, "%s: %ld rounds\n", v->name, v->iters);
	if (v->bad < 0) {
		fprintf(out, "FAIL %s: loading the registers did not work\n",
			v->name);
		return 1;
	}
	if (v->bad) {
		fprintf(out, "FAIL %s: qword %ld is %016llx, was %016llx "
			"(after %ld rounds)\n", v->name, v->bad - 1,
			(unsigned long long)v->got,
			(unsigned long long)v->want, v->iters);
		return 1;
	}
	if (v->iters < 2) {
		fprintf(out, "FAIL %s: only %ld rounds\n", v->name, v->iters);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t ts, ta, tz, tg, tsum;
	int has_avx, has_avx512, bad = 0;
	struct sums want;
	FILE *out;

	cr_start(argc, argv, 1, "OUT [SUM_STEPS]");
	if (argc > 2)
		sum_steps = atol(argv[2]);
	ppid0 = getppid();
	__builtin_cpu_init();
	has_avx = __builtin_cpu_supports("avx");
	has_avx512 = __builtin_cpu_supports("avx512f");
	compute(sum_steps, 0, &want);

	if (pthread_create(&ts, NULL, sse_thread, NULL) ||
	    (has_avx && pthread_create(&ta, NULL, avx_thread, NULL)) ||
	    (has_avx512 && pthread_create(&tz, NULL, avx512_thread, NULL)) ||
	    pthread_create(&tg, NULL, gpr_thread, NULL) ||
	    pthread_create(&tsum, NULL, sum_thread, NULL))
		return 2;
	while (!sse.iters || !gpr_iters || (has_avx && !avx.iters) ||
	       (has_avx512 && !avx512.iters) || sum_step < 50)
		usleep(10000);
	cr_mark(argv[1], "ready");
	pthread_join(tsum, NULL);
	stop = 1;
	pthread_join(ts, NULL);
	pthread_join(tg, NULL);
	if (has_avx)
		pthread_join(ta, NULL);
	if (has_avx512)
		pthread_join(tz, NULL);

	out = fopen(argv[1], "w");
	if (!out)
		return 2;
	bad += report(out, &sse, 1);
	bad += report(out, &avx, has_avx);
	bad += report(out, &avx512, has_avx512);
	fprintf(out, "gpr: %llu rounds\n", (unsigned long long)gpr_iters);
	if (gpr_bad) {
		fprintf(out, "FAIL gpr: a 64-bit register changed\n");
		bad++;
	}
	if (memcmp(&got_sums.d, &want.d, sizeof(double)) ||
	    memcmp(&got_sums.ld, &want.ld, 10) ||
	    got_sums.half != 0.25 * sum_steps * (sum_steps + 1) ||
	    want.half != got_sums.half) {
		fprintf(out, "FAIL sums: %.17g %.21Lg %.17g, want %.17g "
			"%.21Lg %.17g\n", got_sums.d, got_sums.ld,
			got_sums.half, want.d, want.ld,
			0.25 * sum_steps * (sum_steps + 1));
		bad++;
	}
	fprintf(out, "sums %.17g %.21Lg %.17g after %ld steps\n", got_sums.d,
		got_sums.ld, got_sums.half, sum_steps);
	fprintf(out, "restarted_at %ld\n", restarted_at);
	fprintf(out, "%s\n", bad ? "FAILED" : "OK");
	fclose(out);
	return bad ? 1 : 0;
}
