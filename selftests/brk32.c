// SPDX-License-Identifier: GPL-2.0
/*
 * brk32 - a 32-bit (i386) process that moves its break on command, for
 * ia32_test: brkscope hooks __ia32_sys_brk apart from __x64_sys_brk, and
 * reads a 32-bit task's requested break from another register.
 *
 * Static and without libc, built with -m32: every system call is a raw
 * int $0x80, so the process makes exactly the brk(2) calls it is told to
 * and no other (no libc start-up code or malloc calls brk behind the
 * test's back; a stray brk(0) would settle a call the test is watching).
 *
 * It reads one-byte commands on stdin and answers each with one line on
 * stdout, "REQ RET" in hex: the break it asked brk(2) for, and what brk(2)
 * returned (the new break, or the old one if the call failed):
 *
 *	'0'	brk(0): where the break is
 *	'g'	brk(brk + GROW): the seed's growth, malloc's first 0x21000
 *	's'	brk(brk - GROW): the same growth given back
 *	'f'	brk(FAIL_BRK): a growth no 32-bit task can have
 *
 * "brk" is what the last call returned (0 before any).  Any other byte
 * is answered "ffffffff 00000000" and calls nothing; end of input exits 0,
 * a failed read or write exits 1.
 */

/* i386 system call numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define NR_EXIT		1
#define NR_READ		3
#define NR_WRITE	4
#define NR_BRK		45

#define GROW		0x21000UL
/*
 * Above the top of a 32-bit task's address space on a 64-bit kernel
 * (TASK_SIZE there is at most 0xffffe000), so brk(2) must refuse it
 * whatever is mapped, and return the old break.
 */
#define FAIL_BRK	0xfffff000UL

/*
 * A value no break of ours equals, in the register a 64-bit brk(2) takes
 * its argument from (edi, zero-extended into rdi): a probe that read the
 * 64-bit register for this 32-bit call would see this, not the request.
 */
#define DI_POISON	0x5a5a5a5aUL

/* The kernel enters at _start with argc on the stack; nothing else is read. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %esp\n"
	"	call brk32_main\n"
	"	hlt\n");

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "D"(DI_POISON)
			 : "memory");
	return ret;
}

static __attribute__((noreturn)) void sys_exit(int code)
{
	for (;;)
		sys3(NR_EXIT, code, 0, 0);
}

/* Eight hex digits of @v at @out. */
static void hex8(char *out, unsigned long v)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 7; i >= 0; i--, v >>= 4)
		out[i] = digits[v & 0xf];
}

/* "REQ RET\n", whole or exit: the test waits for whole lines. */
static void answer(unsigned long req, unsigned long ret)
{
	char line[18];
	long off = 0, n;

	hex8(line, req);
	line[8] = ' ';
	hex8(line + 9, ret);
	line[17] = '\n';
	while (off < (long)sizeof(line)) {
		n = sys3(NR_WRITE, 1, (long)(line + off), sizeof(line) - off);
		if (n <= 0)
			sys_exit(1);
		off += n;
	}
}

__attribute__((used, noreturn)) void brk32_main(void)
{
	unsigned long brk = 0, req;
	char cmd;
	long n;

	for (;;) {
		n = sys3(NR_READ, 0, (long)&cmd, 1);
		if (n == 0)
			sys_exit(0);
		if (n < 0)
			sys_exit(1);
		switch (cmd) {
		case '0':
			req = 0;
			break;
		case 'g':
			req = brk + GROW;
			break;
		case 's':
			req = brk - GROW;
			break;
		case 'f':
			req = FAIL_BRK;
			break;
		default:
			answer(~0UL, 0);
			continue;
		}
		brk = sys3(NR_BRK, req, 0, 0);
		answer(req, brk);
	}
}
