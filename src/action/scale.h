/*
 * scale.h: what scale.c reads of the five sources' listings, pure (no
 * I/O): the BBB-pattern names each source knows, with the ids scale in
 * and scale check need.  scale-seen.c; unit-tested on recorded answers
 * (tests/unit/test-scale.c) and fuzzed (tests/fuzz/fuzz-scale.c).
 */
#ifndef BBBCTL_ACTION_SCALE_H
#define BBBCTL_ACTION_SCALE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Sources (struct scale_seen.src bits). */
#define SCALE_SRC_NOVA		0x01	/* servers/detail: {"servers": [...]} rows */
#define SCALE_SRC_HOST		0x02	/* Rancher hosts: "data" rows */
#define SCALE_SRC_STACK		0x04	/* Rancher stacks: "data" rows */
#define SCALE_SRC_CONSUL	0x08	/* consul health/service: the array */
#define SCALE_SRC_SL		0x10	/* scalelite getServers: the array */
#define SCALE_SRC_ALL		0x1f

/* One name as the sources know it. */
struct scale_seen {
	char		 name[64];
	unsigned	 src;
	char		 vm_id[64];
	char		 vm_status[16];
	char		 host_id[32];
	char		 host_state[24];
	char		 stack_id[32];
	char		 sl_id[64];
	char		 sl_state[16];
	double		 load;		/* scalelite's; -1 unavailable */
	bool		 sl_online;
};

/*
 * A name fits pat, "bbb-NN": the run of N is a number of digits (any
 * count); *num gets it (num may be NULL).
 */
bool	 scale_name_match(const char *pat, const char *name, long *num);
/* The name of number num, zero-padded to the N run. */
void	 scale_name_make(const char *pat, long num, char *out, size_t);
/* The short name of a host name or URL: https://bbb-03.x:443/ -> bbb-03. */
void	 scale_short_name(const char *, char *out, size_t);
/*
 * Add the rows of one source's listing (a JSON array; anything else
 * adds nothing) whose names fit pat to *v (*n entries, grown; free()
 * it).  Removed Rancher hosts and stacks are skipped.
 */
void	 scale_seen_add(unsigned src, const json_t *rows, const char *pat,
	     struct scale_seen **v, size_t *n);
/* "bbb-04: OpenStack VM ID (BUILD); not in: Rancher host, ..."; allocated. */
char	*scale_seen_text(const struct scale_seen *);

#endif
