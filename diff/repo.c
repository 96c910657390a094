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
 * what brings it back.  An index libgit2 cannot read is said so, never
 * with advice to delete it: git may read it well (a split or sparse index,
 * gitcli.c takes over then), and deleting it loses what is staged.  The
 * caller adds how to bypass the check.
 *
 * The index file is read here, once, into a sorted table (see "The index
 * file's layout" below for why not with git_index_open); the libgit2
 * index the diff needs is made in memory from the few entries it looks at
 * (diff/staged.c).
 */
#include "repo.h"

#include <git2/sys/repository.h> /* git_repository_set_index */
#include <stdlib.h>
#include <string.h>

#include "types.h"

static void cache_tree_free(pg_git_cache_tree *ct);

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

/* libgit2 checks the index's header, entries and checksum, and knows fewer extensions than git. */
static int index_error(const char *file)
{
	const git_error *e = git_error_last();
	return pg_error_set(PG_ERROR, "cannot read the index %s: %s", file,
	                    e && e->message ? e->message : "unknown libgit2 error");
}

void pg_git_close(pg_git *g)
{
	if (!g->repo)
		return;
	git_index_free(g->index);
	pg_git_entries_free(&g->entries);
	cache_tree_free(&g->cache_tree);
	git_repository_free(g->repo);
	memset(g, 0, sizeof(*g));
	git_libgit2_shutdown();
}

/*
 * The index file's layout (git's Documentation/gitformat-index.txt): a
 * 12-byte header ("DIRC", version, entry count), the entries, the
 * extensions (4-byte signature, 4-byte big-endian size, data), and the
 * checksum.  It is read here rather than by git_index_open, which hashes
 * the whole file to check the checksum (98 M instructions at 14k entries,
 * more than anything else a hook run did), copies every entry into its own
 * structures with a file/directory collision check each (another 130 M),
 * and keeps the cache-tree to itself.  git does not check the checksum
 * when it reads an index either (only `git fsck` does): the hook judges
 * the entries git commits.  Every offset is bounds-checked; bytes that are
 * not an index in git's order go to libgit2's reader, for its message.
 */
#define INDEX_OID_SIZE 20 /* SHA-1: the only object format libgit2 1.5 opens */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * One entry at d[*off] into *e.  Versions 2 and 3: the path is the file's
 * own (NUL-ended there).  Version 4: the path is prefix-compressed against
 * the previous one, kept in *cur, and the caller sets e->path.  -1 when the
 * bytes are not an entry.
 */
static int index_entry(git_index_entry *e, pg_buf *cur, const unsigned char *d, size_t len, size_t *off,
                       uint32_t version)
{
	const unsigned char *p = d + *off, *nul;
	size_t fixed = 40 + INDEX_OID_SIZE + 2, name; /* stat data, id, flags */
	if (*off + fixed > len)
		return -1;
	memset(e, 0, sizeof(*e));
	e->ctime.seconds = (int32_t)be32(p);
	e->ctime.nanoseconds = be32(p + 4);
	e->mtime.seconds = (int32_t)be32(p + 8);
	e->mtime.nanoseconds = be32(p + 12);
	e->dev = be32(p + 16);
	e->ino = be32(p + 20);
	e->mode = be32(p + 24);
	e->uid = be32(p + 28);
	e->gid = be32(p + 32);
	e->file_size = be32(p + 36);
	git_oid_fromraw(&e->id, p + 40);
	e->flags = (uint16_t)(p[60] << 8 | p[61]);
	name = *off + fixed;
	if (e->flags & GIT_INDEX_ENTRY_EXTENDED) {
		if (version < 3 || name + 2 > len)
			return -1;
		e->flags_extended = (uint16_t)(d[name] << 8 | d[name + 1]);
		name += 2;
	}
	if (version == 4) {
		/* A varint of how many bytes of the previous path to drop (git's varint.c encoding). */
		uint64_t drop;
		unsigned char c;
		if (name >= len)
			return -1;
		c = d[name++];
		drop = c & 127;
		while (c & 128) {
			if (name >= len || drop > (UINT64_C(1) << 50))
				return -1;
			c = d[name++];
			drop = ((drop + 1) << 7) | (c & 127);
		}
		if (drop > cur->len)
			return -1;
		cur->len -= (size_t)drop;
	}
	if (name >= len || !(nul = memchr(d + name, '\0', len - name)))
		return -1;
	if (version == 4) {
		pg_buf_put(cur, d + name, (size_t)(nul - (d + name)));
		*off = (size_t)(nul - d) + 1;
		return cur->len ? 0 : -1;
	}
	e->path = (const char *)(d + name);
	*off += ((name - *off) + (size_t)(nul - (d + name)) + 8) & ~(size_t)7; /* 1-8 NULs pad to 8 */
	return *off <= len && *e->path ? 0 : -1;
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

typedef struct {
	uint32_t node;  /* position in ct->nodes */
	uint32_t last;  /* its last child so far, or PG_CT_NONE */
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
		n->first_child = n->next = PG_CT_NONE;
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
			if (parent->last == PG_CT_NONE)
				ct->nodes[parent->node].first_child = (uint32_t)ct->len;
			else
				ct->nodes[parent->last].next = (uint32_t)ct->len;
			parent->last = (uint32_t)ct->len;
			parent->remaining--;
		}
		PG_GROW(stack, cap, depth + 1);
		stack[depth].node = (uint32_t)ct->len++;
		stack[depth].last = PG_CT_NONE;
		stack[depth++].remaining = subtrees;
		while (depth > 0 && stack[depth - 1].remaining == 0)
			depth--;
		if (ct->len >= PG_CT_NONE) {
			rc = -1;
			break;
		}
	}
	free(stack);
	return rc == 0 && ct->len > 0 && depth == 0 ? 0 : -1;
}

