/*
 * fuzz-authkeys.c: libFuzzer target for the authorized_keys line parser
 * (authkeys_parse_line(), authkeys_parse_pub()) and the remove edit,
 * which must keep every byte of the lines it does not drop; and the other
 * outside data of keys rotate: the inventory's readers of Nova and
 * Rancher pages (keyinv.c) and the configuration edit (confedit.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "confedit.h"
#include "keyinv.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static bool
fuzz_match_cb(const struct authkeys_line *l, void *arg)
{
	(void)arg;
	if (l->blob == NULL || l->bloblen == 0 || l->type_len == 0)
		abort();
	/* Drop every other key line: enough to shuffle offsets. */
	return ((l->blob[l->bloblen - 1] & 1) != 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authkeys_line	 l;
	struct keyinv		 inv;
	const char		*text = (const char *)data;
	unsigned char		*blob;
	char			*cause = NULL, *out, *added, *next;
	size_t			 len, outlen, n, blen, alen;

	len = size;
	if (authkeys_parse_line(text, len, &l, &cause) == 0) {
		if (l.kind == AUTHKEYS_KEY &&
		    (l.type_off + l.type_len > len ||
		    l.b64_off + l.b64_len > len ||
		    l.opts_off + l.opts_len > len ||
		    l.comment_off + l.comment_len > len ||
		    l.blob == NULL ||
		    !authkeys_known_type(text + l.type_off, l.type_len)))
			abort();
	} else {
		if (cause == NULL || l.kind != AUTHKEYS_BAD)
			abort();
		free(cause);
	}
	authkeys_line_clear(&l);
	cause = NULL;
	if (authkeys_parse_pub(text, len, &blob, &blen, &cause) == 0)
		free(blob);
	else
		free(cause);

	out = authkeys_remove(text, len, fuzz_match_cb, NULL, &outlen, &n);
	if (outlen > len || (n == 0 && (outlen != len ||
	    memcmp(out, text, len) != 0)))
		abort();
	added = authkeys_add(out, outlen, "x", &alen);
	if (alen < outlen + 2 || memcmp(added, out, outlen) != 0)
		abort();
	free(added);
	free(out);

	inv.v = NULL;
	inv.n = 0;
	next = NULL;
	cause = NULL;
	if (keyinv_add_nova(&inv, text, len, "example.org", &next,
	    &cause) != 0)
		free(cause);
	free(next);
	next = NULL;
	cause = NULL;
	if (keyinv_add_rancher(&inv, text, len, NULL, &next, &cause) != 0)
		free(cause);
	free(next);
	for (n = 0; n < inv.n; n++) {
		if (inv.v[n].key == NULL || inv.v[n].name == NULL)
			abort();
	}
	keyinv_free(&inv);

	/* The line set is there (the input may hold NUL bytes). */
	out = confedit_set(text, len, "ssh", "identity", "/k", &outlen);
	for (n = 0; n + 13 <= outlen; n++) {
		if (memcmp(out + n, "identity = /k", 13) == 0)
			break;
	}
	if (n + 13 > outlen)
		abort();
	free(out);
	return (0);
}
