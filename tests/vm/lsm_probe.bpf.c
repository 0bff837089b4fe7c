// SPDX-License-Identifier: GPL-2.0
/*
 * lsm_probe.bpf.c - prove that BPF LSM programs load, attach and enforce in
 * the test VM, and probe a few other program/helper kinds glovebox may use.
 *
 * Core check (probe_file_open): deny open(2) of any file whose inode number
 * is in deny_inodes, for the probe process only, and report the denial with
 * its d_path through a ring buffer.  Every other program is loaded on its own
 * by lsm_probe.c so that one unsupported feature cannot mask another.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define EPERM 1
#define AF_INET 2
#define PATH_LEN 256

char LICENSE[] SEC("license") = "GPL";

/* Set by userspace before load. */
const volatile __u32 target_tgid = 0;
const volatile __u16 deny_port_cgroup = 0;	/* network byte order */
const volatile __u16 deny_port_lsm = 0;		/* network byte order */

/* Counters read back through the skeleton's bss. */
__u64 file_open_calls = 0;
__u64 file_open_denied = 0;
__u64 task_storage_max = 0;
__u64 exec_calls = 0;
__u64 exec_storage_max = 0;
__u64 connect4_calls = 0;
__u64 socket_connect_calls = 0;
__u64 sleepable_calls = 0;
__u64 sleepable_path_ok = 0;
__u64 bprm_calls = 0;

struct deny_event {
	__u32 tgid;
	__s32 path_len;
	__u64 ino;
	char path[PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);	/* inode number */
	__type(value, __u8);
} deny_inodes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} task_counts SEC(".maps");

static __always_inline bool is_target(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("lsm/file_open")
int BPF_PROG(probe_file_open, struct file *file, int ret)
{
	struct deny_event *ev;
	__u64 ino;

	if (ret != 0)
		return ret;
	if (!is_target())
		return 0;
	__sync_fetch_and_add(&file_open_calls, 1);

	ino = BPF_CORE_READ(file, f_inode, i_ino);
	if (!bpf_map_lookup_elem(&deny_inodes, &ino))
		return 0;

	__sync_fetch_and_add(&file_open_denied, 1);
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (ev) {
		ev->tgid = target_tgid;
		ev->ino = ino;
		ev->path_len = bpf_d_path((struct path *)&file->f_path, ev->path, sizeof(ev->path));
		bpf_ringbuf_submit(ev, 0);
	}
	return -EPERM;
}

/* Per-task storage from an LSM hook: count file opens per task. */
SEC("lsm/file_open")
int BPF_PROG(probe_task_storage, struct file *file, int ret)
{
	__u64 *cnt;

	if (ret != 0 || !is_target())
		return ret;
	cnt = bpf_task_storage_get(&task_counts, bpf_get_current_task_btf(), 0,
				   BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!cnt)
		return 0;
	*cnt += 1;
	if (*cnt > task_storage_max)
		task_storage_max = *cnt;
	return 0;
}

/* BTF-enabled raw tracepoint. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(probe_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (BPF_CORE_READ(p, real_parent, tgid) == target_tgid)
		__sync_fetch_and_add(&exec_calls, 1);
	return 0;
}

/* Task storage from a tp_btf program (tag a task at exec). */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(probe_exec_storage, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 *cnt;

	if (BPF_CORE_READ(p, real_parent, tgid) != target_tgid)
		return 0;
	cnt = bpf_task_storage_get(&task_counts, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!cnt)
		return 0;
	*cnt += 1;
	if (*cnt > exec_storage_max)
		exec_storage_max = *cnt;
	return 0;
}

/* cgroup sock_addr hook: deny connect() to one port. */
SEC("cgroup/connect4")
int probe_connect4(struct bpf_sock_addr *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 1;
	__sync_fetch_and_add(&connect4_calls, 1);
	if (ctx->user_port == deny_port_cgroup)
		return 0;	/* connect() fails with EPERM */
	return 1;
}

/* LSM network hook: deny connect() to another port. */
SEC("lsm/socket_connect")
int BPF_PROG(probe_socket_connect, struct socket *sock, struct sockaddr *address,
	     int addrlen, int ret)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)address;
	__u16 port;

	if (ret != 0 || !is_target())
		return ret;
	__sync_fetch_and_add(&socket_connect_calls, 1);
	if (BPF_CORE_READ(address, sa_family) != AF_INET)
		return 0;
	port = BPF_CORE_READ(sin, sin_port);
	if (port == deny_port_lsm)
		return -EPERM;
	return 0;
}

/* Sleepable LSM program using bpf_d_path. */
SEC("lsm.s/file_open")
int BPF_PROG(probe_sleepable, struct file *file, int ret)
{
	char buf[64];
	long n;

	if (ret != 0 || !is_target())
		return ret;
	__sync_fetch_and_add(&sleepable_calls, 1);
	n = bpf_d_path((struct path *)&file->f_path, buf, sizeof(buf));
	if (n > 1 && buf[0] == '/')
		sleepable_path_ok = 1;
	return 0;
}

/* Exec-time LSM hook. */
SEC("lsm/bprm_check_security")
int BPF_PROG(probe_bprm, struct linux_binprm *bprm, int ret)
{
	struct task_struct *task;

	if (ret != 0)
		return ret;
	task = bpf_get_current_task_btf();
	if (BPF_CORE_READ(task, real_parent, tgid) == target_tgid)
		__sync_fetch_and_add(&bprm_calls, 1);
	return 0;
}