/* The extensions after the entries: the cache-tree kept; -1 for one that changes what the entries mean. */
static int index_extensions(pg_git_cache_tree *ct, const unsigned char *d, size_t off, size_t len)
{
	while (off < len) {
		size_t size;
		if (off + 8 > len || (size = be32(d + off + 4)) > len - off - 8)
			return -1;
		/* A lower-case signature is one a reader must understand (split index "link", sparse "sdir"). */
		if (d[off] < 'A' || d[off] > 'Z')
			return -1;
		if (!memcmp(d + off, "TREE", 4) && cache_tree_parse(ct, d + off + 8, d + off + 8 + size) < 0) {
			free(ct->nodes); /* no cache-tree: every folder is compared */
			ct->nodes = NULL;
			ct->len = ct->cap = 0;
		}
		off += 8 + size;
	}
	return 0;
}

/* Bytewise by path, then by stage: the order git writes entries in. */
static int entry_cmp(const git_index_entry *a, const git_index_entry *b)
{
	int c = strcmp(a->path, b->path);
	return c ? c : GIT_INDEX_ENTRY_STAGE(a) - GIT_INDEX_ENTRY_STAGE(b);
}

static int entry_qsort_cmp(const void *a, const void *b)
{
	return entry_cmp(a, b);
}

/* Reads the entries and extensions of the file in g->cache_tree.file; PG_ENOTFOUND when they are not taken. */
static int index_parse(pg_git *g)
{
	const unsigned char *d = (const unsigned char *)g->cache_tree.file.data;
	size_t len = g->cache_tree.file.len, off = 12, *offs = NULL;
	pg_git_entries *es = &g->entries;
	pg_buf cur = PG_BUF_INIT;
	uint32_t version, count, i;

	if (len < 12 + INDEX_OID_SIZE || memcmp(d, "DIRC", 4))
		return PG_ENOTFOUND;
	version = be32(d + 4);
	count = be32(d + 8);
	len -= INDEX_OID_SIZE; /* the checksum */
	if (version < 2 || version > 4 || count > len / 40)
		return PG_ENOTFOUND;
	PG_GROW(es->items, es->cap, (size_t)count + 1);
	if (version == 4)
		offs = pg_xcalloc((size_t)count + 1, sizeof(*offs));
	for (i = 0; i < count; i++) {
		if (index_entry(&es->items[i], &cur, d, len, &off, version) < 0)
			break;
		if (offs) {
			offs[i] = es->paths.len; /* `paths` may move while it grows: positions now, pointers after */
			pg_buf_put(&es->paths, cur.data, cur.len + 1);
		} else if (i > 0 && entry_cmp(&es->items[i - 1], &es->items[i]) >= 0) {
			break; /* not in git's order: the lookups would miss */
		}
	}
	pg_buf_free(&cur);
	if (offs && i == count) {
		for (i = 0; i < count; i++) {
			es->items[i].path = es->paths.data + offs[i];
			if (i > 0 && entry_cmp(&es->items[i - 1], &es->items[i]) >= 0)
				break;
		}
	}
	free(offs);
	if (i != count || index_extensions(&g->cache_tree, d, off, len) < 0)
		return PG_ENOTFOUND;
	es->len = count;
	return PG_OK;
}

