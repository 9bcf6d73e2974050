# nexus: top-level build.
#   make            the kernel module and every userspace binary
#   make check      every test: unit (ASan+UBSan), generated files up to date,
#                   kernel style on 6.1 and 6.12, mayastor-vhost on the host
#                   (tests/vhost/run) and a short seeded fuzz run, VM (Debian's
#                   6.1 and 6.12 kernels and the debug kernel)
#   make fuzz       mayastor-vhost's fuzz targets, FUZZ_SECONDS each (default 300)
#   make check-full make check, every VM test on both std kernels, every
#                   1xx, 2xx and 5xx VM test on the debug kernel too, and a
#                   QEMU guest on mayastor-vhost (tests/vhost/qemu-e2e) (the
#                   long runs, before an issue is resolved)
#   make check-vhost-qemu  only that QEMU guest end to end (~1-3 min)
#   make regen      regenerate the netlink files from docs/nexus.yaml
#                   (tools/ynl-regen; needs Debian's linux-source-6.12)
#   make demo       the main job end to end in a VM
#   make bench      the benchmarks in bench/ (a VM run; prints figures and ratios)
#   make install    module (via kbuild), binaries under $(PREFIX), unit, modules-load.d,
#                   libmayastor.a and mayastor.h (docs/api.md)
#   make uninstall  undoes make install (same PREFIX and DESTDIR)

# The kernel to build for: the running one when its headers are installed,
# else Debian 12's default line (6.1), else its 6.12 (see tools/kernels).
KVER ?= $(shell r=$$(uname -r); if [ -d /lib/modules/$$r/build ]; then echo $$r; \
	else tools/kernels 6.1 || tools/kernels 6.12; fi)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
# The module's directory below $(DESTDIR): kbuild's modules_install puts it in
# $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR).
MODDIR = $(DESTDIR)/lib/modules/$(KVER)/extra
UNITDIR ?= /etc/systemd/system

.PHONY: all module agent check check-full check-unit check-regen check-kernel check-vm \
	check-vhost check-vhost-qemu check-fuzz fuzz \
	check-vm-612 check-vm-debug regen demo bench install uninstall clean

all: module agent

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

agent:
	$(MAKE) -C agent

# The whole suite; tools/check-all prints the summed "N passed, N failed".
check: agent
	tools/check-all

# The debug kernel runs the mirror (1xx), fault and rebuild (2xx) and
# assembly and crash (5xx) suites, not only make check's few.
check-full: agent
	CHECK_FULL=1 NEXUS_VM_TIMEOUT_FACTOR=$${NEXUS_VM_TIMEOUT_FACTOR:-6} CRASH_POINTS=$${CRASH_POINTS:-300} NLFUZZ_ITERATIONS=$${NLFUZZ_ITERATIONS:-10000} DEBUG_TESTS="$$(cd tests/vm/tests && ls [125][0-9][0-9]-*.sh | sed 's/-.*//')" \
		tools/check-all

check-unit:
	$(MAKE) -C tests/unit check

# mayastor-vhost served to the project's own vhost-user-blk client, no VM.
check-vhost:
	tests/vhost/run

# mayastor-vhost under a QEMU guest (TCG) on the host: fio verify, discard,
# write-zeroes, QEMU and the server killed and restarted.  It keeps both
# cores busy for 1.5-3 min, so make check-full runs it, not make check
# (tests/vhost/run covers the same server paths with the project's client).
check-vhost-qemu:
	tests/vhost/qemu-e2e

# The fuzz targets of the request and message parsers (clang's libFuzzer).
FUZZ_SECONDS ?= 300
fuzz:
	tests/fuzz/run --seconds $(FUZZ_SECONDS)

# What make check runs: the seeds and 10 s of mutation per target.
check-fuzz:
	tests/fuzz/run --seconds 10

# uapi/linux/nexus.h, kmod/nexus_nl_gen.[ch], agent/lib/nexus_nl_policy.[ch]
regen:
	tools/ynl-regen

# Fails when a generated file differs from what docs/nexus.yaml gives.
check-regen:
	tools/ynl-regen --check

# Every supported kernel installed, or the one KDIR given on the command line.
check-kernel:
	tools/kbuild-check.sh $(if $(filter command line,$(origin KDIR)),$(KDIR))

check-vm: agent
	tests/vm/run --kernel std

check-vm-612: agent
	tests/vm/run --kernel std612

check-vm-debug: agent
	tests/vm/run --kernel debug $(DEBUG_TESTS)

demo: agent
	tests/vm/run --show tests/vm/demo.sh

# Instructions counted (QEMU -icount): figures that do not move with the host's load.
bench: agent
	bench/run --icount 2

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra DEPMOD=true CONFIG_MODULE_SIG_ALL= modules_install
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	install -D -m 0755 agent/mayastor-client $(DESTDIR)$(PREFIX)/sbin/mayastor-client
	install -D -m 0755 agent/mayastor-agent $(DESTDIR)$(PREFIX)/sbin/mayastor-agent
	install -D -m 0755 agent/mayastor-vhost $(DESTDIR)$(PREFIX)/sbin/mayastor-vhost
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|' deploy/systemd/mayastor-agent.service \
		>$(DESTDIR)$(UNITDIR)/mayastor-agent.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/mayastor-agent.service
	install -D -m 0644 deploy/modules-load.d/nexus.conf \
		$(DESTDIR)/etc/modules-load.d/nexus.conf
	install -D -m 0644 uapi/linux/nexus.h $(DESTDIR)$(PREFIX)/include/linux/nexus.h
	install -D -m 0644 agent/include/mayastor.h $(DESTDIR)$(PREFIX)/include/mayastor.h
	install -D -m 0644 agent/libmayastor.a $(DESTDIR)$(PREFIX)/lib/libmayastor.a

uninstall:
	rm -f $(MODDIR)/nexus.ko $(MODDIR)/nexus.ko.xz $(MODDIR)/nexus.ko.zst
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	rm -f $(DESTDIR)$(PREFIX)/sbin/mayastor-client $(DESTDIR)$(PREFIX)/sbin/mayastor-agent \
	      $(DESTDIR)$(PREFIX)/sbin/mayastor-vhost
	rm -f $(DESTDIR)$(UNITDIR)/mayastor-agent.service
	rm -f $(DESTDIR)/etc/modules-load.d/nexus.conf
	rm -f $(DESTDIR)$(PREFIX)/include/linux/nexus.h
	rm -f $(DESTDIR)$(PREFIX)/include/mayastor.h $(DESTDIR)$(PREFIX)/lib/libmayastor.a

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean || true
	$(MAKE) -C agent clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/fuzz clean
