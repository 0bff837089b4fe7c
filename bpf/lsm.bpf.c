// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Backend "lsm": filesystem, exec and process limits in BPF LSM hooks, for
 * every sandbox at once (rule format and walk: lsm.h). */
#include "sandbox.bpf.h"
#include "path.bpf.h"
#include "lsm.h"
#include "netrules.bpf.h"

#define EPERM 1
#define PROT_EXEC 4
#define VM_EXEC 0x4
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define AF_PACKET 17
#define SOCK_RAW 3
#define CGROUP_SUPER_MAGIC 0x27e0eb
#define S_IFMT 00170000
#define S_IFCHR 0020000
#define S_IFBLK 0060000
#define CLONE_INTO_CGROUP 0x200000000ULL
#define AF_INET 2
#define AF_INET6 10
#define CGROUP2_SUPER_MAGIC 0x63677270

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GB_FS_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gb_fs_key);
	__type(value, struct gb_fs_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} gb_fs_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GB_FS_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gb_fs_name_key);
	__type(value, __u16);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} gb_fs_names SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gb_lsm_event);
} gb_lsm_scratch SEC(".maps");

struct fs_walk {
	struct dentry *d;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	__u64 sandbox;
	bool names;
	bool done;
	bool deny;
	__u8 allow;
	__u16 rule_read, rule_write, rule_exec, rule_deny;
};

static long fs_step(__u32 i, void *ctx)
{
	struct fs_walk *w = ctx;
	struct dentry *d = w->d, *parent;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	struct inode *inode;
	struct gb_fs_rule *r;
	int crossed;

	parent = BPF_CORE_READ(d, d_parent);
	inode = BPF_CORE_READ(d, d_inode);
	if (inode) {
		struct gb_fs_key k = {
			.sandbox = w->sandbox,
			.dev = BPF_CORE_READ(inode, i_sb, s_dev),
			.ino = BPF_CORE_READ(inode, i_ino),
		};

		r = bpf_map_lookup_elem(&gb_fs_rules, &k);
		if (r) {
			if (r->deny) {
				w->deny = true;
				w->rule_deny = r->rule_deny;
				return 1;
			}
			w->allow |= r->allow;
			if (w->rule_read == GB_RULE_NONE && (r->allow & GB_FS_READ))
				w->rule_read = r->rule_read;
			if (w->rule_write == GB_RULE_NONE && (r->allow & GB_FS_WRITE))
				w->rule_write = r->rule_write;
			if (w->rule_exec == GB_RULE_NONE && (r->allow & GB_FS_EXEC))
				w->rule_exec = r->rule_exec;
		}
	}
	if (w->names && parent != d) {
		struct inode *pi = BPF_CORE_READ(parent, d_inode);
		struct gb_fs_name_key nk = { .sandbox = w->sandbox };
		__u16 *rule;

		if (pi) {
			nk.dev = BPF_CORE_READ(pi, i_sb, s_dev);
			nk.ino = BPF_CORE_READ(pi, i_ino);
			bpf_probe_read_kernel_str(nk.name, sizeof(nk.name), BPF_CORE_READ(d, d_name.name));
			rule = bpf_map_lookup_elem(&gb_fs_names, &nk);
			if (rule) {
				w->deny = true;
				w->rule_deny = *rule;
				return 1;
			}
		}
	}
	crossed = gb_cross_mount(d, vfsmnt, mnt, &w->d, &w->vfsmnt, &w->mnt);
	if (crossed >= 0) {
		w->done = crossed;
		return crossed;
	}
	if (d == parent) {
		w->done = true;
		return 1;
	}
	w->d = parent;
	return 0;
}

struct decision {
	__u8 verdict;
	__u8 why;
	__u8 rule_list;
	__u16 rule;
};

