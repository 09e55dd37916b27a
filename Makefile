# traplab - one non-recursive Makefile.
#
# Targets: all run test bench asan tsan fuzz torture format clean.
# Knobs:   SANITIZE=address,undefined  SANITIZE=thread  DEBUG=1  CC=clang
#          ARGS="..." (extra arguments for `make run`)
#
# Every build flavour lives in its own folder (build/default, build/clang,
# build/asan, build/tsan, build/fuzz) so switching flavours never mixes
# objects.
# New sources are picked up by wildcard: src/LAYER/*.c, lib/*.c, lib/arch/*.S,
# tests/unit/test_*.c and tests/fuzz/fuzz_*.c need no Makefile edit.

CC      ?= cc
DEBUG   ?= 0
V       ?= 0
ifeq ($(V),0)
Q := @
else
Q :=
endif
SANITIZE ?=
ARGS    ?=

ifeq ($(SANITIZE),)
FLAVOUR := $(if $(findstring clang,$(notdir $(CC))),clang,default)
else ifeq ($(SANITIZE),thread)
FLAVOUR := tsan
else
FLAVOUR := asan
endif
B := build/$(FLAVOUR)

# libpq is optional: without it a postgres:// history says how to get it.
PKG_OPT := $(shell pkg-config --exists libpq 2>/dev/null && echo libpq)
PKGS := yaml-0.1 jansson sqlite3 libmicrohttpd libcurl libcrypto $(PKG_OPT)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wvla -Wwrite-strings
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE -g $(WARN) -MMD -MP -Isrc -Ilib \
	$(PKG_CFLAGS) $(CFLAGS)
ifeq ($(DEBUG),1)
CFLAGS_ALL += -O0 -DTL_DEBUG=1
else
CFLAGS_ALL += -O2
endif
LDFLAGS_ALL := $(LDFLAGS)
ifneq ($(SANITIZE),)
CFLAGS_ALL  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
LDFLAGS_ALL += -fsanitize=$(SANITIZE)
endif
LIBS := $(PKG_LIBS) -lm -ldl -lpthread

