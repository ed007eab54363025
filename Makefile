# golive — top-level build.
#
#   make            build build/golive
#   make check      unit tests, normal build and ASan+UBSan build (installs deps if missing)
#   make demo       installs deps if missing, builds, runs the demo
#   make bench      benchmarks (never part of check)
#   make golden     rewrite the determinism suite's digests (tests/golden/), after a change meant to change answers
#   make deps       install missing Debian packages: -dev libraries, and the tests'
#                   oracle, Pacemaker's crm_simulate, and python3-jsonschema (apt-get; sudo when not root)
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

VERSION     := 0.1.0
GIT_DESC    := $(shell git describe --always --dirty --tags 2>/dev/null || echo unknown)
PREFIX      ?= /usr/local
DESTDIR     ?=
BUILD       ?= build

PKGS        := glib-2.0 gthread-2.0 json-c gsl cairo libxml-2.0
TEST_PKGS   := criterion
# pkg-config module -> Debian package that ships it
DEB_glib-2.0    := libglib2.0-dev
DEB_gthread-2.0 := libglib2.0-dev
DEB_json-c      := libjson-c-dev
DEB_gsl         := libgsl-dev
DEB_cairo       := libcairo2-dev
DEB_libxml-2.0  := libxml2-dev
DEB_criterion   := libcriterion-dev
# also needed on a bare machine: the tools themselves
DEB_TOOLS       := pkg-config gcc make
# the plots' font (DejaVu Sans; cairo finds it through fontconfig)
DEB_FONT        := fonts-dejavu-core
FONT_FILE       := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
# test oracle: Pacemaker's own scheduler (crm_simulate) judges golive's
DEB_ORACLE      := pacemaker-cli-utils
ORACLE_BIN      := /usr/sbin/crm_simulate
# test oracle: corosync's own parser (corosync -t) judges golive import's
DEB_COROSYNC    := corosync
COROSYNC_BIN    := /usr/sbin/corosync
# test oracle: libvirt's own domain parser (virsh on its test driver) judges golive import's
DEB_VIRSH       := libvirt-clients
VIRSH_BIN       := /usr/bin/virsh
# test oracle: DRBD's own parser (drbdadm dump, and drbdadm-84 for 8.4's format) judges golive import's
DEB_DRBD        := drbd-utils
DRBD_BIN        := /usr/lib/drbd/drbdadm-84
# test validator: the --html pages are checked by tidy
DEB_TIDY        := tidy
TIDY_BIN        := /usr/bin/tidy
# test browser: the --html pages are loaded in headless Chromium
DEB_BROWSER     := chromium
BROWSER_BIN     := /usr/bin/chromium
# test cluster: golive's job array runs on a one-node Slurm the test starts
DEB_SLURM       := slurm-wlm munge
SLURM_BIN       := /usr/sbin/slurmd
# test validator: the reports are checked against docs/report.schema.json
DEB_SCHEMA      := python3 python3-jsonschema
HAVE_SCHEMA      = python3 -c 'import jsonschema' >/dev/null 2>&1

CC          ?= cc
OPT         ?= -O2
WARN        := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -g $(OPT) -I. -I$(BUILD)/gen
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Flags are evaluated lazily so that a `make deps` earlier in the same
# invocation chain (via sub-make) is seen.
PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
TEST_CFLAGS  = $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS    = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

