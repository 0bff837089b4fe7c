// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Decisions of Landlock and seccomp, seen at syscall exit (see sysaudit.h). */
#include "sandbox.bpf.h"
#include "path.bpf.h"
#include "sysaudit.h"

#define EPERM 1
#define EACCES 13
#define EXDEV 18
#define O_ACCMODE 3
#define O_CREAT 0100
#define O_TRUNC 01000
#define AT_FDCWD -100

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gb_sys_event);
} gb_sys_scratch SEC(".maps");


/* Which argument holds the path (-1: none), the second path, the flags. */
struct shape {
	__s8 kind, path, path2, flags; /* kind: GB_SYS_*, 0 = not a decision */
};

static __always_inline struct shape shape_of(__u32 nr)
{
	switch (nr) {
#define X(nr_, name, kind, path, path2, flags, dfd, dfd2, op) \
	case nr_:                                                  \
		return (struct shape){ kind, path, path2, flags };
	GB_SYSCALLS(X)
#undef X
	}
	return (struct shape){ 0, -1, -1, -1 };
}

static __always_inline __s64 arg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return BPF_CORE_READ(regs, di);
	case 1: return BPF_CORE_READ(regs, si);
	case 2: return BPF_CORE_READ(regs, dx);
	case 3: return BPF_CORE_READ(regs, r10);
	case 4: return BPF_CORE_READ(regs, r8);
	case 5: return BPF_CORE_READ(regs, r9);
	}
	return 0;
}

static __always_inline __u16 read_path(char *dst, __s64 uptr)
{
	long n = bpf_probe_read_user_str(dst, GB_SYS_PATH, (const void *)uptr);

	return n > 0 ? (__u16)(n - 1) : 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(tp_sys_exit, struct pt_regs *regs, long ret)
{
	struct gb_sys_event *ev;
	struct gb_sandbox *sb;
	struct task_struct *t;
	struct shape sh;
	__u32 zero = 0, nr, size;
	bool denied, emit = false;
	__u64 oflags = 0;
	void *rb;

	nr = (__u32)BPF_CORE_READ(regs, orig_ax);
	sh = shape_of(nr);
	if (!sh.kind)
		return 0;
	t = bpf_get_current_task_btf();
	sb = gb_sandbox_of(t);
	if (!sb || !(sb->flags & GB_SB_SYSAUDIT))
		return 0;
	gb_check_deadline(sb); /* the timebox, should glovebox and its watchdog be gone */

	denied = ret == -EACCES || ret == -EPERM;
	/* Landlock refuses a rename or link that would give a file more rights
	 * with EXDEV; userspace tells it from a real cross-device move. */
	if (ret == -EXDEV && (nr == 82 || nr == 86 || nr == 264 || nr == 316 || nr == 265))
		denied = true;
	if (sh.flags >= 0)
		oflags = (__u64)arg(regs, sh.flags);
	else if (sh.flags == -2) /* openat2: struct open_how starts with flags */
		bpf_probe_read_user(&oflags, sizeof(oflags), (void *)arg(regs, 2));
	if (denied)
		emit = true;
	else if (ret >= 0 && sh.kind == GB_SYS_WRITE)
		emit = true;
	else if (ret >= 0 && sh.kind == GB_SYS_OPEN) {
		if ((oflags & O_ACCMODE) || (oflags & (O_CREAT | O_TRUNC))) {
			emit = true;
		} else {
			gb_count_read(sb);
			emit = sb->flags & GB_SB_FILE_READS;
		}
	}
	if (!emit)
		return 0;

	rb = gb_ring_of(sb);
	if (!rb)
		return 0;
	ev = bpf_map_lookup_elem(&gb_sys_scratch, &zero);
	if (!ev)
		return 0;
	ev->nr = nr;
	ev->ret = (__s32)ret;
	for (int i = 0; i < 6; i++)
		ev->args[i] = arg(regs, i);
	ev->open_flags = oflags;
	ev->flags = denied ? GB_SYS_DENIED : 0;
	ev->path_len = ev->path2_len = ev->cwd_len = 0;
	if (sh.path >= 0)
		ev->path_len = read_path(ev->data, arg(regs, sh.path));
	if (sh.path2 >= 0)
		ev->path2_len = read_path(&ev->data[GB_SYS_PATH], arg(regs, sh.path2));
	size = offsetof(struct gb_sys_event, data) + GB_SYS_PATH * 2;
	/* Relative paths are resolved by userspace against the cwd. */
	if ((ev->path_len && ev->data[0] != '/') || (ev->path2_len && ev->data[GB_SYS_PATH] != '/')) {
		struct path cwd;
		__u32 off = 0, len = 0;
		bool trunc;
		char *pbuf;

		bpf_core_read(&cwd, sizeof(cwd), &t->fs->pwd);
		pbuf = gb_path_build(cwd.dentry, cwd.mnt, &off, &len, &trunc);
		if (pbuf) {
			len &= GB_PATH_MASK;
			bpf_probe_read_kernel(&ev->data[GB_SYS_PATH * 2], len, &pbuf[off & GB_PATH_MASK]);
			ev->cwd_len = len;
			ev->flags |= GB_SYS_CWD | (trunc ? GB_SYS_PATH_TRUNC : 0);
			size += len;
		}
	}
	gb_fill_hdr(&ev->hdr, GB_EV_SYS, size, sb, t);
	if (size > sizeof(*ev))
		return 0;
	if (bpf_ringbuf_output(rb, ev, size, gb_wakeup_flags(rb)))
		gb_count_lost(sb);
	return 0;
}
