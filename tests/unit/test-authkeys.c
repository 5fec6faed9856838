/*
 * test-authkeys.c: the authorized_keys line parser on a recorded file
 * made by ssh-keygen (tests/fixtures/ssh/authorized_keys.sample: every
 * shape sshd accepts and some it skips), fingerprints as ssh-keygen -l
 * printed them (tests/fixtures/ssh/fingerprints), and the add and remove
 * edits keeping the other lines byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "authkeys.h"
#include "ssh.h"
#include "util.h"
#include "fixture.h"

/* Line n (from 0) of s, without its newline. */
static const char *
nth_line(const char *s, size_t n, size_t *len)
{
	const char	*nl;

	while (n-- > 0) {
		nl = strchr(s, '\n');
		assert_non_null(nl);
		s = nl + 1;
	}
	nl = strchr(s, '\n');
	*len = nl != NULL ? (size_t)(nl - s) : strlen(s);
	return (s);
}

static char *
field(const char *line, size_t off, size_t len)
{
	return (xstrndup(line + off, len));
}

static void
test_sample_lines(void **state)
{
	struct authkeys_line	 l;
	const char		*line;
	char			*text, *cause, *s, *fp;
	size_t			 len, n;
	static const enum authkeys_kind kinds[] = {
		AUTHKEYS_BLANK, AUTHKEYS_BLANK, AUTHKEYS_KEY, AUTHKEYS_BLANK,
		AUTHKEYS_KEY, AUTHKEYS_KEY, AUTHKEYS_KEY, AUTHKEYS_BAD,
		AUTHKEYS_BAD, AUTHKEYS_BAD, AUTHKEYS_KEY, AUTHKEYS_KEY
	};

	(void)state;
	text = fixture_read("ssh/authorized_keys.sample", &len);
	for (n = 0; n < nitems(kinds); n++) {
		line = nth_line(text, n, &len);
		cause = NULL;
		if (authkeys_parse_line(line, len, &l, &cause) == 0)
			assert_null(cause);
		else {
			assert_non_null(cause);
			free(cause);
		}
		if (l.kind != kinds[n])
			fail_msg("line %zu: kind %d, want %d", n + 1, l.kind,
			    kinds[n]);
		authkeys_line_clear(&l);
	}

	/* A plain key with a comment. */
	line = nth_line(text, 2, &len);
	assert_int_equal(authkeys_parse_line(line, len, &l, &cause), 0);
	assert_int_equal(l.opts_len, 0);
	s = field(line, l.type_off, l.type_len);
	assert_string_equal(s, "ssh-ed25519");
	free(s);
	s = field(line, l.comment_off, l.comment_len);
	assert_string_equal(s, "alice@laptop");
	free(s);
	assert_int_equal(l.bloblen, 51);	/* u32 11 type u32 32 key */
	fp = ssh_fingerprint(l.blob, l.bloblen);
	assert_string_equal(fp,
	    "SHA256:aqNFzFxNYGbBVOHHd1BQJUpgvepaOntCyqvAiSJrrBM");
	free(fp);
	authkeys_line_clear(&l);

	/* Options with a quoted comma. */
	line = nth_line(text, 4, &len);
	assert_int_equal(authkeys_parse_line(line, len, &l, &cause), 0);
	s = field(line, l.opts_off, l.opts_len);
	assert_string_equal(s, "restrict,from=\"10.0.0.5,10.1.0.0/16\"");
	free(s);
	s = field(line, l.comment_off, l.comment_len);
	assert_string_equal(s, "bbbctl-2025-01");
	free(s);
	fp = ssh_fingerprint(l.blob, l.bloblen);
	assert_string_equal(fp,
	    "SHA256:ld7NwxUf5opuj8G3LF4MZhdCig2tLpG+N/qwCoNymLQ");
	free(fp);
	authkeys_line_clear(&l);

	/* An escaped quote and a blank inside the quotes; the comment's
	   inner blanks kept, the trailing ones cut. */
	line = nth_line(text, 5, &len);
	assert_int_equal(authkeys_parse_line(line, len, &l, &cause), 0);
	s = field(line, l.opts_off, l.opts_len);
	assert_string_equal(s, "command=\"echo \\\"hi there\\\"\",no-pty");
	free(s);
	s = field(line, l.type_off, l.type_len);
	assert_string_equal(s, "ecdsa-sha2-nistp256");
	free(s);
	s = field(line, l.comment_off, l.comment_len);
	assert_string_equal(s, "backup  key");
	free(s);
	fp = ssh_fingerprint(l.blob, l.bloblen);
	assert_string_equal(fp,
	    "SHA256:eaYhlCW9+FNV3rCjiF8G18LsEefI1ceNsDEDRY5JwsQ");
	free(fp);
	authkeys_line_clear(&l);

	/* No comment; a CR before the newline is a blank. */
	line = nth_line(text, 6, &len);
	assert_int_equal(authkeys_parse_line(line, len, &l, &cause), 0);
	assert_int_equal(l.comment_len, 0);
	authkeys_line_clear(&l);
	line = nth_line(text, 10, &len);
	assert_int_equal(authkeys_parse_line(line, len, &l, &cause), 0);
	assert_int_equal(l.comment_len, 0);
	authkeys_line_clear(&l);
	free(text);
}