/* Decide access need (GB_FS_*) to dentry d under mount m for sandbox sb. */
static __always_inline struct decision fs_decide(struct gb_sandbox *sb, struct dentry *d,
						 struct vfsmount *m, __u8 need)
{
	struct fs_walk w = {
		.d = d,
		.vfsmnt = m,
		.mnt = container_of(m, struct mount, mnt),
		.sandbox = sb->id,
		.names = sb->flags & GB_SB_FS_NAMES,
		.rule_read = GB_RULE_NONE,
		.rule_write = GB_RULE_NONE,
		.rule_exec = GB_RULE_NONE,
		.rule_deny = GB_RULE_NONE,
	};
	struct decision dec = { .verdict = GB_VERDICT_ALLOW, .why = GB_WHY_UNDECLARED, .rule = GB_RULE_NONE };
	bool declared = need == GB_FS_EXEC ? (sb->flags & GB_SB_EXEC) : (sb->flags & GB_SB_FS);

	bpf_loop(GB_PATH_DEPTH, fs_step, &w, 0);
	if (w.deny) {
		dec.verdict = GB_VERDICT_DENY;
		dec.why = GB_WHY_RULE;
		dec.rule_list = GB_LIST_DENY;
		dec.rule = w.rule_deny;
	} else if (!w.done) {
		dec.verdict = GB_VERDICT_DENY;
		dec.why = GB_WHY_DEPTH;
	} else if (!declared) {
		return dec;
	} else if ((w.allow & need) != need) {
		dec.verdict = GB_VERDICT_DENY;
		dec.why = GB_WHY_DEFAULT;
	} else {
		dec.why = GB_WHY_RULE;
		if (need & GB_FS_EXEC) {
			dec.rule_list = GB_LIST_EXEC;
			dec.rule = w.rule_exec;
		} else if (need & GB_FS_WRITE) {
			dec.rule_list = GB_LIST_WRITE;
			dec.rule = w.rule_write;
		} else {
			dec.rule_list = GB_LIST_READ;
			dec.rule = w.rule_read;
		}
	}
	if (dec.verdict == GB_VERDICT_DENY && sb->mode == GB_SB_MODE_AUDIT)
		dec.verdict = GB_VERDICT_AUDIT;
	return dec;
}

static __always_inline struct gb_lsm_event *ev_start(struct gb_sandbox *sb, __u8 kind, __u8 op,
						     struct decision dec)
{
	struct gb_lsm_event *ev;
	__u32 zero = 0;

	ev = bpf_map_lookup_elem(&gb_lsm_scratch, &zero);
	if (!ev)
		return NULL;
	ev->kind = kind;
	ev->op = op;
	ev->verdict = dec.verdict;
	ev->why = dec.why;
	ev->rule_list = dec.rule_list;
	ev->rule = dec.rule;
	ev->flags = 0;
	ev->target_pid = 0;
	ev->detail = 0;
	ev->path_len = 0;
	ev->path2_len = 0;
	return ev;
}

static __always_inline void ev_path(struct gb_lsm_event *ev, struct dentry *d, struct vfsmount *m, int which)
{
	__u32 off = 0, len = 0;
	bool trunc = false;
	char *pbuf;

	pbuf = gb_path_build(d, m, &off, &len, &trunc);
	if (!pbuf)
		return;
	len &= GB_PATH_MASK;
	if (which == 0) {
		bpf_probe_read_kernel(ev->data, len, &pbuf[off & GB_PATH_MASK]);
		ev->path_len = len;
	} else {
		__u32 pos = ev->path_len & GB_PATH_MASK;

		bpf_probe_read_kernel(&ev->data[pos], len, &pbuf[off & GB_PATH_MASK]);
		ev->path2_len = len;
	}
	if (trunc)
		ev->flags |= GB_LSM_PATH_TRUNC;
}

static __always_inline void ev_send(struct gb_sandbox *sb, struct gb_lsm_event *ev)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 size = offsetof(struct gb_lsm_event, data) + ev->path_len + ev->path2_len;
	void *rb;

	rb = gb_ring_of(sb);
	if (!rb)
		return;
	gb_fill_hdr(&ev->hdr, GB_EV_LSM, size, sb, t);
	if (size > sizeof(*ev))
		return;
	if (bpf_ringbuf_output(rb, ev, size, gb_wakeup_flags(rb)))
		gb_count_lost(sb);
}

