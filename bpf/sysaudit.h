/* SPDX-License-Identifier: MIT */
/* Decision events for backends that enforce outside BPF (Landlock, seccomp):
 * the sys_exit tracepoint sees what a sandboxed task's file, exec and
 * process syscalls returned. A failure with EACCES or EPERM is a denial;
 * a success of a write-type call is an allowed write; a successful
 * read-only open is counted, and reported if the policy asks for reads.
 *
 * Only attached while a sandbox that needs it runs (syscall tracepoints
 * slow down every task on the host). Arguments are read at syscall exit
 * from the saved registers; strings from the task's memory at that time. */
#ifndef GLOVEBOX_SYSAUDIT_H
#define GLOVEBOX_SYSAUDIT_H

#include "audit.h"

#define GB_SYS_PATH 512 /* bytes of each path argument recorded */

/* The syscalls whose results are decisions, one list for the BPF program
 * (which arguments to record) and userspace (how to report them):
 *   X(nr, name, kind, path, path2, flags, dfd, dfd2, op)
 * path/path2/flags: argument index of the path, second path and open flags
 * (-1 none; flags -2: openat2's struct open_how); dfd/dfd2: argument index
 * of the dirfd each path is relative to (-1: the cwd; -2: the path is a
 * link target, never resolved); op: the file operation ("" for open-like
 * calls: from the flags; for process calls: the syscall's name). x86_64. */
#define GB_SYS_OPEN 1  /* file, op from the open flags */
#define GB_SYS_WRITE 2 /* file, a write-type operation */
#define GB_SYS_EXEC 3
#define GB_SYS_PROC 4  /* the sandbox boundary */

#define GB_SYSCALLS(X)                                                               \
	X(2, open, GB_SYS_OPEN, 0, -1, 1, -1, -1, "")                                \
	X(257, openat, GB_SYS_OPEN, 1, -1, 2, 0, -1, "")                             \
	X(437, openat2, GB_SYS_OPEN, 1, -1, -2, 0, -1, "")                           \
	X(85, creat, GB_SYS_WRITE, 0, -1, -1, -1, -1, "create")                      \
	X(59, execve, GB_SYS_EXEC, 0, -1, -1, -1, -1, "exec")                        \
	X(322, execveat, GB_SYS_EXEC, 1, -1, -1, 0, -1, "exec")                      \
	X(87, unlink, GB_SYS_WRITE, 0, -1, -1, -1, -1, "delete")                     \
	X(84, rmdir, GB_SYS_WRITE, 0, -1, -1, -1, -1, "delete")                      \
	X(83, mkdir, GB_SYS_WRITE, 0, -1, -1, -1, -1, "mkdir")                       \
	X(76, truncate, GB_SYS_WRITE, 0, -1, -1, -1, -1, "truncate")                 \
	X(90, chmod, GB_SYS_WRITE, 0, -1, -1, -1, -1, "chmod")                       \
	X(133, mknod, GB_SYS_WRITE, 0, -1, -1, -1, -1, "mknod")                      \
	X(263, unlinkat, GB_SYS_WRITE, 1, -1, -1, 0, -1, "delete")                   \
	X(258, mkdirat, GB_SYS_WRITE, 1, -1, -1, 0, -1, "mkdir")                     \
	X(268, fchmodat, GB_SYS_WRITE, 1, -1, -1, 0, -1, "chmod")                    \
	X(452, fchmodat2, GB_SYS_WRITE, 1, -1, -1, 0, -1, "chmod")                   \
	X(259, mknodat, GB_SYS_WRITE, 1, -1, -1, 0, -1, "mknod")                     \
	X(82, rename, GB_SYS_WRITE, 0, 1, -1, -1, -1, "rename")                      \
	X(86, link, GB_SYS_WRITE, 0, 1, -1, -1, -1, "link")                          \
	X(88, symlink, GB_SYS_WRITE, 0, 1, -1, -2, -1, "symlink")                    \
	X(264, renameat, GB_SYS_WRITE, 1, 3, -1, 0, 2, "rename")                     \
	X(316, renameat2, GB_SYS_WRITE, 1, 3, -1, 0, 2, "rename")                    \
	X(265, linkat, GB_SYS_WRITE, 1, 3, -1, 0, 2, "link")                         \
	X(266, symlinkat, GB_SYS_WRITE, 0, 2, -1, -2, 1, "symlink")                  \
	X(165, mount, GB_SYS_PROC, 1, -1, -1, -1, -1, "")                            \
	X(161, chroot, GB_SYS_PROC, 0, -1, -1, -1, -1, "")                           \
	X(155, pivot_root, GB_SYS_PROC, 0, -1, -1, -1, -1, "")                       \
	X(166, umount2, GB_SYS_PROC, 0, -1, -1, -1, -1, "")                          \
	X(101, ptrace, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                          \
	X(321, bpf, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                             \
	X(272, unshare, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                         \
	X(308, setns, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                           \
	X(41, socket, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                           \
	X(175, init_module, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                     \
	X(313, finit_module, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                    \
	X(176, delete_module, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                   \
	X(246, kexec_load, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                      \
	X(320, kexec_file_load, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                 \
	X(298, perf_event_open, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                 \
	X(310, process_vm_readv, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                \
	X(311, process_vm_writev, GB_SYS_PROC, -1, -1, -1, -1, -1, "")               \
	X(62, kill, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                             \
	X(200, tkill, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                           \
	X(234, tgkill, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                          \
	X(428, open_tree, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                       \
	X(429, move_mount, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                      \
	X(430, fsopen, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                          \
	X(432, fsmount, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                         \
	X(56, clone, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                            \
	X(304, open_by_handle_at, GB_SYS_PROC, -1, -1, -1, -1, -1, "")               \
	X(425, io_uring_setup, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                  \
	X(426, io_uring_enter, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                  \
	X(427, io_uring_register, GB_SYS_PROC, -1, -1, -1, -1, -1, "")               \
	X(248, add_key, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                         \
	X(249, request_key, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                     \
	X(250, keyctl, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                          \
	X(438, pidfd_getfd, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                     \
	X(440, process_madvise, GB_SYS_PROC, -1, -1, -1, -1, -1, "")                 \
	X(16, ioctl, GB_SYS_PROC, -1, -1, -1, -1, -1, "")

#define GB_SYS_DENIED 1    /* returned EACCES or EPERM */
#define GB_SYS_CWD 2       /* data has the cwd after the two paths */
#define GB_SYS_PATH_TRUNC 4

/* data: path (GB_SYS_PATH bytes slot), path2 (GB_SYS_PATH slot), cwd. */
struct gb_sys_event {
	struct gb_event_hdr hdr;
	__u32 nr;      /* syscall number (x86_64) */
	__s32 ret;     /* return value (-errno on failure) */
	__s64 args[6];
	__u16 path_len;
	__u16 path2_len;
	__u16 cwd_len;
	__u16 flags;   /* GB_SYS_* */
	__u64 open_flags; /* open/openat flags, openat2 how.flags */
	char data[GB_SYS_PATH * 2 + GB_PATH_LEN];
};

#endif
