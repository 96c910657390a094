/*
 * repo.c - opening the repository and the index as a hook sees them.
 *
 * GIT_REPOSITORY_OPEN_FROM_ENV is not used: libgit2 1.5.1 fails with it
 * under `git --work-tree=.`, while opening GIT_DIR as a path works in every
 * mode git runs hooks in (plain, -a, <paths>, linked worktrees, where
 * GIT_DIR is .git/worktrees/NAME and libgit2 follows its commondir).
 *
 * Errors say what is wrong with the repository, not only what libgit2 saw:
 * an object that is not there is named as missing, with the reason that
 * is likely here (a shallow clone, whose history stops; a partial clone,
 * whose objects git fetches on demand and libgit2 cannot; else damage) and
 * what brings it back.  A damaged index is named as such, with git's own
 * way to rebuild it.  The caller adds how to bypass the check.
 */
#include "repo.h"

#include <git2/sys/repository.h> /* git_repository_set_index */
#include <stdlib.h>
#include <string.h>

/* What the repository opened last is (set by pg_git_open): for the advice on missing objects. */
static int repo_shallow, repo_partial;

static const char *missing_object_advice(void)
{
	if (repo_shallow)
		return "this is a shallow clone, whose history stops: fetch what is missing "
		       "(git fetch --unshallow; in CI, e.g. actions/checkout with fetch-depth: 0)";
	if (repo_partial)
		return "this is a partial clone (--filter): git fetches missing objects on demand, "
		       "pgleak-hook cannot: let git fetch it (`git cat-file -e` with the id above), "
		       "or use a clone without --filter";
	return "the object store is damaged or incomplete: `git fsck` lists what is missing";
}

int pg_git_error(const char *what)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown libgit2 error";
	if (e && e->klass == GIT_ERROR_ODB)
		return pg_error_set(PG_ERROR, "%s: an object is missing from the repository (%s); %s", what, msg,
		                    missing_object_advice());
	return pg_error_set(PG_ERROR, "%s: %s", what, msg);
}

/* Names git gives a promisor remote's settings; matched by hand (libgit2's regex leaks pcre2 data). */
static int promisor_entry(const git_config_entry *e, void *payload)
{
	const char *name = e->name, *dot = strrchr(name, '.');
	if (!strcmp(name, "extensions.partialclone") ||
	    (!strncmp(name, "remote.", 7) && dot && dot > name + 7 &&
	     (!strcmp(dot, ".promisor") || !strcmp(dot, ".partialclonefilter"))))
		*(int *)payload = 1;
	return 0;
}

/*
 * Whether the repository was cloned with --filter: git marks the promisor
 * remote (remote.<name>.promisor, .partialclonefilter; older git wrote
 * extensions.partialClone).  libgit2 hands the names lower-cased.
 */
static int is_partial(git_repository *repo)
{
	git_config *cfg = NULL;
	int partial = 0;
	if (git_repository_config_snapshot(&cfg, repo) == 0)
		git_config_foreach(cfg, promisor_entry, &partial);
	git_config_free(cfg);
	git_error_clear();
	return partial;
}