static __always_inline int verdict_ret(struct decision dec)
{
	return dec.verdict == GB_VERDICT_DENY ? -EPERM : 0;
}

static __always_inline struct gb_sandbox *current_sandbox(void)
{
	struct gb_sandbox *sb = gb_sandbox_of(bpf_get_current_task_btf());

	if (!sb || !(sb->flags & GB_SB_LSM))
		return NULL;
	gb_check_deadline(sb); /* the timebox, should glovebox and its watchdog be gone */
	return sb;
}

/* A file decision on one dentry: decide, report, return the hook's result.
 * Allowed reads and executable mappings are counted, not streamed. */
static __always_inline int fs_hook(struct gb_sandbox *sb, struct dentry *d, struct vfsmount *m,
				   __u8 need, __u8 kind, __u8 op)
{
	struct decision dec = fs_decide(sb, d, m, need);
	struct gb_lsm_event *ev;

	if (dec.verdict == GB_VERDICT_ALLOW) {
		if (op == GB_OP_READ) {
			gb_count_read(sb);
			if (!(sb->flags & GB_SB_FILE_READS))
				return 0;
		}
		/* Executable mappings (every library) and unix socket sends
		 * (every datagram) would flood the stream. */
		if (op == GB_OP_MMAP_EXEC || op == GB_OP_CONNECT_UNIX || dec.why == GB_WHY_UNDECLARED)
			return 0;
	}
	ev = ev_start(sb, kind, op, dec);
	if (ev) {
		ev_path(ev, d, m, 0);
		ev_send(sb, ev);
	}
	return verdict_ret(dec);
}

/* Audit mode relaxes the policy's limits, never the sandbox boundary (the
 * same on the landlock backend, where seccomp denies in both modes). */
static __always_inline struct decision boundary(struct gb_sandbox *sb)
{
	struct decision dec = { .verdict = GB_VERDICT_DENY, .why = GB_WHY_BOUNDARY, .rule = GB_RULE_NONE };

	return dec;
}

/* A sandbox boundary decision (process limit): always reported. */
static __always_inline int proc_deny(struct gb_sandbox *sb, __u8 op, __u32 target, __s64 detail)
{
	struct decision dec = boundary(sb);
	struct gb_lsm_event *ev = ev_start(sb, GB_LSM_PROC, op, dec);

	if (ev) {
		ev->target_pid = target;
		ev->detail = detail;
		ev_send(sb, ev);
	}
	return verdict_ret(dec);
}

/* A hook that is all sandbox boundary: deny for any sandboxed task. */
static __always_inline int boundary_hook(int ret, __u8 op, __s64 detail)
{
	struct gb_sandbox *sb;

	if (ret)
		return ret;
	sb = current_sandbox();
	if (!sb)
		return 0;
	return proc_deny(sb, op, 0, detail);
}

SEC("lsm/file_open")
int BPF_PROG(lsm_file_open, struct file *file, int ret)
{
	struct gb_sandbox *sb;
	struct inode *inode;
	unsigned int fmode;
	unsigned long magic;
	__u8 need = 0;

	if (ret)
		return ret;
	sb = current_sandbox();
	if (!sb)
		return 0;
	fmode = BPF_CORE_READ(file, f_mode);
	inode = BPF_CORE_READ(file, f_inode);
	magic = BPF_CORE_READ(inode, i_sb, s_magic);
	if ((fmode & FMODE_WRITE) && (magic == CGROUP2_SUPER_MAGIC || magic == CGROUP_SUPER_MAGIC)) {
		/* Writing cgroup files is how a task would move itself out. */
		struct decision dec = boundary(sb);
		struct gb_lsm_event *ev = ev_start(sb, GB_LSM_PROC, GB_OP_CGROUP_WRITE, dec);

		if (ev) {
			ev_path(ev, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt), 0);
			ev_send(sb, ev);
		}
		return verdict_ret(dec);
	}
	if (fmode & FMODE_READ)
		need |= GB_FS_READ;
	if (fmode & FMODE_WRITE)
		need |= GB_FS_WRITE;
	if (!need)
		return 0;
	return fs_hook(sb, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt), need,
		       GB_LSM_FILE, (need & GB_FS_WRITE) ? GB_OP_WRITE : GB_OP_READ);
}

