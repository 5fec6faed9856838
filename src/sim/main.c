/* main.c: bbbctl-sim placeholder until the simulator lands. */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "bbbctl-sim: not built yet\n");
	return (1);
}
