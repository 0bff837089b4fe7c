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

#endif
