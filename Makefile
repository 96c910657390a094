# pgleak-hook - build, test, install.
#
#   make            build ./pgleak-hook (fetches the pinned grammars on first use)
#   make test       build, then run every test (tests/run.sh); ends "N passed, N failed"
#   make test SANITIZE=1   the same, built with AddressSanitizer and UBSan in build-san/
#   make bench      measurements (bench/README.md)
#   make install    install to $(PREFIX)/bin (PREFIX=/usr/local)
#   make static     build/pgleak-hook-static, for any x86-64 Linux
#   make npm-pack   the npm tarballs in build/npm (packaging/npm/pack.sh)
#
# Dependencies: libgit2, xxhash and the tree-sitter runtime from Debian's
# packages (libgit2-dev libxxhash-dev libtree-sitter-dev); the JS/TS grammars
# from the npm registry, pinned in analysis/grammars/pins.txt.

PREFIX ?= /usr/local
CC ?= cc
GRAMMARS := build/grammars
JSG := $(GRAMMARS)/tree-sitter-javascript/src
TSG := $(GRAMMARS)/tree-sitter-typescript

ifeq ($(SANITIZE),1)
OUT ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT ?= -O1 -g
else
OUT ?= build
SANFLAGS :=
OPT ?= -O2 -g
endif

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CFLAGS_OWN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes $(OPT) $(SANFLAGS) \
	-D_POSIX_C_SOURCE=200809L -DPG_VERSION='"$(VERSION)"' -Icore -Ianalysis -Icache -Ireuse -Idiff -Ihook -I$(OUT)/gen -MMD -MP
# The grammars are generated code we do not own: built without our warnings.
CFLAGS_GRAMMAR := -std=c11 -w -O2 $(SANFLAGS)
LDLIBS := -lgit2 -lxxhash -ltree-sitter -lpthread
# Where pkg-config knows the libraries (Homebrew's /opt/homebrew, a custom
# prefix) their folders are added; Debian's are on the default paths anyway.
PKG_DEPS := libgit2 libxxhash tree-sitter
CFLAGS_OWN += $(shell pkg-config --cflags $(PKG_DEPS) 2>/dev/null)
LDFLAGS += $(shell pkg-config --libs-only-L $(PKG_DEPS) 2>/dev/null)
# macOS hides BSD names (DT_DIR, ...) under _POSIX_C_SOURCE unless asked for them.
ifeq ($(shell uname -s),Darwin)
CFLAGS_OWN += -D_DARWIN_C_SOURCE
endif
# sha256sum is GNU coreutils; macOS has shasum.
SHA256 := $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo 'shasum -a 256')

