/* SPDX-License-Identifier: MIT */
/* Audit events: the records BPF programs write to a sandbox's ring buffer.
 * Every record starts with struct gb_event_hdr; hdr.size is the record's
 * full length. Userspace (userspace/audit.c) turns them into JSON lines
 * (docs/audit-schema.md).
 */
#ifndef GLOVEBOX_AUDIT_H
#define GLOVEBOX_AUDIT_H

#define GB_COMM_LEN 16
#define GB_PATH_LEN 4096  /* longest path a record carries (with NUL) */
#define GB_ARGS_LEN 1024  /* argv bytes an exec record carries */
#define GB_PATH_DEPTH 64  /* path components (and mount crossings) walked */

enum gb_event_type {
	GB_EV_EXEC = 1,
	GB_EV_FORK = 2,
	GB_EV_EXIT = 3,
	GB_EV_NET = 4,
	GB_EV_SYS = 5, /* struct gb_sys_event, sysaudit.h */
	GB_EV_LSM = 6, /* struct gb_lsm_event, lsm.h */
};

enum gb_verdict {
	GB_VERDICT_ALLOW = 0,
	GB_VERDICT_DENY = 1,
	GB_VERDICT_AUDIT = 2, /* audit mode: would be denied, allowed */
};

struct gb_event_hdr {
	__u32 type;  /* enum gb_event_type */
	__u32 size;  /* bytes in the whole record */
	__u64 ts_ns; /* bpf_ktime_get_ns() */
	__u64 sandbox;
	__u32 pid;   /* tgid */
	__u32 tid;
	__u32 ppid;  /* real parent's tgid */
	__u32 uid;
	char comm[GB_COMM_LEN];
};

struct gb_fork_event {
	struct gb_event_hdr hdr; /* the parent */
	__u32 child_pid;
	__u32 pad;
};

struct gb_exit_event {
	struct gb_event_hdr hdr;
	__s32 exit_code; /* wait status: (code << 8) or signal number */
	__u32 pad;
};

#define GB_EXEC_ARGS_TRUNCATED 1 /* argv was longer than GB_ARGS_LEN */
#define GB_EXEC_PATH_TRUNCATED 2 /* binary path deeper than GB_PATH_DEPTH */
#define GB_EXEC_CWD_TRUNCATED 4  /* cwd deeper than GB_PATH_DEPTH */

/* data[] holds, in order: the binary's absolute path (path_len bytes, no
 * NUL), the cwd (cwd_len), the argv strings each NUL-terminated (args_len). */
struct gb_exec_event {
	struct gb_event_hdr hdr;
	__u16 path_len;
	__u16 cwd_len;
	__u16 args_len;
	__u16 flags; /* GB_EXEC_* */
	char data[GB_PATH_LEN * 2 + GB_ARGS_LEN];
};

/* A network decision (net.bpf.c). rule is the index of the deciding entry
 * in network.connect (connect, sendmsg) or network.bind, or GB_NET_NO_RULE. */
struct gb_net_event {
	struct gb_event_hdr hdr;
	__u8 op;      /* enum gb_net_op */
	__u8 verdict; /* enum gb_verdict */
	__u8 family;  /* AF_INET or AF_INET6, as the program saw it */
	__u8 proto;   /* IPPROTO_TCP / IPPROTO_UDP / other */
	__u16 port;   /* host byte order */
	__u16 rule;
	__u8 addr[16]; /* IPv6, or IPv4-mapped */
};

#endif
