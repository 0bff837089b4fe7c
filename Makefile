# glovebox — build, test, demo. `make help` lists the targets.
OUTPUT     := .output
CLANG      ?= clang
BPFTOOL    ?= bpftool
CC         ?= gcc
ARCH       := x86
PREFIX     ?= /usr/local

CFLAGS     ?= -g -O2
CFLAGS     += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -I$(OUTPUT) -Iuserspace -Ibpf
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ivmlinux/$(ARCH) -Ibpf
LIBS       := -lbpf -lelf -lz -ljansson
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS      := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
USER_SRCS  := $(wildcard userspace/*.c)
USER_OBJS  := $(patsubst userspace/%.c,$(OUTPUT)/%.o,$(USER_SRCS))
ASAN_OBJS  := $(patsubst userspace/%.c,$(OUTPUT)/asan/%.o,$(USER_SRCS))
LIB_OBJS   = $(filter-out %/main.o,$(1))
GEN        := $(SKELS) $(OUTPUT)/bpf_build.h $(OUTPUT)/default_policy.inc

DEB_PACKAGES := make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libjansson-dev \
	pkg-config busybox-static qemu-system-x86 cpio util-linux procps iproute2 python3 valgrind

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps install demo test test-unit test-integration asan clean vmlinux help

all: glovebox

help:
	@echo "make deps     install the Debian packages the build and tests need"
	@echo "make          build ./glovebox"
	@echo "make demo     deps + build + run a small agent-like task under the default policy"
	@echo "make test     unit tests, integration tests (plain and ASan+UBSan builds)"
	@echo "make install  install glovebox to $(PREFIX)/bin"
	@echo "make vmlinux  regenerate vmlinux/$(ARCH)/vmlinux.h from this kernel's BTF"

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  DEPS     installing:" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "  DEPS     all installed"; fi

$(OUTPUT) $(OUTPUT)/asan:
	$(Q)mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) vmlinux/$(ARCH)/vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name gb_$* > $@

# Pinned BPF state lives under a directory named after this hash, so two
# different builds never share maps whose layout differs.
$(OUTPUT)/bpf_build.h: $(BPF_OBJS)
	$(call msg,GEN,$@)
	$(Q)printf '#define GB_BPF_BUILD "%s"\n' "$$(cat $(BPF_OBJS) | sha256sum | cut -c1-16)" > $@

$(OUTPUT)/default_policy.inc: policies/default.json | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $< > $@

$(OUTPUT)/%.o: userspace/%.c $(wildcard userspace/*.h) $(GEN) | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/asan/%.o: userspace/%.c $(wildcard userspace/*.h) $(GEN) | $(OUTPUT)/asan
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

glovebox: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -o $@

$(OUTPUT)/asan/glovebox: $(ASAN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $^ $(LIBS) -o $@

# Unit tests link the userspace objects except main.o.
$(OUTPUT)/test_%: tests/unit/test_%.c tests/test.c tests/test.h $(call LIB_OBJS,$(USER_OBJS))
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests $(filter %.c,$^) $(call LIB_OBJS,$(USER_OBJS)) $(LIBS) -o $@

$(OUTPUT)/asan/test_%: tests/unit/test_%.c tests/test.c tests/test.h $(call LIB_OBJS,$(ASAN_OBJS))
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -Itests $(filter %.c,$^) $(call LIB_OBJS,$(ASAN_OBJS)) $(LIBS) -o $@

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

asan: $(OUTPUT)/asan/glovebox $(addprefix $(OUTPUT)/asan/,$(UNIT_TESTS))

test: glovebox asan $(addprefix $(OUTPUT)/,$(UNIT_TESTS))
	$(Q)tests/run-all.sh $(OUTPUT) $(UNIT_TESTS)

install: glovebox
	install -D -m 0755 glovebox $(DESTDIR)$(PREFIX)/bin/glovebox

demo: deps
	$(Q)$(MAKE) --no-print-directory glovebox
	$(Q)tests/demo.sh ./glovebox

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/$(ARCH)/vmlinux.h

clean:
	rm -rf $(OUTPUT) glovebox

.PHONY: bench
bench: glovebox
	$(Q)bench/run.sh

.PHONY: vmtest
vmtest: glovebox
	$(Q)tests/vm/suite.sh
