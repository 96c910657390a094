/*
 * fuzz_lsp.c - libFuzzer harness: `pgleak-hook lsp` on an arbitrary byte
 * stream.
 *
 * The bytes are the server's whole stdin (fmemopen), so framing (headers,
 * Content-Length, cut bodies), JSON parsing and dispatch (documents opened,
 * changed and analysed) all see them; the answers go to an in-memory
 * stream that is dropped.  The exit code must be one the usage text names.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in, *out;
	char *outbuf = NULL;
	size_t outlen = 0;
	int rc;
	if (size == 0)
		return 0;
	in = fmemopen((void *)data, size, "rb");
	out = open_memstream(&outbuf, &outlen);
	if (!in || !out)
		abort();
	rc = pg_lsp_serve(in, out, 0);
	fclose(in);
	fclose(out);
	free(outbuf);
	if (rc < 0 || rc > 2)
		abort();
	return 0;
}
