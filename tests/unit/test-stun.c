/* test-stun.c: stun.c on the RFC 5769 test vectors and coturn's answers */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "stun.h"

/* RFC 5769 §2.1: sample request (short-term, password below). */
static const uint8_t rfc_req[] =
    "\x00\x01\x00\x58" "\x21\x12\xa4\x42"
    "\xb7\xe7\xa7\x01\xbc\x34\xd6\x86\xfa\x87\xdf\xae"
    "\x80\x22\x00\x10" "STUN test client"
    "\x00\x24\x00\x04" "\x6e\x00\x01\xff"
    "\x80\x29\x00\x08" "\x93\x2f\xf9\xb1\x51\x26\x3b\x36"
    "\x00\x06\x00\x09" "\x65\x76\x74\x6a\x3a\x68\x36\x76\x59\x20\x20\x20"
    "\x00\x08\x00\x14" "\x9a\xea\xa7\x0c\xbf\xd8\xcb\x56\x78\x1e\xf2\xb5"
    "\xb2\xd3\xf2\x49\xc1\xb5\x71\xa2"
    "\x80\x28\x00\x04" "\xe5\x7a\x3b\xcf";

/* §2.2: IPv4 response, XOR-MAPPED 192.0.2.1:32853. */
static const uint8_t rfc_resp4[] =
    "\x01\x01\x00\x3c" "\x21\x12\xa4\x42"
    "\xb7\xe7\xa7\x01\xbc\x34\xd6\x86\xfa\x87\xdf\xae"
    "\x80\x22\x00\x0b" "\x74\x65\x73\x74\x20\x76\x65\x63\x74\x6f\x72\x20"
    "\x00\x20\x00\x08" "\x00\x01\xa1\x47\xe1\x12\xa6\x43"
    "\x00\x08\x00\x14" "\x2b\x91\xf5\x99\xfd\x9e\x90\xc3\x8c\x74\x89\xf9"
    "\x2a\xf9\xba\x53\xf0\x6b\xe7\xd7"
    "\x80\x28\x00\x04" "\xc0\x7d\x4c\x96";

/* §2.3: IPv6 response, 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
static const uint8_t rfc_resp6[] =
    "\x01\x01\x00\x48" "\x21\x12\xa4\x42"
    "\xb7\xe7\xa7\x01\xbc\x34\xd6\x86\xfa\x87\xdf\xae"
    "\x80\x22\x00\x0b" "\x74\x65\x73\x74\x20\x76\x65\x63\x74\x6f\x72\x20"
    "\x00\x20\x00\x14" "\x00\x02\xa1\x47"
    "\x01\x13\xa9\xfa\xa5\xd3\xf1\x79\xbc\x25\xf4\xb5\xbe\xd2\xb9\xd9"
    "\x00\x08\x00\x14" "\xa3\x82\x95\x4e\x4b\xe6\x7b\xf1\x17\x84\xc9\x7c"
    "\x82\x92\xc2\x75\xbf\xe3\xed\x41"
    "\x80\x28\x00\x04" "\xc8\xfb\x0b\x4c";

/* §2.4: request with long-term authentication. */
static const uint8_t rfc_ltc[] =
    "\x00\x01\x00\x60" "\x21\x12\xa4\x42"
    "\x78\xad\x34\x33\xc6\xad\x72\xc0\x29\xda\x41\x2e"
    "\x00\x06\x00\x12" "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83"
    "\xe3\x82\xaf\xe3\x82\xb9\x00\x00"
    "\x00\x15\x00\x1c" "f//499k954d6OL34oL9FSTvy64sA"
    "\x00\x14\x00\x0b" "example.org\x00"
    "\x00\x08\x00\x14" "\xf6\x70\x24\x65\x6d\xd6\x4a\x3e\x02\xb8\xe0\x71"
    "\x2e\x85\xc9\xa2\x8c\xa8\x96\x66";

static const char rfc_pass[] = "VOkJxbRl1RmTxUk/WvJxBt";
static const char ltc_user[] =
    "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3"
    "\x82\xb9";

/*
 * A coturn 4.6.1 Allocate error answer as it sends it (401, realm
 * test.local, a nonce, reason "Unauthorized" with coturn's trailing NUL
 * counted in the length), built here byte by byte.
 */
static const uint8_t coturn_401[] =
    "\x01\x13\x00\x54" "\x21\x12\xa4\x42"
    "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"
    "\x00\x09\x00\x11" "\x00\x00\x04\x01" "Unauthorized\x00\x00\x00\x00"
    "\x00\x15\x00\x10" "0123456789abcdef"
    "\x00\x14\x00\x0a" "test.local\x00\x00"
    "\x80\x22\x00\x14" "Coturn-4.6.1 'Gorst'";

