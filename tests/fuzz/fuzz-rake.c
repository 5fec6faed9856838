/*
 * fuzz-rake.c: libFuzzer target for the rake output parsers
 * (rake_parse_status(), rake_parse_servers()) and the audit spool line
 * parser (audit_spool_parse()): outside text, each of them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "rake.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rake_status	 st;
	struct rake_list	 rl;
	struct audit_entry	 e;
	const char		*text = (const char *)data;
	char			*cause = NULL, *line;
	size_t			 i;

	if (rake_parse_status(text, size, &st, &cause) == 0) {
		for (i = 0; i < st.n; i++) {
			if (st.v[i].hostname == NULL || st.v[i].state == NULL)
				abort();
		}
	} else
		free(cause);
	rake_status_free(&st);
	cause = NULL;
	if (rake_parse_servers(text, size, &rl, &cause) == 0) {
		for (i = 0; i < rl.n; i++) {
			if (rl.v[i].id == NULL || rl.v[i].state == NULL)
				abort();
		}
	} else
		free(cause);
	rake_list_free(&rl);

	line = xstrndup(text, size);
	cause = NULL;
	if (audit_spool_parse(line, &e, &cause) == 0) {
		if (e.uuid == NULL || e.verb == NULL || !e.spooled)
			abort();
		audit_entry_clear(&e);
	} else
		free(cause);
	free(line);
	return (0);
}
