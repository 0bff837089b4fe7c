/* SPDX-License-Identifier: MIT */
/* BPF side of the sandbox state (see sandbox.h for the map format): the
 * shared maps, "which sandbox is this task in", and event delivery with
 * loss accounting. Included by every *.bpf.c. */
#ifndef GLOVEBOX_SANDBOX_BPF_H
#define GLOVEBOX_SANDBOX_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "sandbox.h"
#include "audit.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GB_MAX_SANDBOXES);
	__type(key, __u64);
	__type(value, struct gb_sandbox);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} gb_sandboxes SEC(".maps");

struct gb_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, GB_RING_SIZE);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, GB_MAX_SANDBOXES);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct gb_ring);
} gb_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct gb_task);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} gb_tasks SEC(".maps");

/* Allowed read-only opens per sandbox: counted, streamed only on request. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, GB_MAX_SANDBOXES);
	__type(key, __u64);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} gb_sys_reads SEC(".maps");

static __always_inline void gb_count_read(struct gb_sandbox *sb)
{
	__u64 one = 1, *n = bpf_map_lookup_elem(&gb_sys_reads, &sb->id);

	if (n)
		*n += 1;
	else
		bpf_map_update_elem(&gb_sys_reads, &sb->id, &one, BPF_ANY);
}

static __always_inline __u64 gb_task_cgroup_id(struct task_struct *t)
{
	return BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
}

/* The sandbox task t belongs to, or NULL. Adopts a task found inside a
 * sandbox's cgroup that has no task storage yet. */
static __always_inline struct gb_sandbox *gb_sandbox_of(struct task_struct *t)
{
	struct gb_task *st;
	struct gb_sandbox *sb;
	__u64 id;

	st = bpf_task_storage_get(&gb_tasks, t, 0, 0);
	if (st)
		return bpf_map_lookup_elem(&gb_sandboxes, &st->sandbox);

	id = gb_task_cgroup_id(t);
	sb = bpf_map_lookup_elem(&gb_sandboxes, &id);
	if (!sb)
		return NULL;
	st = bpf_task_storage_get(&gb_tasks, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (st)
		st->sandbox = id;
	return sb;
}

static __always_inline void gb_count_lost(struct gb_sandbox *sb)
{
	__sync_fetch_and_add(&sb->lost, 1);
}

/* Submit without waking the consumer (it polls on a short timeout) unless
 * the buffer is half full: waking on every event caps throughput. Past
 * half full, one submit in 64 wakes it: enough to bring it, few enough not
 * to turn every event into an interrupt. */
static __always_inline __u64 gb_wakeup_flags(void *rb)
{
	if (bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) > GB_RING_SIZE / 2 &&
	    (bpf_get_prandom_u32() & 63) == 0)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void *gb_ring_of(struct gb_sandbox *sb)
{
	void *rb = bpf_map_lookup_elem(&gb_rings, &sb->ring);

	if (!rb)
		gb_count_lost(sb);
	return rb;
}

/* Reserve a record of `size` (a constant) in the sandbox's ring; a full ring
 * is counted as lost. *rb is set for the submit's wake-up decision. */
static __always_inline void *gb_reserve(struct gb_sandbox *sb, void **rb, __u32 size)
{
	void *rec;

	*rb = gb_ring_of(sb);
	if (!*rb)
		return NULL;
	rec = bpf_ringbuf_reserve(*rb, size, 0);
	if (!rec)
		gb_count_lost(sb);
	return rec;
}

static __always_inline void gb_fill_hdr(struct gb_event_hdr *h, __u32 type, __u32 size,
					struct gb_sandbox *sb, struct task_struct *t)
{
	h->type = type;
	h->size = size;
	h->ts_ns = bpf_ktime_get_ns();
	h->sandbox = sb->id;
	h->pid = BPF_CORE_READ(t, tgid);
	h->tid = BPF_CORE_READ(t, pid);
	h->ppid = BPF_CORE_READ(t, real_parent, tgid);
	h->uid = BPF_CORE_READ(t, cred, uid.val);
	BPF_CORE_READ_STR_INTO(&h->comm, t, comm);
}

/* Past the deadline: the timebox is normally enforced by userspace with
 * cgroup.kill; this is the backstop for when glovebox and its watchdog are
 * both gone. Called from the fork/exec tracepoints, every lsm hook and the
 * sys_exit program: a sandboxed task that does anything is killed. */
static __always_inline void gb_check_deadline(struct gb_sandbox *sb)
{
	if (sb->deadline_ns && bpf_ktime_get_ns() > sb->deadline_ns)
		bpf_send_signal(9 /* SIGKILL */);
}

#endif
