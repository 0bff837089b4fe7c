// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The audit stream's process events: exec, fork, exit of sandboxed tasks,
 * from the sched_process_* tracepoints (cheap: they do not slow down syscalls of tasks
 * outside sandboxes). Also tracks sandbox membership across fork. */
#include "sandbox.bpf.h"
#include "path.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gb_exec_event);
} gb_exec_scratch SEC(".maps");

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct gb_sandbox *sb;
	struct gb_fork_event *ev;
	struct gb_task *st;
	void *rb;

	sb = gb_sandbox_of(parent);
	if (!sb) {
		/* The sandbox's first task: created straight into the cgroup. */
		__u64 id = gb_task_cgroup_id(child);

		sb = bpf_map_lookup_elem(&gb_sandboxes, &id);
		if (!sb)
			return 0;
	}
	st = bpf_task_storage_get(&gb_tasks, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (st)
		st->sandbox = sb->id;

	gb_check_deadline(sb);
	/* Threads inherit the sandbox but are not reported as forks. */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	ev = gb_reserve(sb, &rb, sizeof(*ev));
	if (!ev)
		return 0;
	gb_fill_hdr(&ev->hdr, GB_EV_FORK, sizeof(*ev), sb, parent);
	ev->child_pid = BPF_CORE_READ(child, tgid);
	ev->pad = 0;
	bpf_ringbuf_submit(ev, gb_wakeup_flags(rb));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct gb_exec_event *ev;
	char *pbuf;
	struct gb_sandbox *sb;
	struct file *file;
	struct path cwd;
	struct mm_struct *mm;
	unsigned long arg_start, arg_end, alen;
	__u32 zero = 0, off = 0, len = 0, pos;
	bool trunc;
	void *rb;

	sb = gb_sandbox_of(p);
	if (!sb)
		return 0;
	gb_check_deadline(sb);
	rb = gb_ring_of(sb);
	if (!rb)
		return 0;
	ev = bpf_map_lookup_elem(&gb_exec_scratch, &zero);
	if (!ev) {
		gb_count_lost(sb);
		return 0;
	}
	ev->flags = 0;

	file = BPF_CORE_READ(bprm, file);
	pbuf = gb_path_build(BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt),
			     &off, &len, &trunc);
	if (!pbuf) {
		gb_count_lost(sb);
		return 0;
	}
	if (trunc)
		ev->flags |= GB_EXEC_PATH_TRUNCATED;
	len &= GB_PATH_MASK;
	bpf_probe_read_kernel(ev->data, len, &pbuf[off & GB_PATH_MASK]);
	ev->path_len = len;
	pos = len;

	bpf_core_read(&cwd, sizeof(cwd), &p->fs->pwd);
	pbuf = gb_path_build(cwd.dentry, cwd.mnt, &off, &len, &trunc);
	if (!pbuf) {
		gb_count_lost(sb);
		return 0;
	}
	if (trunc)
		ev->flags |= GB_EXEC_CWD_TRUNCATED;
	len &= GB_PATH_MASK;
	bpf_probe_read_kernel(&ev->data[pos & GB_PATH_MASK], len, &pbuf[off & GB_PATH_MASK]);
	ev->cwd_len = len;
	pos += len;

	mm = BPF_CORE_READ(p, mm);
	arg_start = BPF_CORE_READ(mm, arg_start);
	arg_end = BPF_CORE_READ(mm, arg_end);
	alen = arg_end - arg_start;
	if (alen > GB_ARGS_LEN) {
		alen = GB_ARGS_LEN;
		ev->flags |= GB_EXEC_ARGS_TRUNCATED;
	}
	alen &= (GB_ARGS_LEN - 1) | GB_ARGS_LEN;
	if (alen > GB_ARGS_LEN)
		alen = GB_ARGS_LEN;
	pos &= (GB_PATH_LEN * 2 - 1);
	if (bpf_probe_read_user(&ev->data[pos], alen, (void *)arg_start))
		alen = 0;
	ev->args_len = alen;

	len = offsetof(struct gb_exec_event, data) + pos + alen;
	gb_fill_hdr(&ev->hdr, GB_EV_EXEC, len, sb, p);
	if (len > sizeof(*ev)) {
		gb_count_lost(sb);
		return 0;
	}
	if (bpf_ringbuf_output(rb, ev, len, gb_wakeup_flags(rb)))
		gb_count_lost(sb);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_sched_process_exit, struct task_struct *p)
{
	struct gb_exit_event *ev;
	struct gb_sandbox *sb;
	struct signal_struct *sig;
	void *rb;

	sb = gb_sandbox_of(p);
	if (!sb)
		return 0;
	sig = BPF_CORE_READ(p, signal);
	/* Report the process once, when its last thread exits. */
	if (BPF_CORE_READ(sig, live.counter) != 0)
		return 0;
	ev = gb_reserve(sb, &rb, sizeof(*ev));
	if (!ev)
		return 0;
	gb_fill_hdr(&ev->hdr, GB_EV_EXIT, sizeof(*ev), sb, p);
	if (BPF_CORE_READ(sig, flags) & 0x00000004 /* SIGNAL_GROUP_EXIT */)
		ev->exit_code = BPF_CORE_READ(sig, group_exit_code);
	else
		ev->exit_code = BPF_CORE_READ(p, exit_code);
	ev->pad = 0;
	bpf_ringbuf_submit(ev, gb_wakeup_flags(rb));
	return 0;
}
