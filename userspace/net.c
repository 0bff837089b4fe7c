// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include "net.h"
#include "../bpf/sandbox.h"
#include "../bpf/net.h"

struct gb_net_entry {
	struct gb_net_key key;
	struct gb_net_value value;
};

/* A rule's CIDR in the IPv6 space (IPv4 mapped), with its prefix there. */
struct cidr {
	uint8_t addr[16];
	int prefix;
};

static const uint8_t v4_space[16] = { [10] = 0xff, [11] = 0xff };

static struct cidr rule_cidr(const struct gb_net_rule *r)
{
	struct cidr c = { .prefix = r->prefix };

	if (r->family == AF_INET) {
		memcpy(c.addr, v4_space, 12);
		memcpy(c.addr + 12, r->addr, 4);
		c.prefix += 96;
	} else {
		memcpy(c.addr, r->addr, 16);
	}
	return c;
}

static bool contains(const struct cidr *outer, const struct cidr *inner)
{
	int full = outer->prefix / 8, bits = outer->prefix % 8;

	if (outer->prefix > inner->prefix)
		return false;
	if (memcmp(outer->addr, inner->addr, full) != 0)
		return false;
	if (bits) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits));

		if ((outer->addr[full] & mask) != (inner->addr[full] & mask))
			return false;
	}
	return true;
}

static bool in_v4_space(const struct cidr *c)
{
	static const struct cidr space = { .addr = { [10] = 0xff, [11] = 0xff }, .prefix = 96 };

	return contains(&space, c);
}

/* Whether rule cidr r applies to addresses under c. IPv4 addresses are only
 * matched by IPv4 rules: an IPv6 rule like ::/0 does not reach into the
 * IPv4-mapped space. */
static bool applies(const struct cidr *r, const struct cidr *c)
{
	if (in_v4_space(c) && !in_v4_space(r))
		return false;
	return contains(r, c);
}

int gb_net_compile(const struct gb_net_list *list, int op, uint64_t sandbox,
		   struct gb_net_entry **out, size_t *n, char *err, size_t errlen)
{
	struct gb_net_entry *e;
	struct cidr *cs;
	size_t nc = 0;
	bool v6_wide = false;

	*out = NULL;
	*n = 0;
	/* Candidate keys: each rule's CIDR, once, and the IPv4 space itself if
	 * an IPv6 rule covers it (so IPv4 lookups stop there). */
	cs = calloc(list->n + 1, sizeof(*cs));
	if (!cs)
		return -ENOMEM;
	for (size_t i = 0; i < list->n; i++) {
		struct cidr c = rule_cidr(&list->v[i]);
		bool dup = false;

		if (!in_v4_space(&c) && c.prefix < 96) {
			struct cidr sp = { .addr = { [10] = 0xff, [11] = 0xff }, .prefix = 96 };

			if (contains(&c, &sp))
				v6_wide = true;
		}
		for (size_t j = 0; j < nc; j++)
			if (cs[j].prefix == c.prefix && !memcmp(cs[j].addr, c.addr, 16))
				dup = true;
		if (!dup)
			cs[nc++] = c;
	}
	if (v6_wide) {
		struct cidr sp = { .addr = { [10] = 0xff, [11] = 0xff }, .prefix = 96 };
		bool dup = false;

		for (size_t j = 0; j < nc; j++)
			if (cs[j].prefix == 96 && !memcmp(cs[j].addr, sp.addr, 16))
				dup = true;
		if (!dup)
			cs[nc++] = sp;
	}
	e = calloc(nc ? nc : 1, sizeof(*e));
	if (!e) {
		free(cs);
		return -ENOMEM;
	}
	for (size_t j = 0; j < nc; j++) {
		struct gb_net_value *v = &e[j].value;

		e[j].key.prefixlen = GB_NET_KEY_BASE + cs[j].prefix;
		e[j].key.sandbox = sandbox;
		e[j].key.op = (uint8_t)op;
		memcpy(e[j].key.addr, cs[j].addr, 16);
		for (size_t i = 0; i < list->n; i++) {
			const struct gb_net_rule *r = &list->v[i];
			struct cidr rc = rule_cidr(r);

			if (!applies(&rc, &cs[j]))
				continue;
			if (v->n >= GB_NET_MAX_PORTS) {
				snprintf(err, errlen, "%s[%zu] '%s': more than %d port ranges apply to one address range",
					 op == GB_NET_OP_BIND ? "network.bind" : "network.connect", i, r->raw ? r->raw : "",
					 GB_NET_MAX_PORTS);
				free(cs);
				free(e);
				return -E2BIG;
			}
			v->ports[v->n].lo = r->port_lo;
			v->ports[v->n].hi = r->port_hi;
			v->ports[v->n].proto = r->proto;
			v->ports[v->n].rule = (uint16_t)i;
			v->n++;
		}
	}
	free(cs);
	*out = e;
	*n = nc;
	return 0;
}

uint32_t gb_net_sandbox_flags(const struct gb_policy *p)
{
	return (p->net_connect_declared ? GB_SB_NET_CONNECT : 0) |
	       (p->net_bind_declared ? GB_SB_NET_BIND : 0);
}

static int each_op(const struct gb_policy *p, uint64_t sandbox, int map_fd, bool add,
		   char *err, size_t errlen)
{
	const struct gb_net_list *lists[2] = { &p->net_connect, &p->net_bind };
	const int ops[2] = { GB_NET_OP_CONNECT, GB_NET_OP_BIND };
	int ret = 0;

	for (int k = 0; k < 2; k++) {
		struct gb_net_entry *e;
		size_t n;

		ret = gb_net_compile(lists[k], ops[k], sandbox, &e, &n, err, errlen);
		if (ret < 0)
			return ret;
		for (size_t i = 0; i < n; i++) {
			if (!add) {
				bpf_map_delete_elem(map_fd, &e[i].key);
				continue;
			}
			if (bpf_map_update_elem(map_fd, &e[i].key, &e[i].value, BPF_NOEXIST) < 0) {
				ret = -errno;
				snprintf(err, errlen, "cannot add network rules to the BPF map: %s",
					 strerror(-ret));
				free(e);
				return ret;
			}
		}
		free(e);
	}
	return 0;
}

int gb_net_rules_add(int map_fd, uint64_t sandbox, const struct gb_policy *p,
		     char *err, size_t errlen)
{
	int ret = each_op(p, sandbox, map_fd, true, err, errlen);

	if (ret < 0)
		gb_net_rules_del(map_fd, sandbox, p);
	return ret;
}

int gb_net_rules_del(int map_fd, uint64_t sandbox, const struct gb_policy *p)
{
	char err[256];

	return each_op(p, sandbox, map_fd, false, err, sizeof(err));
}