/*
 * The small index the repository answers attribute lookups from: the
 * entries of the .gitattributes files, all that libgit2 reads it for here.
 */
static int attributes_index(pg_git *g)
{
	size_t i;
	if (git_index_new(&g->index) < 0)
		return pg_git_error("cannot make an index in memory");
	for (i = 0; i < g->entries.len; i++) {
		const git_index_entry *e = &g->entries.items[i];
		const char *slash = strrchr(e->path, '/');
		if (!strcmp(slash ? slash + 1 : e->path, ".gitattributes") && git_index_add(g->index, e) < 0)
			return pg_git_error("cannot use the index's .gitattributes");
	}
	if (git_repository_set_index(g->repo, g->index) < 0)
		return pg_git_error("cannot use the index");
	return PG_OK;
}

void pg_git_entries_free(pg_git_entries *e)
{
	free(e->items);
	e->items = NULL;
	e->len = e->cap = 0;
	pg_buf_free(&e->paths);
}

void pg_git_entries_from_index(pg_git_entries *out, git_index *index)
{
	size_t i, n = git_index_entrycount(index);
	PG_GROW(out->items, out->cap, n + 1);
	for (i = 0; i < n; i++)
		out->items[i] = *git_index_get_byindex(index, i);
	out->len = n;
	qsort(out->items, n, sizeof(*out->items), entry_qsort_cmp);
}

/* core.ignorecase: libgit2's index then sorts and looks up paths without case, ours would not. */
static int ignores_case(git_repository *repo)
{
	git_config *cfg = NULL;
	int yes = 0;
	if (git_repository_config_snapshot(&cfg, repo) < 0 || git_config_get_bool(&yes, cfg, "core.ignorecase") < 0)
		yes = 0;
	git_config_free(cfg);
	git_error_clear();
	return yes;
}

int pg_git_load_index(pg_git *g)
{
	const char *env = getenv("GIT_INDEX_FILE");
	/* GIT_INDEX_FILE is relative to the current directory, as git means it (a hook runs at the work tree's root). */
	char *file = env && *env ? pg_xstrdup(env) : pg_path_join(git_repository_path(g->repo), "index");
	int rc = PG_OK;

	if (!ignores_case(g->repo) && pg_read_file(file, &g->cache_tree.file) == PG_OK && index_parse(g) == PG_OK) {
		rc = attributes_index(g);
	} else {
		pg_error_clear();
		cache_tree_free(&g->cache_tree);
		pg_git_entries_free(&g->entries);
		if (env && *env) {
			if (git_index_open(&g->index, file) < 0)
				rc = index_error(file);
			/* The repository then answers from this index (attributes, lookups) instead of reading
			 * and checksumming .git/index a second time; nothing here writes an index. */
			else if (git_repository_set_index(g->repo, g->index) < 0)
				rc = pg_git_error("cannot use the index GIT_INDEX_FILE names");
		} else if (git_repository_index(&g->index, g->repo) < 0) {
			rc = index_error(file);
		}
		if (rc == PG_OK)
			pg_git_entries_from_index(&g->entries, g->index);
	}
	free(file);
	return rc;
}

