/* SPDX-License-Identifier: MIT */
/* The network rules map (format in net.h), shared by name between the
 * cgroup programs (net.bpf.c) and the lsm programs (lsm.bpf.c). */
#ifndef GLOVEBOX_NETRULES_BPF_H
#define GLOVEBOX_NETRULES_BPF_H

#include "sandbox.bpf.h"
#include "net.h"

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, GB_NET_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct gb_net_key);
	__type(value, struct gb_net_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} gb_net_rules SEC(".maps");

/* The rule in v that allows port and protocol (port 0: a bind letting the
 * kernel pick the port). */
static __always_inline bool gb_net_port_ok(struct gb_net_value *v, __u16 port, __u8 proto, __u16 *rule)
{
	for (int i = 0; i < GB_NET_MAX_PORTS; i++) {
		struct gb_net_ports *p = &v->ports[i];

		if (i >= v->n)
			break;
		if (p->proto && p->proto != proto)
			continue;
		/* Any free port: only a rule without a port range allows that. */
		if (port == 0 && (p->lo > 1 || p->hi < 65535))
			continue;
		if (port && (port < p->lo || port > p->hi))
			continue;
		*rule = p->rule;
		return true;
	}
	return false;
}

static __always_inline void gb_net_emit(struct gb_sandbox *sb, __u8 op, __u8 verdict, __u8 family,
				 __u8 proto, __u16 port, __u16 rule, const __u8 *addr)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct gb_net_event *ev;
	void *rb;

	ev = gb_reserve(sb, &rb, sizeof(*ev));
	if (!ev)
		return;
	gb_fill_hdr(&ev->hdr, GB_EV_NET, sizeof(*ev), sb, t);
	ev->op = op;
	ev->verdict = verdict;
	ev->family = family;
	ev->proto = proto;
	ev->port = port;
	ev->rule = rule;
	__builtin_memcpy(ev->addr, addr, 16);
	bpf_ringbuf_submit(ev, gb_wakeup_flags(rb));
}

#endif
