// SPDX-License-Identifier: GPL-2.0 OR MIT
/* network.connect and network.bind: cgroup sock_addr programs attached once
 * to the cgroup above every sandbox, deciding by the sandbox's rules in the
 * gb_net_rules LPM trie (format in net.h). */
#include "sandbox.bpf.h"
#include <bpf/bpf_endian.h>
#include "net.h"

#define AF_INET 2
#define AF_INET6 10

/* Depth of sandbox cgroups below the cgroup2 root (<root>/glovebox/<name>). */
const volatile int sandbox_level = 2;

#include "netrules.bpf.h"

/* Returns 1 to allow, 0 to deny (the caller gets EPERM). */
static __always_inline int decide(struct bpf_sock_addr *ctx, __u8 op, bool v6)
{
	struct gb_net_key key = {};
	struct gb_net_value *v;
	struct gb_sandbox *sb;
	__u16 port, rule = GB_NET_NO_RULE;
	__u8 proto = ctx->protocol, verdict;
	__u64 id;

	id = bpf_get_current_ancestor_cgroup_id(sandbox_level);
	sb = bpf_map_lookup_elem(&gb_sandboxes, &id);
	if (!sb)
		return 1;
	if (!(sb->flags & (op == GB_NET_OP_BIND ? GB_SB_NET_BIND : GB_SB_NET_CONNECT)))
		return 1;

	key.prefixlen = GB_NET_KEY_BASE + 128;
	key.sandbox = id;
	key.op = op == GB_NET_OP_BIND ? GB_NET_OP_BIND : GB_NET_OP_CONNECT;
	if (v6) {
		__u32 a[4];

		a[0] = ctx->user_ip6[0];
		a[1] = ctx->user_ip6[1];
		a[2] = ctx->user_ip6[2];
		a[3] = ctx->user_ip6[3];
		__builtin_memcpy(key.addr, a, 16);
	} else {
		__u32 a4 = ctx->user_ip4;

		key.addr[10] = 0xff;
		key.addr[11] = 0xff;
		__builtin_memcpy(&key.addr[12], &a4, 4);
	}
	port = bpf_ntohs((__u16)ctx->user_port);

	verdict = GB_VERDICT_DENY;
	v = bpf_map_lookup_elem(&gb_net_rules, &key);
	if (v && gb_net_port_ok(v, port, proto, &rule))
		verdict = GB_VERDICT_ALLOW;
	if (verdict == GB_VERDICT_DENY && sb->mode == GB_SB_MODE_AUDIT)
		verdict = GB_VERDICT_AUDIT;
	/* Allowed datagrams are not reported one by one; everything else is. */
	if (!(op == GB_NET_OP_SENDMSG && verdict == GB_VERDICT_ALLOW))
		gb_net_emit(sb, op, verdict, v6 ? AF_INET6 : AF_INET, proto, port, rule, key.addr);
	return verdict == GB_VERDICT_DENY ? 0 : 1;
}

SEC("cgroup/connect4")
int cg_connect4(struct bpf_sock_addr *ctx)
{
	return decide(ctx, GB_NET_OP_CONNECT, false);
}

SEC("cgroup/connect6")
int cg_connect6(struct bpf_sock_addr *ctx)
{
	return decide(ctx, GB_NET_OP_CONNECT, true);
}

SEC("cgroup/sendmsg4")
int cg_sendmsg4(struct bpf_sock_addr *ctx)
{
	return decide(ctx, GB_NET_OP_SENDMSG, false);
}

SEC("cgroup/sendmsg6")
int cg_sendmsg6(struct bpf_sock_addr *ctx)
{
	return decide(ctx, GB_NET_OP_SENDMSG, true);
}

SEC("cgroup/bind4")
int cg_bind4(struct bpf_sock_addr *ctx)
{
	return decide(ctx, GB_NET_OP_BIND, false);
}

SEC("cgroup/bind6")
int cg_bind6(struct bpf_sock_addr *ctx)
{
	return decide(ctx, GB_NET_OP_BIND, true);
}

/* Sockets that could carry data past the connect/sendmsg checks (ICMP echo
 * "ping" sockets, SCTP, UDP-Lite, ...): where network.connect is declared,
 * an IP socket must be TCP or UDP. */
SEC("cgroup/sock_create")
int cg_sock_create(struct bpf_sock *ctx)
{
	static const __u8 zero[16];
	struct gb_sandbox *sb;
	__u64 id;
	__u8 verdict;

	if (ctx->family != AF_INET && ctx->family != AF_INET6)
		return 1;
	if (ctx->protocol == 6 /* TCP */ || ctx->protocol == 17 /* UDP */)
		return 1;
	id = bpf_get_current_ancestor_cgroup_id(sandbox_level);
	sb = bpf_map_lookup_elem(&gb_sandboxes, &id);
	if (!sb || !(sb->flags & GB_SB_NET_CONNECT))
		return 1;
	verdict = sb->mode == GB_SB_MODE_AUDIT ? GB_VERDICT_AUDIT : GB_VERDICT_DENY;
	gb_net_emit(sb, GB_NET_OP_SOCKET, verdict, ctx->family, ctx->protocol, 0, GB_NET_NO_RULE, zero);
	return verdict == GB_VERDICT_DENY ? 0 : 1;
}
