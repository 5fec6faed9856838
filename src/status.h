/*
 * status.h: what `bbbctl status` prints, from the fleet model alone (no
 * I/O but the FILE given): the text table, the JSON document (schema
 * "bbbctl.status/1", described in bbbctl(1), STATUS), and the exit
 * status a monitoring plugin gives.
 *
 * Exit status (STATUS_OK ... STATUS_UNKNOWN), the first rule that holds:
 *   2 CRITICAL  a critical problem other than source-failed;
 *   3 UNKNOWN   no source configured, or a source failed (no data, or
 *               no answer within the timeout);
 *   1 WARNING   a warning problem (a stale source is one);
 *   0 OK        otherwise (info problems do not count).
 */
#ifndef BBBCTL_STATUS_H
#define BBBCTL_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fleet.h"

#define STATUS_SCHEMA	"bbbctl.status/1"

#define STATUS_OK	0
#define STATUS_WARNING	1
#define STATUS_CRITICAL	2
#define STATUS_UNKNOWN	3

struct status_opts {
	bool		 color;		/* ANSI colours (a tty, no --no-color) */
	int64_t		 now_ms;	/* wall ms the report is for */
};

int		 status_exit_code(const struct fleet *);
const char	*status_exit_name(int);	/* "OK" ... "UNKNOWN" */

/* The first line: "BBBCTL WARNING - ... | perfdata" (monitoring). */
void		 status_print_summary(FILE *, const struct fleet *,
		     const struct status_opts *);
/* Summary, sources, the node table, totals, the problems. */
void		 status_print_text(FILE *, const struct fleet *,
		     const struct status_opts *);
/* The JSON document, one object, with a final newline. */
int		 status_print_json(FILE *, const struct fleet *,
		     const struct status_opts *);

#endif
