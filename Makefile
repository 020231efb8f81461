# SVM-APM: an overlay on QEMU 10.2.2 plus an ordered upstream patch series.
#
#   make qemu        fetch, assemble, configure, build (incremental)
#   make run         SVM conformance guest under every available accelerator
#   make check       everything the project tests; ends "N passed, N failed"
#   make check-kvm-nested  the conformance guest under KVM inside TCG
#   make series      export the series to build/series/ and checkpatch it
#   make refresh     write the commits of build/src back into patches/
#   make series-check  build and check-tcg every commit of the series
#   make bench       world-switch cost: unpatched 10.2.2 vs patched
#   make fuzz        VMCB/MSR fuzzing under ASan+UBSan (build/qemu-asan)
#   make print-qemu  path of the built qemu-system-x86_64
#   make print-src   path of the assembled QEMU source tree

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
SRC := $(BUILD)/src
QBUILD := $(BUILD)/qemu
QEMU_BIN := $(QBUILD)/qemu-system-x86_64
PY := /usr/bin/python3
export TOP BUILD SRC QBUILD QEMU_BIN

.PHONY: all deps fetch src qemu firmware run check check-kvm-nested series series-check refresh \
	bench fuzz qemu-asan guests print-qemu print-src clean

all: qemu

deps:
	@bash mk/deps.sh

fetch: deps
	@bash mk/fetch.sh >/dev/null

src: fetch
	@$(PY) mk/assemble.py "$$(bash mk/fetch.sh)" $(SRC)

qemu: src
	@bash mk/build.sh $(SRC) $(QBUILD)

run: qemu
	@bash mk/run.sh

check: qemu
	@bash mk/check.sh

# The kvm column: Linux's KVM (Debian kernel, KVM_KERNEL_PKG) inside TCG.
check-kvm-nested: qemu
	@make -s -C $(QBUILD) build-tcg-tests-x86_64-softmmu >/dev/null
	@bash mk/kvm-nested.sh

series: src
	@bash mk/series.sh

# Edit the series as git commits in build/src (rebase -i, commit --amend),
# then write it back: patches/series, the .diff/.msg files, the overlay.
refresh:
	@$(PY) mk/refresh.py $(SRC)

guests: qemu
	@make -s -C $(QBUILD) build-tcg-tests-x86_64-softmmu >/dev/null

# Same tree, AddressSanitizer and UBSan, for make fuzz.
qemu-asan: src
	@bash mk/build-asan.sh $(SRC) $(BUILD)/qemu-asan

bench: guests
	@bash mk/bench.sh

fuzz: guests qemu-asan
	@bash mk/fuzz.sh

# Each commit of the series builds and passes check-tcg (slow: a build
# per commit, in build/bisect).
series-check: qemu
	@bash mk/series-check.sh

print-qemu:
	@echo $(QEMU_BIN)

print-src:
	@echo $(SRC)

clean:
	rm -rf $(BUILD)
