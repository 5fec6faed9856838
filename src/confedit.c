/*
 * confedit.c: keys set in a configuration file, the rest kept
 * (confedit.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confedit.h"
#include "util.h"

#define CONFEDIT_MAX	(1024 * 1024)

static bool
confedit_blank(char c)
{
	return (c == ' ' || c == '\t' || c == '\r');
}

/* Is line (len, no newline) the header "[section]"? */
static bool
confedit_is_header(const char *s, size_t len, const char **name,
    size_t *nlen)
{
	size_t	 i = 0, end = len;

	while (i < len && confedit_blank(s[i]))
		i++;
	while (end > i && confedit_blank(s[end - 1]))
		end--;
	if (i >= end || s[i] != '[' || s[end - 1] != ']')
		return (false);
	*name = s + i + 1;
	*nlen = end - i - 2;
	return (true);
}

/* Is line "key = ..." (blanks around, no comment)? */
static bool
confedit_is_key(const char *s, size_t len, const char *key)
{
	size_t	 i = 0, klen = strlen(key);

	while (i < len && confedit_blank(s[i]))
		i++;
	if (len - i < klen || memcmp(s + i, key, klen) != 0)
		return (false);
	i += klen;
	while (i < len && confedit_blank(s[i]))
		i++;
	return (i < len && (s[i] == '=' || s[i] == ':'));
}

char *
confedit_set(const char *s, size_t len, const char *section,
    const char *key, const char *value, size_t *outlen)
{
	struct buf	 b = { 0 };
	const char	*nl, *name;
	size_t		 pos = 0, n, full, nlen, after_header = 0;
	bool		 in = false, seen = false, done = false;

	while (pos < len) {
		nl = memchr(s + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (s + pos)) : len - pos;
		full = nl != NULL ? n + 1 : n;
		if (confedit_is_header(s + pos, n, &name, &nlen)) {
			in = nlen == strlen(section) &&
			    memcmp(name, section, nlen) == 0;
			if (in && !seen) {
				seen = true;
				after_header = b.len + full;
			}
		} else if (in && !done && confedit_is_key(s + pos, n, key)) {
			buf_printf(&b, "%s = %s", key, value);
			if (nl != NULL)
				buf_addc(&b, '\n');
			done = true;
			pos += full;
			continue;
		}
		buf_add(&b, s + pos, full);
		pos += full;
	}
	if (!done && seen) {
		/* Right after the header. */
		struct buf	 o = { 0 };

		buf_add(&o, b.data, after_header);
		if (after_header == 0 || o.data[after_header - 1] != '\n')
			buf_addc(&o, '\n');
		buf_printf(&o, "%s = %s\n", key, value);
		buf_add(&o, b.data + after_header, b.len - after_header);
		buf_free(&b);
		b = o;
	} else if (!done) {
		if (b.len != 0 && b.data[b.len - 1] != '\n')
			buf_addc(&b, '\n');
		buf_printf(&b, "%s[%s]\n%s = %s\n", b.len != 0 ? "\n" : "",
		    section, key, value);
	}
	if (b.data == NULL)
		buf_add(&b, "", 0);
	*outlen = b.len;
	return (buf_steal(&b));
}

