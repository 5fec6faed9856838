/*
 * authkeys.c: the authorized_keys line format (authkeys.h), following
 * sshd's own reading of a line (auth2-pubkeyfile.c, check_authkey_line:
 * a key first, else options then a key).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "util.h"

static const char *const authkeys_types[] = {
	"ssh-ed25519",
	"ssh-rsa",
	"ssh-dss",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"sk-ecdsa-sha2-nistp256@openssh.com",
	"sk-ssh-ed25519@openssh.com",
	"ssh-ed25519-cert-v01@openssh.com",
	"ssh-rsa-cert-v01@openssh.com",
	"ssh-dss-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com",
	"ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com",
};

static bool
authkeys_blank(char c)
{
	return (c == ' ' || c == '\t' || c == '\r');
}

bool
authkeys_known_type(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < nitems(authkeys_types); i++) {
		if (strlen(authkeys_types[i]) == len &&
		    memcmp(authkeys_types[i], s, len) == 0)
			return (true);
	}
	return (false);
}

/*
 * The blob starts with its own type string, which must be the line's
 * (sshkey_read refuses a mismatch).
 */
static bool
authkeys_blob_type_ok(const unsigned char *b, size_t blen, const char *type,
    size_t tlen)
{
	uint32_t	 n;

	if (blen < 4)
		return (false);
	n = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return (n == tlen && blen - 4 > n && memcmp(b + 4, type, n) == 0);
}

/* "type base64 [comment]" from s[*pos]; 0 or -1 (why in *cause). */
static int
authkeys_read_key(const char *s, size_t len, size_t pos,
    struct authkeys_line *l, const char **why)
{
	size_t	 i = pos, end;

	while (i < len && !authkeys_blank(s[i]))
		i++;
	if (!authkeys_known_type(s + pos, i - pos)) {
		*why = "unknown key type";
		return (-1);
	}
	l->type_off = pos;
	l->type_len = i - pos;
	while (i < len && authkeys_blank(s[i]))
		i++;
	l->b64_off = i;
	while (i < len && !authkeys_blank(s[i]))
		i++;
	l->b64_len = i - l->b64_off;
	if (l->b64_len == 0) {
		*why = "no key after the key type";
		return (-1);
	}
	if ((l->blob = (unsigned char *)util_base64_decode(s + l->b64_off,
	    l->b64_len, &l->bloblen)) == NULL || l->bloblen == 0) {
		free(l->blob);
		l->blob = NULL;
		*why = "the key is not base64";
		return (-1);
	}
	if (!authkeys_blob_type_ok(l->blob, l->bloblen, s + l->type_off,
	    l->type_len)) {
		free(l->blob);
		l->blob = NULL;
		l->bloblen = 0;
		*why = "the key does not match its type";
		return (-1);
	}
	while (i < len && authkeys_blank(s[i]))
		i++;
	end = len;
	while (end > i && authkeys_blank(s[end - 1]))
		end--;
	l->comment_off = i;
	l->comment_len = end - i;
	return (0);
}

void
authkeys_line_clear(struct authkeys_line *l)
{
	if (l == NULL)
		return;
	free(l->blob);
	memset(l, 0, sizeof *l);
}

int
authkeys_parse_line(const char *s, size_t len, struct authkeys_line *l,
    char **cause)
{
	const char	*why = NULL;
	size_t		 i = 0, start;
	bool		 quoted = false;

	memset(l, 0, sizeof *l);
	while (i < len && authkeys_blank(s[i]))
		i++;
	if (i == len || s[i] == '#') {
		l->kind = AUTHKEYS_BLANK;
		return (0);
	}
	start = i;
	if (authkeys_read_key(s, len, start, l, &why) == 0) {
		l->kind = AUTHKEYS_KEY;
		return (0);
	}
	/* No key: options first (sshkey_advance_past_options). */
	authkeys_line_clear(l);
	for (; i < len && (quoted || !authkeys_blank(s[i])); i++) {
		if (s[i] == '\\' && quoted && i + 1 < len && s[i + 1] == '"')
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
	}
	if (quoted || i == len) {
		l->kind = AUTHKEYS_BAD;
		*cause = xstrdup(quoted ? "unterminated quote in the options" :
		    "no key");
		return (-1);
	}
	l->opts_off = start;
	l->opts_len = i - start;
	while (i < len && authkeys_blank(s[i]))
		i++;
	if (authkeys_read_key(s, len, i, l, &why) != 0) {
		authkeys_line_clear(l);
		l->kind = AUTHKEYS_BAD;
		*cause = xstrdup(why);
		return (-1);
	}
	l->kind = AUTHKEYS_KEY;
	return (0);
}

