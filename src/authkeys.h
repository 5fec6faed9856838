/*
 * authkeys.h: the authorized_keys file format (sshd(8), AUTHORIZED_KEYS
 * FILE FORMAT), pure: no I/O, no allocation but the decoded blob and the
 * new contents.
 *
 * A line is blank, a comment ('#' after leading blanks), or a key:
 *
 *	[options] keytype base64 [comment]
 *
 * options are comma-separated, with no blank outside "double quotes"
 * (where \" escapes a quote).  A line that is neither is "bad": sshd
 * skips it, and so does every function here but keeps it byte for byte.
 *
 * The content functions never reformat a line they keep: a rotation
 * changes only the lines it adds or removes.
 */
#ifndef BBBCTL_AUTHKEYS_H
#define BBBCTL_AUTHKEYS_H

#include <stdbool.h>
#include <stddef.h>

enum authkeys_kind {
	AUTHKEYS_BLANK,		/* empty, blanks only, or a '#' comment */
	AUTHKEYS_KEY,
	AUTHKEYS_BAD		/* ignored by sshd too */
};

/* One line; offsets are into the line given to authkeys_parse_line(). */
struct authkeys_line {
	enum authkeys_kind kind;
	size_t		 opts_off, opts_len;	/* 0 length: no options */
	size_t		 type_off, type_len;
	size_t		 b64_off, b64_len;
	size_t		 comment_off, comment_len; /* trailing blanks cut */
	unsigned char	*blob;			/* decoded base64 */
	size_t		 bloblen;
};

/*
 * Parse one line (len bytes, without its newline; a trailing '\r' is a
 * blank).  0 with *l filled for a key or a blank line; -1 with *cause
 * for a bad line (l->kind AUTHKEYS_BAD).  Clear l with
 * authkeys_line_clear() in every case.
 */
int	 authkeys_parse_line(const char *, size_t, struct authkeys_line *,
	     char **cause);
void	 authkeys_line_clear(struct authkeys_line *);

/* A key type sshd accepts in authorized_keys (ssh-ed25519, ...). */
bool	 authkeys_known_type(const char *, size_t);

/*
 * A public key line "type base64 [comment]" (an .pub file's content, one
 * line) into its blob: 0, or -1 with *cause.  *blob allocated.
 */
int	 authkeys_parse_pub(const char *, size_t, unsigned char **blob,
	     size_t *bloblen, char **cause);

/* Does a key line of content (len bytes) carry this blob? */
bool	 authkeys_has_blob(const char *, size_t, const unsigned char *,
	     size_t);

/*
 * content with line appended (a newline is put before it when content
 * does not end in one, and after it).  Allocated, length in *outlen.
 */
char	*authkeys_add(const char *, size_t, const char *line, size_t *outlen);

/*
 * content without the key lines for which match(line, blob, arg) is
 * true; every other line, newline included, kept byte for byte.
 * *removed counts the lines dropped.  Allocated, length in *outlen.
 */
typedef bool	(*authkeys_match_cb)(const struct authkeys_line *,
		    void *arg);
char	*authkeys_remove(const char *, size_t, authkeys_match_cb, void *,
	     size_t *outlen, size_t *removed);

#endif
