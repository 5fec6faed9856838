/* fixture.h: read a wire sample from tests/fixtures/ (tests only). */
#ifndef BBBCTL_TEST_FIXTURE_H
#define BBBCTL_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

static char *
fixture_read(const char *name, size_t *len)
{
	const char	*top = getenv("top_srcdir");
	char		*path, chunk[8192];
	struct buf	 b = { 0 };
	FILE		*f;
	size_t		 n;

	path = xasprintf("%s/tests/fixtures/%s", top != NULL ? top : ".",
	    name);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		abort();
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	free(path);
	if (b.data == NULL)
		buf_add(&b, "", 0);
	*len = b.len;
	return (buf_steal(&b));
}

#endif
