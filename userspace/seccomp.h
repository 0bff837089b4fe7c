/* SPDX-License-Identifier: MIT */
/* Process limits without BPF LSM: a seccomp filter that makes the syscalls a
 * sandboxed task could use to leave its sandbox fail with EPERM (ptrace,
 * process_vm_readv/writev, pidfd_getfd, bpf, perf_event_open, mount and the
 * new mount API, chroot/pivot_root, unshare/setns and clone with
 * CLONE_NEW* flags, module loading, kexec, kernel keyrings, io_uring,
 * open_by_handle_at, clock/reboot/swap/ioport/quota/acct), and packet and
 * raw sockets (policy v1 has no key to allow them). clone3 fails with
 * ENOSYS instead (the filter cannot read its flags, which are in memory;
 * libc then falls back to clone). Syscalls of another ABI (i386 int 0x80)
 * kill the process; x32 syscall numbers fail with EPERM. x86_64 only. */
#ifndef GLOVEBOX_SECCOMP_H
#define GLOVEBOX_SECCOMP_H

#include <stddef.h>
#include "policy.h"

struct gb_seccomp;

/* Build the filter program (no syscalls made). The same filter for every
 * policy, in enforce and audit mode alike (the boundary is not a policy
 * limit). gb_seccomp_enforce(NULL) does nothing. */
int gb_seccomp_prepare(const struct gb_policy *p, struct gb_seccomp **out,
		       char *err, size_t errlen);

/* In the child, after gb_landlock_enforce (no_new_privs is set there, or
 * here if not yet): install the filter. Async-signal-safe. Returns 0 or -errno. */
int gb_seccomp_enforce(const struct gb_seccomp *s);

/* Accepts NULL. */
void gb_seccomp_free(struct gb_seccomp *s);

/* In the child, before the seccomp filter: drop the capabilities that
 * reach outside the sandbox (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_MKNOD, ...)
 * from the bounding, effective, permitted and inheritable sets, so that
 * not even a setuid program gets them back. Async-signal-safe. */
int gb_boundary_caps_drop(void);

#endif
