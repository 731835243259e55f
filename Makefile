# Makefile: build sockit, test it, install it. `make V=1` shows the commands.

CC ?= cc
PREFIX ?= /usr/local
DESTDIR ?=
CFLAGS ?= -O2 -g
LDFLAGS ?=
LDLIBS ?=
SANITIZE ?=

WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral -Wpointer-arith -Wundef
# -pthread: a proxy server looks names up on a thread (src/sys_lookup.c).
ALL_CFLAGS = -std=c11 $(WARNINGS) $(CFLAGS) -MMD -MP -pthread

NO_READLINE ?=
NO_TLS ?=

ifeq ($(SANITIZE),1)
BUILD = build/sanitize
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
BIN = $(BUILD)/sockit
else
BUILD = build/release
BIN = sockit
endif

# A build without readline is kept apart, so both can stand side by side.
ifeq ($(NO_READLINE),1)
BUILD := $(BUILD)-plain
BIN = $(BUILD)/sockit
endif

# So is a build without TLS.
ifeq ($(NO_TLS),1)
BUILD := $(BUILD)-notls
BIN = $(BUILD)/sockit
endif

ifeq ($(V),1)
Q =
else
Q = @
endif

SRCS = src/main.c src/opt.c src/session.c src/report.c \
	src/cmd_connect.c src/cmd_listen.c src/cmd_send.c src/cmd_recv.c \
	src/cmd_resolve.c src/cmd_pair.c src/dial.c src/serve.c \
	src/endpoint.c src/relay.c src/explain.c src/explain_nc.c \
	src/sockopt.c src/hexdump.c src/json.c src/sys.c src/sys_data.c \
	src/sys_diag.c src/sys_proc.c src/sys_resolve.c src/sys_wait.c \
	src/trace.c src/addr.c \
	src/strbuf.c src/spawn.c src/cidr.c src/escape.c src/unixdiag.c \
	src/pin.c src/alpn.c src/session_tls.c src/inetd.c src/flows.c \
	src/multicast.c src/services.c src/dgram.c src/textbook.c \
	src/textbook_session.c src/msgflags.c src/starttls.c \
	src/session_starttls.c src/loop.c src/loop_flows.c $(LINE_SRC) \
	src/loop_hex.c src/arrival.c src/cmd_explain.c src/errtable.c \
	src/explain_demo.c src/readback.c src/sabytes.c src/resolve_legacy.c \
	src/tcpdiag.c src/tcpstate.c src/step.c src/i18n.c src/proxy.c \
	src/proxy_server.c src/proxy_rules.c src/sys_lookup.c \
	src/loop_proxy.c src/serve_proxy.c \
	src/proxy_client.c src/session_proxy.c src/loop_upstream.c \
	src/pipe_pool.c \
	$(TLS_SRC)
UNIT_SRCS = tests/unit/unit.c tests/unit/test_endpoint.c \
	tests/unit/test_sockopt.c tests/unit/test_hexdump.c \
	tests/unit/test_json.c tests/unit/test_opt.c tests/unit/test_explain.c \
	tests/unit/test_explain_nc.c \
	tests/unit/test_cidr.c tests/unit/test_unixdiag.c tests/unit/test_pin.c \
	tests/unit/test_alpn.c tests/unit/test_trace.c \
	tests/unit/test_starttls.c tests/unit/test_hints.c \
	tests/unit/test_errtable.c tests/unit/test_structs.c \
	tests/unit/test_tcpdiag.c tests/unit/test_step.c \
	tests/unit/test_proxy_server.c tests/unit/test_proxy_client.c

# libFuzzer targets (tests/fuzz/fuzz_NAME.c): make fuzz runs each for
# FUZZ_SECONDS with clang; make check replays their corpora and crashers.
FUZZ_TARGETS = endpoint argv escape hexdump json pin alpn starttls sabytes \
	tcpdiag proxy_server proxy_client
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_DIR = build/fuzz
FUZZ_FLAGS = -std=c11 -g -O1 -fno-omit-frame-pointer -Isrc \
	-fsanitize=fuzzer-no-link,address,undefined
FUZZ_SRCS = $(filter-out src/main.c src/line_readline.c src/tls.c,$(SRCS)) \
	src/line_plain.c src/tls_none.c
FUZZ_OBJS = $(sort $(FUZZ_SRCS:%.c=$(FUZZ_DIR)/%.o))
REPLAY_BINS = $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay-%)
# Kept, not removed as intermediates after each link.
.SECONDARY: $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%.o) \
	$(BUILD)/tests/fuzz/replay.o \
	$(FUZZ_TARGETS:%=$(FUZZ_DIR)/tests/fuzz/fuzz_%.o)

