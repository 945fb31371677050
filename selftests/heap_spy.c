// SPDX-License-Identifier: GPL-2.0
/*
 * heap_spy - the seed program: print the program break before and after
 * the first malloc().  With glibc's defaults the stdout buffer that the
 * first printf() allocates, and malloc(1000), come from one brk growth of
 * the heap (0x21000 bytes).
 *
 * With "--wait" it then blocks reading stdin until EOF, so that a test can
 * look at the process while it is alive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Keep the allocation: an unused malloc() result may be optimised away. */
static void *volatile seed_block;

int main(int argc, char **argv)
{
	char buf[256];

	printf("Heap Pointer location:\nBefore:%p", sbrk(0));
	seed_block = malloc(1000);
	printf("\nAfter:%p\n", sbrk(0));
	fflush(stdout);

	if (argc > 1 && !strcmp(argv[1], "--wait"))
		while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
			;
	return 0;
}