/* Creating name `dentry` in `dir`: the walk starts at the new (negative)
 * dentry, so a deny-by-name entry matches, then the directory's rights. */
static __always_inline int create_hook(const struct path *dir, struct dentry *dentry, __u8 op)
{
	struct gb_sandbox *sb = current_sandbox();

	if (!sb)
		return 0;
	return fs_hook(sb, dentry, BPF_CORE_READ(dir, mnt), GB_FS_WRITE, GB_LSM_FILE, op);
}

SEC("lsm/path_mknod")
int BPF_PROG(lsm_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	if (ret)
		return ret;
	/* A device node would reach the device whatever the path rules say. */
	if (((mode & S_IFMT) == S_IFCHR && dev != 0) || (mode & S_IFMT) == S_IFBLK)
		return boundary_hook(0, GB_OP_MKNOD, mode); /* 0:0 is an overlayfs whiteout */
	return create_hook(dir, dentry, GB_OP_CREATE);
}

SEC("lsm/path_mkdir")
int BPF_PROG(lsm_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (ret)
		return ret;
	return create_hook(dir, dentry, GB_OP_MKDIR);
}

SEC("lsm/path_symlink")
int BPF_PROG(lsm_path_symlink, const struct path *dir, struct dentry *dentry, const char *old_name, int ret)
{
	if (ret)
		return ret;
	return create_hook(dir, dentry, GB_OP_SYMLINK);
}

SEC("lsm/path_unlink")
int BPF_PROG(lsm_path_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return create_hook(dir, dentry, GB_OP_DELETE);
}

SEC("lsm/path_rmdir")
int BPF_PROG(lsm_path_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return create_hook(dir, dentry, GB_OP_DELETE);
}

/* Two-path operations: both ends must be allowed; the event names both. */
static __always_inline int two_path_hook(struct dentry *src, struct vfsmount *src_mnt, __u8 src_need,
					 struct dentry *dst, struct vfsmount *dst_mnt, __u8 op)
{
	struct gb_sandbox *sb = current_sandbox();
	struct decision dec;
	struct gb_lsm_event *ev;

	if (!sb)
		return 0;
	dec = fs_decide(sb, src, src_mnt, src_need);
	if (dec.verdict == GB_VERDICT_ALLOW)
		dec = fs_decide(sb, dst, dst_mnt, GB_FS_WRITE);
	if (dec.verdict == GB_VERDICT_ALLOW && dec.why == GB_WHY_UNDECLARED)
		return 0;
	ev = ev_start(sb, GB_LSM_FILE, op, dec);
	if (ev) {
		ev_path(ev, src, src_mnt, 0);
		ev_path(ev, dst, dst_mnt, 1);
		ev_send(sb, ev);
	}
	return verdict_ret(dec);
}

SEC("lsm/path_rename")
int BPF_PROG(lsm_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	if (ret)
		return ret;
	/* Moving a file out is deleting it here and creating it there. */
	return two_path_hook(old_dentry, BPF_CORE_READ(old_dir, mnt), GB_FS_WRITE,
			     new_dentry, BPF_CORE_READ(new_dir, mnt), GB_OP_RENAME);
}

SEC("lsm/path_link")
int BPF_PROG(lsm_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	/* A new name for a file needs read on it (a denied file cannot be linked). */
	return two_path_hook(old_dentry, BPF_CORE_READ(new_dir, mnt), GB_FS_READ,
			     new_dentry, BPF_CORE_READ(new_dir, mnt), GB_OP_LINK);
}