static void
test_rfc_request(void **state)
{
	struct stun_msg	 m;
	const char	*why = NULL;
	uint8_t		 bad[sizeof rfc_req];

	(void)state;
	assert_int_equal(stun_decode(rfc_req, sizeof rfc_req - 1, &m, &why),
	    0);
	assert_int_equal(m.method, STUN_BINDING);
	assert_int_equal(m.cls, STUN_CLASS_REQUEST);
	assert_true(m.has_fingerprint);
	assert_string_equal(m.software, "STUN test client");
	assert_true(stun_check_integrity(rfc_req, &m,
	    (const uint8_t *)rfc_pass, strlen(rfc_pass)));
	assert_false(stun_check_integrity(rfc_req, &m,
	    (const uint8_t *)"VOkJxbRl1RmTxUk/WvJxBu", strlen(rfc_pass)));

	/* One flipped bit: the fingerprint no longer holds. */
	memcpy(bad, rfc_req, sizeof bad);
	bad[27] ^= 1;
	assert_int_equal(stun_decode(bad, sizeof bad - 1, &m, &why), -1);
	assert_string_equal(why, "FINGERPRINT does not match");
}

static void
test_rfc_resp4(void **state)
{
	struct stun_msg	 m;
	const char	*why = NULL;
	char		 s[64];

	(void)state;
	assert_int_equal(stun_decode(rfc_resp4, sizeof rfc_resp4 - 1, &m,
	    &why), 0);
	assert_int_equal(m.method, STUN_BINDING);
	assert_int_equal(m.cls, STUN_CLASS_SUCCESS);
	assert_int_equal(m.mapped.family, 4);
	assert_string_equal(stun_addr_fmt(&m.mapped, s, sizeof s),
	    "192.0.2.1:32853");
	/* "test vector " with its trailing blank (length 11 + pad). */
	assert_string_equal(m.software, "test vector");
	assert_true(stun_check_integrity(rfc_resp4, &m,
	    (const uint8_t *)rfc_pass, strlen(rfc_pass)));
}