const git_index_entry *pg_git_entries_get(const pg_git_entries *e, const char *path)
{
	size_t at = pg_git_entries_lower(e, path);
	/* stage 0 sorts first among a path's entries */
	if (at < e->len && !strcmp(e->items[at].path, path) && GIT_INDEX_ENTRY_STAGE(&e->items[at]) == 0)
		return &e->items[at];
	return NULL;
}

size_t pg_git_entries_lower(const pg_git_entries *e, const char *prefix)
{
	size_t lo = 0, hi = e->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(e->items[mid].path, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t pg_git_entries_prefix_end(const pg_git_entries *e, size_t pos, const char *prefix, size_t plen)
{
	size_t hi = e->len;
	/* the paths that start with prefix follow one another: the test flips once */
	while (pos < hi) {
		size_t mid = pos + (hi - pos) / 2;
		if (!strncmp(e->items[mid].path, prefix, plen))
			pos = mid + 1;
		else
			hi = mid;
	}
	return pos;
}

uint32_t pg_git_cache_tree_root(const pg_git_cache_tree *ct)
{
	return ct && ct->len ? 0 : PG_CT_NONE;
}

/* The child named `name` (len bytes) from `from` on, before `until`; PG_CT_NONE when none. */
static uint32_t ct_find(const pg_git_cache_tree *ct, uint32_t from, uint32_t until, const char *name, size_t len)
{
	for (uint32_t at = from; at != until; at = ct->nodes[at].next)
		if (ct->nodes[at].name_len == len && !memcmp(ct->nodes[at].name, name, len))
			return at;
	return PG_CT_NONE;
}

uint32_t pg_git_cache_tree_child(const pg_git_cache_tree *ct, uint32_t parent, const char *name, uint32_t *hint)
{
	size_t len = strlen(name);
	uint32_t first, start, at;
	if (!ct || parent == PG_CT_NONE)
		return PG_CT_NONE;
	first = ct->nodes[parent].first_child;
	start = *hint != PG_CT_NONE ? *hint : first;
	at = ct_find(ct, start, PG_CT_NONE, name, len);
	if (at == PG_CT_NONE && start != first)
		at = ct_find(ct, first, start, name, len); /* asked out of git's order */
	if (at != PG_CT_NONE)
		*hint = ct->nodes[at].next;
	return at;
}

int pg_git_cache_tree_id(git_oid *out, const pg_git_cache_tree *ct, uint32_t node)
{
	if (!ct || node == PG_CT_NONE || !ct->nodes[node].id)
		return PG_ENOTFOUND;
	git_oid_fromraw(out, ct->nodes[node].id);
	return PG_OK;
}

static void cache_tree_free(pg_git_cache_tree *ct)
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

/* The error of a blob that cannot be read, libgit2's message after ours. */
static int blob_error(const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];
	char *what = pg_xasprintf("cannot read the file contents %s", git_oid_tostr(hex, sizeof(hex), id));
	int rc = pg_git_error(what);
	free(what);
	return rc;
}

int pg_git_odb_blob_read(git_odb *odb, const git_oid *id, pg_buf *out)
{
	git_odb_object *o = NULL;
	if (git_odb_read(&o, odb, id) < 0)
		return blob_error(id);
	if (git_odb_object_type(o) != GIT_OBJECT_BLOB) {
		char hex[GIT_OID_HEXSZ + 1];
		git_odb_object_free(o);
		return pg_error_set(PG_ERROR, "cannot read the file contents %s: the object is not a file's",
		                    git_oid_tostr(hex, sizeof(hex), id));
	}
	pg_buf_clear(out);
	pg_buf_put(out, git_odb_object_data(o), git_odb_object_size(o));
	git_odb_object_free(o);
	return PG_OK;
}

int pg_git_blob_read(git_repository *repo, const git_oid *id, pg_buf *out)
{
	git_odb *odb = NULL;
	int rc = git_repository_odb(&odb, repo) < 0 ? pg_git_error("cannot open the object database")
	                                             : pg_git_odb_blob_read(odb, id, out);
	git_odb_free(odb);
	return rc;
}

int pg_git_listed(const char *path)
{
	return !pg_path_in_node_modules(path) && pg_lang_from_path(path) != PG_LANG_NONE;
}