static void
test_bad_lines(void **state)
{
	struct authkeys_line	 l;
	char			*cause;
	size_t			 i;
	static const char *const bad[] = {
		"ssh-ed25519",
		"ssh-ed25519 ",
		"no-pty",
		"no-pty ssh-ed25519",
		"ssh-ed25519 AAAA=A",
		"ssh-ed25519 A",
		/* a valid ssh-rsa blob labelled ssh-ed25519 */
		"ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAAAAQC7",
		"command=\"x ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP",
		"\"",
	};

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		if (authkeys_parse_line(bad[i], strlen(bad[i]), &l,
		    &cause) == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(l.kind, AUTHKEYS_BAD);
		assert_non_null(cause);
		free(cause);
		authkeys_line_clear(&l);
	}
}

static void
test_parse_pub(void **state)
{
	unsigned char	*blob;
	char		*text, *cause = NULL, *fp;
	size_t		 len, blen;

	(void)state;
	text = fixture_read("ssh/ecdsa.pub", &len);
	assert_int_equal(authkeys_parse_pub(text, len, &blob, &blen, &cause),
	    0);
	fp = ssh_fingerprint(blob, blen);
	assert_string_equal(fp,
	    "SHA256:eaYhlCW9+FNV3rCjiF8G18LsEefI1ceNsDEDRY5JwsQ");
	free(fp);
	free(blob);
	free(text);
	/* A line with options is no .pub file. */
	text = xstrdup("no-pty ssh-ed25519 "
	    "AAAAC3NzaC1lZDI1NTE5AAAAIP+Qp414JO9n0PFjrBDSaWdmdIiK3Q6ayX2PSXJ9"
	    "vnzk");
	assert_int_equal(authkeys_parse_pub(text, strlen(text), &blob, &blen,
	    &cause), -1);
	free(cause);
	free(text);
}

/* added without its lines 3, 7 and 12 (from 1), by hand. */
static char *
expected_after_remove(const char *s, size_t len, size_t *outlen)
{
	struct buf	 b = { 0 };
	const char	*nl;
	size_t		 pos = 0, n, lineno = 0;

	while (pos < len) {
		nl = memchr(s + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (s + pos)) + 1 : len - pos;
		lineno++;
		if (lineno != 3 && lineno != 7 && lineno != 12)
			buf_add(&b, s + pos, n);
		pos += n;
	}
	*outlen = b.len;
	return (buf_steal(&b));
}

struct match_fp {
	const char	*fp;
};

static bool
match_fp_cb(const struct authkeys_line *l, void *arg)
{
	struct match_fp	*m = arg;
	char		*fp;
	bool		 eq;

	fp = ssh_fingerprint(l->blob, l->bloblen);
	eq = strcmp(fp, m->fp) == 0;
	free(fp);
	return (eq);
}

static void
test_add_remove(void **state)
{
	struct match_fp	 m;
	unsigned char	*blob;
	char		*text, *pub, *added, *removed, *cause = NULL, *nl;
	char		*expect;
	size_t		 len, publen, alen, rlen, n, blen, elen;

	(void)state;
	text = fixture_read("ssh/authorized_keys.sample", &len);
	pub = fixture_read("ssh/ecdsa.pub", &publen);
	if ((nl = strchr(pub, '\n')) != NULL)
		*nl = '\0';
	assert_int_equal(authkeys_parse_pub(pub, strlen(pub), &blob, &blen,
	    &cause), 0);
	/* The sample's ecdsa line has options: it is there already. */
	assert_true(authkeys_has_blob(text, len, blob, blen));

	/* The sample has no newline at its end: one is put before ours. */
	added = authkeys_add(text, len, pub, &alen);
	assert_int_equal(alen, len + 1 + strlen(pub) + 1);
	assert_memory_equal(added, text, len);
	assert_int_equal(added[len], '\n');
	assert_memory_equal(added + len + 1, pub, strlen(pub));

	/* Removing the ed25519 key drops its three lines, the bad lines and
	   the others stay byte for byte, CR included. */
	m.fp = "SHA256:aqNFzFxNYGbBVOHHd1BQJUpgvepaOntCyqvAiSJrrBM";
	removed = authkeys_remove(added, alen, match_fp_cb, &m, &rlen, &n);
	assert_int_equal(n, 3);
	assert_null(strstr(removed, "alice@laptop"));
	assert_null(strstr(removed, "no newline at end"));
	assert_non_null(strstr(removed, "ssh-foo AAAAB3NzaC1yc2E bad-type\n"));
	assert_non_null(strstr(removed, "no-pty,command=\"unterminated "
	    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP+Qp414JO9n0PFjrBDSaWdmdIiK"
	    "3Q6ayX2PSXJ9vnzk\n"));
	/* Exactly the other lines, in order: the sample's lines 1, 2, 4,
	   5, 6, 8, 9, 10 and 11, then ours. */
	expect = expected_after_remove(added, alen, &elen);
	assert_int_equal(rlen, elen);
	assert_memory_equal(removed, expect, elen);
	free(expect);
	/* Removing what is not there changes nothing, byte for byte. */
	free(text);
	text = authkeys_remove(removed, rlen, match_fp_cb, &m, &len, &n);
	assert_int_equal(n, 0);
	assert_int_equal(len, rlen);
	assert_memory_equal(text, removed, rlen);

	/* An empty file gets the line alone. */
	free(added);
	added = authkeys_add("", 0, pub, &alen);
	assert_int_equal(alen, strlen(pub) + 1);
	free(added);
	free(blob);
	free(text);
	free(removed);
	free(pub);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_lines),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_parse_pub),
		cmocka_unit_test(test_add_remove),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