static __always_inline int path_hook(const struct path *path, __u8 op)
{
	struct gb_sandbox *sb = current_sandbox();

	if (!sb)
		return 0;
	return fs_hook(sb, BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), GB_FS_WRITE,
		       GB_LSM_FILE, op);
}

SEC("lsm/path_truncate")
int BPF_PROG(lsm_path_truncate, const struct path *path, int ret)
{
	if (ret)
		return ret;
	return path_hook(path, GB_OP_TRUNCATE);
}

SEC("lsm/path_chown")
int BPF_PROG(lsm_path_chown, const struct path *path, unsigned int uid, unsigned int gid, int ret)
{
	if (ret)
		return ret;
	return path_hook(path, GB_OP_CHOWN);
}

SEC("lsm/path_chmod")
int BPF_PROG(lsm_path_chmod, const struct path *path, umode_t mode, int ret)
{
	if (ret)
		return ret;
	return path_hook(path, GB_OP_CHMOD);
}

static __always_inline int exec_hook(struct file *file, __u8 op)
{
	struct gb_sandbox *sb = current_sandbox();

	if (!sb || !file)
		return 0;
	return fs_hook(sb, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt), GB_FS_EXEC,
		       GB_LSM_EXEC, op);
}

SEC("lsm/bprm_check_security")
int BPF_PROG(lsm_bprm_check_security, struct linux_binprm *bprm, int ret)
{
	if (ret)
		return ret;
	return exec_hook(BPF_CORE_READ(bprm, file), GB_OP_EXEC);
}

/* Executable mappings of files: `ld.so FILE` maps FILE without execve. */
SEC("lsm/mmap_file")
int BPF_PROG(lsm_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	if (ret)
		return ret;
	if (!(prot & PROT_EXEC))
		return 0;
	return exec_hook(file, GB_OP_MMAP_EXEC);
}

SEC("lsm/file_mprotect")
int BPF_PROG(lsm_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot, unsigned long prot,
	     int ret)
{
	if (ret)
		return ret;
	if (!(prot & PROT_EXEC) || (BPF_CORE_READ(vma, vm_flags) & VM_EXEC))
		return 0;
	return exec_hook(BPF_CORE_READ(vma, vm_file), GB_OP_MMAP_EXEC);
}

/* Connecting to a unix socket by its path is using that file: it needs
 * write on it, as for its permission bits (a root sandbox could otherwise
 * reach any daemon's socket, e.g. a container engine's). Abstract and
 * unnamed sockets have no path and are not checked. */
static __always_inline int unix_hook(struct sock *other, int ret)
{
	struct unix_sock *u = (struct unix_sock *)other;
	struct gb_sandbox *sb;
	struct dentry *d;

	if (ret)
		return ret;
	sb = current_sandbox();
	if (!sb)
		return 0;
	d = BPF_CORE_READ(u, path.dentry);
	if (!d)
		return 0;
	return fs_hook(sb, d, BPF_CORE_READ(u, path.mnt), GB_FS_WRITE, GB_LSM_FILE, GB_OP_CONNECT_UNIX);
}

SEC("lsm/unix_stream_connect")
int BPF_PROG(lsm_unix_stream_connect, struct sock *sock, struct sock *other, struct sock *newsk, int ret)
{
	return unix_hook(other, ret);
}

SEC("lsm/unix_may_send")
int BPF_PROG(lsm_unix_may_send, struct socket *sock, struct socket *other, int ret)
{
	return unix_hook(BPF_CORE_READ(other, sk), ret);
}

/* Pushing input into a terminal the command inherited would have the
 * user's shell run it after the sandbox ends. */
SEC("lsm/file_ioctl")
int BPF_PROG(lsm_file_ioctl, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	if (!ret && cmd != 0x5412 /* TIOCSTI */ && cmd != 0x541C /* TIOCLINUX */)
		return 0;
	return boundary_hook(ret, GB_OP_IOCTL, cmd);
}

