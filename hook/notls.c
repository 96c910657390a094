/*
 * notls.c - keeps libgit2 from loading the system's TLS certificates at
 * start-up, linked into the pgleak-hook binary only (not libpgleak.a).
 *
 * Debian's libgit2 1.5 is built with mbedTLS, and git_libgit2_init parses
 * every certificate of /etc/ssl/certs/ca-certificates.crt (the path is
 * compiled in; no option or environment variable turns it off): about
 * 54 M instructions, a sixth of a warm hook run at 14k index entries, for
 * HTTPS that pgleak-hook never uses (it reads the local object store and
 * index only).  libgit2 loads them with mbedtls_x509_crt_parse_file, so
 * this file defines that function: in the dynamic binary the executable's
 * definition is the one the dynamic linker binds libgit2's call to; `make
 * static` links with --wrap, which routes the call here instead
 * (PG_NOTLS_WRAP).  It loads nothing and reports a file error; libgit2
 * then has no certificate authority, so a TLS connection, were one ever
 * made, would fail its certificate check rather than go unverified.
 * With a libgit2 built on OpenSSL the name is simply never called.
 */
#define NOTLS_FILE_IO_ERROR (-0x2900) /* MBEDTLS_ERR_X509_FILE_IO_ERROR */

int pg_notls_parse_file(void *chain, const char *path);

int pg_notls_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return NOTLS_FILE_IO_ERROR;
}

#ifdef PG_NOTLS_WRAP
int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path);
int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	return pg_notls_parse_file(chain, path);
}
#else
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	return pg_notls_parse_file(chain, path);
}
#endif
