/*
 * setup-test.h: the setup wizard's live connection test of one page
 * (OpenStack, Rancher, consul, Prometheus, scalelite, PostgreSQL):
 * blocking, for a task's thread, every request with a deadline.  A
 * failure is explained precisely: DNS, TCP refused or timed out, TLS
 * (an untrusted certificate: its SHA-256 fingerprint and issuer, and the
 * certificate itself so the wizard can save it as the system's CA file
 * once the operator confirms), HTTP 401/403 naming the credential, a
 * server of the wrong kind, an unsupported version.  No text holds a
 * secret.
 */
#ifndef BBBCTL_SETUP_TEST_H
#define BBBCTL_SETUP_TEST_H

#include <stdbool.h>

struct setup_answers;

#define SETUP_TEST_TIMEOUT_MS	8000

struct setup_test {
	bool	 ok;
	char	*text;		/* what was found, or what is wrong */
	char	*cert_pem;	/* untrusted TLS: the peer's certificate */
	char	*fingerprint;	/* its SHA-256, hex pairs with ':' */
	char	*issuer;
};

/* The page has a test (with its answers as they are: "existing"). */
bool	 setup_test_wanted(const struct setup_answers *, const char *page);
/* Run it; *t is filled (clear it with setup_test_clear). */
void	 setup_test_run(const struct setup_answers *, const char *page,
	     long timeout_ms, struct setup_test *);
void	 setup_test_clear(struct setup_test *);
/*
 * A PEM certificate's SHA-256 fingerprint ("AB:CD:...") and issuer
 * (one line): 0, or -1 when it is not a certificate.  Allocated.
 */
int	 setup_cert_describe(const char *pem, char **fp, char **issuer);

#endif
