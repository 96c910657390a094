/*
 * gitcli.c - the repository read through git's own commands (gitcli.h).
 *
 * Each command runs with posix_spawnp, its output read whole (stderr
 * into a temporary file, so that neither pipe can fill while the other is
 * read); the blob reader is one `git cat-file --batch` kept open for the
 * run, asked one id at a time.  git finds the repository, the index and
 * the object format itself, from the same environment the hook got.
 */
#include "gitcli.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "repo.h"

extern char **environ;

#define PG_GIT_HEX 40 /* hex digits of the id prefix kept in a git_oid */

struct pg_git_cli {
	char *toplevel, *commondir;
	int bare;
	pid_t batch_pid; /* git cat-file --batch, started on the first blob; 0 until then */
	FILE *batch_in, *batch_out;
};

typedef struct {
	char *path;
	uint32_t mode;
	git_oid id;
} listing_entry;

struct pg_git_listing {
	pg_git_cli *cli;
	char *rev;            /* NULL: the index */
	listing_entry *items;
	size_t len, cap;
	pg_strmap index;      /* path -> entry */
};

int pg_git_cli_forced(void)
{
	const char *v = getenv("PGLEAK_GIT_CLI");
	return v && !strcmp(v, "1");
}

/* Runs git with `args` (NULL-ended, without "git"); stdout into *out; git's complaint becomes the error. */
static int git_run(pg_buf *out, const char *const *args)
{
	const char *argv[16];
	posix_spawn_file_actions_t fa;
	int pipefd[2], status = 0, rc = PG_OK;
	FILE *err = tmpfile();
	pid_t pid;
	size_t n = 0;
	char chunk[65536];
	ssize_t got;

	argv[n++] = "git";
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pg_buf_clear(out);
	if (!err || pipe(pipefd) < 0) {
		if (err)
			fclose(err);
		return pg_error_set(PG_ERROR, "cannot run git: %s", strerror(errno));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fileno(err), 2);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	if (posix_spawnp(&pid, "git", &fa, NULL, (char *const *)argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(pipefd[0]);
		close(pipefd[1]);
		fclose(err);
		return pg_error_set(PG_ERROR, "cannot run git (is it on PATH?)");
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	while ((got = read(pipefd[0], chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		pg_buf_put(out, chunk, (size_t)got);
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char msg[512] = "";
		size_t m;
		rewind(err);
		m = fread(msg, 1, sizeof(msg) - 1, err);
		while (m > 0 && (msg[m - 1] == '\n' || msg[m - 1] == '\r'))
			m--;
		msg[m] = '\0';
		rc = pg_error_set(PG_ERROR, "git %s failed: %s", args[0], m ? msg : "no message");
	}
	fclose(err);
	return rc;
}

/* The output of a command that prints one line, without its line end; NULL on failure. */
static char *git_line(const char *const *args)
{
	pg_buf b = PG_BUF_INIT;
	char *s;
	if (git_run(&b, args) < 0) {
		pg_buf_free(&b);
		return NULL;
	}
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	s = pg_buf_detach(&b);
	return s;
}

int pg_git_cli_open(pg_git_cli **out)
{
	static const char *const dir_args[] = {"rev-parse", "--path-format=absolute", "--git-common-dir", NULL};
	static const char *const bare_args[] = {"rev-parse", "--is-bare-repository", NULL};
	static const char *const top_args[] = {"rev-parse", "--show-toplevel", NULL};
	pg_git_cli *c;
	char *dir, *bare;

	*out = NULL;
	dir = git_line(dir_args);
	if (!dir)
		return pg_error_set(PG_ERROR, "git cannot read this repository either: %s", pg_error_last());
	bare = git_line(bare_args);
	c = pg_xcalloc(1, sizeof(*c));
	c->commondir = dir;
	c->bare = bare && !strcmp(bare, "true");
	free(bare);
	if (!c->bare && !(c->toplevel = git_line(top_args)))
		pg_error_clear(); /* inside .git: no work tree to name */
	/* nothing here needs git to refresh the index, which would take its lock */
	setenv("GIT_OPTIONAL_LOCKS", "0", 1);
	git_libgit2_init(); /* for the hunks (git_patch_from_buffers), which need no repository */
	*out = c;
	return PG_OK;
}

void pg_git_cli_free(pg_git_cli *c)
{
	if (!c)
		return;
	if (c->batch_pid > 0) {
		int status;
		fclose(c->batch_in); /* cat-file ends at the end of its input */
		fclose(c->batch_out);
		while (waitpid(c->batch_pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	free(c->toplevel);
	free(c->commondir);
	free(c);
	git_libgit2_shutdown();
}

const char *pg_git_cli_toplevel(const pg_git_cli *c)
{
	return c->toplevel;
}

const char *pg_git_cli_commondir(const pg_git_cli *c)
{
	return c->commondir;
}

int pg_git_cli_is_bare(const pg_git_cli *c)
{
	return c->bare;
}

char *pg_git_cli_config_path(pg_git_cli *c, const char *key)
{
	const char *const args[] = {"config", "--path", "--get", key, NULL};
	char *v;
	(void)c;
	v = git_line(args);
	if (!v || !*v) {
		free(v);
		pg_error_clear(); /* unset: git config exits 1 */
		return NULL;
	}
	return v;
}

char *pg_git_cli_commit_id(pg_git_cli *c, const char *rev)
{
	char *spec, *v;
	(void)c;
	/* a revision is never an option: "-x" would be taken as one by rev-parse */
	if (!*rev || rev[0] == '-') {
		pg_error_set(PG_EINVALID, "'%s' is not a revision", rev);
		return NULL;
	}
	spec = pg_xasprintf("%s^{commit}", rev);
	{
		const char *const args[] = {"rev-parse", "-q", "--verify", spec, NULL};
		v = git_line(args);
	}
	free(spec);
	if (!v || !*v) {
		free(v);
		pg_error_set(PG_ENOTFOUND, "%s: no such commit", rev);
		return NULL;
	}
	return v;
}

int pg_git_cli_has_commit(pg_git_cli *c, const char *rev)
{
	char *v = pg_git_cli_commit_id(c, rev);
	pg_error_clear();
	free(v);
	return v != NULL;
}

char *pg_git_cli_merge_base(pg_git_cli *c, const char *a, const char *b)
{
	const char *const args[] = {"merge-base", a, b, NULL};
	char *v;
	(void)c;
	v = git_line(args);
	if (!v || !*v) {
		free(v);
		pg_error_set(PG_ERROR, "cannot find the merge base of %s and %s", a, b);
		return NULL;
	}
	return v;
}

/* ---- the blob reader ---------------------------------------------------- */

static int batch_start(pg_git_cli *c)
{
	static const char *const argv[] = {"git", "cat-file", "--batch", NULL};
	posix_spawn_file_actions_t fa;
	int to[2], from[2];
	if (pipe(to) < 0)
		return pg_error_set(PG_ERROR, "cannot run git cat-file: %s", strerror(errno));
	if (pipe(from) < 0) {
		close(to[0]);
		close(to[1]);
		return pg_error_set(PG_ERROR, "cannot run git cat-file: %s", strerror(errno));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from[1], 1);
	posix_spawn_file_actions_addclose(&fa, to[1]);
	posix_spawn_file_actions_addclose(&fa, from[0]);
	if (posix_spawnp(&c->batch_pid, "git", &fa, NULL, (char *const *)argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(to[0]), close(to[1]), close(from[0]), close(from[1]);
		c->batch_pid = 0;
		return pg_error_set(PG_ERROR, "cannot run git cat-file (is git on PATH?)");
	}
	posix_spawn_file_actions_destroy(&fa);
	close(to[0]);
	close(from[1]);
	c->batch_in = fdopen(to[1], "w");
	c->batch_out = fdopen(from[0], "r");
	if (!c->batch_in || !c->batch_out)
		return pg_error_set(PG_ERROR, "cannot talk to git cat-file: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN); /* a cat-file that died is an error we report, not a signal */
	return PG_OK;
}

static int cli_blob(pg_git_cli *c, const git_oid *id, pg_buf *out)
{
	char hex[GIT_OID_HEXSZ + 1], line[256], type[32];
	unsigned long long size;
	size_t got;
	int rc;

	if (!c->batch_pid && (rc = batch_start(c)) < 0)
		return rc;
	git_oid_tostr(hex, sizeof(hex), id);
	if (fprintf(c->batch_in, "%.*s\n", PG_GIT_HEX, hex) < 0 || fflush(c->batch_in) != 0 ||
	    !fgets(line, sizeof(line), c->batch_out))
		return pg_error_set(PG_ERROR, "git cat-file stopped answering");
	if (sscanf(line, "%*s %31s %llu", type, &size) != 2)
		return pg_error_set(PG_ENOTFOUND, "git cat-file: no object %s (%s)", hex, strtok(line, "\n"));
	pg_buf_clear(out);
	pg_buf_reserve(out, (size_t)size + 1);
	got = size ? fread(out->data, 1, (size_t)size, c->batch_out) : 0;
	if (got != size || fgetc(c->batch_out) != '\n')
		return pg_error_set(PG_ERROR, "git cat-file: object %s cut short", hex);
	out->len = (size_t)size;
	out->data[out->len] = '\0';
	if (strcmp(type, "blob"))
		return pg_error_set(PG_ENOTFOUND, "%s is a %s, not a file", hex, type);
	return PG_OK;
}

/* ---- listings ----------------------------------------------------------- */

/* The id whose hex starts the text at s (40 or 64 digits): its first 20 bytes. */
static int parse_id(git_oid *out, const char *s, size_t len)
{
	if (len < PG_GIT_HEX)
		return -1;
	return git_oid_fromstrn(out, s, PG_GIT_HEX);
}

static void listing_add(pg_git_listing *l, const char *path, uint32_t mode, const git_oid *id)
{
	PG_GROW(l->items, l->cap, l->len + 1);
	l->items[l->len].path = pg_xstrdup(path);
	l->items[l->len].mode = mode;
	git_oid_cpy(&l->items[l->len].id, id);
	pg_strmap_put(&l->index, path, strlen(path), l->len);
	l->len++;
}

/*
 * `ls-files -s -z`: "MODE ID STAGE\tPATH\0"; `ls-tree -r -z`: "MODE TYPE ID\tPATH\0".
 * Only stage 0 of the index and blobs of a tree are files of the side.
 */
static int listing_parse(pg_git_listing *l, const pg_buf *b, int is_index)
{
	size_t at = 0;
	while (at < b->len) {
		const char *rec = b->data + at, *tab = memchr(rec, '\t', b->len - at);
		size_t reclen = strnlen(rec, b->len - at);
		char *end;
		uint32_t mode;
		git_oid id;
		if (!tab || (size_t)(tab - rec) > reclen)
			return pg_error_set(PG_ERROR, "git listed a file in a form not understood");
		mode = (uint32_t)strtoul(rec, &end, 8);
		if (is_index) {
			const char *stage = end + 1 + PG_GIT_HEX;
			while (stage < tab && *stage != ' ')
				stage++;
			if (parse_id(&id, end + 1, (size_t)(tab - end - 1)) < 0 || stage + 1 >= tab)
				return pg_error_set(PG_ERROR, "git listed an index entry not understood");
			/* git reads some damage without a word (it checks neither stat data nor the checksum);
			 * an entry with no object or no file name is such, and git commit refuses it later */
			if (git_oid_is_zero(&id) || !tab[1] || tab[strlen(tab + 1)] == '/')
				return pg_error_set(PG_ERROR, "the index is damaged: it holds an entry with no %s (%s); "
				                    "git commit will refuse it too", git_oid_is_zero(&id) ? "object" : "file name",
				                    tab + 1);
			if (stage[1] == '0')
				listing_add(l, tab + 1, mode, &id);
		} else {
			const char *type = end + 1, *sp = memchr(type, ' ', (size_t)(tab - type));
			if (sp && !strncmp(type, "blob ", 5) && parse_id(&id, sp + 1, (size_t)(tab - sp - 1)) == 0)
				listing_add(l, tab + 1, mode, &id);
		}
		at += reclen + 1;
	}
	return PG_OK;
}

int pg_git_listing_new(pg_git_listing **out, pg_git_cli *c, const char *rev)
{
	pg_git_listing *l = pg_xcalloc(1, sizeof(*l));
	pg_buf b = PG_BUF_INIT;
	int rc = PG_OK;

	l->cli = c;
	l->rev = rev ? pg_xstrdup(rev) : NULL;
	if (!rev) {
		static const char *const args[] = {"ls-files", "-s", "-z", NULL};
		rc = git_run(&b, args);
		if (rc < 0)
			rc = pg_error_set(PG_ERROR, "git cannot read the index either: %s", pg_error_last());
		else
			rc = listing_parse(l, &b, 1);
	} else if (*rev) {
		const char *const args[] = {"ls-tree", "-r", "-z", "--full-tree", rev, NULL};
		rc = git_run(&b, args);
		if (rc == PG_OK)
			rc = listing_parse(l, &b, 0);
	}
	pg_buf_free(&b);
	if (rc < 0) {
		pg_git_listing_free(l);
		l = NULL;
	}
	*out = l;
	return rc;
}

void pg_git_listing_free(pg_git_listing *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i].path);
	free(l->items);
	free(l->rev);
	pg_strmap_free(&l->index);
	free(l);
}

pg_git_cli *pg_git_listing_cli(const pg_git_listing *l)
{
	return l->cli;
}

int pg_git_listing_lookup(git_oid *out, const pg_git_listing *l, const char *path)
{
	char *norm = pg_path_normalize(path);
	size_t *at = NULL;
	/* as source.c: a path that climbs out of the repository is not found */
	if (norm[0] != '/' && strcmp(norm, "..") && strncmp(norm, "../", 3))
		at = pg_strmap_get(&l->index, norm, strlen(norm));
	free(norm);
	if (!at || !pg_git_is_file_mode(l->items[*at].mode))
		return PG_ENOTFOUND;
	git_oid_cpy(out, &l->items[*at].id);
	return PG_OK;
}

int pg_git_listing_blob(const pg_git_listing *l, const git_oid *id, pg_buf *out)
{
	return cli_blob(l->cli, id, out);
}

int pg_git_listing_each(const pg_git_listing *l, pg_git_file_fn fn, void *payload)
{
	for (size_t i = 0; i < l->len; i++)
		if (pg_git_is_file_mode(l->items[i].mode) && pg_git_listed(l->items[i].path))
			fn(l->items[i].path, &l->items[i].id, 1, payload);
	return PG_OK;
}

/* ---- the staged change -------------------------------------------------- */

static git_delta_t delta_status(char s)
{
	switch (s) {
	case 'A': return GIT_DELTA_ADDED;
	case 'D': return GIT_DELTA_DELETED;
	case 'M': return GIT_DELTA_MODIFIED;
	case 'R': return GIT_DELTA_RENAMED;
	case 'C': return GIT_DELTA_COPIED;
	case 'T': return GIT_DELTA_TYPECHANGE;
	case 'U': return GIT_DELTA_CONFLICTED;
	default: return GIT_DELTA_UNMODIFIED;
	}
}

/* One delta's hunks, from its two blobs, as the libgit2 reader computes them. */
static int add_delta(pg_git_changes *out, pg_git_cli *c, const git_diff_delta *d, const pg_config *cfg)
{
	pg_buf old = PG_BUF_INIT, now = PG_BUF_INIT;
	git_diff_options opts;
	git_patch *patch = NULL;
	int has_old = d->status != GIT_DELTA_ADDED && pg_git_is_file_mode(d->old_file.mode);
	int rc = cli_blob(c, &d->new_file.id, &now);

	if (rc == PG_OK && has_old)
		rc = cli_blob(c, &d->old_file.id, &old);
	pg_git_diff_options(&opts);
	if (rc == PG_OK && git_patch_from_buffers(&patch, has_old ? old.data : NULL, old.len,
	                                          d->old_file.path, now.data, now.len,
	                                          d->new_file.path, &opts) < 0)
		rc = pg_git_error("cannot compute a diff");
	if (rc == PG_OK)
		rc = pg_git_change_add(out, d, patch, cfg);
	git_patch_free(patch);
	pg_buf_free(&old);
	pg_buf_free(&now);
	return rc;
}

/*
 * `diff-index --cached -z -M`: ":OLDMODE NEWMODE OLDID NEWID STATUS\0PATH\0",
 * with a second PATH for a rename or copy (source, then destination).
 */
static int parse_raw(pg_git_changes *out, pg_git_cli *c, const pg_buf *b, const pg_config *cfg)
{
	size_t at = 0;
	int rc = PG_OK;
	while (rc == PG_OK && at < b->len) {
		const char *rec = b->data + at, *p;
		git_diff_delta d;
		unsigned long m1, m2;
		char *end;
		size_t reclen = strnlen(rec, b->len - at);
		if (rec[0] != ':' || at + reclen >= b->len)
			return pg_error_set(PG_ERROR, "git diff-index or diff-tree printed a change not understood");
		memset(&d, 0, sizeof(d));
		m1 = strtoul(rec + 1, &end, 8);
		m2 = strtoul(end, &end, 8);
		p = end + 1;
		if (parse_id(&d.old_file.id, p, (size_t)(rec + reclen - p)) < 0)
			return pg_error_set(PG_ERROR, "git diff-index or diff-tree printed an id not understood");
		p = strchr(p, ' ');
		if (!p || parse_id(&d.new_file.id, p + 1, (size_t)(rec + reclen - p - 1)) < 0)
			return pg_error_set(PG_ERROR, "git diff-index or diff-tree printed an id not understood");
		p = strchr(p + 1, ' ');
		if (!p)
			return pg_error_set(PG_ERROR, "git diff-index or diff-tree printed a status not understood");
		d.status = delta_status(p[1]);
		d.old_file.mode = (uint16_t)m1;
		d.new_file.mode = (uint16_t)m2;
		at += reclen + 1;
		d.old_file.path = d.new_file.path = b->data + at;
		at += strnlen(b->data + at, b->len - at) + 1;
		if (d.status == GIT_DELTA_RENAMED || d.status == GIT_DELTA_COPIED) {
			if (at >= b->len)
				return pg_error_set(PG_ERROR, "git diff-index or diff-tree printed a rename not understood");
			d.new_file.path = b->data + at;
			at += strnlen(b->data + at, b->len - at) + 1;
		}
		if (pg_git_delta_wanted(&d, cfg))
			rc = add_delta(out, c, &d, cfg);
	}
	return rc;
}

int pg_git_cli_changes(pg_git_changes *out, const pg_git_side *old_side, const pg_git_side *new_side,
                       const pg_config *cfg)
{
	static const char *const empty_args[] = {"hash-object", "-t", "tree", "/dev/null", NULL};
	const pg_git_listing *nl = new_side->listing, *ol = old_side->listing;
	char *base = NULL;
	pg_buf b = PG_BUF_INIT;
	int rc;

	if (ol && !ol->rev)
		return pg_error_set(PG_ERROR, "reading through git compares the index with a revision, not the reverse");
	/* no old revision (the first commit): the empty tree, in the repository's own object format */
	base = ol && *ol->rev ? pg_xstrdup(ol->rev) : git_line(empty_args);
	if (!base)
		return rc = pg_error_set(PG_ERROR, "cannot name the empty tree: %s", pg_error_last());
	if (nl->rev) {
		/* two revisions (`diff A..B`): the same raw records, from the two trees */
		const char *const args[] = {"diff-tree", "-r", "-z", "-M", "--no-abbrev", "--no-ext-diff",
		                            "--ignore-submodules", base, nl->rev, "--", NULL};
		rc = git_run(&b, args);
	} else {
		const char *const args[] = {"diff-index", "--cached", "-z", "-M", "--no-abbrev", "--no-ext-diff",
		                            "--ignore-submodules", base, "--", NULL};
		rc = git_run(&b, args);
	}
	if (rc == PG_OK)
		rc = parse_raw(out, nl->cli, &b, cfg);
	pg_buf_free(&b);
	free(base);
	return rc;
}
