/* SPDX-License-Identifier: MIT */
/* Backend "lsm": filesystem, exec and process limits decided by BPF LSM
 * programs (lsm.bpf.c), for every sandbox at once.
 *
 * Filesystem rules are resolved to inodes when the sandbox starts:
 *   gb_fs_rules  (sandbox, dev, ino) -> struct gb_fs_rule
 *   gb_fs_names  (sandbox, dev, ino of the parent, name) -> deny rule index,
 *                for deny entries that do not exist yet (matched by name when
 *                they are created later, by anyone).
 * A decision walks up from the accessed dentry (crossing mount points, at
 * most GB_PATH_DEPTH steps): a deny entry on the way denies; otherwise the
 * rights of every entry on the way add up. Past the bound the access is
 * denied, and the event says why. Inode keys make a hard link to a denied
 * file denied too, whatever its path.
 *
 * Example: sandbox 4242, read ["/usr"], write ["/work"], deny ["/work/.env"]
 * (existing) and ["/work/later"] (not yet created), /work on dev 0x800001:
 *   gb_fs_rules[{4242, dev(/usr), ino(/usr)}]   = { .allow = READ, .rule_read = 0 }
 *   gb_fs_rules[{4242, 0x800001, ino(/work)}]   = { .allow = READ|WRITE, .rule_write = 0 }
 *   gb_fs_rules[{4242, 0x800001, ino(.env)}]    = { .deny = 1, .rule_deny = 0 }
 *   gb_fs_names[{4242, 0x800001, ino(/work), "later"}] = 1
 */
#ifndef GLOVEBOX_LSM_H
#define GLOVEBOX_LSM_H

#include "audit.h"

#define GB_FS_MAX_RULES 262144
#define GB_FS_NAME_LEN 64

#define GB_FS_READ 1
#define GB_FS_WRITE 2
#define GB_FS_EXEC 4

/* A rule reference: the list (enum gb_rule_list) in the top two bits and
 * the entry's index in that list below; GB_RULE_NONE for none. */
#define GB_RULE_NONE 0xffff
#define GB_RULE_REF(list, idx) ((__u16)(((list) << 14) | (idx)))
#define GB_RULE_LIST(ref) ((ref) >> 14)
#define GB_RULE_INDEX(ref) ((ref) & 0x3fff)
#define GB_RULE_MAX_INDEX 0x3ffe

struct gb_fs_key {
	__u64 sandbox;
	__u64 dev; /* kernel dev_t of the inode's superblock: (major << 20) | minor */
	__u64 ino;
};

struct gb_fs_rule {
	__u8 allow;      /* GB_FS_* rights granted for the subtree */
	__u8 deny;       /* a deny entry: nothing beneath is allowed */
	__u16 rule_read; /* GB_RULE_REF of the entry granting read, or GB_RULE_NONE */
	__u16 rule_write;
	__u16 rule_exec;
	__u16 rule_deny;
	__u16 pad;
};

struct gb_fs_name_key {
	__u64 sandbox;
	__u64 dev;
	__u64 ino;
	char name[GB_FS_NAME_LEN];
};

enum gb_lsm_kind { GB_LSM_FILE = 1, GB_LSM_EXEC = 2, GB_LSM_PROC = 3 };

enum gb_lsm_op {
	GB_OP_READ = 1, GB_OP_WRITE, GB_OP_CREATE, GB_OP_DELETE, GB_OP_RENAME, GB_OP_LINK,
	GB_OP_SYMLINK, GB_OP_MKDIR, GB_OP_TRUNCATE, GB_OP_CHMOD, GB_OP_MKNOD,
	GB_OP_EXEC, GB_OP_MMAP_EXEC,
	GB_OP_PTRACE, GB_OP_KILL, GB_OP_BPF, GB_OP_MOUNT, GB_OP_UMOUNT, GB_OP_PIVOT_ROOT,
	GB_OP_USERNS, GB_OP_MODULE, GB_OP_SOCKET, GB_OP_CGROUP_WRITE, GB_OP_CAPABILITY,
	GB_OP_CHOWN, GB_OP_CLONE_CGROUP, GB_OP_CONNECT_UNIX, GB_OP_IOCTL,
	GB_OP__COUNT,
};

/* Why a decision came out as it did. */
enum gb_lsm_why {
	GB_WHY_RULE = 0,      /* rule_list/rule name the entry */
	GB_WHY_DEFAULT = 1,   /* no entry allows it */
	GB_WHY_DEPTH = 2,     /* the path is deeper than GB_PATH_DEPTH: denied */
	GB_WHY_BOUNDARY = 3,  /* the sandbox boundary (process limits) */
	GB_WHY_UNDECLARED = 4,/* the limit is not declared: allowed */
};

enum gb_rule_list { GB_LIST_READ = 0, GB_LIST_WRITE, GB_LIST_EXEC, GB_LIST_DENY };

#define GB_LSM_PATH_TRUNC 1

/* data: path (path_len bytes), then path2 (rename/link target). */
struct gb_lsm_event {
	struct gb_event_hdr hdr;
	__u8 kind;      /* enum gb_lsm_kind */
	__u8 op;        /* enum gb_lsm_op */
	__u8 verdict;   /* enum gb_verdict */
	__u8 why;       /* enum gb_lsm_why */
	__u8 rule_list; /* unused, 0 */
	__u8 flags;     /* GB_LSM_* */
	__u16 rule;     /* GB_RULE_REF, or GB_RULE_NONE */
	__u32 target_pid;
	__u32 pad;
	__s64 detail;   /* signal, socket family << 16 | type, bpf cmd, mount flags */
	__u16 path_len;
	__u16 path2_len;
	__u32 pad2;
	char data[GB_PATH_LEN * 2];
};

#endif
