/*
 * stun.c: the STUN/TURN message codec (stun.h).
 */
#include <arpa/inet.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <string.h>

#include "stun.h"

#define STUN_FP_XOR	0x5354554Eu
#define STUN_MI_LEN	20

static uint16_t
stun_get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static uint32_t
stun_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static void
stun_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
stun_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

uint32_t
stun_crc32(const uint8_t *p, size_t len)
{
	uint32_t	 c = 0xFFFFFFFFu;
	size_t		 i;
	int		 k;

	/* Bit at a time: messages are short, and no table to share. */
	for (i = 0; i < len; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
	}
	return (c ^ 0xFFFFFFFFu);
}

static uint16_t
stun_type(uint16_t method, uint16_t cls)
{
	/* M11..M7 C1 M6..M4 C0 M3..M0 (RFC 5389 §6). */
	return ((method & 0x000f) | ((method & 0x0070) << 1) |
	    ((method & 0x0f80) << 2) | cls);
}

/* Append one attribute; false when it does not fit. */
static bool
stun_put_attr(uint8_t *buf, size_t cap, size_t *off, uint16_t type,
    const void *val, size_t vlen)
{
	size_t	 pad = (4 - (vlen & 3)) & 3;

	if (vlen > 0xffff || *off + 4 + vlen + pad > cap)
		return (false);
	stun_put16(buf + *off, type);
	stun_put16(buf + *off + 2, (uint16_t)vlen);
	if (vlen > 0)
		memcpy(buf + *off + 4, val, vlen);
	memset(buf + *off + 4 + vlen, 0, pad);
	*off += 4 + vlen + pad;
	return (true);
}

static bool
stun_put_text(uint8_t *buf, size_t cap, size_t *off, uint16_t type,
    const char *s)
{
	size_t	 n;

	if (s == NULL)
		return (true);
	if ((n = strlen(s)) >= STUN_TEXT_MAX)
		return (false);
	return (stun_put_attr(buf, cap, off, type, s, n));
}

size_t
stun_encode(const struct stun_req *req, uint8_t *buf, size_t cap)
{
	uint8_t		 v[4], mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen;
	size_t		 off = STUN_HDR_LEN;

	if (cap < STUN_HDR_LEN)
		return (0);
	stun_put16(buf, stun_type(req->method, STUN_CLASS_REQUEST));
	stun_put16(buf + 2, 0);
	stun_put32(buf + 4, STUN_MAGIC);
	memcpy(buf + 8, req->tid, STUN_TID_LEN);

	if (req->transport != 0) {
		v[0] = (uint8_t)req->transport;
		v[1] = v[2] = v[3] = 0;
		if (!stun_put_attr(buf, cap, &off, STUN_A_REQ_TRANSPORT, v, 4))
			return (0);
	}
	if (req->lifetime >= 0) {
		stun_put32(v, req->lifetime > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)req->lifetime);
		if (!stun_put_attr(buf, cap, &off, STUN_A_LIFETIME, v, 4))
			return (0);
	}
	if (!stun_put_text(buf, cap, &off, STUN_A_SOFTWARE, req->software) ||
	    !stun_put_text(buf, cap, &off, STUN_A_USERNAME, req->username) ||
	    !stun_put_text(buf, cap, &off, STUN_A_NONCE, req->nonce) ||
	    !stun_put_text(buf, cap, &off, STUN_A_REALM, req->realm))
		return (0);

	if (req->key != NULL) {
		if (off + 4 + STUN_MI_LEN > cap)
			return (0);
		/* The length counts MESSAGE-INTEGRITY itself (§15.4). */
		stun_put16(buf + 2, (uint16_t)(off + 4 + STUN_MI_LEN -
		    STUN_HDR_LEN));
		if (HMAC(EVP_sha1(), req->key, (int)req->keylen, buf, off, mac,
		    &maclen) == NULL || maclen != STUN_MI_LEN)
			return (0);
		if (!stun_put_attr(buf, cap, &off, STUN_A_MESSAGE_INTEGRITY,
		    mac, STUN_MI_LEN))
			return (0);
	}
	if (req->fingerprint) {
		if (off + 8 > cap)
			return (0);
		stun_put16(buf + 2, (uint16_t)(off + 8 - STUN_HDR_LEN));
		stun_put32(v, stun_crc32(buf, off) ^ STUN_FP_XOR);
		if (!stun_put_attr(buf, cap, &off, STUN_A_FINGERPRINT, v, 4))
			return (0);
	}
	stun_put16(buf + 2, (uint16_t)(off - STUN_HDR_LEN));
	return (off);
}

