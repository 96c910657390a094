/* TEMPORARY: defaults only, until the .pgleak.json parser is written. */
#include "config.h"
#include <string.h>
void pg_config_init(pg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	pg_strlist_push(&cfg->acquire, "connect");
	pg_strlist_push(&cfg->release, "release");
	cfg->max_file_bytes = PG_DEFAULT_MAX_FILE_BYTES;
}
void pg_config_free(pg_config *cfg)
{
	pg_strlist_free(&cfg->pools); pg_strlist_free(&cfg->acquire); pg_strlist_free(&cfg->release);
	pg_strlist_free(&cfg->release_helpers); pg_strlist_free(&cfg->ignore);
}