SEC("lsm/socket_create")
int BPF_PROG(lsm_socket_create, int family, int type, int protocol, int kern, int ret)
{
	struct gb_sandbox *sb;

	if (ret)
		return ret;
	if (kern || (family != AF_PACKET && (type & 0xf) != SOCK_RAW))
		return 0;
	sb = current_sandbox();
	if (!sb)
		return 0;
	return proc_deny(sb, GB_OP_SOCKET, 0, ((__s64)family << 16) | (type & 0xf));
}

/* Whether t is outside sandbox sb. */
static __always_inline bool outside(struct gb_sandbox *sb, struct task_struct *t)
{
	struct gb_sandbox *other = gb_sandbox_of(t);

	return !other || other->id != sb->id;
}

/* clone3(CLONE_INTO_CGROUP) with an O_PATH fd of another cgroup would
 * start a child outside the sandbox's cgroup (O_PATH skips file_open). */
SEC("lsm/task_alloc")
int BPF_PROG(lsm_task_alloc, struct task_struct *task, unsigned long clone_flags, int ret)
{
	if (ret)
		return ret;
	if (!(clone_flags & CLONE_INTO_CGROUP))
		return 0;
	return boundary_hook(0, GB_OP_CLONE_CGROUP, 0);
}

/* listen() on a socket that was never bound binds it to the wildcard
 * address and a port the kernel picks: that is a bind to port 0, allowed
 * only by a network.bind rule without a port range. */
