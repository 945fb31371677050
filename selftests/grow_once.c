// SPDX-License-Identifier: GPL-2.0
/*
 * grow_once - the cheapest process that grows its heap: brk(0), brk(+1
 * page), exit(0).  For stress_test's fork/exec/exit storms.
 *
 * Static and without libc (x86-64 only): exec maps nothing but this text,
 * no dynamic loader runs and no library calls brk, so the process makes
 * exactly one brk(2) growth of one page (AT_PAGESZ) and nothing else.
 *
 * With any argument it holds: after growing it writes its break (8 bytes,
 * native endian) to stdout and waits for EOF on stdin before exiting, so a
 * test can look at it while it is alive.
 */
#include <asm/unistd.h>
#include <elf.h>

/* The kernel enters at _start with argc, argv[], NULL, envp[], NULL, auxv. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call grow_main\n"
	"	hlt\n");

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static __attribute__((noreturn)) void sys_exit(int code)
{
	for (;;)
		sys3(__NR_exit_group, code, 0, 0);
}

static unsigned long page_size(const long *sp)
{
	const long *p = sp + 1 + sp[0] + 1;	/* past argc, argv[] and NULL */
	const Elf64_auxv_t *aux;

	while (*p)				/* envp[] */
		p++;
	for (aux = (const Elf64_auxv_t *)(p + 1); aux->a_type != AT_NULL; aux++)
		if (aux->a_type == AT_PAGESZ)
			return aux->a_un.a_val;
	return 0;
}

__attribute__((used, noreturn)) void grow_main(const long *sp)
{
	unsigned long page = page_size(sp), start, brk;
	char byte;

	if (!page)
		sys_exit(2);
	start = sys3(__NR_brk, 0, 0, 0);
	brk = sys3(__NR_brk, start + page, 0, 0);
	if (brk != start + page)
		sys_exit(1);
	if (sp[0] > 1) {
		if (sys3(__NR_write, 1, (long)&brk, sizeof(brk)) != sizeof(brk))
			sys_exit(3);
		while (sys3(__NR_read, 0, (long)&byte, 1) > 0)
			;
	}
	sys_exit(0);
}