int
authkeys_parse_pub(const char *s, size_t len, unsigned char **blob,
    size_t *bloblen, char **cause)
{
	struct authkeys_line	 l;
	const char		*nl;

	if ((nl = memchr(s, '\n', len)) != NULL)
		len = (size_t)(nl - s);
	if (authkeys_parse_line(s, len, &l, cause) != 0)
		return (-1);
	if (l.kind != AUTHKEYS_KEY || l.opts_len != 0) {
		authkeys_line_clear(&l);
		*cause = xstrdup("not a public key line");
		return (-1);
	}
	*blob = l.blob;
	*bloblen = l.bloblen;
	return (0);
}

/* Calls fn for each line (without its newline) of s; stops on true. */
static bool
authkeys_each(const char *s, size_t len,
    bool (*fn)(const char *, size_t, size_t, void *), void *arg)
{
	const char	*nl;
	size_t		 pos = 0, n;

	while (pos < len) {
		nl = memchr(s + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (s + pos)) : len - pos;
		if (fn(s + pos, n, nl != NULL ? n + 1 : n, arg))
			return (true);
		pos += nl != NULL ? n + 1 : n;
	}
	return (false);
}

struct authkeys_find {
	const unsigned char	*blob;
	size_t			 len;
};

static bool
authkeys_find_cb(const char *line, size_t len, size_t full, void *arg)
{
	struct authkeys_find	*f = arg;
	struct authkeys_line	 l;
	char			*cause = NULL;
	bool			 found = false;

	(void)full;
	if (authkeys_parse_line(line, len, &l, &cause) == 0 &&
	    l.kind == AUTHKEYS_KEY && l.bloblen == f->len &&
	    memcmp(l.blob, f->blob, f->len) == 0)
		found = true;
	free(cause);
	authkeys_line_clear(&l);
	return (found);
}

bool
authkeys_has_blob(const char *s, size_t len, const unsigned char *blob,
    size_t bloblen)
{
	struct authkeys_find	 f = { blob, bloblen };

	return (authkeys_each(s, len, authkeys_find_cb, &f));
}

char *
authkeys_add(const char *s, size_t len, const char *line, size_t *outlen)
{
	struct buf	 b = { 0 };

	buf_add(&b, s, len);
	if (len != 0 && s[len - 1] != '\n')
		buf_addc(&b, '\n');
	buf_adds(&b, line);
	buf_addc(&b, '\n');
	*outlen = b.len;
	return (buf_steal(&b));
}

struct authkeys_rm {
	authkeys_match_cb	 match;
	void			*arg;
	struct buf		 out;
	size_t			 removed;
};

static bool
authkeys_rm_cb(const char *line, size_t len, size_t full, void *arg)
{
	struct authkeys_rm	*r = arg;
	struct authkeys_line	 l;
	char			*cause = NULL;
	bool			 drop = false;

	if (authkeys_parse_line(line, len, &l, &cause) == 0 &&
	    l.kind == AUTHKEYS_KEY && r->match(&l, r->arg))
		drop = true;
	free(cause);
	authkeys_line_clear(&l);
	if (drop)
		r->removed++;
	else
		buf_add(&r->out, line, full);
	return (false);
}

char *
authkeys_remove(const char *s, size_t len, authkeys_match_cb match,
    void *arg, size_t *outlen, size_t *removed)
{
	struct authkeys_rm	 r;

	memset(&r, 0, sizeof r);
	r.match = match;
	r.arg = arg;
	authkeys_each(s, len, authkeys_rm_cb, &r);
	*removed = r.removed;
	*outlen = r.out.len;
	if (r.out.data == NULL)
		return (xstrdup(""));
	return (buf_steal(&r.out));
}
