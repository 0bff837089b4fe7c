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
