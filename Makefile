# SPDX-License-Identifier: MIT
# kiln: one plain Makefile, sources found by glob.
#   make            build build/kiln
#   make demo       end to end on examples/digits (installs Debian packages as root)
#   make test       unit tests, golden models, malformed inputs
#   make bench      latency/instructions per bench model (slow; not part of test)
#   make check-bench  kiln verify on the shared bench corpus
#   make conformance  every case of the ONNX backend node suite (docs/conformance.md)
#   make bench-mcu  int8 instructions per inference on emulated Cortex-M4/M55, flash, RAM (slow)
#   make check-mcu-int8  int8 bench models on the boards give the host's outputs byte for byte (slow)
#   make targets    the emulated-target tests alone (part of make test)
#   make fuzz FUZZ_TIME=S  libFuzzer campaign of S seconds (tests/fuzz/fuzz.mk)
#   make install PREFIX=/usr/local

PREFIX  ?= /usr/local
CC      ?= cc
BUILD   := build$(if $(filter 1,$(SANITIZE)),/asan,)
GEN     := $(BUILD)/gen
ONNX_PROTO ?= /usr/include/onnx/onnx.proto

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2 -Wno-format-nonliteral -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 $(WARN) $(CFLAGS) -ffp-contract=off -D_DEFAULT_SOURCE \
              -Icompiler -Ifrontend -Ipasses -Icodegen -Iruntime -I$(GEN)
LDLIBS  := -lprotobuf-c -lyaml -lcjson -lm

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer -Wno-format-truncation
LDFLAGS    += -fsanitize=address,undefined,float-cast-overflow
export KILN_SANITIZE := 1
endif
export KILN := $(BUILD)/kiln

SRCS    := $(wildcard compiler/*.c compiler/ops/*.c frontend/*.c passes/*.c codegen/*.c runtime/*.c)
LIBSRCS := $(filter-out compiler/main.c,$(SRCS))
OBJS    := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIBSRCS)) $(BUILD)/obj/gen/onnx.pb-c.o
UNIT    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/*_test.c))

.PHONY: all deps demo test unit golden malformed bench check-bench conformance bench-mcu check-mcu-int8 targets install clean
all: $(BUILD)/kiln

deps:
	@sh tests/deps.sh

$(GEN)/onnx.pb-c.c: $(ONNX_PROTO)
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -I$(dir $(ONNX_PROTO)) $(ONNX_PROTO)

$(GEN)/onnx.pb-c.h: $(GEN)/onnx.pb-c.c

$(BUILD)/obj/gen/onnx.pb-c.o: $(GEN)/onnx.pb-c.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(CFLAGS) $(filter -fsanitize%,$(ALL_CFLAGS)) -I$(GEN) -c $< -o $@

$(BUILD)/obj/%.o: %.c $(GEN)/onnx.pb-c.h $(wildcard */*.h compiler/ops/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libkiln.a: $(OBJS)
	rm -f $@; ar rcs $@ $^

$(BUILD)/kiln: $(BUILD)/obj/compiler/main.o $(BUILD)/libkiln.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libkiln.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< $(BUILD)/libkiln.a $(LDLIBS) -lcmocka

demo: deps $(BUILD)/kiln
	@sh examples/demo.sh

unit: $(UNIT)
	@sh tests/run_unit.sh $(UNIT)

golden: $(BUILD)/kiln
	@sh tests/run_golden.sh

malformed: $(BUILD)/kiln
	@sh tests/run_malformed.sh

test: deps
	@$(MAKE) --no-print-directory $(BUILD)/kiln $(UNIT)
	@sh tests/run_all.sh $(UNIT)

bench: $(BUILD)/kiln
	@sh tests/bench.sh

check-bench: $(BUILD)/kiln
	@sh tests/check_bench.sh

conformance: deps $(BUILD)/kiln
	@sh tests/conformance/run.sh

check-mcu-int8: deps $(BUILD)/kiln
	@sh tests/check_mcu_int8.sh

# int8 by default (calibrated on each model's calib.npy); KILN_MCU_OPTS= gives float32
KILN_MCU_OPTS ?= --quantize int8 --calib @CALIB@
bench-mcu: deps $(BUILD)/kiln
	@KILN_MCU_OPTS='$(KILN_MCU_OPTS)' sh tests/bench_mcu.sh

targets: deps $(BUILD)/kiln
	@sh tests/run_targets.sh

install: $(BUILD)/kiln
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kiln/runtime $(DESTDIR)$(PREFIX)/share/kiln/targets
	install -m 755 $(BUILD)/kiln $(DESTDIR)$(PREFIX)/bin/kiln
	install -m 644 runtime/*.c runtime/*.h $(DESTDIR)$(PREFIX)/share/kiln/runtime
	for v in dsp mve; do \
	    install -d $(DESTDIR)$(PREFIX)/share/kiln/runtime/$$v && \
	    install -m 644 runtime/$$v/*.c $(DESTDIR)$(PREFIX)/share/kiln/runtime/$$v || exit 1; done
	install -m 644 targets/*.yaml $(DESTDIR)$(PREFIX)/share/kiln/targets
	install -d $(DESTDIR)$(PREFIX)/share/kiln/docs
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/kiln/docs
	for d in arm riscv common qemu; do \
	    install -d $(DESTDIR)$(PREFIX)/share/kiln/targets/$$d && \
	    install -m 644 targets/$$d/* $(DESTDIR)$(PREFIX)/share/kiln/targets/$$d || exit 1; done

clean:
	rm -rf $(BUILD)

include tests/fuzz/fuzz.mk