SEC("lsm/socket_listen")
int BPF_PROG(lsm_socket_listen, struct socket *sock, int backlog, int ret)
{
	struct gb_net_key key = {};
	struct gb_sandbox *sb;
	struct gb_net_value *v;
	struct sock *sk;
	__u16 family, rule = GB_NET_NO_RULE;
	__u8 proto, verdict = GB_VERDICT_DENY;

	if (ret)
		return ret;
	sb = current_sandbox();
	if (!sb || !(sb->flags & GB_SB_NET_BIND))
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if ((family != AF_INET && family != AF_INET6) || BPF_CORE_READ(sk, __sk_common.skc_num))
		return 0; /* not IP, or bound already (and checked then) */
	proto = BPF_CORE_READ(sk, sk_protocol);
	key.prefixlen = GB_NET_KEY_BASE + 128;
	key.sandbox = sb->id;
	key.op = GB_NET_OP_BIND;
	if (family == AF_INET) {
		key.addr[10] = 0xff;
		key.addr[11] = 0xff;
	}
	v = bpf_map_lookup_elem(&gb_net_rules, &key);
	if (v && gb_net_port_ok(v, 0, proto, &rule))
		verdict = GB_VERDICT_ALLOW;
	if (verdict == GB_VERDICT_DENY && sb->mode == GB_SB_MODE_AUDIT)
		verdict = GB_VERDICT_AUDIT;
	gb_net_emit(sb, GB_NET_OP_BIND, verdict, family, proto, 0, rule, key.addr);
	return verdict == GB_VERDICT_DENY ? -EPERM : 0;
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(lsm_ptrace_access_check, struct task_struct *child, unsigned int mode, int ret)
{
	struct gb_sandbox *sb;

	if (ret)
		return ret;
	sb = current_sandbox();
	if (!sb || !outside(sb, child))
		return 0;
	return proc_deny(sb, GB_OP_PTRACE, BPF_CORE_READ(child, tgid), mode);
}

SEC("lsm/ptrace_traceme")
int BPF_PROG(lsm_ptrace_traceme, struct task_struct *parent, int ret)
{
	struct gb_sandbox *sb;

	if (ret)
		return ret;
	sb = current_sandbox();
	if (!sb || !outside(sb, parent))
		return 0;
	return proc_deny(sb, GB_OP_PTRACE, BPF_CORE_READ(parent, tgid), -1);
}

SEC("lsm/task_kill")
int BPF_PROG(lsm_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	struct gb_sandbox *sb;

	if (ret)
		return ret;
	sb = current_sandbox();
	if (!sb || !outside(sb, p))
		return 0;
	return proc_deny(sb, GB_OP_KILL, BPF_CORE_READ(p, tgid), sig);
}

/* The bpf hook gained an argument in Linux 6.9: read only cmd. */
SEC("lsm/bpf")
int BPF_PROG(lsm_bpf, int cmd)
{
	struct gb_sandbox *sb = current_sandbox();

	if (!sb)
		return 0;
	return proc_deny(sb, GB_OP_BPF, 0, cmd);
}

SEC("lsm/sb_mount")
int BPF_PROG(lsm_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data, int ret)
{
	return boundary_hook(ret, GB_OP_MOUNT, flags);
}

SEC("lsm/sb_umount")
int BPF_PROG(lsm_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	return boundary_hook(ret, GB_OP_UMOUNT, flags);
}

SEC("lsm/move_mount")
int BPF_PROG(lsm_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	return boundary_hook(ret, GB_OP_MOUNT, 0);
}

SEC("lsm/sb_pivotroot")
int BPF_PROG(lsm_sb_pivotroot, const struct path *old_path, const struct path *new_path, int ret)
{
	return boundary_hook(ret, GB_OP_PIVOT_ROOT, 0);
}

SEC("lsm/userns_create")
int BPF_PROG(lsm_userns_create, const struct cred *cred, int ret)
{
	return boundary_hook(ret, GB_OP_USERNS, 0);
}

/* Capabilities that reach outside the sandbox: new mount/net/... namespaces
 * and setns (CAP_SYS_ADMIN), host network configuration, the clock, raw
 * I/O, rebooting, MAC policy, audit and tracing. A sandboxed root keeps the
 * rest (chown, DAC override, setuid...) for ordinary work inside. */
#define CAP_BIT(c) (1ull << (c))
#define BOUNDARY_CAPS (CAP_BIT(12) /* NET_ADMIN */ | CAP_BIT(16) /* SYS_MODULE */ | CAP_BIT(27) /* MKNOD */ | \
		       CAP_BIT(17) /* SYS_RAWIO */ | CAP_BIT(21) /* SYS_ADMIN */ |             \
		       CAP_BIT(22) /* SYS_BOOT */ | CAP_BIT(25) /* SYS_TIME */ |               \
		       CAP_BIT(30) /* AUDIT_CONTROL */ | CAP_BIT(32) /* MAC_OVERRIDE */ |      \
		       CAP_BIT(33) /* MAC_ADMIN */ | CAP_BIT(38) /* PERFMON */ | CAP_BIT(39) /* BPF */)
#define CAP_OPT_NOAUDIT 2

SEC("lsm/capable")
int BPF_PROG(lsm_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct gb_sandbox *sb;

	if (ret)
		return ret;
	if (cap < 0 || cap > 63 || !(BOUNDARY_CAPS & CAP_BIT(cap)))
		return 0;
	sb = current_sandbox();
	if (!sb)
		return 0;
	/* Quiet checks (privilege probes) are denied without an event. */
	if (opts & CAP_OPT_NOAUDIT)
		return -EPERM;
	return proc_deny(sb, GB_OP_CAPABILITY, 0, cap);
}

SEC("lsm/kernel_read_file")
int BPF_PROG(lsm_kernel_read_file, struct file *file, enum kernel_read_file_id id, bool contents, int ret)
{
	if (!ret && id != READING_MODULE)
		return 0;
	return boundary_hook(ret, GB_OP_MODULE, id);
}

SEC("lsm/kernel_load_data")
int BPF_PROG(lsm_kernel_load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	if (!ret && id != LOADING_MODULE)
		return 0;
	return boundary_hook(ret, GB_OP_MODULE, id);
}

SEC("lsm/kernel_module_request")
int BPF_PROG(lsm_kernel_module_request, char *kmod_name, int ret)
{
	return boundary_hook(ret, GB_OP_MODULE, 0);
}
