/*
 * stun.h: a pure STUN/TURN message codec (RFC 5389, RFC 5766; the
 * attributes a client probe needs).  No I/O, no allocation: the caller
 * owns every buffer, and a decoded struct stun_msg holds copies.
 *
 * Encoding builds a request (Binding, Allocate, Refresh) with optional
 * USERNAME, REALM, NONCE, REQUESTED-TRANSPORT, LIFETIME, SOFTWARE, then
 * MESSAGE-INTEGRITY (HMAC-SHA1 with the given key: the long-term key
 * MD5(username ":" realm ":" password), or a short-term password) and
 * FINGERPRINT (CRC-32 ^ 0x5354554E), in that order as RFC 5389 §15.4 and
 * §15.5 require.
 *
 * Decoding reads any message (the decoder of outside data; fuzzed):
 * header checks (top bits, length a multiple of 4 and within the
 * buffer, magic cookie), then the attributes this probe uses; unknown
 * ones are skipped.  Attributes after MESSAGE-INTEGRITY other than
 * FINGERPRINT are ignored (§15.4).  stun_check_integrity() verifies the
 * MESSAGE-INTEGRITY of the decoded buffer with a key.
 */
#ifndef BBBCTL_STUN_H
#define BBBCTL_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define STUN_HDR_LEN		20
#define STUN_MAGIC		0x2112A442u
#define STUN_TID_LEN		12
#define STUN_MAX_MSG		1500	/* what we send and accept */

/* Methods (RFC 5389 §18.1, RFC 5766 §13) and classes. */
#define STUN_BINDING		0x001
#define STUN_ALLOCATE		0x003
#define STUN_REFRESH		0x004
#define STUN_CLASS_REQUEST	0x000
#define STUN_CLASS_INDICATION	0x010
#define STUN_CLASS_SUCCESS	0x100
#define STUN_CLASS_ERROR	0x110

/* Attributes. */
#define STUN_A_MAPPED_ADDRESS	0x0001
#define STUN_A_USERNAME		0x0006
#define STUN_A_MESSAGE_INTEGRITY 0x0008
#define STUN_A_ERROR_CODE	0x0009
#define STUN_A_LIFETIME		0x000D
#define STUN_A_REALM		0x0014
#define STUN_A_NONCE		0x0015
#define STUN_A_XOR_RELAYED	0x0016
#define STUN_A_REQ_TRANSPORT	0x0019
#define STUN_A_XOR_MAPPED	0x0020
#define STUN_A_SOFTWARE		0x8022
#define STUN_A_FINGERPRINT	0x8028

#define STUN_TRANSPORT_UDP	17

/* Text attributes are kept up to this many bytes (RFC: < 128 chars). */
#define STUN_TEXT_MAX		764

struct stun_addr {
	int		 family;	/* 4 or 6, 0 when absent */
	uint16_t	 port;
	uint8_t		 addr[16];	/* network order */
};

struct stun_req {
	uint16_t	 method;	/* STUN_BINDING ... */
	uint8_t		 tid[STUN_TID_LEN];
	const char	*username;	/* NULL: none */
	const char	*realm;
	const char	*nonce;
	const char	*software;
	int		 transport;	/* REQUESTED-TRANSPORT, 0 none */
	int64_t		 lifetime;	/* LIFETIME seconds, -1 none */
	const uint8_t	*key;		/* MESSAGE-INTEGRITY key, NULL none */
	size_t		 keylen;
	bool		 fingerprint;
};

struct stun_msg {
	uint16_t	 type;		/* as on the wire */
	uint16_t	 method;	/* STUN_BINDING ... */
	uint16_t	 cls;		/* STUN_CLASS_* */
	uint8_t		 tid[STUN_TID_LEN];
	size_t		 len;		/* whole message, header included */

	struct stun_addr mapped;	/* XOR-MAPPED (or MAPPED) */
	struct stun_addr relayed;	/* XOR-RELAYED-ADDRESS */
	int		 error;		/* ERROR-CODE 300..699, 0 none */
	char		 reason[STUN_TEXT_MAX];
	char		 realm[STUN_TEXT_MAX];
	char		 nonce[STUN_TEXT_MAX];
	char		 software[STUN_TEXT_MAX];
	int64_t		 lifetime;	/* -1 none */
	size_t		 integrity_at;	/* offset of MESSAGE-INTEGRITY, 0 */
	bool		 has_fingerprint;
	bool		 fingerprint_ok;
};

/*
 * Encode req into buf (at most len bytes).  Returns the message length,
 * or 0 when it does not fit or a text is too long.
 */
size_t		 stun_encode(const struct stun_req *, uint8_t *buf,
		     size_t len);

/*
 * Decode one message of exactly len bytes.  0, or -1 with *why set to a
 * static one-line reason.  A bad FINGERPRINT is an error.
 */
int		 stun_decode(const uint8_t *, size_t, struct stun_msg *,
		     const char **why);

/*
 * The length of the message starting at buf (for TCP/TLS framing): 0
 * when fewer than 20 bytes are there yet, -1 when it is no STUN header.
 */
long		 stun_frame_len(const uint8_t *, size_t);

/* MESSAGE-INTEGRITY of a decoded buffer (the same bytes) holds for key. */
bool		 stun_check_integrity(const uint8_t *, const struct stun_msg *,
		     const uint8_t *key, size_t keylen);

/* Long-term key MD5(user ":" realm ":" password) (no SASLprep). */
void		 stun_long_term_key(const char *user, const char *realm,
		     const char *password, uint8_t key[16]);

/*
 * TURN REST credentials (coturn use-auth-secret): username
 * "<expiry>:<user>", password base64(HMAC-SHA1(secret, username)).
 * 0, or -1 when the buffers are too small.  password is a secret: the
 * caller zeroes it.
 */
int		 stun_rest_credentials(const char *secret, int64_t expiry,
		     const char *user, char *username, size_t ulen,
		     char *password, size_t plen);

/* CRC-32 (IEEE 802.3), public for the tests. */
uint32_t	 stun_crc32(const uint8_t *, size_t);

/* "192.0.2.1:32853" / "[2001:db8::1]:3478". */
const char	*stun_addr_fmt(const struct stun_addr *, char *, size_t);

#endif