int pg_git_open(pg_git *g)
{
	const char *gitdir = getenv("GIT_DIR");
	memset(g, 0, sizeof(*g));
	if (git_libgit2_init() < 0)
		return pg_git_error("cannot initialise libgit2");
	git_error_clear(); /* "failed to load CA certificates": none are wanted (hook/notls.c) */
	/*
	 * libgit2 re-hashes every object it reads to check it against its id
	 * (most of the hook's time in a large repository).  We only read
	 * objects that git itself wrote, to the repository it is committing
	 * to; `git fsck` is the tool for a damaged object store, not a hook.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (gitdir && *gitdir) {
		if (git_repository_open_ext(&g->repo, gitdir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
			pg_git_error("cannot open the repository at GIT_DIR");
			git_libgit2_shutdown();
			return PG_ERROR;
		}
	} else if (git_repository_open_ext(&g->repo, ".", 0, NULL) < 0) {
		pg_git_error("not a git repository (or any parent up to /)");
		git_libgit2_shutdown();
		return PG_ERROR;
	}
	repo_shallow = git_repository_is_shallow(g->repo) == 1;
	repo_partial = is_partial(g->repo);
	return PG_OK;
}

/* libgit2 checks the index's header, entries and checksum; git itself can rebuild it from HEAD. */
static int index_error(const char *file)
{
	const git_error *e = git_error_last();
	return pg_error_set(PG_ERROR, "cannot read the index %s: %s; if git cannot read it either, it is damaged: "
	                    "rebuild it from HEAD with `rm %s && git reset` (your staged changes are unstaged, "
	                    "the work tree is kept)", file, e && e->message ? e->message : "unknown libgit2 error", file);
}

int pg_git_load_index(pg_git *g)
{
	const char *file = getenv("GIT_INDEX_FILE");
	if (file && *file) {
		/* Relative to the current directory, as git means it (a hook runs at the work tree's root). */
		if (git_index_open(&g->index, file) < 0)
			return index_error(file);
		/* The repository then answers from this index (attributes, lookups) instead of reading
		 * and checksumming .git/index a second time; nothing here writes an index. */
		if (git_repository_set_index(g->repo, g->index) < 0)
			return pg_git_error("cannot use the index GIT_INDEX_FILE names");
	} else if (git_repository_index(&g->index, g->repo) < 0) {
		char *path = pg_path_join(git_repository_path(g->repo), "index");
		int rc = index_error(path);
		free(path);
		return rc;
	}
	return PG_OK;
}

void pg_git_close(pg_git *g)
{
	if (!g->repo)
		return;
	git_index_free(g->index);
	git_repository_free(g->repo);
	memset(g, 0, sizeof(*g));
	git_libgit2_shutdown();
}

/*
 * The index file's layout (git's Documentation/gitformat-index.txt): a
 * 12-byte header ("DIRC", version, entry count), the entries, the
 * extensions (4-byte signature, 4-byte big-endian size, data), and the
 * checksum.  libgit2 keeps the cache-tree to itself, so it is read here
 * from the same file: the entries are only skipped over (libgit2 has
 * checked the checksum; every offset is still bounds-checked).
 */
#define INDEX_OID_SIZE 20 /* SHA-1: the only object format libgit2 1.5 opens */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The offset just past the entries, or 0 when the file is not laid out as expected. */
static size_t index_entries_end(const unsigned char *d, size_t len, uint32_t version, uint32_t count)
{
	size_t off = 12, fixed = 40 + INDEX_OID_SIZE + 2; /* stat data, id, flags */
	uint32_t i;
	for (i = 0; i < count; i++) {
		size_t name;
		const unsigned char *nul;
		if (off + fixed > len)
			return 0;
		name = off + fixed;
		if (version >= 3 && (d[off + fixed - 2] & 0x40)) /* extended flags */
			name += 2;
		if (version == 4) /* prefix-compressed: a varint of bytes to drop, then the suffix */
			while (name < len && (d[name] & 0x80))
				name++;
		if (version == 4)
			name++;
		if (name >= len || !(nul = memchr(d + name, '\0', len - name)))
			return 0;
		if (version == 4)
			off = (size_t)(nul - d) + 1;
		else
			off += ((name - off) + (size_t)(nul - (d + name)) + 8) & ~(size_t)7;
	}
	return off <= len ? off : 0;
}

/* A decimal number ended by `stop`, '-' allowed in front; -1 when malformed. */
static int tree_number(const unsigned char **p, const unsigned char *end, char stop, long *out)
{
	const unsigned char *q = *p;
	int neg = q < end && *q == '-';
	long v = 0;
	q += neg;
	if (q >= end || *q < '0' || *q > '9')
		return -1;
	for (; q < end && *q >= '0' && *q <= '9'; q++)
		if ((v = v * 10 + (*q - '0')) > 1000000000L)
			return -1;
	if (q >= end || *q != (unsigned char)stop)
		return -1;
	*p = q + 1;
	*out = neg ? -v : v;
	return 0;
}

#define CT_NONE UINT32_MAX

typedef struct {
	uint32_t node;  /* position in ct->nodes */
	uint32_t last;  /* its last child so far, or CT_NONE */
	long remaining; /* its subtrees still to come */
} tree_level;

/*
 * Parses the TREE extension's data into ct->nodes: nodes in depth-first
 * order, each naming its subtree count, linked as first child / next
 * sibling.  Names and ids point into the file's bytes (kept in ct).
 */
static int cache_tree_parse(pg_git_cache_tree *ct, const unsigned char *p, const unsigned char *end)
{
	tree_level *stack = NULL;
	size_t depth = 0, cap = 0;
	int rc = 0;

	while (p < end) {
		const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
		pg_git_cache_tree_node *n;
		long entries, subtrees;
		if (!nul || (ct->len > 0 && depth == 0)) {
			rc = -1; /* a name running off the end, or a second root */
			break;
		}
		PG_GROW(ct->nodes, ct->cap, ct->len + 1);
		n = &ct->nodes[ct->len];
		n->name = (const char *)p;
		n->name_len = (uint32_t)(nul - p);
		n->first_child = n->next = CT_NONE;
		p = nul + 1;
		if (tree_number(&p, end, ' ', &entries) < 0 || tree_number(&p, end, '\n', &subtrees) < 0 ||
		    subtrees < 0 || (entries >= 0 && end - p < INDEX_OID_SIZE) || (depth == 0 && n->name_len)) {
			rc = -1; /* malformed, or a root with a name */
			break;
		}
		n->id = entries >= 0 ? p : NULL;
		if (entries >= 0)
			p += INDEX_OID_SIZE;
		if (depth > 0) {
			tree_level *parent = &stack[depth - 1];
			if (parent->last == CT_NONE)
				ct->nodes[parent->node].first_child = (uint32_t)ct->len;
			else
				ct->nodes[parent->last].next = (uint32_t)ct->len;
			parent->last = (uint32_t)ct->len;
			parent->remaining--;
		}
		PG_GROW(stack, cap, depth + 1);
		stack[depth].node = (uint32_t)ct->len++;
		stack[depth].last = CT_NONE;
		stack[depth++].remaining = subtrees;
		while (depth > 0 && stack[depth - 1].remaining == 0)
			depth--;
		if (ct->len >= CT_NONE) {
			rc = -1;
			break;
		}
	}
	free(stack);
	return rc == 0 && ct->len > 0 && depth == 0 ? 0 : -1;
}

int pg_git_cache_tree_read(pg_git_cache_tree *out, git_index *index)
{
	const char *file = git_index_path(index);
	const unsigned char *d;
	uint32_t version, count;
	size_t off, len;
	int rc = PG_ENOTFOUND;

	memset(out, 0, sizeof(*out));
	/* Case-folding indexes sort differently from the walk's bytewise prefixes. */
	if (!file || (git_index_caps(index) & GIT_INDEX_CAPABILITY_IGNORE_CASE) || pg_read_file(file, &out->file) < 0) {
		pg_error_clear();
		pg_git_cache_tree_free(out);
		return PG_ENOTFOUND;
	}
	d = (const unsigned char *)out->file.data;
	len = out->file.len;
	if (len < 12 + INDEX_OID_SIZE || memcmp(d, "DIRC", 4))
		goto done;
	version = be32(d + 4);
	count = be32(d + 8);
	/* The file must be the one libgit2 read (same number of entries). */
	if (version < 2 || version > 4 || count != git_index_entrycount(index))
		goto done;
	len -= INDEX_OID_SIZE;
	off = index_entries_end(d, len, version, count);
	while (off && off + 8 <= len) {
		size_t size = be32(d + off + 4);
		if (size > len - off - 8)
			break;
		/* A split index keeps most entries in another file; a sparse one has directory entries. */
		if (!memcmp(d + off, "link", 4) || !memcmp(d + off, "sdir", 4)) {
			rc = PG_ENOTFOUND;
			break;
		}
		if (!memcmp(d + off, "TREE", 4))
			rc = cache_tree_parse(out, d + off + 8, d + off + 8 + size) == 0 ? PG_OK : PG_ENOTFOUND;
		off += 8 + size;
	}
done:
	if (rc != PG_OK)
		pg_git_cache_tree_free(out);
	return rc;
}

int pg_git_cache_tree_get(git_oid *out, const pg_git_cache_tree *ct, const char *dir)
{
	uint32_t at = ct->len ? 0 : CT_NONE;
	while (at != CT_NONE && *dir) {
		const char *slash = strchr(dir, '/');
		size_t n = slash ? (size_t)(slash - dir) : strlen(dir);
		for (at = ct->nodes[at].first_child; at != CT_NONE; at = ct->nodes[at].next)
			if (ct->nodes[at].name_len == n && !memcmp(ct->nodes[at].name, dir, n))
				break;
		dir = slash ? slash + 1 : dir + n;
	}
	if (at == CT_NONE || !ct->nodes[at].id)
		return PG_ENOTFOUND;
	git_oid_fromraw(out, ct->nodes[at].id);
	return PG_OK;
}

void pg_git_cache_tree_free(pg_git_cache_tree *ct)
{
	pg_buf_free(&ct->file);
	free(ct->nodes);
	memset(ct, 0, sizeof(*ct));
}

int pg_git_head_tree(git_tree **out, git_repository *repo)
{
	git_object *obj = NULL;
	int rc;
	*out = NULL;
	rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
		git_error_clear();
		return PG_OK; /* first commit: compared with the empty tree */
	}
	if (rc < 0)
		return pg_git_error("cannot read HEAD");
	*out = (git_tree *)obj;
	return PG_OK;
}

int pg_git_rev_tree(git_tree **out, const git_object *obj)
{
	git_object *peeled = NULL;
	if (git_object_peel(&peeled, obj, GIT_OBJECT_TREE) < 0)
		return pg_git_error("not a commit or tree");
	*out = (git_tree *)peeled;
	return PG_OK;
}

int pg_git_blob_read(git_repository *repo, const git_oid *id, pg_buf *out)
{
	git_blob *blob = NULL;
	if (git_blob_lookup(&blob, repo, id) < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		char *what = pg_xasprintf("cannot read the file contents %s", git_oid_tostr(hex, sizeof(hex), id));
		int rc = pg_git_error(what);
		free(what);
		return rc;
	}
	pg_buf_clear(out);
	pg_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return PG_OK;
}

int pg_git_config_load(pg_config *cfg, git_repository *repo, const git_oid *id)
{
	pg_buf b = PG_BUF_INIT;
	int rc;
	if (!id)
		return PG_OK;
	rc = pg_git_blob_read(repo, id, &b);
	if (rc == PG_OK)
		rc = pg_config_parse(cfg, b.data ? b.data : "", b.len, ".pgleak.json");
	pg_buf_free(&b);
	return rc;
}