long
stun_frame_len(const uint8_t *p, size_t len)
{
	uint16_t	 mlen;

	if (len < STUN_HDR_LEN)
		return (0);
	mlen = stun_get16(p + 2);
	if ((p[0] & 0xc0) != 0 || (mlen & 3) != 0 ||
	    stun_get32(p + 4) != STUN_MAGIC)
		return (-1);
	return ((long)STUN_HDR_LEN + mlen);
}

static int
stun_get_addr(const uint8_t *v, size_t vlen, const uint8_t *hdr, bool xor,
    struct stun_addr *a)
{
	size_t	 i, alen;

	if (vlen < 4)
		return (-1);
	switch (v[1]) {
	case 0x01:
		a->family = 4;
		alen = 4;
		break;
	case 0x02:
		a->family = 6;
		alen = 16;
		break;
	default:
		return (-1);
	}
	if (vlen != 4 + alen)
		return (-1);
	a->port = stun_get16(v + 2);
	memset(a->addr, 0, sizeof a->addr);
	memcpy(a->addr, v + 4, alen);
	if (xor) {
		/* The port with the cookie's top half, the address with
		   cookie || transaction id (hdr + 4). */
		a->port ^= (uint16_t)(STUN_MAGIC >> 16);
		for (i = 0; i < alen; i++)
			a->addr[i] ^= hdr[4 + i];
	}
	return (0);
}

/* Copy a text attribute, dropping a trailing NUL some servers count. */
static void
stun_get_text(const uint8_t *v, size_t vlen, char *out)
{
	size_t	 i;

	while (vlen > 0 && v[vlen - 1] == '\0')
		vlen--;
	if (vlen >= STUN_TEXT_MAX)
		vlen = STUN_TEXT_MAX - 1;
	for (i = 0; i < vlen; i++)
		out[i] = v[i] == '\0' ? '?' : (char)v[i];
	out[vlen] = '\0';
}

int
stun_decode(const uint8_t *p, size_t len, struct stun_msg *m,
    const char **why)
{
	const uint8_t	*v;
	uint16_t	 type, alen;
	size_t		 off;
	long		 flen;
	int		 cls, num;
	bool		 after_mi = false, mapped_xor = false;

	memset(m, 0, sizeof *m);
	m->lifetime = -1;
	if ((flen = stun_frame_len(p, len)) <= 0) {
		*why = flen == 0 ? "short STUN message" : "not a STUN message";
		return (-1);
	}
	if ((size_t)flen != len) {
		*why = "STUN length does not match the message";
		return (-1);
	}
	m->len = len;
	m->type = type = stun_get16(p);
	m->cls = type & 0x0110;
	m->method = (type & 0x000f) | ((type & 0x00e0) >> 1) |
	    ((type & 0x3e00) >> 2);
	memcpy(m->tid, p + 8, STUN_TID_LEN);

	for (off = STUN_HDR_LEN; off < len; off += 4 + ((alen + 3u) & ~3u)) {
		if (len - off < 4) {
			*why = "truncated STUN attribute";
			return (-1);
		}
		type = stun_get16(p + off);
		alen = stun_get16(p + off + 2);
		if (((alen + 3u) & ~3u) > len - off - 4) {
			*why = "STUN attribute past the end";
			return (-1);
		}
		v = p + off + 4;
		if (m->has_fingerprint) {
			*why = "STUN attribute after FINGERPRINT";
			return (-1);
		}
		if (type == STUN_A_FINGERPRINT) {
			if (alen != 4) {
				*why = "bad FINGERPRINT";
				return (-1);
			}
			m->has_fingerprint = true;
			m->fingerprint_ok = (stun_crc32(p, off) ^
			    STUN_FP_XOR) == stun_get32(v);
			if (!m->fingerprint_ok) {
				*why = "FINGERPRINT does not match";
				return (-1);
			}
			continue;
		}
		if (after_mi)
			continue;
		switch (type) {
		case STUN_A_MESSAGE_INTEGRITY:
			if (alen != STUN_MI_LEN) {
				*why = "bad MESSAGE-INTEGRITY";
				return (-1);
			}
			m->integrity_at = off;
			after_mi = true;
			break;
		case STUN_A_XOR_MAPPED:
		case STUN_A_MAPPED_ADDRESS:
			if (mapped_xor)
				break;	/* XOR-MAPPED wins */
			if (stun_get_addr(v, alen, p, type == STUN_A_XOR_MAPPED,
			    &m->mapped) != 0) {
				*why = "bad mapped address";
				return (-1);
			}
			mapped_xor = type == STUN_A_XOR_MAPPED;
			break;
		case STUN_A_XOR_RELAYED:
			if (stun_get_addr(v, alen, p, true, &m->relayed) != 0) {
				*why = "bad XOR-RELAYED-ADDRESS";
				return (-1);
			}
			break;
		case STUN_A_ERROR_CODE:
			if (alen < 4) {
				*why = "bad ERROR-CODE";
				return (-1);
			}
			cls = v[2] & 0x07;
			num = v[3];
			if (cls < 3 || cls > 6 || num > 99) {
				*why = "bad ERROR-CODE";
				return (-1);
			}
			m->error = cls * 100 + num;
			stun_get_text(v + 4, alen - 4u, m->reason);
			break;
		case STUN_A_LIFETIME:
			if (alen != 4) {
				*why = "bad LIFETIME";
				return (-1);
			}
			m->lifetime = stun_get32(v);
			break;
		case STUN_A_REALM:
			stun_get_text(v, alen, m->realm);
			break;
		case STUN_A_NONCE:
			stun_get_text(v, alen, m->nonce);
			break;
		case STUN_A_SOFTWARE:
			stun_get_text(v, alen, m->software);
			break;
		default:
			break;
		}
	}
	if (m->cls == STUN_CLASS_ERROR && m->error == 0) {
		*why = "STUN error response without ERROR-CODE";
		return (-1);
	}
	return (0);
}

