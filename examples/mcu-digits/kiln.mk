# SPDX-License-Identifier: MIT
# kiln.mk: builds a model's generated C into a firmware project. Include it from your
# Makefile after setting:
#   KILN         the kiln binary                       (default: kiln)
#   KILN_MODEL   the .onnx file
#   KILN_NAME    C prefix of the generated API         (NAME_run, NAME.h)
#   KILN_TARGET  a bundled target or your board's .yaml (flash/RAM budget, alignment)
#   KILN_OUT     directory for the generated files     (default: build/kiln)
#   KILN_LDSCRIPT  optional: also write a linker script from the target's memory regions
# It provides KILN_SRCS (the model and only the kernels it uses), KILN_CFLAGS (include
# path) and a rule that regenerates the files when the model changes; with --strict the
# build stops when the model does not fit the target's flash or RAM budget.
KILN     ?= kiln
KILN_OUT ?= build/kiln
KILN_HEADER := $(KILN_OUT)/$(KILN_NAME).h
# the kernels are known only after kiln ran: expand the glob when a recipe needs it
KILN_SRCS = $(KILN_OUT)/$(KILN_NAME).c $(KILN_OUT)/$(KILN_NAME)_weights.c $(wildcard $(KILN_OUT)/kiln/*.c)
KILN_CFLAGS = -I$(KILN_OUT)

$(KILN_HEADER): $(KILN_MODEL)
	$(KILN) compile $(KILN_MODEL) --target $(KILN_TARGET) --name $(KILN_NAME) -o $(KILN_OUT) --force --strict --quiet \
	    $(if $(KILN_LDSCRIPT),--linker-script $(KILN_LDSCRIPT))