# Translations: po/LANG.po, compiled into build/locale for a binary run
# from this tree (i18n.c looks there first) and installed under
# share/locale. Without msgfmt the binary speaks English only.
LINGUAS = es
LOCALEDIR = $(PREFIX)/share/locale
MSGFMT := $(shell command -v msgfmt 2>/dev/null)
ifneq ($(MSGFMT),)
MO_FILES = $(LINGUAS:%=build/locale/%/LC_MESSAGES/sockit.mo)
endif

OBJS = $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS = $(filter-out $(BUILD)/src/main.o,$(OBJS))
UNIT_OBJS = $(UNIT_SRCS:%.c=$(BUILD)/%.o)
UNIT_BIN = $(BUILD)/unit-tests

.PHONY: po-update all check check-stress check-valgrind check-long unit demo deps bench \
	fuzz fuzz-deps install uninstall clean

all: $(BIN) $(MO_FILES)

# Line editing: readline when its headers are here (tools/configure.sh asks
# deps.sh to install them), the plain module otherwise or with NO_READLINE=1;
# TLS with OpenSSL 3 the same way, tls_none.c without it or with NO_TLS=1.
ifeq ($(filter clean deps,$(MAKECMDGOALS)),)
-include $(BUILD)/config.mk
endif

$(BUILD)/config.mk: tools/configure.sh
	@mkdir -p $(dir $@)
	$(Q)CC="$(CC)" NO_READLINE="$(NO_READLINE)" NO_TLS="$(NO_TLS)" \
		sh tools/configure.sh > $@.tmp
	$(Q)mv $@.tmp $@

$(BIN): $(OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LINE_LIBS) \
		$(TLS_LIBS) $(LDLIBS)

$(BUILD)/src/i18n.o: ALL_CFLAGS += -DLOCALEDIR='"$(LOCALEDIR)"' \
	-DSOURCE_DIR='"$(CURDIR)"' -DLINGUAS='"$(LINGUAS)"'

build/locale/%/LC_MESSAGES/sockit.mo: po/%.po
	@mkdir -p $(dir $@)
	@echo "  MSGFMT  $<"
	$(Q)msgfmt --check -o $@ $<

# Merges the messages of the code into each po/LANG.po, for translators.
po-update:
	$(Q)sh tools/po-check.sh --update $(LINGUAS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJS) $(LIB_OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJS) $(LIB_OBJS) \
		$(LINE_LIBS) $(TLS_LIBS) $(LDLIBS)

$(BUILD)/fuzz-replay-%: $(BUILD)/tests/fuzz/fuzz_%.o \
    $(BUILD)/tests/fuzz/replay.o $(LIB_OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LINE_LIBS) $(TLS_LIBS) $(LDLIBS)

# The same objects linked with tls_none.c in place of tls.c: the binary a
# machine without OpenSSL gets, so make check can hold it to its word.
NOTLS_BIN = $(BUILD)/sockit-notls
NOTLS_OBJS = $(sort $(filter-out $(BUILD)/src/tls.o,$(OBJS)) \
	$(BUILD)/src/tls_none.o)
