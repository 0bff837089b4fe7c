// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include "../bpf/sandbox.h"
#include "../bpf/net.h"
#include "net.h"


/* A rule's CIDR in the IPv6 space (IPv4 mapped), with its prefix there. */
struct cidr {
	uint8_t addr[16];
	int prefix;
};

/* ::ffff:0:0/96, where IPv4 addresses live. */
static const struct cidr v4_space = { .addr = { [10] = 0xff, [11] = 0xff }, .prefix = 96 };

static struct cidr rule_cidr(const struct gb_net_rule *r)
{
	struct cidr c = { .prefix = r->prefix };

	if (r->family == AF_INET) {
		memcpy(c.addr, v4_space.addr, 12);
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
	return contains(&v4_space, c);
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

/* A rule's CIDR and its index, sorted by (prefix, address) so that the
 * rules with one exact CIDR are found by binary search. */
struct rcidr {
	struct cidr c;
	size_t rule;
};

static int rcidr_cmp(const void *pa, const void *pb)
{
	const struct rcidr *a = pa, *b = pb;
	int d;

	if (a->c.prefix != b->c.prefix)
		return a->c.prefix - b->c.prefix;
	d = memcmp(a->c.addr, b->c.addr, 16);
	if (d)
		return d;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

static struct cidr masked(const struct cidr *c, int prefix)
{
	struct cidr m = { .prefix = prefix };
	int full = prefix / 8, bits = prefix % 8;

	memcpy(m.addr, c->addr, (size_t)full);
	if (bits)
		m.addr[full] = c->addr[full] & (uint8_t)(0xff << (8 - bits));
	return m;
}

/* First index in r[0..n) whose CIDR is >= key's (lower bound). */
static size_t lower_bound(const struct rcidr *r, size_t n, const struct cidr *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct rcidr k = { .c = *key, .rule = 0 };

		if (rcidr_cmp(&r[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int rule_idx_cmp(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	return a < b ? -1 : a > b;
}

/* Cost: O(n log n) to sort, then for each distinct CIDR one binary search
 * per shorter prefix (at most 129): no pairwise comparison of rules. */
int gb_net_compile(const struct gb_net_list *list, int op, uint64_t sandbox,
		   struct gb_net_entry **out, size_t *n, char *err, size_t errlen)
{
	struct gb_net_entry *e = NULL;
	struct rcidr *r;
	struct cidr *cs = NULL;
	size_t nc = 0, matches[GB_NET_MAX_PORTS + 1];
	bool v6_wide = false;
	int ret = 0;

	*out = NULL;
	*n = 0;
	r = calloc(list->n + 1, sizeof(*r));
	cs = calloc(list->n + 1, sizeof(*cs));
	if (!r || !cs) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (size_t i = 0; i < list->n; i++) {
		r[i].c = rule_cidr(&list->v[i]);
		r[i].rule = i;
		if (!in_v4_space(&r[i].c) && contains(&r[i].c, &v4_space))
			v6_wide = true;
	}
	qsort(r, list->n, sizeof(*r), rcidr_cmp);
	/* Candidate keys: each distinct CIDR, and the IPv4 space itself if an
	 * IPv6 rule covers it (so IPv4 lookups stop there). */
	for (size_t i = 0; i < list->n; i++)
		if (!nc || cs[nc - 1].prefix != r[i].c.prefix || memcmp(cs[nc - 1].addr, r[i].c.addr, 16))
			cs[nc++] = r[i].c;
	if (v6_wide) {
		size_t k = lower_bound(r, list->n, &v4_space);

		if (k == list->n || r[k].c.prefix != 96 || memcmp(r[k].c.addr, v4_space.addr, 16))
			cs[nc++] = v4_space;
	}
	e = calloc(nc ? nc : 1, sizeof(*e));
	if (!e) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (size_t j = 0; j < nc; j++) {
		struct gb_net_value *v = &e[j].value;
		size_t nm = 0;

		e[j].key.prefixlen = GB_NET_KEY_BASE + cs[j].prefix;
		e[j].key.sandbox = sandbox;
		e[j].key.op = (uint8_t)op;
		memcpy(e[j].key.addr, cs[j].addr, 16);
		for (int p = 0; p <= cs[j].prefix; p++) {
			struct cidr m = masked(&cs[j], p);

			for (size_t k = lower_bound(r, list->n, &m);
			     k < list->n && r[k].c.prefix == p && !memcmp(r[k].c.addr, m.addr, 16); k++) {
				if (!applies(&r[k].c, &cs[j]))
					continue;
				if (nm == GB_NET_MAX_PORTS) {
					const struct gb_net_rule *bad = &list->v[r[k].rule];

					snprintf(err, errlen, "%s[%zu] '%s': more than %d port ranges apply to one address range",
						 op == GB_NET_OP_BIND ? "network.bind" : "network.connect", r[k].rule,
						 bad->raw ? bad->raw : "", GB_NET_MAX_PORTS);
					ret = -E2BIG;
					goto out_free;
				}
				matches[nm++] = r[k].rule;
			}
		}
		/* Policy order decides which rule an event names. */
		qsort(matches, nm, sizeof(matches[0]), rule_idx_cmp);
		for (size_t m = 0; m < nm; m++) {
			const struct gb_net_rule *rr = &list->v[matches[m]];

			v->ports[m].lo = rr->port_lo;
			v->ports[m].hi = rr->port_hi;
			v->ports[m].proto = rr->proto;
			v->ports[m].rule = (uint16_t)matches[m];
		}
		v->n = (__u32)nm;
	}
	*out = e;
	*n = nc;
	e = NULL;
out_free:
	free(e);
	free(cs);
	free(r);
	return ret;
}

uint32_t gb_net_sandbox_flags(const struct gb_policy *p)
{
	return (p->net_connect_declared ? GB_SB_NET_CONNECT : 0) |
	       (p->net_bind_declared ? GB_SB_NET_BIND : 0);
}

/* What was added for one sandbox: removed exactly, without compiling the
 * policy again. */
struct gb_netrules {
	int map_fd;
	size_t n;
	struct gb_net_key *keys;
};

void gb_net_rules_del(struct gb_netrules *nr)
{
	if (!nr)
		return;
	for (size_t i = 0; i < nr->n; i++)
		bpf_map_delete_elem(nr->map_fd, &nr->keys[i]);
	free(nr->keys);
	free(nr);
}

int gb_net_rules_add(int map_fd, uint64_t sandbox, const struct gb_policy *p,
		     struct gb_netrules **out, char *err, size_t errlen)
{
	const struct gb_net_list *lists[2] = { &p->net_connect, &p->net_bind };
	const int ops[2] = { GB_NET_OP_CONNECT, GB_NET_OP_BIND };
	struct gb_netrules *nr;
	int ret = 0;

	*out = NULL;
	nr = calloc(1, sizeof(*nr));
	if (!nr)
		return -ENOMEM;
	nr->map_fd = map_fd;
	for (int k = 0; k < 2 && !ret; k++) {
		struct gb_net_key *keys;
		struct gb_net_entry *e;
		size_t n;

		ret = gb_net_compile(lists[k], ops[k], sandbox, &e, &n, err, errlen);
		if (ret < 0)
			break;
		keys = realloc(nr->keys, (nr->n + n + 1) * sizeof(*keys));
		if (!keys) {
			free(e);
			ret = -ENOMEM;
			break;
		}
		nr->keys = keys;
		for (size_t i = 0; i < n; i++) {
			if (bpf_map_update_elem(map_fd, &e[i].key, &e[i].value, BPF_NOEXIST) < 0) {
				ret = -errno;
				snprintf(err, errlen, "cannot add network rules to the BPF map: %s",
					 strerror(-ret));
				break;
			}
			nr->keys[nr->n++] = e[i].key;
		}
		free(e);
	}
	if (ret < 0) {
		gb_net_rules_del(nr);
		return ret;
	}
	*out = nr;
	return 0;
}
