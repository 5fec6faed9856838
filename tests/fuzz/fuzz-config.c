/*
 * fuzz-config.c: config_load() on arbitrary file contents.  The input is
 * written to a memfd (mode 0600) and loaded through /proc/self/fd/N; any
 * error message must be well-formed and name the file.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cfg;
	char		 path[64], *cause = NULL;
	int		 fd;

	if ((fd = memfd_create("fuzz-config", MFD_CLOEXEC)) == -1)
		abort();
	if (fchmod(fd, 0600) == -1 ||
	    (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	cfg = config_new();
	if (config_load(cfg, path, &cause) == -1) {
		if (cause == NULL || strncmp(cause, path, strlen(path)) != 0)
			abort();
		free(cause);
	} else if (cause != NULL)
		abort();
	config_free(cfg);
	close(fd);
	return (0);
}
