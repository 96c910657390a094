/*
 * nogss.c - the GSS-API entry points Debian's static libgit2 refers to,
 * linked only into `make static`.
 *
 * Debian's libgit2.a is built with HTTP "Negotiate" (Kerberos) support, but
 * Debian ships no static libgssapi_krb5, so a static link has nothing to
 * resolve these names with.  pgleak-hook never talks to a remote (it reads
 * the local repository and index only), so Negotiate is never reached; these
 * definitions make it report "unavailable" (GSS_S_FAILURE) if it ever were,
 * which libgit2 handles as an authentication method that is not there.
 * The parameter types are the ABI's (pointers and 32-bit status words).
 */
#include <stddef.h>
#include <stdint.h>

#define NOGSS_COMPLETE 0u
#define NOGSS_FAILURE (13u << 16) /* GSS_S_FAILURE */

typedef uint32_t nogss_status;
typedef struct {
	size_t length;
	void *value;
} nogss_buffer; /* gss_buffer_desc */

void *GSS_C_NT_HOSTBASED_SERVICE = NULL;

static nogss_status nogss_fail(nogss_status *minor)
{
	if (minor)
		*minor = 0;
	return NOGSS_FAILURE;
}

static nogss_status nogss_done(nogss_status *minor)
{
	if (minor)
		*minor = 0;
	return NOGSS_COMPLETE;
}

nogss_status gss_display_status(nogss_status *minor, nogss_status status, int type, void *mech,
                                nogss_status *more, nogss_buffer *out);
nogss_status gss_release_buffer(nogss_status *minor, nogss_buffer *buf);
nogss_status gss_delete_sec_context(nogss_status *minor, void **ctx, nogss_buffer *out);
nogss_status gss_import_name(nogss_status *minor, nogss_buffer *in, void *type, void **name);
nogss_status gss_release_name(nogss_status *minor, void **name);
nogss_status gss_init_sec_context(nogss_status *minor, void *cred, void **ctx, void *name, void *mech,
                                  nogss_status flags, nogss_status time, void *chan, nogss_buffer *in,
                                  void **mech_out, nogss_buffer *out, nogss_status *ret_flags,
                                  nogss_status *ret_time);
nogss_status gss_indicate_mechs(nogss_status *minor, void **set);
nogss_status gss_release_oid_set(nogss_status *minor, void **set);

nogss_status gss_display_status(nogss_status *minor, nogss_status status, int type, void *mech,
                                nogss_status *more, nogss_buffer *out)
{
	(void)status, (void)type, (void)mech;
	if (more)
		*more = 0;
	if (out) {
		out->length = 0;
		out->value = NULL;
	}
	return nogss_fail(minor);
}

nogss_status gss_release_buffer(nogss_status *minor, nogss_buffer *buf)
{
	if (buf) {
		buf->length = 0;
		buf->value = NULL;
	}
	return nogss_done(minor);
}

nogss_status gss_delete_sec_context(nogss_status *minor, void **ctx, nogss_buffer *out)
{
	(void)out;
	if (ctx)
		*ctx = NULL;
	return nogss_done(minor);
}

nogss_status gss_import_name(nogss_status *minor, nogss_buffer *in, void *type, void **name)
{
	(void)in, (void)type;
	if (name)
		*name = NULL;
	return nogss_fail(minor);
}

nogss_status gss_release_name(nogss_status *minor, void **name)
{
	if (name)
		*name = NULL;
	return nogss_done(minor);
}

nogss_status gss_init_sec_context(nogss_status *minor, void *cred, void **ctx, void *name, void *mech,
                                  nogss_status flags, nogss_status time, void *chan, nogss_buffer *in,
                                  void **mech_out, nogss_buffer *out, nogss_status *ret_flags,
                                  nogss_status *ret_time)
{
	(void)cred, (void)ctx, (void)name, (void)mech, (void)flags, (void)time, (void)chan, (void)in;
	(void)mech_out, (void)ret_flags, (void)ret_time;
	if (out) {
		out->length = 0;
		out->value = NULL;
	}
	return nogss_fail(minor);
}

nogss_status gss_indicate_mechs(nogss_status *minor, void **set)
{
	if (set)
		*set = NULL;
	return nogss_fail(minor);
}

nogss_status gss_release_oid_set(nogss_status *minor, void **set)
{
	if (set)
		*set = NULL;
	return nogss_done(minor);
}
