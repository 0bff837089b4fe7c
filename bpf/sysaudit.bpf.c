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


enum kind { K_NONE, K_OPEN, K_WRITE, K_EXEC, K_PROC };

/* Which argument holds the path (-1: none), the second path, the flags. */
struct shape {
	__s8 kind, path, path2, flags;
};

static __always_inline struct shape shape_of(__u32 nr)
{
	switch (nr) {
	case 2: /* open */          return (struct shape){ K_OPEN, 0, -1, 1 };
	case 257: /* openat */      return (struct shape){ K_OPEN, 1, -1, 2 };
	case 437: /* openat2 */     return (struct shape){ K_OPEN, 1, -1, -2 };
	case 85: /* creat */        return (struct shape){ K_WRITE, 0, -1, -1 };
	case 59: /* execve */       return (struct shape){ K_EXEC, 0, -1, -1 };
	case 322: /* execveat */    return (struct shape){ K_EXEC, 1, -1, -1 };
	case 87: /* unlink */
	case 84: /* rmdir */
	case 83: /* mkdir */
	case 76: /* truncate */
	case 90: /* chmod */
	case 133: /* mknod */       return (struct shape){ K_WRITE, 0, -1, -1 };
	case 263: /* unlinkat */
	case 258: /* mkdirat */
	case 268: /* fchmodat */
	case 452: /* fchmodat2 */
	case 259: /* mknodat */     return (struct shape){ K_WRITE, 1, -1, -1 };
	case 82: /* rename */
	case 86: /* link */
	case 88: /* symlink */      return (struct shape){ K_WRITE, 0, 1, -1 };
	case 264: /* renameat */
	case 316: /* renameat2 */
	case 265: /* linkat */      return (struct shape){ K_WRITE, 1, 3, -1 };
	case 266: /* symlinkat */   return (struct shape){ K_WRITE, 0, 2, -1 };
	case 165: /* mount */       return (struct shape){ K_PROC, 1, -1, -1 };
	case 161: /* chroot */
	case 155: /* pivot_root */
	case 166: /* umount2 */     return (struct shape){ K_PROC, 0, -1, -1 };
	case 101: /* ptrace */
	case 321: /* bpf */
	case 272: /* unshare */
	case 308: /* setns */
	case 41: /* socket */
	case 175: /* init_module */
	case 313: /* finit_module */
	case 176: /* delete_module */
	case 246: /* kexec_load */
	case 320: /* kexec_file_load */
	case 298: /* perf_event_open */
	case 310: /* process_vm_readv */
	case 311: /* process_vm_writev */
	case 62: /* kill */
	case 200: /* tkill */
	case 234: /* tgkill */
	case 428: /* open_tree */
	case 429: /* move_mount */
	case 430: /* fsopen */
	case 432: /* fsmount */
	case 56: /* clone */
	case 304: /* open_by_handle_at */
	case 425: /* io_uring_setup */
	case 426: /* io_uring_enter */
	case 427: /* io_uring_register */
	case 248: /* add_key */
	case 249: /* request_key */
	case 250: /* keyctl */
	case 16: /* ioctl (TIOCSTI, TIOCLINUX) */
	case 438: /* pidfd_getfd */
	case 440: /* process_madvise */
		return (struct shape){ K_PROC, -1, -1, -1 };
	}
	return (struct shape){ K_NONE, -1, -1, -1 };
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
	if (sh.kind == K_NONE)
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
	else if (ret >= 0 && sh.kind == K_WRITE)
		emit = true;
	else if (ret >= 0 && sh.kind == K_OPEN) {
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
