/*
 * fuzz-backup.c: libFuzzer target for the backup manifest reader and the
 * pg_restore --list reader.  A manifest that decodes must encode and
 * decode again to the same thing (ids, counts, files and hashes).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(bool ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct backup_manifest	*m = NULL, *m2 = NULL;
	char			*cause = NULL, *text;
	size_t			 i, entries, tables;

	if (backup_manifest_decode((const char *)data, size, &m,
	    &cause) == 0) {
		check(m != NULL && cause == NULL);
		text = backup_manifest_encode(m);
		check(backup_manifest_decode(text, strlen(text), &m2,
		    &cause) == 0);
		check(strcmp(m->id, m2->id) == 0);
		check(m->nfiles == m2->nfiles && m->ndbs == m2->ndbs);
		check(m->contents == m2->contents);
		for (i = 0; i < m->nfiles; i++) {
			check(strcmp(m->files[i].path, m2->files[i].path) ==
			    0);
			check(m->files[i].size == m2->files[i].size);
			check(strcmp(m->files[i].sha256,
			    m2->files[i].sha256) == 0);
		}
		for (i = 0; i < m->ndbs; i++)
			check(m->dbs[i].ntables == m2->dbs[i].ntables);
		free(text);
		backup_manifest_free(m2);
		backup_manifest_free(m);
	} else {
		check(m == NULL && cause != NULL);
		free(cause);
	}
	cause = NULL;
	if (backup_pg_toc_parse((const char *)data, size, &entries, &tables,
	    &cause) == 0)
		check(tables <= entries);
	else
		free(cause);
	return (0);
}
