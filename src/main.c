/* main.c: placeholder until cli.c lands. */
#include <stdio.h>

#include "config.h"
#include "log.h"

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("%s\n", PACKAGE_STRING);
	return (0);
}