# A new source folder must also go into package.json's "files", or the npm
# package's source build misses it (tests/npm.sh builds from the packed sources).
LIB_SRC := $(wildcard core/*.c) $(wildcard analysis/*.c) $(wildcard cache/*.c) $(wildcard reuse/*.c) \
	$(wildcard diff/*.c) \
	$(filter-out hook/main.c hook/notls.c,$(wildcard hook/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/%.o)
GRAMMAR_OBJ := $(OUT)/grammar/js_parser.o $(OUT)/grammar/js_scanner.o \
	$(OUT)/grammar/ts_parser.o $(OUT)/grammar/ts_scanner.o \
	$(OUT)/grammar/tsx_parser.o $(OUT)/grammar/tsx_scanner.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/%)

BIN := $(OUT)/pgleak-hook

.PHONY: all test bench bench-replay install uninstall clean grammars fuzz static dynamic npm-pack npm-version
# ./pgleak-hook is a link to the default build's binary, for the scoring tools.
all: $(BIN)
ifeq ($(OUT),build)
all: pgleak-hook
pgleak-hook: $(BIN)
	ln -sf $(BIN) $@
endif

$(GRAMMARS)/.stamp: analysis/grammars/pins.txt analysis/grammars/fetch.sh
	analysis/grammars/fetch.sh $(GRAMMARS)

grammars: $(GRAMMARS)/.stamp

$(OUT)/grammar/js_parser.o: $(GRAMMARS)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_GRAMMAR) -I$(JSG) -c $(JSG)/parser.c -o $@
$(OUT)/grammar/js_scanner.o: $(GRAMMARS)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_GRAMMAR) -I$(JSG) -c $(JSG)/scanner.c -o $@
$(OUT)/grammar/ts_parser.o: $(GRAMMARS)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_GRAMMAR) -I$(TSG)/typescript/src -c $(TSG)/typescript/src/parser.c -o $@
$(OUT)/grammar/ts_scanner.o: $(GRAMMARS)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_GRAMMAR) -I$(TSG)/typescript/src -c $(TSG)/typescript/src/scanner.c -o $@
$(OUT)/grammar/tsx_parser.o: $(GRAMMARS)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_GRAMMAR) -I$(TSG)/tsx/src -c $(TSG)/tsx/src/parser.c -o $@
$(OUT)/grammar/tsx_scanner.o: $(GRAMMARS)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_GRAMMAR) -I$(TSG)/tsx/src -c $(TSG)/tsx/src/scanner.c -o $@

$(OUT)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_OWN) -c $< -o $@

# The analyser's identity: a digest of the sources that decide results, part
# of every cache key, so a changed analysis never reuses results of the old
# one (even at one VERSION).  That is the analysis, the pieces of core/ it
# computes with, the reuse layer (what a reused result becomes) and the
# grammars; not the JSON reader (the configuration's values have their own
# digest), the store, the diff or the commands.
ANALYSER_SRC := $(wildcard analysis/*.c analysis/*.h) core/util.c core/util.h core/types.h \
	core/findings.c $(wildcard reuse/*.c reuse/*.h) analysis/grammars/pins.txt
$(OUT)/gen/analyser_id.h: $(ANALYSER_SRC)
	@mkdir -p $(@D)
	@printf '#define PG_ANALYSER_ID "%s"\n' "$$(cat $^ | $(SHA256) | cut -c1-16)" >$@.tmp && mv $@.tmp $@
$(OUT)/reuse/engine.o: $(OUT)/gen/analyser_id.h
# The files that compile PG_VERSION in: a new VERSION rebuilds them.
$(OUT)/hook/main.o $(OUT)/hook/report.o $(OUT)/hook/lsp.o $(OUT)/cache/key.o: VERSION

$(OUT)/libpgleak.a: $(LIB_OBJ) $(GRAMMAR_OBJ)
	rm -f $@
	ar rcs $@ $^

# The binary's link.  On Linux, where the static archives of libgit2 and of
# what it needs are installed (Debian's -dev packages have them), those are
# linked in and glibc stays shared (LINK=mixed): the dynamic loader's work
# on libgit2, mbedTLS, OpenSSL's libcrypto, libssh2 and the rest was about
# 3 ms of a 17 ms warm hook run (bench/results.md).  Elsewhere, or with
# LINK=dynamic, everything is shared.  hook/notls.c keeps libgit2 from
# loading TLS certificates at start-up (see its header): by symbol
# interposition when libgit2 is shared, by --wrap when it is linked in; and
# packaging/static/nogss.c stands in for Kerberos, as in `make static`.
MIXED_LIBS := $(filter-out -lrt -ldl -pthread -lpthread,$(shell pkg-config --static --libs libgit2 libssh2 2>/dev/null)) \
	-lxxhash -ltree-sitter
MIXED_OK := $(shell ok=yes; for l in $(patsubst -l%,%,$(filter -l%,$(MIXED_LIBS))); do \
	f=$$($(CC) -print-file-name=lib$$l.a); [ "$${f#/}" != "$$f" ] && [ -f "$$f" ] || ok=no; done; echo $$ok)
ifeq ($(shell uname -s)-$(MIXED_OK),Linux-yes)
LINK ?= mixed
else
LINK ?= dynamic
endif

LINK_DYNAMIC = $(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
ifeq ($(LINK),mixed)
$(BIN): $(OUT)/hook/main.o $(OUT)/packaging/notls-wrap.o $(OUT)/packaging/nogss.o $(OUT)/libpgleak.a
	$(CC) $(SANFLAGS) $(LDFLAGS) -Wl,--wrap=mbedtls_x509_crt_parse_file -o $@ $^ \
		-Wl,-Bstatic $(MIXED_LIBS) -Wl,-Bdynamic -lpthread -ldl -lrt
else
$(BIN): $(OUT)/hook/main.o $(OUT)/hook/notls.o $(OUT)/libpgleak.a
	$(LINK_DYNAMIC)
endif
# `make dynamic`: $(OUT)/pgleak-hook-dynamic, every library shared (LINK=dynamic's link), for the tests.
DYNAMIC_BIN := $(OUT)/pgleak-hook-dynamic
dynamic: $(DYNAMIC_BIN)
$(DYNAMIC_BIN): $(OUT)/hook/main.o $(OUT)/hook/notls.o $(OUT)/libpgleak.a
	$(LINK_DYNAMIC)

$(OUT)/tests/%: tests/unit/%.c $(OUT)/libpgleak.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_OWN) $(LDFLAGS) -o $@ $< $(OUT)/libpgleak.a $(LDLIBS)

test: $(BIN) $(UNIT_BIN)
	PGLEAK_BIN=$(abspath $(BIN)) PGLEAK_UNIT_DIR=$(abspath $(OUT)/tests) tests/run.sh

bench: $(BIN)
	bench/run.sh
	bench/replay.sh
	python3 bench/lsp.py $(BIN)

# The real-history replay alone (bench/replay.sh; PGLEAK_BIN_OLD=path adds a second binary).
bench-replay: $(BIN)
	bench/replay.sh

fuzz:
	tests/fuzz/run.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/pgleak-hook

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/pgleak-hook

clean:
	rm -rf $(OUT)/*.a $(OUT)/pgleak-hook $(OUT)/pgleak-hook-dynamic $(OUT)/pgleak-hook-static $(OUT)/packaging $(OUT)/core $(OUT)/analysis $(OUT)/cache $(OUT)/reuse $(OUT)/diff $(OUT)/hook $(OUT)/tests $(OUT)/grammar pgleak-hook

-include $(LIB_OBJ:.o=.d) $(OUT)/hook/main.d

# `make static`: build/pgleak-hook-static, linked with Debian's .a files
# (libgit2 and what pkg-config says it needs, libssh2's crypto, tree-sitter,
# xxhash, glibc), for any x86-64 Linux.  packaging/static/nogss.c stands in
# for the Kerberos library Debian ships no .a of (see its header).  glibc's
# getpwuid_r warning is expected: libgit2 uses it only when HOME is unset.
STATIC_BIN := $(OUT)/pgleak-hook-static
static: $(STATIC_BIN)
$(OUT)/packaging/nogss.o: packaging/static/nogss.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_OWN) -c $< -o $@
$(OUT)/packaging/notls-wrap.o: hook/notls.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_OWN) -DPG_NOTLS_WRAP -c $< -o $@
$(STATIC_BIN): $(OUT)/hook/main.o $(OUT)/libpgleak.a $(OUT)/packaging/nogss.o $(OUT)/packaging/notls-wrap.o
	$(CC) -static -Wl,--wrap=mbedtls_x509_crt_parse_file -o $@ $^ $$(pkg-config --static --libs libgit2 libssh2) -lxxhash -ltree-sitter -lpthread

# `make npm-pack`: the npm packages (packaging/npm/pack.sh says what each
# holds) as tarballs in $(OUT)/npm: pgleak-hook (a JS launcher, no checker
# logic) and @pgleak-hook/linux-x64 (the static binary).  Their version is
# VERSION's; `make npm-version` writes it into package.json (its version and
# the exact pin of the optional platform package), which pack.sh checks.
npm-pack: $(STATIC_BIN)
	packaging/npm/pack.sh $(STATIC_BIN) $(OUT)/npm
npm-version:
	npm pkg set version=$(VERSION) optionalDependencies.@pgleak-hook/linux-x64=$(VERSION)
