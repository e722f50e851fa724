# SPDX-License-Identifier: GPL-2.0
# shunt: build the shim, the BPF programs, the loader, the samples and
# the test modules; run the tests and the demo in the test VM.

TOP := $(CURDIR)

# The kernel: KERNEL=6.12 (default) or KERNEL=6.1, Debian's two
# (scripts/kernel-env.sh). Everything built for a kernel goes to
# build/<its release>/: the modules are built from copies of their
# sources there, so that builds for two kernels never mix.
KERNEL_GIVEN := $(filter command line environment,$(origin KERNEL))
KERNEL ?= 6.12
export KERNEL
VM_ENV := $(shell KERNEL=$(KERNEL) $(TOP)/scripts/kernel-env.sh 2>/dev/null)
VM_KREL := $(patsubst VM_KREL=%,%,$(filter VM_KREL=%,$(VM_ENV)))
VM_KDIR := $(patsubst VM_KDIR=%,%,$(filter VM_KDIR=%,$(VM_ENV)))
VM_KERNEL_IMG := $(patsubst VM_KERNEL=%,%,$(filter VM_KERNEL=%,$(VM_ENV)))

# Modules are built for the running kernel when it has a build tree and
# no KERNEL is named, else for the test VM's kernel (KERNEL). 'make test'
# always uses the VM's kernel.
RUN_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(KERNEL_GIVEN),$(VM_KDIR),$(if $(wildcard $(RUN_KDIR)/Makefile),$(RUN_KDIR),$(VM_KDIR)))
KREL := $(or $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(VM_KREL),unknown)
BUILD := $(or $(SHUNT_BUILD),$(TOP)/build)/$(KREL)
# the kernel image whose BTF becomes vmlinux.h when KDIR has no vmlinux
KIMAGE := $(if $(filter $(KREL),$(VM_KREL)),$(VM_KERNEL_IMG),/boot/vmlinuz-$(KREL))

CC := gcc
CLANG ?= clang
BPFTOOL ?= bpftool
CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
	  -I$(TOP)/include -I$(TOP)/loader -I$(BUILD)/bpf
LDLIBS := -Wl,-Bstatic -lbpf -lelf -lz -llzma -Wl,-Bdynamic