static void
test_rfc_resp6(void **state)
{
	struct stun_msg	 m;
	const char	*why = NULL;
	char		 s[64];

	(void)state;
	assert_int_equal(stun_decode(rfc_resp6, sizeof rfc_resp6 - 1, &m,
	    &why), 0);
	assert_int_equal(m.mapped.family, 6);
	assert_string_equal(stun_addr_fmt(&m.mapped, s, sizeof s),
	    "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
	assert_true(stun_check_integrity(rfc_resp6, &m,
	    (const uint8_t *)rfc_pass, strlen(rfc_pass)));
}

static void
test_rfc_long_term(void **state)
{
	static const uint8_t want_key[16] =
	    "\xe8\xca\x7a\xd5\x9d\x5e\xb0\x51\x8e\x31\x29\x11\xd2\xda\xb2\xa9";
	struct stun_req	 req;
	struct stun_msg	 m;
	const char	*why = NULL;
	uint8_t		 key[16], buf[STUN_MAX_MSG], bad[sizeof rfc_ltc];
	size_t		 n;

	(void)state;
	stun_long_term_key(ltc_user, "example.org", "TheMatrIX", key);
	assert_memory_equal(key, want_key, 16);

	assert_int_equal(stun_decode(rfc_ltc, sizeof rfc_ltc - 1, &m, &why),
	    0);
	assert_string_equal(m.realm, "example.org");
	assert_string_equal(m.nonce, "f//499k954d6OL34oL9FSTvy64sA");
	assert_true(stun_check_integrity(rfc_ltc, &m, key, sizeof key));

	/* Our encoder gives the vector byte for byte. */
	memset(&req, 0, sizeof req);
	req.method = STUN_BINDING;
	memcpy(req.tid, rfc_ltc + 8, STUN_TID_LEN);
	req.username = ltc_user;
	req.nonce = "f//499k954d6OL34oL9FSTvy64sA";
	req.realm = "example.org";
	req.lifetime = -1;
	req.key = key;
	req.keylen = sizeof key;
	n = stun_encode(&req, buf, sizeof buf);
	assert_int_equal(n, sizeof rfc_ltc - 1);
	assert_memory_equal(buf, rfc_ltc, n);

	memcpy(bad, rfc_ltc, sizeof bad);
	bad[32] = 10;
	assert_int_equal(stun_decode(bad, sizeof bad - 1, &m, &why), 0);
	assert_false(stun_check_integrity(bad, &m, key, sizeof key));
}

static void
test_encode_roundtrip(void **state)
{
	struct stun_req	 req;
	struct stun_msg	 m;
	const char	*why = NULL;
	uint8_t		 buf[STUN_MAX_MSG], key[16];
	size_t		 n;

	(void)state;
	stun_long_term_key("u", "r", "p", key);
	memset(&req, 0, sizeof req);
	req.method = STUN_REFRESH;
	memset(req.tid, 0xab, STUN_TID_LEN);
	req.username = "1700000000:bbbctl";
	req.realm = "test.local";
	req.nonce = "abc";
	req.transport = STUN_TRANSPORT_UDP;
	req.lifetime = 0;
	req.key = key;
	req.keylen = sizeof key;
	req.fingerprint = true;
	n = stun_encode(&req, buf, sizeof buf);
	assert_true(n > STUN_HDR_LEN);
	assert_int_equal(n % 4, 0);
	assert_int_equal(buf[0], 0x00);
	assert_int_equal(buf[1], 0x04);
	assert_int_equal(stun_decode(buf, n, &m, &why), 0);
	assert_int_equal(m.method, STUN_REFRESH);
	assert_int_equal(m.lifetime, 0);
	assert_true(m.fingerprint_ok);
	assert_true(stun_check_integrity(buf, &m, key, sizeof key));
	assert_memory_equal(m.tid, req.tid, STUN_TID_LEN);
	assert_int_equal(stun_frame_len(buf, n), (long)n);
	assert_int_equal(stun_frame_len(buf, 10), 0);

	/* Too small a buffer: nothing. */
	assert_int_equal(stun_encode(&req, buf, 40), 0);
}

static void
test_error_answer(void **state)
{
	struct stun_msg	 m;
	const char	*why = NULL;

	(void)state;
	assert_int_equal(stun_decode(coturn_401, sizeof coturn_401 - 1, &m,
	    &why), 0);
	assert_int_equal(m.method, STUN_ALLOCATE);
	assert_int_equal(m.cls, STUN_CLASS_ERROR);
	assert_int_equal(m.error, 401);
	assert_string_equal(m.reason, "Unauthorized");
	assert_string_equal(m.realm, "test.local");
	assert_string_equal(m.nonce, "0123456789abcdef");
	assert_string_equal(m.software, "Coturn-4.6.1 'Gorst'");
	assert_int_equal(m.integrity_at, 0);
}

static void
test_malformed(void **state)
{
	struct stun_msg	 m;
	const char	*why = NULL;
	uint8_t		 buf[sizeof coturn_401];

	(void)state;
	/* Length beyond the datagram. */
	memcpy(buf, coturn_401, sizeof buf);
	buf[3] = 0x58;
	assert_int_equal(stun_decode(buf, sizeof buf - 1, &m, &why), -1);
	/* Wrong cookie. */
	memcpy(buf, coturn_401, sizeof buf);
	buf[4] = 0;
	assert_int_equal(stun_decode(buf, sizeof buf - 1, &m, &why), -1);
	assert_string_equal(why, "not a STUN message");
	/* An attribute running past the end. */
	memcpy(buf, coturn_401, sizeof buf);
	buf[22] = 0x00;
	buf[23] = 0x70;
	assert_int_equal(stun_decode(buf, sizeof buf - 1, &m, &why), -1);
	/* ERROR-CODE class out of range. */
	memcpy(buf, coturn_401, sizeof buf);
	buf[26] = 0x07;
	assert_int_equal(stun_decode(buf, sizeof buf - 1, &m, &why), -1);
	assert_string_equal(why, "bad ERROR-CODE");
	/* Too short for a header. */
	assert_int_equal(stun_decode(buf, 12, &m, &why), -1);
	assert_string_equal(why, "short STUN message");
}

static void
test_rest_credentials(void **state)
{
	char	 user[64], pass[64];

	(void)state;
	/*
	 * Reference: printf %s 1700000000:bbbctl | openssl dgst -sha1
	 * -hmac s3cret -binary | base64
	 */
	assert_int_equal(stun_rest_credentials("s3cret", 1700000000,
	    "bbbctl", user, sizeof user, pass, sizeof pass), 0);
	assert_string_equal(user, "1700000000:bbbctl");
	assert_string_equal(pass, "jTdmkDj0QR3JUp2stt6FNOLDmjI=");
	assert_int_equal(stun_rest_credentials("s3cret", 1700000000,
	    "bbbctl", user, sizeof user, pass, 20), -1);
	assert_int_equal(stun_rest_credentials("s3cret", 1700000000,
	    "bbbctl", user, 8, pass, sizeof pass), -1);
}

static void
test_crc32(void **state)
{
	(void)state;
	/* The standard check value. */
	assert_int_equal(stun_crc32((const uint8_t *)"123456789", 9),
	    0xCBF43926u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_request),
		cmocka_unit_test(test_rfc_resp4),
		cmocka_unit_test(test_rfc_resp6),
		cmocka_unit_test(test_rfc_long_term),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_error_answer),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_rest_credentials),
		cmocka_unit_test(test_crc32),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
