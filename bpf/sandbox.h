/* SPDX-License-Identifier: MIT */
/* Sandbox state shared by every glovebox BPF program and userspace.
 * Fixed-size structs and constants only.
 *
 * One loaded set of programs serves every sandbox on the host. A sandbox is
 * identified by the id of its cgroup v2 directory (the directory's inode
 * number, what bpf_get_current_cgroup_id() returns). Maps, pinned by name
 * under /sys/fs/bpf/glovebox/<build>/:
 *
 *   gb_sandboxes  hash       sandbox id -> struct gb_sandbox
 *   gb_rings      array-of-maps ring slot -> a ring buffer
 *   gb_tasks      task storage task -> struct gb_task
 *
 * Ring buffers are pooled: a sandbox claims a free slot (userspace holds a
 * lock on /run/glovebox/rings/<slot> while it runs), and the slot's ring
 * stays in the map for the next sandbox, because replacing an entry of a
 * map-of-maps waits for an RCU grace period (milliseconds per launch).
 * Records carry the sandbox id, so a reader skips anything left over.
 *
 * Example: a sandbox whose cgroup is /sys/fs/cgroup/glovebox/build-1 with
 * inode 4242, enforce mode, 10 minute timebox started at monotonic time T:
 *   gb_sandboxes[4242] = { .id = 4242, .deadline_ns = T + 600e9,
 *                          .mode = GB_MODE_ENFORCE,
 *   gb_rings[4242]     = fd of a BPF_MAP_TYPE_RINGBUF of GB_RING_SIZE bytes
 *
 * A task belongs to a sandbox when its gb_tasks entry says so. The entry is
 * set when the task is forked from a sandboxed parent, or when the task is
 * first seen inside a sandbox's cgroup (the sandbox's first process, started
 * with CLONE_INTO_CGROUP). It survives the task moving to another cgroup.
 */
#ifndef GLOVEBOX_SANDBOX_H
#define GLOVEBOX_SANDBOX_H

#define GB_MAX_SANDBOXES 4096
#define GB_RING_SIZE (1u << 20) /* bytes per sandbox ring buffer */

#define GB_SB_MODE_ENFORCE 0
#define GB_SB_MODE_AUDIT 1

/* struct gb_sandbox.flags: which limits apply and how they are reported. */
#define GB_SB_NET_CONNECT 0x1 /* network.connect declared */
#define GB_SB_NET_BIND 0x2    /* network.bind declared */
#define GB_SB_SYSAUDIT 0x4    /* report decisions seen at syscall exit (landlock backend) */
#define GB_SB_FILE_READS 0x8  /* also stream allowed read-only opens */
#define GB_SB_LSM 0x10        /* decided by the BPF LSM programs (lsm backend) */
#define GB_SB_FS 0x20         /* filesystem limit declared (read/write) */
#define GB_SB_EXEC 0x40       /* exec limit declared */
#define GB_SB_FS_NAMES 0x80   /* has deny-by-name entries (lsm.h) */

struct gb_sandbox {
	__u64 id;          /* cgroup id; same as the key */
	__u64 deadline_ns; /* bpf_ktime_get_ns() time the timebox ends; 0 = none */
	__u32 mode;        /* GB_SB_MODE_* */
	__u32 flags;       /* GB_SB_* */
	__u64 lost;        /* events that could not be delivered (atomic add) */
	__u32 ring;        /* slot in gb_rings */
	__u32 pad;
};

struct gb_task {
	__u64 sandbox; /* sandbox id */
};

#endif
