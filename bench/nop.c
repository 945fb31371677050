// SPDX-License-Identifier: GPL-2.0
/*
 * nop: the small program forkexec runs.  Static, so an exec costs the
 * kernel's work (the ELF loader's bss map, brk set-up, exit_mmap) and not
 * the dynamic loader's.
 */
int main(void)
{
	return 0;
}
