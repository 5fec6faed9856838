/*
 * mask.c: the secrets of this process and their masking (mask.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>


#include "config.h"
#include "mask.h"
#include "util.h"

static pthread_mutex_t	 mask_mtx = PTHREAD_MUTEX_INITIALIZER;
static char		**mask_forms;
static size_t		 mask_nforms;
static size_t		 mask_max;

/* Add one form (locked by the caller); duplicates and short ones skipped. */
static void
mask_add_form(const char *s)
{
	size_t	 i, len;

	if (s == NULL || (len = strlen(s)) < MASK_MIN)
		return;
	for (i = 0; i < mask_nforms; i++) {
		if (strcmp(mask_forms[i], s) == 0)
			return;
	}
	mask_forms = xreallocarray(mask_forms, mask_nforms + 1,
	    sizeof *mask_forms);
	mask_forms[mask_nforms++] = xstrdup(s);
	if (len > mask_max)
		mask_max = len;
}

/* s as a JSON string's contents (no quotes). */
static char *
mask_json_escape(const char *s)
{
	struct buf	 b = { 0 };

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			buf_adds(&b, "\\\"");
			break;
		case '\\':
			buf_adds(&b, "\\\\");
			break;
		case '/':
			buf_adds(&b, "\\/");
			break;
		default:
			if ((unsigned char)*s < 0x20)
				buf_printf(&b, "\\u%04x", (unsigned char)*s);
			else
				buf_addc(&b, *s);
			break;
		}
	}
	return (b.data != NULL ? buf_steal(&b) : xstrdup(""));
}

static void
mask_add_locked(const char *s)
{
	char	*f;

	if (s == NULL || strlen(s) < MASK_MIN)
		return;
	mask_add_form(s);
	f = util_urlencode(s);
	mask_add_form(f);
	freezero_str(f);
	f = mask_json_escape(s);
	mask_add_form(f);
	freezero_str(f);
}

void
mask_add(const char *s)
{
	pthread_mutex_lock(&mask_mtx);
	mask_add_locked(s);
	pthread_mutex_unlock(&mask_mtx);
}

void
mask_add_basic(const char *user, const char *password)
{
	char		*up, *b64;

	if (password == NULL || *password == '\0')
		return;
	pthread_mutex_lock(&mask_mtx);
	mask_add_locked(password);
	up = xasprintf("%s:%s", user != NULL ? user : "", password);
	b64 = util_base64_encode(up, strlen(up));
	mask_add_form(b64);
	freezero_str(b64);
	freezero_str(up);
	pthread_mutex_unlock(&mask_mtx);
}

void
mask_add_config(const struct config *cfg)
{
	if (cfg == NULL)
		return;
	mask_add(cfg->consul.token);
	mask_add_basic(cfg->prometheus.user, cfg->prometheus.password);
	mask_add(cfg->scalelite.secret);
	mask_add_basic(cfg->rancher.access_key, cfg->rancher.secret_key);
	mask_add(cfg->openstack.application_credential_secret);
	mask_add(cfg->postgres.conninfo);
}

void
mask_clear(void)
{
	size_t	 i;

	pthread_mutex_lock(&mask_mtx);
	for (i = 0; i < mask_nforms; i++)
		freezero_str(mask_forms[i]);
	free(mask_forms);
	mask_forms = NULL;
	mask_nforms = 0;
	mask_max = 0;
	pthread_mutex_unlock(&mask_mtx);
}

size_t
mask_longest(void)
{
	size_t	 n;

	pthread_mutex_lock(&mask_mtx);
	n = mask_max;
	pthread_mutex_unlock(&mask_mtx);
	return (n);
}

/* The first form in p (its length in *len), or NULL; locked. */
static const char *
mask_find(const char *p, size_t *len)
{
	const char	*hit, *best = NULL;
	size_t		 i, n;

	for (i = 0; i < mask_nforms; i++) {
		if ((hit = strstr(p, mask_forms[i])) == NULL)
			continue;
		n = strlen(mask_forms[i]);
		/* The earliest; at one place the longest (base64 of a+b). */
		if (best == NULL || hit < best || (hit == best && n > *len)) {
			best = hit;
			*len = n;
		}
	}
	return (best);
}

char *
mask_text(const char *s)
{
	struct buf	 b = { 0 };
	const char	*p, *hit;
	size_t		 len = 0;

	if (s == NULL)
		return (NULL);
	pthread_mutex_lock(&mask_mtx);
	p = s;
	while (mask_nforms != 0 && (hit = mask_find(p, &len)) != NULL) {
		buf_add(&b, p, (size_t)(hit - p));
		buf_adds(&b, MASK_TEXT);
		p = hit + len;
	}
	pthread_mutex_unlock(&mask_mtx);
	buf_adds(&b, p);
	return (b.data != NULL ? buf_steal(&b) : xstrdup(""));
}

bool
mask_has(const char *s)
{
	size_t	 len = 0;
	bool	 found;

	if (s == NULL)
		return (false);
	pthread_mutex_lock(&mask_mtx);
	found = mask_nforms != 0 && mask_find(s, &len) != NULL;
	pthread_mutex_unlock(&mask_mtx);
	return (found);
}

void
mask_inplace(char **s)
{
	char	*m;

	if (s == NULL || *s == NULL || !mask_has(*s))
		return;
	m = mask_text(*s);
	free(*s);
	*s = m;
}