LAYERS := base machine measure store analyze report cmd
SRC   := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
LIBC  := $(wildcard lib/*.c)
LIBS_ASM := $(wildcard lib/arch/*.S)
UNIT  := $(wildcard tests/unit/test_*.c)
FUZZ  := $(wildcard tests/fuzz/fuzz_*.c)

SRC_O  := $(SRC:%.c=$(B)/%.o)
LIB_O  := $(LIBC:%.c=$(B)/%.o) $(LIBS_ASM:%.S=$(B)/%.o)
CORE_O := $(filter-out $(B)/src/cmd/main.o,$(SRC_O))
UNIT_BIN := $(UNIT:tests/unit/%.c=$(B)/tests/%)

.PHONY: all run test bench asan tsan fuzz format format-check clean deps \
	units torture fuzz-build

all: $(B)/traplab $(B)/tl-launch $(B)/slo-demo traplab

# The demo service an SLO is shown and tested on (slo/demo/): it stands
# alone, with nothing from src/.
$(B)/slo-demo: slo/demo/slo-demo.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< \
		$(shell pkg-config --libs libmicrohttpd 2>/dev/null) -lm -lpthread

# The launcher must stay tiny (its resident set is the floor of every
# workload's peak RSS): static, and with musl when musl-gcc is here.
LAUNCH_CC := $(shell command -v musl-gcc 2>/dev/null || echo $(CC))
$(B)/tl-launch: src/launch/tl-launch.c
	@mkdir -p $(@D)
	@echo "  LD      $@ ($(notdir $(LAUNCH_CC)) -static)"
	$(Q)$(LAUNCH_CC) -std=c11 -D_GNU_SOURCE -O2 -static -Wall -Wextra \
		-Werror -o $@ $<

# The default flavour's binary is also linked at the top for convenience.
traplab: $(B)/traplab
	@[ "$(FLAVOUR)" = default ] && ln -sf $(B)/traplab traplab || true

$(B)/traplab: $(SRC_O) $(B)/libtl.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(SRC_O) $(B)/libtl.a $(LIBS)

$(B)/libtl.a: $(LIB_O)
	@mkdir -p $(@D)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/%.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(CORE_O) $(B)/libtl.a
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit $(LDFLAGS_ALL) -o $@ $< $(CORE_O) \
		$(B)/libtl.a $(LIBS)

units: $(UNIT_BIN) $(B)/tl-launch

deps:
	@scripts/deps.sh

# On a fresh machine these install first, then build (a sub-make, so
# nothing compiles before the headers are there).
run: deps
	@$(MAKE) --no-print-directory all
	./traplab claims $(ARGS)

test:
	@scripts/deps.sh --test
	@$(MAKE) --no-print-directory all units
	@tests/run.sh $(B)

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench.sh

asan:
	@$(MAKE) --no-print-directory SANITIZE=address,undefined test

tsan:
	@$(MAKE) --no-print-directory SANITIZE=thread CC=clang units
	@TL_TEST_FILTER=unit/ tests/run.sh build/tsan

# Faults (signals, full disk, read-only history, corrupted files, slow
# clients, the fuzzers) on the sanitizer build; prints a table and fails on
# any data lost, process or folder left, or error. About 5 minutes.
torture:
	@$(MAKE) --no-print-directory SANITIZE=address,undefined all
	@tests/torture.sh build/asan

# libFuzzer targets: each parser gets FUZZ_SECONDS of fuzzing.
FUZZ_SECONDS ?= 60
FB := build/fuzz
comma := ,
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Isrc -Ilib $(PKG_CFLAGS) \
	-fsanitize=fuzzer,address,undefined -DTL_FUZZ=1
# The sources are compiled once (fuzzer-no-link) and linked into each
# target, not compiled again per target.
FUZZ_OBJFLAGS := $(subst fuzzer$(comma),fuzzer-no-link$(comma),$(FUZZ_CFLAGS))
FUZZ_OBJ := $(patsubst %.c,$(FB)/obj/%.o,$(filter-out src/cmd/main.c,$(SRC)) \
	$(LIBC)) $(LIBS_ASM:%.S=$(FB)/obj/%.o)
FUZZ_BIN := $(FUZZ:tests/fuzz/%.c=$(FB)/%)

$(FB)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)clang $(FUZZ_OBJFLAGS) -MMD -MP -c -o $@ $<

$(FB)/obj/%.o: %.S
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_OBJFLAGS) -c -o $@ $<

$(FB)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@echo "  LD      $@"
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_OBJ) $(LIBS)

fuzz-build: $(FUZZ_BIN)

# Kept between runs (make would delete them as intermediate files).
.SECONDARY: $(FUZZ_OBJ)

fuzz: fuzz-build
	@for f in $(FUZZ); do \
		n=$$(basename $$f .c); \
		mkdir -p $(FB)/corpus-$$n; \
		cp -n tests/fuzz/corpus/$$n/* $(FB)/corpus-$$n/ 2>/dev/null; \
		echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
		$(FB)/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			-artifact_prefix=$(FB)/$$n- \
			-print_final_stats=0 $(FB)/corpus-$$n >$(FB)/$$n.log \
			2>&1 || { tail -n 40 $(FB)/$$n.log; exit 1; }; \
	done

FMT_FILES = $(wildcard src/*/*.[ch] lib/*.[ch] tests/unit/*.[ch] \
	tests/fuzz/*.c workload/*.h slo/demo/*.c)
format:
	clang-format -i $(FMT_FILES)
format-check:
	clang-format --dry-run -Werror $(FMT_FILES)

clean:
	rm -rf build traplab

-include $(shell find build -name '*.d' 2>/dev/null)
