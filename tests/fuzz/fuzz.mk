# SPDX-License-Identifier: MIT
# libFuzzer build of the whole compile pipeline (included by the Makefile).
#   make fuzz FUZZ_TIME=600     campaign of FUZZ_TIME seconds (default 60), see docs/robustness.md
FUZZ_CC    ?= clang
FUZZ_BUILD := build/fuzz
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 $(WARN) -O1 -g -ffp-contract=off -D_DEFAULT_SOURCE $(FUZZ_SAN) \
               -fsanitize=fuzzer-no-link -Icompiler -Ifrontend -Ipasses -Icodegen -Iruntime -I$(GEN)
FUZZ_OBJS  := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(LIBSRCS)) $(FUZZ_BUILD)/obj/gen/onnx.pb-c.o
FUZZ_TIME  ?= 60

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BUILD)/fuzz_compile

$(FUZZ_BUILD)/obj/gen/onnx.pb-c.o: $(GEN)/onnx.pb-c.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -O1 -g $(FUZZ_SAN) -I$(GEN) -c $< -o $@

$(FUZZ_BUILD)/obj/%.o: %.c $(GEN)/onnx.pb-c.h $(wildcard */*.h compiler/ops/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC $<"; $(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/fuzz_compile: tests/fuzz/fuzz_compile.c tests/fuzz/mutator.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-missing-prototypes -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz: deps $(FUZZ_BUILD)/fuzz_compile
	@sh tests/fuzz/run_fuzz.sh $(FUZZ_TIME)