SIM_SRC     := $(sort $(wildcard sim/*.c))
MODELS_SRC  := $(sort $(wildcard models/*.c models/*/*.c))
PLOTS_SRC   := $(sort $(wildcard plots/*.c))
CLI_SRC     := $(sort $(wildcard cli/*.c))
LIB_SRC     := $(SIM_SRC) $(MODELS_SRC) $(PLOTS_SRC)
TEST_SRC    := $(sort $(wildcard tests/*.c)) tests/validation/loopback.c tests/validation/cluster.c
BENCH_SRC   := $(sort $(wildcard bench/*.c))

# $(call objs,VARIANT,SOURCES)
objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(2))

GOLIVE      := $(BUILD)/golive
TESTS       := $(BUILD)/normal/golive-tests
TESTS_SAN   := $(BUILD)/san/golive-tests
BENCH       := $(BUILD)/bench/golive-bench

.PHONY: golden memcheck fuzz docs docs-run validate validate-run FORCE check-pkgs all check check-run demo demo-run bench bench-run deps ensure-deps \
        ensure-test-deps \
        install uninstall clean test

all: $(GOLIVE)

# ---------------------------------------------------------------- dependencies
# Which pkg-config modules are missing (pkg-config itself missing => all).
missing_mods = $(shell for m in $(PKGS) $(TEST_PKGS); do \
                 pkg-config --exists $$m 2>/dev/null || echo $$m; done)

deps:
	@mods="$(missing_mods)"; debs=""; \
	for t in $(DEB_TOOLS); do command -v $$t >/dev/null 2>&1 || debs="$$debs $$t"; done; \
	for m in $$mods; do \
	  case $$m in \
	    glib-2.0|gthread-2.0) d=$(DEB_glib-2.0);; json-c) d=$(DEB_json-c);; \
	    gsl) d=$(DEB_gsl);; cairo) d=$(DEB_cairo);; criterion) d=$(DEB_criterion);; \
	    libxml-2.0) d=$(DEB_libxml-2.0);; \
	    *) d="";; \
	  esac; \
	  case " $$debs " in *" $$d "*) ;; *) debs="$$debs $$d";; esac; \
	done; \
	[ -e $(FONT_FILE) ] || debs="$$debs $(DEB_FONT)"; \
	[ "$(BUILD_ONLY)" = 1 ] || [ -x $(ORACLE_BIN) ] || command -v crm_simulate >/dev/null 2>&1 || \
	  debs="$$debs $(DEB_ORACLE)"; \
	[ "$(BUILD_ONLY)" = 1 ] || [ -x $(COROSYNC_BIN) ] || debs="$$debs $(DEB_COROSYNC)"; \
	[ "$(BUILD_ONLY)" = 1 ] || [ -x $(VIRSH_BIN) ] || debs="$$debs $(DEB_VIRSH)"; \
	[ "$(BUILD_ONLY)" = 1 ] || [ -x $(DRBD_BIN) ] || debs="$$debs $(DEB_DRBD)"; \
	[ "$(BUILD_ONLY)" = 1 ] || [ -x $(TIDY_BIN) ] || debs="$$debs $(DEB_TIDY)"; \
	[ "$(BUILD_ONLY)" = 1 ] || [ -x $(BROWSER_BIN) ] || debs="$$debs $(DEB_BROWSER)"; \
	[ "$(BUILD_ONLY)" = 1 ] || { [ -x $(SLURM_BIN) ] && [ -x /usr/sbin/munged ]; } || debs="$$debs $(DEB_SLURM)"; \
	[ "$(BUILD_ONLY)" = 1 ] || $(HAVE_SCHEMA) || debs="$$debs $(DEB_SCHEMA)"; \
	if [ -z "$$debs" ]; then echo "deps: all build dependencies are present"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "deps: missing:$$debs — install them with your package manager (no apt-get here)" >&2; exit 1; fi; \
	SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	echo "deps: installing Debian packages:$$debs"; \
	policy=; case " $$debs " in *" $(DEB_COROSYNC) "*|*" $(DEB_DRBD) "*|*" slurm-wlm "*) [ -e /usr/sbin/policy-rc.d ] || policy=1;; esac; \
	if [ -n "$$policy" ]; then \
	  echo "deps: corosync, drbd-utils and Slurm are for the tests (which start what they need); their services are not started"; \
	  printf '#!/bin/sh\nexit 101\n' | $$SUDO tee /usr/sbin/policy-rc.d >/dev/null && $$SUDO chmod +x /usr/sbin/policy-rc.d; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$debs; rc=$$?; \
	[ -z "$$policy" ] || $$SUDO rm -f /usr/sbin/policy-rc.d; exit $$rc

# Run `deps` only when something is missing.
ensure-deps:
	@if [ -n "$(strip $(missing_mods))" ] || ! command -v pkg-config >/dev/null 2>&1 || [ ! -e $(FONT_FILE) ]; then \
	  $(MAKE) --no-print-directory deps BUILD_ONLY=1; fi

# The tests' oracle too (make check).
ensure-test-deps: ensure-deps
	@if ! { [ -x $(ORACLE_BIN) ] || command -v crm_simulate >/dev/null 2>&1; } || [ ! -x $(COROSYNC_BIN) ] || [ ! -x $(VIRSH_BIN) ] || [ ! -x $(DRBD_BIN) ] || [ ! -x $(TIDY_BIN) ] || [ ! -x $(BROWSER_BIN) ] || [ ! -x $(SLURM_BIN) ] || \
	    ! $(HAVE_SCHEMA); then \
	  $(MAKE) --no-print-directory deps; fi

check-pkgs:
	@for m in $(PKGS); do pkg-config --exists $$m 2>/dev/null || { \
	  echo "error: pkg-config cannot find '$$m'; run 'make deps' (Debian) or install it" >&2; exit 1; }; done

# ---------------------------------------------------------------- build rules
# The version header is rewritten only when its text changes, so that a new
# commit rebuilds main.o and nothing else.
VERSION_H := $(BUILD)/gen/version.h
$(VERSION_H): FORCE
	@mkdir -p $(dir $@)
	@printf '#define GOLIVE_VERSION "%s"\n#define GOLIVE_GIT "%s"\n' '$(VERSION)' '$(GIT_DESC)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:
$(call objs,normal,cli/main.c cli/buildinfo.c) $(call objs,san,cli/main.c cli/buildinfo.c): $(VERSION_H)

# V=1 shows full command lines.
Q := $(if $(V),,@)

$(BUILD)/normal/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(PKG_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC san  $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN_FLAGS) -O1 $(PKG_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/bench/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC opt  $<")
	$(Q)$(CC) $(BASE_CFLAGS) -O3 -march=x86-64-v2 -DNDEBUG $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(GOLIVE): $(call objs,normal,$(LIB_SRC) $(CLI_SRC)) | check-pkgs
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $^ -o $@ $(PKG_LIBS)

$(TESTS): $(call objs,normal,$(LIB_SRC) $(TEST_SRC)) $(GOLIVE)
	$(CC) $(filter %.o,$^) -o $@ $(PKG_LIBS) $(TEST_LIBS) -lpthread

GOLIVE_SAN  := $(BUILD)/san/golive

$(GOLIVE_SAN): $(call objs,san,$(LIB_SRC) $(CLI_SRC)) | check-pkgs
	$(CC) $(SAN_FLAGS) $^ -o $@ $(PKG_LIBS)

$(TESTS_SAN): $(call objs,san,$(LIB_SRC) $(TEST_SRC)) $(GOLIVE_SAN)
	$(CC) $(SAN_FLAGS) $(filter %.o,$^) -o $@ $(PKG_LIBS) $(TEST_LIBS) -lpthread

$(BENCH): $(call objs,bench/obj,$(LIB_SRC) $(BENCH_SRC))
	$(CC) $^ -o $@ $(PKG_LIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- tests
# Criterion runs each test in its own process; --jobs bounds the parallelism.
CRITERION_ARGS ?= --jobs 2

check: ensure-test-deps
	@$(MAKE) --no-print-directory check-run

check-run: $(TESTS) $(TESTS_SAN)
	@echo "== criterion suite (normal build)"
	GOLIVE_BIN=$(abspath $(GOLIVE)) $(TESTS) $(CRITERION_ARGS)
	@echo "== criterion suite (ASan + UBSan build)"
	GOLIVE_BIN=$(abspath $(GOLIVE_SAN)) \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(TESTS_SAN) $(CRITERION_ARGS)

test: check

# The determinism suite's digests: only after a change meant to change answers.
golden: $(GOLIVE)
	tests/golden/make-golden.sh $(GOLIVE)

# ---------------------------------------------------------------- demo, bench
demo: ensure-deps
	@$(MAKE) --no-print-directory demo-run

DEMO_SCENARIOS := scenarios/quake3-xen-2005.json scenarios/quake3-qemu.json

demo-run: $(GOLIVE)
	@echo "== The Quake 3 live-migration demo (Clark et al., NSDI 2005) and the same server today"
	@echo
	@printf '%-22s %12s %14s %16s %12s %8s\n' scenario "total time" "VM downtime" "players' gap" "sent" "syncs"
	@for f in $(DEMO_SCENARIOS); do \
	  ./$(GOLIVE) run $$f --quiet --csv - | awk -F, -v n="$$(basename $$f .json)" 'NR == 2 { \
	    printf "%-22s %10.3f s %11.1f ms %13.0f ms %8.2f MiB %8d\n", n, $$8, $$9 * 1000, $$10 * 1000, $$12 / 1048576, $$13 }'; \
	done
	@echo
	@echo "VM downtime: paused on the source until running on the destination. Players' gap: the"
	@echo "time between two server snapshots across the pause (the pause plus where in the 50 ms"
	@echo "frame it began, drawn per run). Syncs: dirty-bitmap syncs, as golive run and explain"
	@echo "count them (Xen: one per pre-copy round). Xen 2005 crawled through a gentle pre-copy for"
	@echo "a short pause; QEMU's defaults accept any pause under the 300 ms downtime-limit and stop"
	@echo "as soon as the rest fits. Why an article remembered 'a few seconds': docs/user-guide.md, 7."
	@echo "Details: ./$(GOLIVE) run scenarios/quake3-qemu.json --json - | less"

bench: ensure-deps
	@$(MAKE) --no-print-directory bench-run

bench-run: $(BENCH) $(GOLIVE)
	GOLIVE_BIN=$(GOLIVE) $(BENCH) bench/results.json $(BENCH_ONLY)

# ---------------------------------------------------------------- validation
VALIDATE := $(BUILD)/golive-validate

$(VALIDATE): $(call objs,normal,$(LIB_SRC) tests/validation/loopback.c tests/validation/cluster.c tests/validation/validate_main.c)
	$(CC) $^ -o $@ $(PKG_LIBS)

validate: ensure-deps
	@$(MAKE) --no-print-directory validate-run

validate-run: $(VALIDATE)
	$(VALIDATE) tests/validation/qemu-loopback.csv tests/validation/qemu-multifd.csv > docs/.validation.md.tmp
	mv docs/.validation.md.tmp docs/validation.md
	@sed -n '/| metric/,$$p' docs/validation.md

# ---------------------------------------------------------------- docs
TRADEOFFS := $(BUILD)/golive-tradeoffs

$(TRADEOFFS): $(call objs,normal,$(LIB_SRC) tests/docs/tradeoffs_main.c)
	$(CC) $^ -o $@ $(PKG_LIBS)

docs: ensure-deps
	@$(MAKE) --no-print-directory docs-run

docs-run: $(TRADEOFFS) $(VALIDATE) $(GOLIVE)
	$(TRADEOFFS) > docs/.storage-tradeoffs.md.tmp
	printf '\n## A year of each design\n\n`golive compare scenarios/*-year.json` (the same VMs, maintenance moves and\nfailure rates for every design; see each file'"'"'s description):\n\n```\n' >> docs/.storage-tradeoffs.md.tmp
	$(GOLIVE) compare scenarios/*-year.json 2>/dev/null >> docs/.storage-tradeoffs.md.tmp
	printf '```\n' >> docs/.storage-tradeoffs.md.tmp
	sh docs/gen-guide.sh $(GOLIVE) > docs/.user-guide.md.tmp
	mv docs/.user-guide.md.tmp docs/user-guide.md
	mv docs/.storage-tradeoffs.md.tmp docs/storage-tradeoffs.md
	$(VALIDATE) tests/validation/qemu-loopback.csv tests/validation/qemu-multifd.csv > docs/.validation.md.tmp
	mv docs/.validation.md.tmp docs/validation.md

# ---------------------------------------------------------------- fuzz
# libFuzzer (clang) with undefined behaviour fatal: the scenario loader, a
# short simulation of what loads, merge of a part and import of a CIB and
# corosync.conf; seeds: the shipped scenarios, the bad-input corpus, a real
# part and the real cluster's files (tests/import/); findings go to
# tests/fuzz/crashes/. FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -I$(BUILD)/gen \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ        := $(BUILD)/fuzz/fuzz-scenario
FUZZ_SRC    := models/scenario.c models/jsonpar.c models/assume.c models/units.c models/lint.c sim/simtime.c tests/fuzz/fuzz_scenario.c
FUZZ_SIM    := $(BUILD)/fuzz/fuzz-sim
FUZZ_PART   := $(BUILD)/fuzz/fuzz-part
FUZZ_IMPORT := $(BUILD)/fuzz/fuzz-import
FUZZ_CLI    := $(filter-out cli/main.c,$(CLI_SRC))
$(FUZZ): $(FUZZ_SRC) | check-pkgs
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(PKG_CFLAGS) $(FUZZ_SRC) -o $@ $(PKG_LIBS)
$(FUZZ_SIM): $(LIB_SRC) tests/fuzz/fuzz_sim.c | check-pkgs
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(PKG_CFLAGS) $(LIB_SRC) tests/fuzz/fuzz_sim.c -o $@ $(PKG_LIBS)
$(FUZZ_PART): $(LIB_SRC) $(FUZZ_CLI) tests/fuzz/fuzz_part.c $(VERSION_H) | check-pkgs
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(PKG_CFLAGS) $(LIB_SRC) $(FUZZ_CLI) tests/fuzz/fuzz_part.c -o $@ $(PKG_LIBS)

$(FUZZ_IMPORT): $(LIB_SRC) $(FUZZ_CLI) tests/fuzz/fuzz_import.c $(VERSION_H) | check-pkgs
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(PKG_CFLAGS) $(LIB_SRC) $(FUZZ_CLI) tests/fuzz/fuzz_import.c -o $@ $(PKG_LIBS)

FUZZ_RUN = ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(1) -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=$(3) \
	  -artifact_prefix=tests/fuzz/crashes/ $(4) $(2)

fuzz: $(FUZZ) $(FUZZ_SIM) $(FUZZ_PART) $(FUZZ_IMPORT) $(GOLIVE)
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/corpus-part $(BUILD)/fuzz/corpus-import tests/fuzz/crashes
	cp scenarios/*.json tests/scenarios/bad/*.json tests/scenarios/*.json $(BUILD)/fuzz/corpus/ 2>/dev/null || true
	$(GOLIVE) run scenarios/quake3-xen-2005.json --runs 2 --shard 0/1 --json $(BUILD)/fuzz/corpus-part/seed.json -q
	$(call FUZZ_RUN,$(FUZZ),$(BUILD)/fuzz/corpus,65536)
	$(call FUZZ_RUN,$(FUZZ_SIM),$(BUILD)/fuzz/corpus,65536)
	$(call FUZZ_RUN,$(FUZZ_PART),$(BUILD)/fuzz/corpus-part,262144)
	for f in tests/import/*.xml tests/import/*.conf tests/import/*.txt tests/import/*.json tests/import/*.res; do \
	  cp $$f $(BUILD)/fuzz/corpus-import/; done
	for n in 2 3; do { cat tests/import/cib-$${n}node.xml; printf '\n--golive-import--\n'; \
	  cat tests/import/corosync-$${n}node.conf; } > $(BUILD)/fuzz/corpus-import/pair-$$n; done
	$(call FUZZ_RUN,$(FUZZ_IMPORT),$(BUILD)/fuzz/corpus-import,65536,-close_fd_mask=3)

# ---------------------------------------------------------------- memcheck
# valgrind memcheck over every shipped scenario (two runs each, with plots),
# then the other commands, import among them (and an import it refuses,
# exit 2): no leak, no invalid access; fontconfig's process-long caches are
# suppressed.
memcheck: $(GOLIVE)
	@command -v valgrind >/dev/null 2>&1 || { echo "memcheck: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
	@fail=0; for s in scenarios/*.json; do \
	  case $$s in */schema.json) continue;; esac; \
	  if valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	       --error-exitcode=9 --suppressions=tests/valgrind.supp \
	       $(GOLIVE) run $$s --runs 2 --threads 1 --quiet --plots $(BUILD)/memcheck >/dev/null 2>$(BUILD)/memcheck.log; then \
	    echo "memcheck: ok   $$s"; \
	  else echo "memcheck: FAIL $$s"; cat $(BUILD)/memcheck.log; fail=1; fi; \
	done; \
	M=$(BUILD)/memcheck; \
	for cmd in "capacity tests/scenarios/good/capacity-small.json --json $$M/cap.json --csv $$M/cap.csv --quiet" \
	           "sweep scenarios/web-server.json --set migration.max_bandwidth=100MiB/s,1GiB/s --shard 0/2 --json $$M/s0.json --quiet" \
	           "sweep scenarios/web-server.json --set migration.max_bandwidth=100MiB/s,1GiB/s --shard 1/2 --json $$M/s1.json --quiet" \
	           "merge $$M/s0.json $$M/s1.json --json $$M/sweep.json --plots $$M --quiet" \
	           "run scenarios/web-server.json --runs 4 --shard 1/2 --json $$M/r1.json --quiet" \
	           "compare scenarios/drbd84-year.json scenarios/ceph-year.json --runs 3 --plots $$M --quiet" \
	           "explain scenarios/drbd84-dual-primary-no-fencing.json" \
	           "run scenarios/drbd84-dual-primary.json --runs 2 --html $$M/run.html --quiet" \
	           "compare scenarios/drbd84-year.json scenarios/ceph-year.json --runs 2 --html $$M/compare.html --quiet" \
	           "sweep scenarios/web-server.json --set migration.max_bandwidth=100MiB/s,1GiB/s --html $$M/sweep.html --quiet" \
	           "import tests/import/cib-3node-virtualdomain.xml tests/import/corosync-3node.conf tests/import/domain-web.xml tests/import/domain-db.xml tests/import/ceph-osd-tree.json tests/import/ceph-osd-pool-ls-detail.json tests/import/ceph-mon-dump.json tests/import/web-query-dirty-rate.json --out $$M/imported.json" \
	           "import tests/import/cib-2node.xml tests/import/corosync-2node.conf tests/import/drbd84-2node.res tests/import/virsh-domstats-dirtyrate.txt --stand-ins --out $$M/imported.json" \
	           "import tests/import/cib-2node.xml tests/import/corosync-2node.conf tests/import/drbd9-3node.res --out $$M/refused.json"; do \
	  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	       --error-exitcode=9 --suppressions=tests/valgrind.supp $(GOLIVE) $$cmd >/dev/null 2>$$M.log; rc=$$?; \
	  if [ $$rc = 0 ] || { [ $$rc = 2 ] && case "$$cmd" in *refused*) true;; *) false;; esac; }; then \
	    echo "memcheck: ok   golive $${cmd%% *}"; \
	  else echo "memcheck: FAIL golive $$cmd"; cat $$M.log; fail=1; fi; \
	done; exit $$fail

# ---------------------------------------------------------------- install
install: $(GOLIVE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	           $(DESTDIR)$(PREFIX)/share/golive/scenarios
	install -m 755 $(GOLIVE) $(DESTDIR)$(PREFIX)/bin/golive
	install -m 644 docs/golive.1 $(DESTDIR)$(PREFIX)/share/man/man1/golive.1
	@for f in scenarios/*.json; do [ -e "$$f" ] || continue; \
	  install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/golive/scenarios/; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/golive $(DESTDIR)$(PREFIX)/share/man/man1/golive.1
	rm -rf $(DESTDIR)$(PREFIX)/share/golive

clean:
	rm -rf $(BUILD)
