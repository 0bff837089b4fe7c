/* SPDX-License-Identifier: MIT */
/* Network rules in the kernel: network.connect and network.bind, for every
 * sandbox, in one LPM trie.
 *
 * Key: (sandbox id, op, address) with prefixlen counting the bits of all
 * three that must match: 64 (sandbox) + 8 (op) + the address prefix.
 * Addresses are IPv6; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d), so an
 * IPv4 rule "a.b.c.d/p" has address prefix 96 + p and a connect to
 * ::ffff:a.b.c.d over IPv6 matches it like the IPv4 address it is.
 *
 * Value: every port range that applies to addresses under the key, from the
 * key's own rules and from every rule whose CIDR contains it (userspace
 * pushes ancestors' ranges down), so the longest match alone decides.
 *
 * Example: sandbox 4242 with connect ["10.0.0.0/8:443/tcp", "10.1.0.0/16:53/udp"]:
 *   { 72+96+8,  4242, CONNECT, ::ffff:10.0.0.0 } -> { n=1, [443-443 tcp rule 0] }
 *   { 72+96+16, 4242, CONNECT, ::ffff:10.1.0.0 } -> { n=2, [53-53 udp rule 1], [443-443 tcp rule 0] }
 */
#ifndef GLOVEBOX_NET_H
#define GLOVEBOX_NET_H

#define GB_NET_MAX_RULES 65536  /* LPM entries, all sandboxes together */
#define GB_NET_MAX_PORTS 16     /* port ranges that can apply to one CIDR */
#define GB_NET_KEY_BASE 72      /* prefixlen bits for sandbox + op */
#define GB_NET_NO_RULE 0xffff

enum gb_net_op {
	GB_NET_OP_CONNECT = 1,
	GB_NET_OP_BIND = 2,
	GB_NET_OP_SENDMSG = 3, /* unconnected UDP; checked against connect rules */
	GB_NET_OP_SOCKET = 4,  /* an IP socket other than TCP/UDP (ICMP, SCTP...) */
};

struct gb_net_key {
	__u32 prefixlen;
	__u64 sandbox;
	__u8 op; /* GB_NET_OP_CONNECT or GB_NET_OP_BIND */
	__u8 addr[16];
} __attribute__((packed));

struct gb_net_ports {
	__u16 lo;    /* host byte order */
	__u16 hi;
	__u8 proto;  /* 0 = tcp and udp, 6 = tcp, 17 = udp */
	__u8 pad;
	__u16 rule;  /* index in network.connect / network.bind */
};

struct gb_net_value {
	__u32 n;
	struct gb_net_ports ports[GB_NET_MAX_PORTS];
};

#endif
