// SPDX-License-Identifier: MIT
/* Compiling network rules into LPM trie entries (userspace/net.c). */
#include <arpa/inet.h>
#include <linux/types.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "test.h"
#include "../bpf/net.h"
#include "net.h"

static struct gb_net_list rules(const char *const *spec, size_t n, struct gb_net_rule *v)
{
	char err[256];

	for (size_t i = 0; i < n; i++) {
		if (gb_parse_net_rule(spec[i], &v[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "bad rule %s: %s\n", spec[i], err);
			abort();
		}
		v[i].raw = (char *)spec[i];
	}
	return (struct gb_net_list){ .n = n, .v = v };
}

/* The entry for addr (text) with address prefix p (IPv4: 96 + p), or NULL. */
static const struct gb_net_entry *find(const struct gb_net_entry *e, size_t n, const char *addr, int p)
{
	uint8_t a[16] = { 0 };

	if (strchr(addr, ':')) {
		inet_pton(AF_INET6, addr, a);
	} else {
		a[10] = a[11] = 0xff;
		inet_pton(AF_INET, addr, a + 12);
	}
	for (size_t i = 0; i < n; i++)
		if (e[i].key.prefixlen == (__u32)(GB_NET_KEY_BASE + p) && !memcmp(e[i].key.addr, a, 16))
			return &e[i];
	return NULL;
}

static void test_ancestor_ports_are_pushed_down(void)
{
	static const char *const spec[] = { "0.0.0.0/0:53/udp", "10.1.0.0/16:443/tcp", "10.0.0.0/8:80" };
	struct gb_net_rule v[3];
	struct gb_net_list l = rules(spec, 3, v);
	struct gb_net_entry *e;
	const struct gb_net_entry *x;
	char err[256];
	size_t n;

	ASSERT_EQ(gb_net_compile(&l, GB_NET_OP_CONNECT, 42, &e, &n, err, sizeof(err)), 0);
	ASSERT_EQ(n, 3);
	x = find(e, n, "10.1.0.0", 96 + 16);
	ASSERT_TRUE(x != NULL);
	ASSERT_EQ(x->key.sandbox, 42);
	ASSERT_EQ(x->key.op, GB_NET_OP_CONNECT);
	/* All three apply, in policy order. */
	ASSERT_EQ(x->value.n, 3);
	ASSERT_EQ(x->value.ports[0].rule, 0);
	ASSERT_EQ(x->value.ports[0].lo, 53);
	ASSERT_EQ(x->value.ports[0].proto, 17);
	ASSERT_EQ(x->value.ports[1].rule, 1);
	ASSERT_EQ(x->value.ports[1].lo, 443);
	ASSERT_EQ(x->value.ports[2].rule, 2);
	x = find(e, n, "0.0.0.0", 96);
	ASSERT_TRUE(x != NULL);
	ASSERT_EQ(x->value.n, 1);
	free(e);
}

static void test_ipv6_rules_do_not_reach_ipv4(void)
{
	static const char *const spec[] = { "[::]/0:443/tcp", "[::ffff:1.2.3.4]:22" };
	struct gb_net_rule v[2];
	struct gb_net_list l = rules(spec, 2, v);
	struct gb_net_entry *e;
	const struct gb_net_entry *x;
	char err[256];
	size_t n;

	ASSERT_EQ(gb_net_compile(&l, GB_NET_OP_CONNECT, 7, &e, &n, err, sizeof(err)), 0);
	/* ::/0, the IPv4-mapped rule, and a stop at ::ffff:0:0/96. */
	ASSERT_EQ(n, 3);
	x = find(e, n, "0.0.0.0", 96);
	ASSERT_TRUE(x != NULL);
	ASSERT_EQ(x->value.n, 0);
	x = find(e, n, "1.2.3.4", 128);
	ASSERT_TRUE(x != NULL);
	ASSERT_EQ(x->value.n, 1);
	ASSERT_EQ(x->value.ports[0].lo, 22);
	x = find(e, n, "::", 0);
	ASSERT_TRUE(x != NULL);
	ASSERT_EQ(x->value.n, 1);
	free(e);
}

static void test_duplicate_cidrs_share_one_entry(void)
{
	static const char *const spec[] = { "127.0.0.1:80", "127.0.0.1:8080", "127.0.0.1:80" };
	struct gb_net_rule v[3];
	struct gb_net_list l = rules(spec, 3, v);
	struct gb_net_entry *e;
	char err[256];
	size_t n;

	ASSERT_EQ(gb_net_compile(&l, GB_NET_OP_BIND, 1, &e, &n, err, sizeof(err)), 0);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(e[0].value.n, 3);
	ASSERT_EQ(e[0].key.op, GB_NET_OP_BIND);
	free(e);
}

static void test_too_many_port_ranges(void)
{
	const char *spec[GB_NET_MAX_PORTS + 1];
	char text[GB_NET_MAX_PORTS + 1][32];
	struct gb_net_rule v[GB_NET_MAX_PORTS + 1];
	struct gb_net_list l;
	struct gb_net_entry *e;
	char err[256];
	size_t n;

	for (int i = 0; i <= GB_NET_MAX_PORTS; i++) {
		snprintf(text[i], sizeof(text[i]), "10.0.0.0/8:%d", 1000 + i);
		spec[i] = text[i];
	}
	l = rules(spec, GB_NET_MAX_PORTS + 1, v);
	ASSERT_EQ(gb_net_compile(&l, GB_NET_OP_CONNECT, 1, &e, &n, err, sizeof(err)), -E2BIG);
	ASSERT_CONTAINS(err, "more than 16 port ranges apply to one address range");
	ASSERT_TRUE(e == NULL);
}

static void test_many_rules_compile(void)
{
	enum { N = 10000 };
	static char text[N][32];
	static const char *spec[N];
	static struct gb_net_rule v[N];
	struct gb_net_list l;
	struct gb_net_entry *e;
	char err[256];
	size_t n;

	for (int i = 0; i < N; i++) {
		snprintf(text[i], sizeof(text[i]), "10.%d.%d.%d:443/tcp", i / 65536, (i / 256) % 256, i % 256);
		spec[i] = text[i];
	}
	l = rules(spec, N, v);
	ASSERT_EQ(gb_net_compile(&l, GB_NET_OP_CONNECT, 1, &e, &n, err, sizeof(err)), 0);
	ASSERT_EQ(n, N);
	free(e);
}

static const struct gb_test tests[] = {
	TEST(test_ancestor_ports_are_pushed_down),
	TEST(test_ipv6_rules_do_not_reach_ipv4),
	TEST(test_duplicate_cidrs_share_one_entry),
	TEST(test_too_many_port_ranges),
	TEST(test_many_rules_compile),
	{ 0 },
};

int main(int argc, char **argv)
{
	return gb_test_main(tests, argc, argv);
}