bool
stun_check_integrity(const uint8_t *p, const struct stun_msg *m,
    const uint8_t *key, size_t keylen)
{
	uint8_t		 copy[STUN_MAX_MSG], mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen;
	size_t		 at = m->integrity_at, diff, i;

	if (at < STUN_HDR_LEN || at + 4 + STUN_MI_LEN > m->len ||
	    at > sizeof copy)
		return (false);
	/* The length as if MESSAGE-INTEGRITY were the last attribute. */
	memcpy(copy, p, at);
	stun_put16(copy + 2, (uint16_t)(at + 4 + STUN_MI_LEN -
	    STUN_HDR_LEN));
	if (HMAC(EVP_sha1(), key, (int)keylen, copy, at, mac, &maclen) ==
	    NULL || maclen != STUN_MI_LEN)
		return (false);
	diff = 0;
	for (i = 0; i < STUN_MI_LEN; i++)
		diff |= mac[i] ^ p[at + 4 + i];
	return (diff == 0);
}

void
stun_long_term_key(const char *user, const char *realm,
    const char *password, uint8_t key[16])
{
	EVP_MD_CTX	*ctx;
	unsigned int	 n;

	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, user, strlen(user)) != 1 ||
	    EVP_DigestUpdate(ctx, ":", 1) != 1 ||
	    EVP_DigestUpdate(ctx, realm, strlen(realm)) != 1 ||
	    EVP_DigestUpdate(ctx, ":", 1) != 1 ||
	    EVP_DigestUpdate(ctx, password, strlen(password)) != 1 ||
	    EVP_DigestFinal_ex(ctx, key, &n) != 1)
		memset(key, 0, 16);
	EVP_MD_CTX_free(ctx);
}

int
stun_rest_credentials(const char *secret, int64_t expiry, const char *user,
    char *username, size_t ulen, char *password, size_t plen)
{
	uint8_t		 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen;
	int		 n;

	n = snprintf(username, ulen, "%lld:%s", (long long)expiry, user);
	if (n < 0 || (size_t)n >= ulen)
		return (-1);
	if (HMAC(EVP_sha1(), secret, (int)strlen(secret),
	    (const uint8_t *)username, (size_t)n, mac, &maclen) == NULL)
		return (-1);
	/* base64 of 20 bytes: 28 characters and a NUL. */
	if (plen < 4 * ((maclen + 2) / 3) + 1) {
		memset(mac, 0, sizeof mac);
		return (-1);
	}
	EVP_EncodeBlock((unsigned char *)password, mac, (int)maclen);
	memset(mac, 0, sizeof mac);
	return (0);
}

const char *
stun_addr_fmt(const struct stun_addr *a, char *out, size_t len)
{
	char	 ip[INET6_ADDRSTRLEN];

	if (a->family == 4) {
		inet_ntop(AF_INET, a->addr, ip, sizeof ip);
		snprintf(out, len, "%s:%u", ip, a->port);
	} else if (a->family == 6) {
		inet_ntop(AF_INET6, a->addr, ip, sizeof ip);
		snprintf(out, len, "[%s]:%u", ip, a->port);
	} else
		snprintf(out, len, "-");
	return (out);
}