LOADER_SRCS := $(filter-out $(TOP)/loader/main.c,$(wildcard $(TOP)/loader/*.c))
LOADER_OBJS := $(patsubst $(TOP)/loader/%.c,$(BUILD)/loader/%.o,$(LOADER_SRCS))
LOADER_HDRS := $(wildcard $(TOP)/loader/*.h $(TOP)/include/*.h)
BPF_SRCS := $(wildcard $(TOP)/bpf/*.bpf.c)
BPF_SKELS := $(patsubst $(TOP)/bpf/%.bpf.c,$(BUILD)/bpf/%.skel.h,$(BPF_SRCS))
UNIT_SRCS := $(wildcard $(TOP)/tests/unit/test_*.c)
UNIT_BINS := $(patsubst $(TOP)/tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

.SECONDARY:

.PHONY: all deps modules shim samples testmods bpf loader unit fuzz \
	fuzz-seeds test demo bench check-kdir clean

all: modules loader unit

deps:
	$(TOP)/scripts/deps.sh

check-kdir:
	@test -f "$(KDIR)/Makefile" || { echo "no kernel build tree at KDIR='$(KDIR)'; run 'make deps' or pass KDIR=" >&2; exit 1; }

modules: shim samples testmods

# $(call modsrc,SRCDIR,OUTDIR): copy a module directory's sources into
# its per-kernel build directory (only what changed: kbuild rebuilds
# only that).
modsrc = mkdir -p $(2) && cp -pu $(wildcard $(1)/Kbuild $(1)/*.c $(1)/*.S $(1)/*.h $(1)/*.klpsyms) $(2)/

# Module BTF: kbuild makes it only when KDIR has a vmlinux (Debian's 6.1
# headers have none): then scripts/module-btf adds it over the kernel's
# BTF, from its bzImage.
MODBTF_BASE := $(if $(wildcard $(KDIR)/vmlinux),,$(if $(shell grep -s '^CONFIG_DEBUG_INFO_BTF_MODULES=y' $(KDIR)/.config),$(BUILD)/bpf/vmlinux.btf))
modbtf = $(if $(MODBTF_BASE),$(TOP)/scripts/module-btf $(MODBTF_BASE) $(1)/*.ko)

SHIM_DIR := $(BUILD)/kmod-shim
SAMPLES_DIR := $(BUILD)/samples
TESTMODS_DIR := $(BUILD)/modules

shim samples testmods: check-kdir $(if $(MODBTF_BASE),$(BUILD)/bpf/vmlinux.h)
shim:
	$(call modsrc,$(TOP)/include,$(BUILD)/include)
	$(call modsrc,$(TOP)/kmod-shim,$(SHIM_DIR))
	$(MAKE) -C $(KDIR) M=$(SHIM_DIR) modules
	$(call modbtf,$(SHIM_DIR))
samples:
	$(call modsrc,$(TOP)/samples,$(SAMPLES_DIR))
	$(MAKE) -C $(KDIR) M=$(SAMPLES_DIR) modules
	$(call modbtf,$(SAMPLES_DIR))
# The "module for another kernel" of the bad-input tests: a copy of a
# patch module whose vermagic says 6.99 (same length, nothing else moved).
# A module with a NAME.klpsyms beside its source gets klp relocations
# (tests/selftests/tools/klp-rela-convert.c, in place, idempotent).
KLP_CONVERT := $(BUILD)/tools/klp-rela-convert
KLP_SPECS := $(notdir $(wildcard $(TOP)/tests/selftests/modules/*.klpsyms))
# kill-at-syscall: the VM tests kill a real loader at an exact point
# uring-read: reads in io_uring workers for the consistency tests
KILL_AT := $(BUILD)/tools/kill-at-syscall
URING_READ := $(BUILD)/tools/uring-read
testmods: $(KLP_CONVERT) $(KILL_AT) $(URING_READ)
	$(call modsrc,$(TOP)/tests/selftests/modules,$(TESTMODS_DIR))
	$(MAKE) -C $(KDIR) M=$(TESTMODS_DIR) modules
	$(call modbtf,$(TESTMODS_DIR))
	for s in $(KLP_SPECS); do s=$(TESTMODS_DIR)/$$s; $(KLP_CONVERT) $$s $${s%.klpsyms}.ko || exit 1; done
	@mkdir -p $(BUILD)/testdata
	perl -0777 -pe 's/vermagic=\d+\.\d+\./vermagic=6.99./' \
		$(TESTMODS_DIR)/shunt_test_stack1.ko \
		> $(BUILD)/testdata/shunt_test_vermagic.ko

$(KLP_CONVERT): $(TOP)/tests/selftests/tools/klp-rela-convert.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -o $@ $<

$(KILL_AT) $(URING_READ): $(BUILD)/tools/%: $(TOP)/tests/selftests/tools/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static -o $@ $<

# vmlinux.h comes from the target kernel's BTF: the vmlinux that the
# Debian headers ship (6.12), else the one inside its bzImage (6.1's
# headers have none), else the running kernel's.
$(BUILD)/bpf/vmlinux.h:
	@mkdir -p $(@D)
	$(TOP)/scripts/vmlinux-btf $(KDIR) $(KIMAGE) $(@D)/vmlinux.btf
	$(BPFTOOL) btf dump file $(@D)/vmlinux.btf format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/%.bpf.o: $(TOP)/bpf/%.bpf.c $(BUILD)/bpf/vmlinux.h $(wildcard $(TOP)/bpf/*.h) $(wildcard $(TOP)/include/*.h)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
		-I$(BUILD)/bpf -I$(TOP)/bpf -I$(TOP)/include -c $< -o $@

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

bpf: $(BPF_SKELS)

$(BUILD)/loader/%.o: $(TOP)/loader/%.c $(LOADER_HDRS) $(BPF_SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

# Static, so that it runs in the VM's busybox initramfs as it is. The
# Debian package links it as Debian links programs (debian/rules:
# LOADER_LDFLAGS, EXTRA_CFLAGS from dpkg-buildflags).
LOADER_LDFLAGS ?= -static
CFLAGS += $(EXTRA_CFLAGS)
$(BUILD)/shunt: $(BUILD)/loader/main.o $(LOADER_OBJS)
	$(CC) $(LOADER_LDFLAGS) -o $@ $^ -lbpf -lelf -lz -llzma

loader: $(BUILD)/shunt

$(BUILD)/unit/%: $(TOP)/tests/unit/%.c $(LOADER_OBJS) $(wildcard $(TOP)/tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I$(TOP)/tests/unit -o $@ $< $(LOADER_OBJS) $(LDLIBS)

unit: $(UNIT_BINS)

# The fuzz targets (tests/fuzz/fuzz_*.c, one per parser of untrusted
# input): libFuzzer with AddressSanitizer and UBSan, so clang. The loader's
# objects are compiled again with the sanitizers into build/fuzz/obj/ (an
# archive: a target links only what it uses), so that the -static gcc
# build above stays as it is. The seed corpus is made from the built
# modules (tests/fuzz/make-seeds), so 'make fuzz' comes after 'make all'.
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
	-Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined \
	-I$(TOP)/include -I$(TOP)/loader -I$(BUILD)/bpf
FUZZ_SRCS := $(wildcard $(TOP)/tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst $(TOP)/tests/fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRCS))
FUZZ_OBJS := $(patsubst $(TOP)/loader/%.c,$(FUZZ_DIR)/obj/%.o,$(LOADER_SRCS))

$(FUZZ_DIR)/obj/%.o: $(TOP)/loader/%.c $(LOADER_HDRS) $(BPF_SKELS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/libloader.a: $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(TOP)/tests/fuzz/fuzz_%.c $(TOP)/tests/fuzz/fuzz.h $(FUZZ_DIR)/obj/libloader.a
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/obj/libloader.a -lbpf -lelf -lz -llzma

fuzz-seeds:
	$(TOP)/tests/fuzz/make-seeds $(FUZZ_DIR)/seeds $(TOP) $(BUILD)

fuzz: $(FUZZ_BINS) fuzz-seeds

# make test: the VM suite on both Debian kernels, 6.12 and 6.1, in one run
# of tests/run (the host tests and the bench smoke once, on the first; the
# kernels' VMs at the same time). KERNEL=6.1 or KERNEL=6.12 runs one of
# them, TEST_KERNELS="..." any list.
TEST_KERNELS ?= $(if $(KERNEL_GIVEN),$(KERNEL),6.12 6.1)

test:
	@set -e; first=; for k in $(TEST_KERNELS); do \
		eval "$$(KERNEL=$$k $(TOP)/scripts/kernel-env.sh)"; \
		$(MAKE) all KERNEL=$$k KDIR=$$VM_KDIR; \
		[ -n "$$first" ] || $(MAKE) fuzz KERNEL=$$k KDIR=$$VM_KDIR; \
		first=$$k; \
	done
	SHUNT_KERNELS="$(TEST_KERNELS)" $(TOP)/tests/run

demo:
	$(MAKE) all KDIR=$(VM_KDIR)
	$(TOP)/tests/selftests/vm-run --name demo --timeout 300 $(TOP)/tests/selftests/demo.sh

# make bench: boot the test VM once and measure shunt against the kernel's
# livepatch (bench/run: a table, and JSON in build/bench/). bench-smoke is a
# quick pass with small sizes and no repetitions: every row must come out.
BENCH_DIR := $(BUILD)/bench
BENCH_SIZES := 1 10 100 1000
.PHONY: bench-smoke bench-modules

bench bench-smoke:
	$(MAKE) all KDIR=$(VM_KDIR)
	$(MAKE) bench-modules KDIR=$(VM_KDIR)
	$(TOP)/bench/run $(if $(filter bench-smoke,$@),--smoke)

# the generated targets and patches, the hand-written modules, benchtool
bench-modules: check-kdir $(BENCH_DIR)/benchtool
	$(TOP)/bench/gen-modules $(BENCH_DIR) $(BENCH_SIZES)
	$(MAKE) -C $(KDIR) M=$(BENCH_DIR) modules
	$(call modbtf,$(BENCH_DIR))

$(BENCH_DIR)/benchtool: $(TOP)/bench/benchtool.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static -pthread -o $@ $<

clean:
	rm -rf $(TOP)/build

# ---- installing (make install), DKMS, the Debian packages (make deb) ----
# make install [PREFIX=/usr/local] [DESTDIR=...]: the shunt command, the
# man page, bash completion, shunt.service and shunt.ko for KDIR's kernel
# in /lib/modules/RELEASE/extra/ (where the loader looks for it, after
# updates/dkms/, DKMS's). install-loader is all of it but shunt.ko (the
# Debian package's part); install-dkms-src puts the shim's source and
# dkms.conf in /usr/src/shunt-VERSION/ (shunt-dkms's part).
VERSION := $(shell sed -n 's/^\#define SHUNT_VERSION[[:space:]]*"\(.*\)"/\1/p' $(TOP)/include/shunt_abi.h)
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
MODDIR ?= /lib/modules/$(KREL)/extra
DKMS_SRC := /usr/src/shunt-$(VERSION)
.PHONY: install install-loader install-module install-dkms-src dkms-tree deb

install: install-loader install-module

install-loader: $(BUILD)/shunt
	install -D -m 0755 $(BUILD)/shunt $(DESTDIR)$(SBINDIR)/shunt
	install -D -m 0644 $(TOP)/dist/shunt.8 $(DESTDIR)$(MANDIR)/man8/shunt.8
	install -D -m 0644 $(TOP)/dist/shunt.bash-completion $(DESTDIR)$(BASHCOMPDIR)/shunt
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' $(TOP)/dist/shunt.service.in > $(DESTDIR)$(UNITDIR)/shunt.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/shunt.service
	install -d -m 0755 $(DESTDIR)/var/lib/shunt

install-module: shim
	install -D -m 0644 $(SHIM_DIR)/shunt.ko $(DESTDIR)$(MODDIR)/shunt.ko
	if [ -z "$(DESTDIR)" ]; then depmod -a $(KREL); fi

install-dkms-src:
	install -d $(DESTDIR)$(DKMS_SRC)/kmod-shim $(DESTDIR)$(DKMS_SRC)/include
	install -m 0644 $(TOP)/kmod-shim/Kbuild \
		$(filter-out %.mod.c,$(wildcard $(TOP)/kmod-shim/*.c)) $(TOP)/kmod-shim/*.S $(TOP)/kmod-shim/*.h \
		$(DESTDIR)$(DKMS_SRC)/kmod-shim/
	install -m 0644 $(TOP)/include/*.h $(DESTDIR)$(DKMS_SRC)/include/

# build/dkms/shunt-VERSION/: a DKMS source tree with dkms.conf, for
# 'dkms add/build --sourcetree build/dkms' by hand (and the tests)
dkms-tree:
	rm -rf $(BUILD)/dkms
	$(MAKE) install-dkms-src DESTDIR=$(BUILD)/dkms DKMS_SRC=/shunt-$(VERSION)
	sed 's/#MODULE_VERSION#/$(VERSION)/' $(TOP)/dkms.conf > $(BUILD)/dkms/shunt-$(VERSION)/dkms.conf

# make deb: shunt_VERSION_amd64.deb and shunt-dkms_VERSION_all.deb in
# build/deb/, by dpkg-buildpackage from a copy of the source tree (the
# files git knows, committed or not), so that this tree's build/ is left
# alone; then lintian on them (build/deb/lintian.txt).
deb:
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/shunt-$(VERSION)
	cd $(TOP) && git ls-files -co --exclude-standard -z | \
		xargs -0 tar cf - | tar xf - -C $(BUILD)/deb/shunt-$(VERSION)
	cd $(BUILD)/deb/shunt-$(VERSION) && dpkg-buildpackage -b -us -uc
	lintian --info $(BUILD)/deb/*.changes | tee $(BUILD)/deb/lintian.txt