$(NOTLS_BIN): $(NOTLS_OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(NOTLS_OBJS) $(LINE_LIBS) \
		$(LDLIBS)

fuzz-deps:
	$(Q)sh tools/deps.sh fuzz

$(FUZZ_DIR)/%.o: %.c | fuzz-deps
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/tests/fuzz/fuzz_%.o $(FUZZ_OBJS)
	@echo "  LINK    $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^

# Each target's new inputs go to build/fuzz; a crasher stops the run there.
fuzz: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
	$(Q)for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus-$$t && \
		$(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
		    -artifact_prefix=$(FUZZ_DIR)/$$t- -print_final_stats=1 \
		    $(FUZZ_DIR)/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# What make check needs; the other targets check their own tools.
deps:
	$(Q)sh tools/deps.sh check

unit: $(UNIT_BIN)
	$(Q)$(UNIT_BIN)

# Unit tests, then every bats file, several files at once; ends with
# "N passed, N failed".
TEST_ENV = SOCKIT="$(abspath $(BIN))" UNIT_TESTS="$(abspath $(UNIT_BIN))" \
	FUZZ_REPLAY="$(abspath $(BUILD))" SOCKIT_NOTLS="$(abspath $(NOTLS_BIN))"
check: deps $(BIN) $(MO_FILES) $(UNIT_BIN) $(REPLAY_BINS) $(NOTLS_BIN)
	$(Q)$(TEST_ENV) bash tests/run

# The same suite with every core kept busy by a loop at normal priority:
# a test that counts on the machine being quick fails here.
check-stress: deps $(BIN) $(MO_FILES) $(UNIT_BIN) $(REPLAY_BINS) \
    $(NOTLS_BIN)
	$(Q)$(TEST_ENV) bash tools/busy.sh bash tests/run

# A representative part of the suite with every sockit under valgrind's
# memcheck: an error or a definite leak fails that test (status 99).
VALGRIND_TESTS = tests/cli.bats tests/resolve.bats tests/send.bats \
	tests/recv.bats tests/connect.bats tests/trace.bats
check-valgrind: deps $(BIN) $(MO_FILES)
	$(Q)sh tools/deps.sh valgrind
	$(Q)SOCKIT_REAL="$(abspath $(BIN))" \
		SOCKIT="$(abspath tools/valgrind-sockit)" \
		BATS_FILES="$(VALGRIND_TESTS)" BATS_TEST_TIMEOUT=180 \
		UNIT_TESTS=true bash tests/run

# Long runs, kept out of check's time budget: 10 GiB through one
# connection, a TLS server's default handshake deadline, which takes its
# 30 s, a thousand connections to one server, and 1,000 forwarded pairs at
# once, as root and as nobody, and the kernel's own connect timeout
# (tests/long), and the tests of the other files named "... [long]",
# which take seconds each and which make check skips. CI runs them too.
check-long: deps $(BIN) $(MO_FILES) $(REPLAY_BINS) $(NOTLS_BIN)
	$(Q)$(TEST_ENV) SOCKIT_LONG=1 \
		BATS_FILES="$(wildcard tests/long/*.bats) $(wildcard tests/*.bats)" \
		BATS_TEST_TIMEOUT=1800 UNIT_TESTS=true bash tests/run

# Side-by-side benchmarks against nc, ncat and socat, and proxy.sh's
# proxies (danted, microsocks, tinyproxy); never part of check.
bench: $(BIN)
	$(Q)SOCKIT="$(abspath $(BIN))" bash bench/throughput.sh
	$(Q)SOCKIT="$(abspath $(BIN))" bash bench/datagrams.sh
	$(Q)SOCKIT="$(abspath $(BIN))" bash bench/connrate.sh
	$(Q)SOCKIT="$(abspath $(BIN))" bash bench/oneshot.sh
	$(Q)SOCKIT="$(abspath $(BIN))" bash bench/hexdump.sh
	$(Q)SOCKIT="$(abspath $(BIN))" bash bench/tls.sh
	$(Q)SOCKIT="$(abspath $(BIN))" bash bench/forward.sh
	$(Q)SOCKIT="$(abspath $(BIN))" bash bench/proxy.sh

demo: $(BIN) $(MO_FILES)
	$(Q)SOCKIT="$(abspath $(BIN))" bash tools/demo.sh

install: $(BIN) $(MO_FILES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man7 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/sockit
	install -m 644 man/sockit.1 $(DESTDIR)$(PREFIX)/share/man/man1/sockit.1
	install -m 644 man/sockit-lessons.7 \
		$(DESTDIR)$(PREFIX)/share/man/man7/sockit-lessons.7
	install -m 644 completions/sockit.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/sockit
	install -m 644 completions/_sockit \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_sockit
	install -m 644 completions/sockit.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/sockit.fish
	$(Q)for mo in $(MO_FILES); do \
		lang=$${mo#build/locale/}; lang=$${lang%%/*}; \
		install -d $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES && \
		install -m 644 $$mo \
		    $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/sockit.mo || exit 1; \
	done

# Removes what install put in place, then the directories install makes,
# deepest first, when nothing else is left in them; PREFIX itself stays.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/sockit \
		$(DESTDIR)$(PREFIX)/share/man/man1/sockit.1 \
		$(DESTDIR)$(PREFIX)/share/man/man7/sockit-lessons.7 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/sockit \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_sockit \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/sockit.fish \
		$(LINGUAS:%=$(DESTDIR)$(LOCALEDIR)/%/LC_MESSAGES/sockit.mo)
	$(Q)for d in bin $(LINGUAS:%=share/locale/%/LC_MESSAGES) \
	    $(LINGUAS:%=share/locale/%) share/locale share/man/man1 share/man/man7 share/man \
	    share/bash-completion/completions share/bash-completion \
	    share/zsh/site-functions share/zsh \
	    share/fish/vendor_completions.d share/fish share; do \
		d="$(DESTDIR)$(PREFIX)/$$d"; \
		if [ -d "$$d" ] && [ -z "$$(ls -A "$$d")" ]; then \
			rmdir "$$d" || exit 1; \
		fi; \
	done

clean:
	rm -rf build sockit

-include $(OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(BUILD)/src/tls_none.d
-include $(wildcard $(BUILD)/tests/fuzz/*.d)
