// SPDX-License-Identifier: MIT
/* Process limits without BPF LSM: a classic-BPF seccomp filter. See
 * seccomp.h; docs/known-gaps.md says what it does not cover.
 *
 * Layout (x86_64 only):
 *   arch != x86_64 (i386 int 0x80, ...)    -> kill the process
 *   nr has __X32_SYSCALL_BIT               -> EPERM
 *   nr in deny_nrs[]                       -> EPERM
 *   clone3                                 -> ENOSYS (its flags are in memory
 *                                             the filter cannot read; libc then
 *                                             falls back to clone)
 *   clone with a CLONE_NEW* flag           -> EPERM
 *   socket(AF_PACKET, ...), socket(AF_INET/AF_INET6, SOCK_RAW/SOCK_PACKET)
 *                                          -> EPERM
 *   anything else                          -> allow
 * Checks that look only at the syscall number keep the kernel's per-syscall
 * action cache usable: allowed syscalls do not run the filter at all. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "seccomp.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467 /* Linux 6.15: open_tree() with mount attributes */
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#if !defined(__x86_64__)
#error "the seccomp filter is written for x86_64 syscall numbers"
#endif

/* CLONE_NEWTIME (0x80) is missing on purpose: clone() cannot create a time
 * namespace, and in clone()'s flags 0x80 is part of the exit signal. */
#define CLONE_NEW_MASK                                                         \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |           \
	 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/* Syscalls that fail with EPERM whatever their arguments. */
static const int deny_nrs[] = {
	/* other processes' memory */
	__NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev,
	__NR_pidfd_getfd, __NR_process_madvise,
	/* kernel programs and counters */
	__NR_bpf, __NR_perf_event_open,
	/* mounts and the filesystem root */
	__NR_mount, __NR_umount2, __NR_move_mount, __NR_fsopen, __NR_fsconfig,
	__NR_fsmount, __NR_fspick, __NR_open_tree, __NR_open_tree_attr,
	__NR_mount_setattr, __NR_pivot_root, __NR_chroot,
	/* namespaces (clone is checked by flags below) */
	__NR_unshare, __NR_setns,
	/* kernel code */
	__NR_init_module, __NR_finit_module, __NR_delete_module,
	__NR_kexec_load, __NR_kexec_file_load,
	/* kernel keyrings are not namespaced: other sandboxes' and the
	 * host's keys would be reachable */
	__NR_keyctl, __NR_add_key, __NR_request_key,
	/* io_uring creates sockets and files without the syscalls above */
	__NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
	/* the machine itself */
	__NR_iopl, __NR_ioperm, __NR_swapon, __NR_swapoff, __NR_reboot,
	__NR_settimeofday, __NR_clock_settime, __NR_clock_adjtime, __NR_adjtimex,
	__NR_acct, __NR_quotactl, __NR_quotactl_fd, __NR_lookup_dcookie,
	/* opens any inode by handle, ignoring the path (container escape) */
	__NR_open_by_handle_at,
};

struct gb_seccomp {
	struct sock_fprog prog;
	struct sock_filter insns[];
};

#define ARG_LO(n) ((__u32)(offsetof(struct seccomp_data, args) + 8 * (n))) /* little endian */
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define RET_ERRNO(e) RET(SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

int gb_seccomp_prepare(const struct gb_policy *p, struct gb_seccomp **out,
		       char *err, size_t errlen)
{
	const size_t n_deny = sizeof(deny_nrs) / sizeof(deny_nrs[0]);
	struct sock_filter head[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		RET(SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
		RET_ERRNO(EPERM),
	};
	/* Entered with the syscall number in A; each block ends in a return. */
	struct sock_filter tail[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
		RET_ERRNO(ENOSYS),

		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)), /* flags */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEW_MASK, 0, 1),
		RET_ERRNO(EPERM),
		RET(SECCOMP_RET_ALLOW),

		/* Faking terminal input (TIOCSTI) or console tricks (TIOCLINUX)
		 * on an inherited terminal would run commands outside. The
		 * kernel's cmd argument is 32 bits. */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)), /* request */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		RET_ERRNO(EPERM),

		/* s0 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 10),
		/* s1 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)), /* domain */
		/* s2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_PACKET, 7, 0),
		/* s3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 2, 0),
		/* s4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 1, 0),
		/* s5 */ RET(SECCOMP_RET_ALLOW),
		/* s6 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)), /* type */
		/* s7 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~(__u32)(SOCK_NONBLOCK | SOCK_CLOEXEC)),
		/* s8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_RAW, 1, 0),
		/* SOCK_PACKET on AF_INET is turned into AF_PACKET by the kernel. */
		/* s9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_PACKET, 0, 1),
		/* s10 */ RET_ERRNO(EPERM),
		/* s11 */ RET(SECCOMP_RET_ALLOW),
	};
	const size_t n_head = sizeof(head) / sizeof(head[0]);
	const size_t n_tail = sizeof(tail) / sizeof(tail[0]);
	size_t n = n_head + 2 * n_deny + n_tail, k = 0;
	struct gb_seccomp *s;

	/* The same filter for every policy and both modes: audit mode relaxes
	 * the policy's limits, never the sandbox boundary (v1 has no keys). */
	(void)p;
	*out = NULL;
	if (errlen)
		err[0] = '\0';
	s = malloc(sizeof(*s) + n * sizeof(s->insns[0]));
	if (!s) {
		snprintf(err, errlen, "cannot build the seccomp filter: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	memcpy(s->insns, head, sizeof(head));
	k = n_head;
	for (size_t i = 0; i < n_deny; i++) {
		s->insns[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							     (__u32)deny_nrs[i], 0, 1);
		s->insns[k++] = (struct sock_filter)RET_ERRNO(EPERM);
	}
	memcpy(s->insns + k, tail, sizeof(tail));
	s->prog.len = (unsigned short)n;
	s->prog.filter = s->insns;
	*out = s;
	return 0;
}

int gb_seccomp_enforce(const struct gb_seccomp *s)
{
	if (!s)
		return 0;
	/* Required to install a filter without CAP_SYS_ADMIN; set by
	 * gb_landlock_enforce already when Landlock is used. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &s->prog) < 0)
		return -errno;
	return 0;
}

/* Capabilities that reach outside the sandbox (the same set the lsm
 * backend's capable hook refuses), plus CAP_MKNOD (device nodes). */
static const int boundary_caps[] = {
	12 /* NET_ADMIN */, 16 /* SYS_MODULE */, 17 /* SYS_RAWIO */, 21 /* SYS_ADMIN */,
	22 /* SYS_BOOT */, 25 /* SYS_TIME */, 27 /* MKNOD */, 30 /* AUDIT_CONTROL */,
	32 /* MAC_OVERRIDE */, 33 /* MAC_ADMIN */, 38 /* PERFMON */, 39 /* BPF */,
};

int gb_boundary_caps_drop(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	for (size_t i = 0; i < sizeof(boundary_caps) / sizeof(boundary_caps[0]); i++)
		if (prctl(PR_CAPBSET_DROP, boundary_caps[i], 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(boundary_caps) / sizeof(boundary_caps[0]); i++) {
		int c = boundary_caps[i];
		__u32 bit = 1u << (c % 32);

		data[c / 32].effective &= ~bit;
		data[c / 32].permitted &= ~bit;
		data[c / 32].inheritable &= ~bit;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

void gb_seccomp_free(struct gb_seccomp *s)
{
	free(s);
}
