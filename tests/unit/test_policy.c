// SPDX-License-Identifier: MIT
/* Unit tests for userspace/policy.c. Run from the repository root, or set
 * GB_TEST_DIR to the tests/ directory. */
#include <arpa/inet.h>
#include <glob.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "policy.h"
#include "test.h"

#define WS "/home/agent/work"

static const char *test_dir(void)
{
	const char *d = getenv("GB_TEST_DIR");

	return d && *d ? d : "tests";
}

/* The whole file, NUL-terminated, or NULL. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 8192;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static struct gb_policy *load(const char *text, char *err)
{
	struct gb_policy *p = NULL;

	if (gb_policy_load_string(text, "t.json", WS, &p, err, GB_ERR_LEN))
		return NULL;
	return p;
}

/* Load text that must fail; return the message. */
static const char *load_err(const char *text)
{
	static char err[GB_ERR_LEN];
	struct gb_policy *p = NULL;
	int ret;

	ret = gb_policy_load_string(text, "t.json", WS, &p, err, sizeof(err));
	if (ret != -EINVAL || p) {
		gb_policy_free(p);
		snprintf(err, sizeof(err), "(loaded, ret %d)", ret);
	}
	return err;
}

/* ---- durations ---------------------------------------------------------- */

static void test_duration_good(void)
{
	uint64_t ns = 0;

	ASSERT_EQ(gb_parse_duration("500ms", &ns), 0);
	ASSERT_EQ(ns, 500000000ULL);
	ASSERT_EQ(gb_parse_duration("1ms", &ns), 0);
	ASSERT_EQ(ns, 1000000ULL);
	ASSERT_EQ(gb_parse_duration("30s", &ns), 0);
	ASSERT_EQ(ns, 30000000000ULL);
	ASSERT_EQ(gb_parse_duration("10m", &ns), 0);
	ASSERT_EQ(ns, 600000000000ULL);
	ASSERT_EQ(gb_parse_duration("1h", &ns), 0);
	ASSERT_EQ(ns, 3600000000000ULL);
	ASSERT_EQ(gb_parse_duration("010s", &ns), 0);
	ASSERT_EQ(ns, 10000000000ULL);
	/* exactly 7 days, in every unit */
	ASSERT_EQ(gb_parse_duration("168h", &ns), 0);
	ASSERT_EQ(ns, 604800000000000ULL);
	ASSERT_EQ(gb_parse_duration("10080m", &ns), 0);
	ASSERT_EQ(ns, 604800000000000ULL);
	ASSERT_EQ(gb_parse_duration("604800s", &ns), 0);
	ASSERT_EQ(gb_parse_duration("604800000ms", &ns), 0);
	ASSERT_EQ(ns, 604800000000000ULL);
}

static void test_duration_bad(void)
{
	static const char *const inval[] = {
		"", "10", "10x", "-5s", " 5s", "5 s", "5s ", "1.5s", "+5s",
		"s", "ms", "5S", "5sec", "5d", "5us", "0x10s", "5ms5",
	};
	static const char *const range[] = {
		"0s", "0ms", "000h", "169h", "10081m", "604801s", "604800001ms",
		"99999999999999999999s", "18446744073709551616ms",
		"184467440737095516150h",
	};
	uint64_t ns = 12345;

	for (size_t i = 0; i < sizeof(inval) / sizeof(inval[0]); i++) {
		if (gb_parse_duration(inval[i], &ns) != -EINVAL) {
			GB_FAIL_("'%s' should be -EINVAL", inval[i]);
			return;
		}
	}
	for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
		if (gb_parse_duration(range[i], &ns) != -ERANGE) {
			GB_FAIL_("'%s' should be -ERANGE", range[i]);
			return;
		}
	}
	ASSERT_EQ(gb_parse_duration(NULL, &ns), -EINVAL);
	ASSERT_EQ(ns, 12345); /* untouched on error */
}

/* ---- network rules ------------------------------------------------------ */

static void test_net_ipv4(void)
{
	static const uint8_t net10[4] = { 10, 1, 0, 0 }, lo[4] = { 127, 0, 0, 1 };
	struct gb_net_rule r;
	char err[GB_ERR_LEN];

	ASSERT_EQ(gb_parse_net_rule("127.0.0.1", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.family, AF_INET);
	ASSERT_EQ(memcmp(r.addr, lo, 4), 0);
	ASSERT_EQ(r.prefix, 32);
	ASSERT_EQ(r.port_lo, 0);
	ASSERT_EQ(r.port_hi, 65535);
	ASSERT_EQ(r.proto, GB_PROTO_ANY);
	ASSERT_TRUE(r.raw == NULL);

	ASSERT_EQ(gb_parse_net_rule("10.1.0.0/16:443/tcp", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.family, AF_INET);
	ASSERT_EQ(memcmp(r.addr, net10, 4), 0);
	ASSERT_EQ(r.prefix, 16);
	ASSERT_EQ(r.port_lo, 443);
	ASSERT_EQ(r.port_hi, 443);
	ASSERT_EQ(r.proto, GB_PROTO_TCP);

	ASSERT_EQ(gb_parse_net_rule("127.0.0.1:8000-8999", &r, err, sizeof(err)), 0);
	ASSERT_EQ(memcmp(r.addr, lo, 4), 0);
	ASSERT_EQ(r.prefix, 32);
	ASSERT_EQ(r.port_lo, 8000);
	ASSERT_EQ(r.port_hi, 8999);
	ASSERT_EQ(r.proto, GB_PROTO_ANY);

	ASSERT_EQ(gb_parse_net_rule("0.0.0.0/0:53/udp", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.prefix, 0);
	ASSERT_EQ(r.port_lo, 53);
	ASSERT_EQ(r.port_hi, 53);
	ASSERT_EQ(r.proto, GB_PROTO_UDP);

	/* a protocol without a port; a prefix without a port */
	ASSERT_EQ(gb_parse_net_rule("192.168.0.0/24/tcp", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.prefix, 24);
	ASSERT_EQ(r.port_lo, 0);
	ASSERT_EQ(r.port_hi, 65535);
	ASSERT_EQ(r.proto, GB_PROTO_TCP);
	ASSERT_EQ(gb_parse_net_rule("127.0.0.0/8", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.prefix, 8);
	ASSERT_EQ(r.addr[0], 127);

	/* extremes */
	ASSERT_EQ(gb_parse_net_rule("1.2.3.4:1-65535/udp", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.port_lo, 1);
	ASSERT_EQ(r.port_hi, 65535);
	ASSERT_EQ(gb_parse_net_rule("1.2.3.4/32:7", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.prefix, 32);
	ASSERT_EQ(r.port_lo, 7);
}

static void test_net_ipv6(void)
{
	static const uint8_t loop6[16] = { [15] = 1 };
	static const uint8_t fd00[16] = { 0xfd };
	static const uint8_t db8[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t any[16];
	struct gb_net_rule r;
	char err[GB_ERR_LEN];

	ASSERT_EQ(gb_parse_net_rule("::1", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.family, AF_INET6);
	ASSERT_EQ(memcmp(r.addr, loop6, 16), 0);
	ASSERT_EQ(r.prefix, 128);
	ASSERT_EQ(r.port_lo, 0);
	ASSERT_EQ(r.port_hi, 65535);
	ASSERT_EQ(r.proto, GB_PROTO_ANY);

	ASSERT_EQ(gb_parse_net_rule("[::1]:8080", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.family, AF_INET6);
	ASSERT_EQ(memcmp(r.addr, loop6, 16), 0);
	ASSERT_EQ(r.prefix, 128);
	ASSERT_EQ(r.port_lo, 8080);
	ASSERT_EQ(r.port_hi, 8080);

	ASSERT_EQ(gb_parse_net_rule("[::1]", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.port_lo, 0);
	ASSERT_EQ(r.port_hi, 65535);

	ASSERT_EQ(gb_parse_net_rule("fd00::/8", &r, err, sizeof(err)), 0);
	ASSERT_EQ(memcmp(r.addr, fd00, 16), 0);
	ASSERT_EQ(r.prefix, 8);

	ASSERT_EQ(gb_parse_net_rule("[fd00::]/8:443/tcp", &r, err, sizeof(err)), 0);
	ASSERT_EQ(memcmp(r.addr, fd00, 16), 0);
	ASSERT_EQ(r.prefix, 8);
	ASSERT_EQ(r.port_lo, 443);
	ASSERT_EQ(r.port_hi, 443);
	ASSERT_EQ(r.proto, GB_PROTO_TCP);

	ASSERT_EQ(gb_parse_net_rule("[2001:db8::1]:53-54/udp", &r, err, sizeof(err)), 0);
	ASSERT_EQ(memcmp(r.addr, db8, 16), 0);
	ASSERT_EQ(r.prefix, 128);
	ASSERT_EQ(r.port_lo, 53);
	ASSERT_EQ(r.port_hi, 54);
	ASSERT_EQ(r.proto, GB_PROTO_UDP);

	ASSERT_EQ(gb_parse_net_rule("::/0", &r, err, sizeof(err)), 0);
	ASSERT_EQ(memcmp(r.addr, any, 16), 0);
	ASSERT_EQ(r.prefix, 0);
	ASSERT_EQ(gb_parse_net_rule("[::]/0:80/tcp", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.prefix, 0);
	ASSERT_EQ(r.port_lo, 80);
	ASSERT_EQ(r.proto, GB_PROTO_TCP);

	/* a protocol without a port; unambiguous last groups */
	ASSERT_EQ(gb_parse_net_rule("fd00::/8/udp", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.proto, GB_PROTO_UDP);
	ASSERT_EQ(gb_parse_net_rule("fd00::53", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.addr[15], 0x53);
	ASSERT_EQ(gb_parse_net_rule("2001:db8:0:0:0:0:0:1", &r, err, sizeof(err)), 0);
	ASSERT_EQ(memcmp(r.addr, db8, 16), 0);
	ASSERT_EQ(gb_parse_net_rule("[fd00::1:53]", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.addr[13], 1);
	ASSERT_EQ(r.addr[15], 0x53);
}

static void test_net_ipv4_mapped(void)
{
	static const uint8_t mapped[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4,
	};
	struct gb_net_rule r;
	char err[GB_ERR_LEN];

	ASSERT_EQ(gb_parse_net_rule("::ffff:1.2.3.4", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.family, AF_INET6);
	ASSERT_EQ(memcmp(r.addr, mapped, 16), 0);
	ASSERT_EQ(r.prefix, 128);

	ASSERT_EQ(gb_parse_net_rule("[::ffff:1.2.3.4]:80/tcp", &r, err, sizeof(err)), 0);
	ASSERT_EQ(r.family, AF_INET6);
	ASSERT_EQ(memcmp(r.addr, mapped, 16), 0);
	ASSERT_EQ(r.port_lo, 80);
	ASSERT_EQ(r.proto, GB_PROTO_TCP);
}

static void test_net_bad(void)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{ "", "empty address" },
		{ "1.2.3", "invalid IPv4 address '1.2.3'" },
		{ "1.2.3.256", "invalid IPv4 address '1.2.3.256'" },
		{ "01.2.3.4", "invalid IPv4 address '01.2.3.4'" },
		{ " 1.2.3.4", "invalid IPv4 address ' 1.2.3.4'" },
		{ "localhost", "'localhost' is not an IP address (host names are not supported)" },
		{ "example.com:443", "'example.com' is not an IP address (host names are not supported)" },
		{ "localhost:8080", "'localhost' is not an IP address (host names are not supported)" },
		{ "beef:80", "invalid IPv6 address 'beef:80'" },
		{ "fd00::g", "invalid IPv6 address 'fd00::g'" },
		{ "[fd00::g]:80", "invalid IPv6 address 'fd00::g'" },
		{ "[]:80", "invalid IPv6 address ''" },
		{ "10.0.0.0/33", "prefix length 33 is out of range for IPv4" },
		{ "::/129", "prefix length 129 is out of range for IPv6" },
		{ "[::]/129:80", "prefix length 129 is out of range for IPv6" },
		{ "10.0.0.0/999999999", "prefix length 999999999 is out of range for IPv4" },
		{ "10.0.0.0/-1", "invalid prefix length '-1'" },
		{ "10.1.2.3/16", "10.1.2.3/16: host bits set; did you mean 10.1.0.0/16" },
		{ "10.1.2.3/16:443/tcp", "10.1.2.3/16: host bits set; did you mean 10.1.0.0/16" },
		{ "fd00::1/8", "fd00::1/8: host bits set; did you mean fd00::/8" },
		{ "1.2.3.4:0", "port 0 is out of range (1-65535)" },
		{ "1.2.3.4:70000", "port 70000 is out of range (1-65535)" },
		{ "1.2.3.4:80-70000", "port 70000 is out of range (1-65535)" },
		{ "1.2.3.4:9000-8000", "port range 9000-8000 is reversed (write 8000-9000)" },
		{ "1.2.3.4:", "missing port number" },
		{ "1.2.3.4:80-", "missing port number" },
		{ "1.2.3.4:http", "invalid port 'http'" },
		{ "1.2.3.4:80/sctp", "unknown protocol 'sctp' (expected tcp or udp)" },
		{ "1.2.3.4/TCP", "unknown protocol 'TCP' (expected tcp or udp)" },
		{ "1.2.3.4/", "missing protocol after '/'" },
		{ "1.2.3.4:80:90", "unexpected ':90' after the address" },
		{ "[::1]x", "unexpected 'x' after the address" },
		{ "[::1", "missing ']' after the IPv6 address" },
		{ "[1.2.3.4]:80", "brackets are only for IPv6 addresses; write 1.2.3.4:80" },
		{ "[fd00::/8]:443", "the prefix goes after the brackets: [fd00::]/8:443" },
		{ "fd00::/8:443", "an IPv6 address with a port must be in brackets: [fd00::]/8:443" },
		{ "2001:db8:0:0:0:0:0:1:443",
		  "an IPv6 address with a port must be in brackets: [2001:db8:0:0:0:0:0:1]:443" },
		{ "::1:8080", "ambiguous IPv6 address; write [::1]:8080 for a port, or [::1:8080] for the address" },
		{ "fd00::1:53/tcp", "ambiguous IPv6 address; write [fd00::1]:53 for a port, or [fd00::1:53] for the address" },
	};
	struct gb_net_rule r;
	char err[GB_ERR_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		if (gb_parse_net_rule(cases[i].in, &r, err, sizeof(err)) != -EINVAL) {
			GB_FAIL_("'%s' should not parse", cases[i].in);
			return;
		}
		if (strcmp(err, cases[i].msg) != 0) {
			GB_FAIL_("'%s': got \"%s\", want \"%s\"", cases[i].in, err,
				 cases[i].msg);
			return;
		}
	}
	/* err may be NULL */
	ASSERT_EQ(gb_parse_net_rule("nope", &r, NULL, 0), -EINVAL);
}

/* ---- paths -------------------------------------------------------------- */

static void test_path_normalise(void)
{
	char err[GB_ERR_LEN];
	struct gb_policy *p;

	p = load("{\"version\": 1, \"filesystem\": {"
		 "\"read\": [\"/\", \"//\", \"/usr//lib/\", \"/./opt/.\", \"/a/./b//c\","
		 " \"/a/.../b\", \"/a/..b\", \"\\/srv\\/x\"],"
		 "\"write\": [\"${WORKSPACE}\", \"${WORKSPACE}/\", \"${WORKSPACE}//src/./x/\"]}}",
		 err);
	ASSERT_TRUE(p != NULL);
	ASSERT_EQ(p->fs_read.n, 8);
	ASSERT_STREQ(p->fs_read.v[0].path, "/");
	ASSERT_STREQ(p->fs_read.v[1].path, "/");
	ASSERT_STREQ(p->fs_read.v[2].path, "/usr/lib");
	ASSERT_STREQ(p->fs_read.v[2].raw, "/usr//lib/");
	ASSERT_STREQ(p->fs_read.v[3].path, "/opt");
	ASSERT_STREQ(p->fs_read.v[4].path, "/a/b/c");
	ASSERT_STREQ(p->fs_read.v[5].path, "/a/.../b");
	ASSERT_STREQ(p->fs_read.v[6].path, "/a/..b");
	ASSERT_STREQ(p->fs_read.v[7].path, "/srv/x");
	ASSERT_EQ(p->fs_write.n, 3);
	ASSERT_STREQ(p->fs_write.v[0].path, WS);
	ASSERT_STREQ(p->fs_write.v[0].raw, "${WORKSPACE}");
	ASSERT_STREQ(p->fs_write.v[1].path, WS);
	ASSERT_STREQ(p->fs_write.v[2].path, WS "/src/x");
	ASSERT_STREQ(p->fs_write.v[2].raw, "${WORKSPACE}//src/./x/");
	gb_policy_free(p);
}

static void test_workspace_expansion(void)
{
	const char *text = "{\"version\": 1, \"filesystem\": {\"deny\": "
			   "[\"${WORKSPACE}/.env\", \"${WORKSPACE}\"]}}";
	char err[GB_ERR_LEN];
	struct gb_policy *p = NULL;

	/* the workspace is normalised too */
	ASSERT_EQ(gb_policy_load_string(text, "t.json", "//srv//ws/./", &p, err,
					sizeof(err)), 0);
	ASSERT_STREQ(p->fs_deny.v[0].path, "/srv/ws/.env");
	ASSERT_STREQ(p->fs_deny.v[1].path, "/srv/ws");
	gb_policy_free(p);

	ASSERT_EQ(gb_policy_load_string(text, "t.json", "/", &p, err, sizeof(err)), 0);
	ASSERT_STREQ(p->fs_deny.v[0].path, "/.env");
	ASSERT_STREQ(p->fs_deny.v[1].path, "/");
	gb_policy_free(p);

	ASSERT_EQ(gb_policy_load_string(text, "t.json", "ws", &p, err, sizeof(err)),
		  -EINVAL);
	ASSERT_TRUE(p == NULL);
	ASSERT_STREQ(err, "workspace 'ws' is not an absolute path");
	ASSERT_EQ(gb_policy_load_string(text, "t.json", NULL, &p, err, sizeof(err)),
		  -EINVAL);
	ASSERT_STREQ(err, "workspace '' is not an absolute path");
	ASSERT_EQ(gb_policy_load_string(text, "t.json", "/a/../b", &p, err, sizeof(err)),
		  -EINVAL);
	ASSERT_STREQ(err, "workspace '/a/../b': '..' is not allowed");
}

static void test_path_bad(void)
{
	ASSERT_STREQ(load_err("{\"version\": 1, \"filesystem\": {\"read\": [\"/a/../b\"]}}"),
		     "t.json:1:40: filesystem.read[0]: '..' is not allowed in paths");
	ASSERT_STREQ(load_err("{\"version\": 1, \"filesystem\": {\"read\": [\"/a/..\"]}}"),
		     "t.json:1:40: filesystem.read[0]: '..' is not allowed in paths");
	ASSERT_STREQ(load_err("{\"version\": 1, \"filesystem\": {\"read\": [\"usr\"]}}"),
		     "t.json:1:40: filesystem.read[0]: relative path; paths start with / or ${WORKSPACE}");
	ASSERT_STREQ(load_err("{\"version\": 1, \"filesystem\": {\"read\": [\"./usr\"]}}"),
		     "t.json:1:40: filesystem.read[0]: relative path; paths start with / or ${WORKSPACE}");
	ASSERT_STREQ(load_err("{\"version\": 1, \"filesystem\": {\"read\": [\"$WORKSPACE/x\"]}}"),
		     "t.json:1:40: filesystem.read[0]: unknown variable; only ${WORKSPACE} is supported");
	ASSERT_STREQ(load_err("{\"version\": 1, \"filesystem\": {\"read\": [\"${workspace}\"]}}"),
		     "t.json:1:40: filesystem.read[0]: unknown variable; only ${WORKSPACE} is supported");
	ASSERT_STREQ(load_err("{\"version\": 1, \"filesystem\": {\"read\": [\"${WORKSPACE}/${WORKSPACE}\"]}}"),
		     "t.json:1:40: filesystem.read[0]: a variable can only start a path, as ${WORKSPACE}");
}

static void test_path_too_long(void)
{
	size_t n = 5000;
	char *text = malloc(n + 100), *s;

	ASSERT_TRUE(text != NULL);
	s = text + sprintf(text, "{\"version\": 1, \"filesystem\": {\"read\": [\"");
	for (size_t i = 0; i < n; i += 2) {
		*s++ = '/';
		*s++ = 'a';
	}
	strcpy(s, "\"]}}");
	ASSERT_STREQ(load_err(text),
		     "t.json:1:40: filesystem.read[0]: path is longer than 4095 bytes");
	free(text);
}

/* ---- declared limits ---------------------------------------------------- */

static void test_declared(void)
{
	static const struct {
		const char *body;
		bool fs, exec, net, proc, time, deny, conn, bind;
	} cases[] = {
		{ "", 0, 0, 0, 0, 0, 0, 0, 0 },
		{ ", \"filesystem\": {}, \"network\": {}, \"process\": {}, \"time\": {}",
		  0, 0, 0, 0, 0, 0, 0, 0 },
		{ ", \"filesystem\": {\"read\": []}", 1, 0, 0, 0, 0, 0, 0, 0 },
		{ ", \"filesystem\": {\"write\": [\"/tmp\"]}", 1, 0, 0, 0, 0, 0, 0, 0 },
		{ ", \"filesystem\": {\"exec\": [\"/bin\"]}", 0, 1, 0, 0, 0, 0, 0, 0 },
		{ ", \"filesystem\": {\"deny\": [\"/etc\"]}", 0, 0, 0, 0, 0, 1, 0, 0 },
		{ ", \"network\": {\"connect\": []}", 0, 0, 1, 0, 0, 0, 1, 0 },
		{ ", \"network\": {\"bind\": [\"::1\"]}", 0, 0, 1, 0, 0, 0, 0, 1 },
		{ ", \"process\": {\"max_pids\": 1}", 0, 0, 0, 1, 0, 0, 0, 0 },
		{ ", \"time\": {\"wall\": \"1ms\"}", 0, 0, 0, 0, 1, 0, 0, 0 },
		{ ", \"audit\": {\"file_reads\": true}", 0, 0, 0, 0, 0, 0, 0, 0 },
	};
	char text[256], err[GB_ERR_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gb_policy *p;
		bool ok;

		snprintf(text, sizeof(text), "{\"version\": 1%s}", cases[i].body);
		p = load(text, err);
		if (!p) {
			GB_FAIL_("'%s': %s", text, err);
			return;
		}
		ok = p->declared[GB_LIMIT_FILESYSTEM] == cases[i].fs &&
		     p->declared[GB_LIMIT_EXEC] == cases[i].exec &&
		     p->declared[GB_LIMIT_NETWORK] == cases[i].net &&
		     p->declared[GB_LIMIT_PROCESS] == cases[i].proc &&
		     p->declared[GB_LIMIT_TIME] == cases[i].time &&
		     p->fs_deny_declared == cases[i].deny &&
		     p->net_connect_declared == cases[i].conn &&
		     p->net_bind_declared == cases[i].bind;
		gb_policy_free(p);
		if (!ok) {
			GB_FAIL_("wrong declared flags for '%s'", text);
			return;
		}
	}
}

/* ---- names and modes ---------------------------------------------------- */

static void test_name_default(void)
{
	static const struct {
		const char *source, *name;
	} cases[] = {
		{ "dir/my.policy.json", "my.policy" },
		{ "/etc/glovebox/build.json", "build" },
		{ "a b+c.json", "a_b_c" },
		{ "noext", "noext" },
		{ ".json", ".json" },
		{ "dir/", "policy" },
		{ "0123456789012345678901234567890123456789012345678901234567890123456789.json",
		  "0123456789012345678901234567890123456789012345678901234567890123" },
	};
	char err[GB_ERR_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gb_policy *p = NULL;
		bool ok;

		if (gb_policy_load_string("{\"version\": 1}", cases[i].source, WS, &p,
					  err, sizeof(err))) {
			GB_FAIL_("'%s': %s", cases[i].source, err);
			return;
		}
		ok = strcmp(p->name, cases[i].name) == 0 &&
		     strcmp(p->source, cases[i].source) == 0;
		if (!ok)
			GB_FAIL_("'%s': name '%s', want '%s'", cases[i].source, p->name,
				 cases[i].name);
		gb_policy_free(p);
		if (!ok)
			return;
	}
}

static void test_name_and_mode_values(void)
{
	char name64[80], text[160], err[GB_ERR_LEN];
	struct gb_policy *p;

	memset(name64, 'n', 64);
	name64[64] = '\0';
	snprintf(text, sizeof(text), "{\"version\": 1, \"name\": \"%s\", \"mode\": \"audit\"}",
		 name64);
	p = load(text, err);
	ASSERT_TRUE(p != NULL);
	ASSERT_STREQ(p->name, name64);
	ASSERT_EQ(p->mode, GB_MODE_AUDIT);
	gb_policy_free(p);

	strcat(name64, "n");
	snprintf(text, sizeof(text), "{\"version\": 1, \"name\": \"%s\"}", name64);
	ASSERT_STREQ(load_err(text),
		     "t.json:1:24: name: must be 1-64 characters from A-Z a-z 0-9 . _ -");
	ASSERT_STREQ(load_err("{\"version\": 1, \"name\": \"\"}"),
		     "t.json:1:24: name: must be 1-64 characters from A-Z a-z 0-9 . _ -");
	ASSERT_STREQ(load_err("{\"version\": 1, \"mode\": \"Enforce\"}"),
		     "t.json:1:24: mode: unknown mode 'Enforce' (expected enforce or audit)");
	ASSERT_STREQ(load_err("{\"version\": 1, \"mode\": null}"),
		     "t.json:1:24: mode: expected a string, got null");
}

static void test_limit_and_mode_names(void)
{
	ASSERT_STREQ(gb_limit_name(GB_LIMIT_FILESYSTEM), "filesystem");
	ASSERT_STREQ(gb_limit_name(GB_LIMIT_EXEC), "exec");
	ASSERT_STREQ(gb_limit_name(GB_LIMIT_NETWORK), "network");
	ASSERT_STREQ(gb_limit_name(GB_LIMIT_PROCESS), "process");
	ASSERT_STREQ(gb_limit_name(GB_LIMIT_TIME), "time");
	ASSERT_STREQ(gb_limit_name(GB_LIMIT__COUNT), "unknown");
	ASSERT_STREQ(gb_mode_name(GB_MODE_ENFORCE), "enforce");
	ASSERT_STREQ(gb_mode_name(GB_MODE_AUDIT), "audit");
}

/* ---- error positions ---------------------------------------------------- */

static void test_error_positions(void)
{
	/* CRLF line ends, tabs and a multi-byte character before the value */
	ASSERT_STREQ(load_err("{\r\n\t\"version\": 1,\r\n\t\"process\": {\"max_pids\": 0}\r\n}"),
		     "t.json:3:26: process.max_pids: 0 is out of range (1-4194304)");
	ASSERT_STREQ(load_err("{\"version\": 1, \"filesystem\": {\"read\": [\"/\u00e9\", 1]}}"),
		     "t.json:1:47: filesystem.read[1]: expected a string, got an integer");
	/* a key path that also occurs deeper is found at the right depth */
	ASSERT_STREQ(load_err("{\"version\": 1, \"x\": {\"network\": 1}, \"network\": 5}"),
		     "t.json:1:16: x: unknown key (expected version, name, mode, filesystem, network, process, time, audit)");
	ASSERT_STREQ(load_err("{\"version\": 1, \"network\": {\"bind\": [\"::1\"], \"connect\": [[\"::1\"]]}}"),
		     "t.json:1:57: network.connect[0]: expected a string, got an array");
	/* the version is checked before anything else */
	ASSERT_STREQ(load_err("{\"bogus\": 1, \"version\": 3}"),
		     "t.json:1:25: version: unsupported version 3 (this glovebox reads version 1)");
	ASSERT_STREQ(load_err("  {\"bogus\": 1}"),
		     "t.json:1:3: version: missing required key (add \"version\": 1)");
	ASSERT_STREQ(load_err("{\"version\": 1.0}"),
		     "t.json:1:13: version: expected the integer 1, got a real number");
	/* keys with escapes are matched after decoding */
	ASSERT_STREQ(load_err("{\"version\": 1, \"\\u0074ime\": {\"wall\": \"1y\"}}"),
		     "t.json:1:38: time.wall: invalid duration '1y' (expected a positive integer and a unit: ms, s, m or h)");
	ASSERT_STREQ(load_err("{\"version\": 1, \"a\\\"b\": 1}"),
		     "t.json:1:16: a\"b: unknown key (expected version, name, mode, filesystem, network, process, time, audit)");
	/* duplicates deep inside, and syntax errors past the first line */
	ASSERT_STREQ(load_err("{\"version\": 1, \"network\": {\"connect\": [], \"bind\": [],\n  \"connect\": []}}"),
		     "t.json:2:3: network.connect: duplicate key");
	ASSERT_STREQ(load_err("{\"version\": 1,\n\"name\": \"x\",,\n}"),
		     "t.json:2:13: syntax error: string or '}' expected near ','");
	ASSERT_STREQ(load_err("{\"version\": 1}\n\nx"),
		     "t.json:3:1: syntax error: end of file expected near 'x'");
}

static void test_error_buffer(void)
{
	struct gb_policy *p = NULL;
	char small[12];

	memset(small, 'X', sizeof(small));
	ASSERT_EQ(gb_policy_load_string("{\"version\": 2}", "t.json", WS, &p, small,
					sizeof(small)), -EINVAL);
	ASSERT_STREQ(small, "t.json:1:13");
	/* no buffer at all */
	ASSERT_EQ(gb_policy_load_string("{\"version\": 2}", "t.json", WS, &p, NULL, 0),
		  -EINVAL);
	ASSERT_TRUE(p == NULL);
	ASSERT_EQ(gb_policy_load_file("/nonexistent/x.json", WS, &p, NULL, 0), -ENOENT);
	gb_policy_free(NULL);
}

static void test_missing_file(void)
{
	char err[GB_ERR_LEN];
	struct gb_policy *p = NULL;

	ASSERT_EQ(gb_policy_load_file("x.json", WS, &p, err, sizeof(err)), -ENOENT);
	ASSERT_TRUE(p == NULL);
	ASSERT_STREQ(err, "cannot open policy 'x.json': No such file or directory");
	ASSERT_EQ(gb_policy_load_file("/", WS, &p, err, sizeof(err)), -EISDIR);
	ASSERT_STREQ(err, "cannot read policy '/': Is a directory");
}

/* ---- fixtures ----------------------------------------------------------- */

static struct gb_policy *load_fixture(const char *name, char *err)
{
	struct gb_policy *p = NULL;
	char path[4096];

	snprintf(path, sizeof(path), "%s/policies/good/%s", test_dir(), name);
	if (gb_policy_load_file(path, WS, &p, err, GB_ERR_LEN))
		return NULL;
	return p;
}

static bool net_is(const struct gb_net_rule *r, int family, const char *addr,
		   int prefix, int lo, int hi, int proto)
{
	uint8_t a[16] = { 0 };

	if (inet_pton(family, addr, a) != 1)
		return false;
	return r->family == family && memcmp(r->addr, a, 16) == 0 &&
	       r->prefix == prefix && r->port_lo == lo && r->port_hi == hi &&
	       r->proto == proto;
}

static void test_good_full(void)
{
	char err[GB_ERR_LEN] = "";
	struct gb_policy *p = load_fixture("full.json", err);
	const struct gb_net_rule *c;

	ASSERT_STREQ(err, "");
	ASSERT_TRUE(p != NULL);
	ASSERT_STREQ(p->name, "build");
	ASSERT_CONTAINS(p->source, "policies/good/full.json");
	ASSERT_EQ(p->mode, GB_MODE_ENFORCE);
	for (int l = 0; l < GB_LIMIT__COUNT; l++)
		ASSERT_TRUE(p->declared[l]);
	ASSERT_EQ(p->fs_read.n, 3);
	ASSERT_STREQ(p->fs_read.v[0].path, "/usr");
	ASSERT_STREQ(p->fs_read.v[1].path, "/etc");
	ASSERT_STREQ(p->fs_read.v[2].path, WS);
	ASSERT_STREQ(p->fs_read.v[2].raw, "${WORKSPACE}");
	ASSERT_EQ(p->fs_write.n, 2);
	ASSERT_STREQ(p->fs_write.v[0].path, WS);
	ASSERT_STREQ(p->fs_write.v[1].path, "/tmp");
	ASSERT_EQ(p->fs_exec.n, 5);
	ASSERT_STREQ(p->fs_exec.v[0].path, "/usr/bin");
	ASSERT_STREQ(p->fs_exec.v[4].path, "/lib64");
	ASSERT_TRUE(p->fs_deny_declared);
	ASSERT_EQ(p->fs_deny.n, 2);
	ASSERT_STREQ(p->fs_deny.v[0].path, "/etc/shadow");
	ASSERT_STREQ(p->fs_deny.v[1].path, WS "/.env");
	ASSERT_TRUE(p->net_connect_declared);
	ASSERT_TRUE(p->net_bind_declared);
	ASSERT_EQ(p->net_connect.n, 4);
	c = p->net_connect.v;
	ASSERT_TRUE(net_is(&c[0], AF_INET, "127.0.0.0", 8, 0, 65535, GB_PROTO_ANY));
	ASSERT_STREQ(c[0].raw, "127.0.0.0/8");
	ASSERT_TRUE(net_is(&c[1], AF_INET6, "::1", 128, 8080, 8080, GB_PROTO_ANY));
	ASSERT_STREQ(c[1].raw, "[::1]:8080");
	ASSERT_TRUE(net_is(&c[2], AF_INET, "10.1.0.0", 16, 443, 443, GB_PROTO_TCP));
	ASSERT_TRUE(net_is(&c[3], AF_INET, "0.0.0.0", 0, 53, 53, GB_PROTO_UDP));
	ASSERT_EQ(p->net_bind.n, 1);
	ASSERT_TRUE(net_is(&p->net_bind.v[0], AF_INET, "127.0.0.1", 32, 8000, 8999,
			   GB_PROTO_ANY));
	ASSERT_EQ(p->max_pids, 256);
	ASSERT_EQ(p->wall_ns, 600ULL * 1000000000ULL);
	ASSERT_FALSE(p->audit_file_reads);
	gb_policy_free(p);
}

static void test_good_minimal(void)
{
	char err[GB_ERR_LEN] = "";
	struct gb_policy *p = load_fixture("minimal.json", err);

	ASSERT_STREQ(err, "");
	ASSERT_TRUE(p != NULL);
	ASSERT_STREQ(p->name, "minimal");
	ASSERT_EQ(p->mode, GB_MODE_ENFORCE);
	for (int l = 0; l < GB_LIMIT__COUNT; l++)
		ASSERT_FALSE(p->declared[l]);
	ASSERT_EQ(p->fs_read.n + p->fs_write.n + p->fs_exec.n + p->fs_deny.n, 0);
	ASSERT_FALSE(p->fs_deny_declared);
	ASSERT_FALSE(p->net_connect_declared);
	ASSERT_FALSE(p->net_bind_declared);
	ASSERT_EQ(p->net_connect.n + p->net_bind.n, 0);
	ASSERT_EQ(p->max_pids, 0);
	ASSERT_EQ(p->wall_ns, 0);
	ASSERT_FALSE(p->audit_file_reads);
	gb_policy_free(p);
}

static void test_good_empty_sections(void)
{
	char err[GB_ERR_LEN] = "";
	struct gb_policy *p = load_fixture("empty-sections.json", err);

	ASSERT_STREQ(err, "");
	ASSERT_TRUE(p != NULL);
	ASSERT_STREQ(p->name, "empty-sections");
	for (int l = 0; l < GB_LIMIT__COUNT; l++)
		ASSERT_FALSE(p->declared[l]);
	ASSERT_FALSE(p->fs_deny_declared);
	ASSERT_FALSE(p->net_connect_declared);
	ASSERT_FALSE(p->net_bind_declared);
	gb_policy_free(p);
}

static void test_good_deny_only(void)
{
	char err[GB_ERR_LEN] = "";
	struct gb_policy *p = load_fixture("deny-only.json", err);

	ASSERT_STREQ(err, "");
	ASSERT_TRUE(p != NULL);
	ASSERT_STREQ(p->name, "watch.me_2");
	ASSERT_EQ(p->mode, GB_MODE_AUDIT);
	ASSERT_FALSE(p->declared[GB_LIMIT_FILESYSTEM]);
	ASSERT_FALSE(p->declared[GB_LIMIT_EXEC]);
	ASSERT_TRUE(p->declared[GB_LIMIT_NETWORK]);
	ASSERT_FALSE(p->declared[GB_LIMIT_PROCESS]);
	ASSERT_FALSE(p->declared[GB_LIMIT_TIME]);
	ASSERT_TRUE(p->fs_deny_declared);
	ASSERT_EQ(p->fs_deny.n, 2);
	ASSERT_STREQ(p->fs_deny.v[0].path, "/etc/shadow");
	ASSERT_STREQ(p->fs_deny.v[1].path, WS "/secrets");
	ASSERT_STREQ(p->fs_deny.v[1].raw, "${WORKSPACE}/secrets/");
	ASSERT_TRUE(p->net_connect_declared);
	ASSERT_EQ(p->net_connect.n, 0);
	ASSERT_FALSE(p->net_bind_declared);
	ASSERT_TRUE(p->audit_file_reads);
	gb_policy_free(p);
}

static void test_good_paths(void)
{
	char err[GB_ERR_LEN] = "";
	struct gb_policy *p = load_fixture("paths.json", err);

	ASSERT_STREQ(err, "");
	ASSERT_TRUE(p != NULL);
	ASSERT_TRUE(p->declared[GB_LIMIT_FILESYSTEM]);
	ASSERT_TRUE(p->declared[GB_LIMIT_EXEC]);
	ASSERT_EQ(p->fs_read.n, 4);
	ASSERT_STREQ(p->fs_read.v[0].path, "/");
	ASSERT_STREQ(p->fs_read.v[1].path, "/usr/lib");
	ASSERT_STREQ(p->fs_read.v[2].path, "/opt");
	ASSERT_STREQ(p->fs_read.v[3].path, "/srv/data");
	ASSERT_STREQ(p->fs_read.v[3].raw, "/srv/data");
	ASSERT_EQ(p->fs_write.n, 3);
	ASSERT_STREQ(p->fs_write.v[0].path, WS);
	ASSERT_STREQ(p->fs_write.v[1].path, WS);
	ASSERT_STREQ(p->fs_write.v[2].path, WS "/src/x");
	ASSERT_EQ(p->fs_exec.n, 1);
	ASSERT_STREQ(p->fs_exec.v[0].path, "/bin");
	/* write implies read is the enforcer's job: fs_read is as written */
	for (size_t i = 0; i < p->fs_read.n; i++)
		ASSERT_TRUE(strcmp(p->fs_read.v[i].path, WS) != 0);
	gb_policy_free(p);
}

static void test_good_network(void)
{
	char err[GB_ERR_LEN] = "";
	struct gb_policy *p = load_fixture("network.json", err);
	const struct gb_net_rule *c;

	ASSERT_STREQ(err, "");
	ASSERT_TRUE(p != NULL);
	ASSERT_TRUE(p->declared[GB_LIMIT_NETWORK]);
	ASSERT_TRUE(p->net_connect_declared);
	ASSERT_TRUE(p->net_bind_declared);
	ASSERT_EQ(p->net_bind.n, 0);
	ASSERT_EQ(p->net_connect.n, 8);
	c = p->net_connect.v;
	ASSERT_TRUE(net_is(&c[0], AF_INET6, "::1", 128, 0, 65535, GB_PROTO_ANY));
	ASSERT_TRUE(net_is(&c[1], AF_INET6, "fd00::", 8, 0, 65535, GB_PROTO_ANY));
	ASSERT_TRUE(net_is(&c[2], AF_INET6, "fd00::", 8, 443, 443, GB_PROTO_TCP));
	ASSERT_TRUE(net_is(&c[3], AF_INET6, "2001:db8::1", 128, 53, 54, GB_PROTO_UDP));
	ASSERT_TRUE(net_is(&c[4], AF_INET6, "::ffff:1.2.3.4", 128, 0, 65535, GB_PROTO_ANY));
	ASSERT_TRUE(net_is(&c[5], AF_INET6, "::", 0, 0, 65535, GB_PROTO_ANY));
	ASSERT_TRUE(net_is(&c[6], AF_INET, "192.168.1.0", 24, 0, 65535, GB_PROTO_TCP));
	ASSERT_TRUE(net_is(&c[7], AF_INET, "10.0.0.1", 32, 1, 65535, GB_PROTO_ANY));
	ASSERT_STREQ(c[7].raw, "10.0.0.1:1-65535");
	ASSERT_EQ(p->wall_ns, 500000000ULL);
	ASSERT_EQ(p->max_pids, 4194304);
	gb_policy_free(p);
}

static void test_good_fixtures_all_load(void)
{
	char pattern[4096], err[GB_ERR_LEN];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/policies/good/*.json", test_dir());
	ASSERT_EQ(glob(pattern, 0, NULL, &g), 0);
	ASSERT_TRUE(g.gl_pathc >= 6);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct gb_policy *p = NULL;

		if (gb_policy_load_file(g.gl_pathv[i], WS, &p, err, sizeof(err)))
			GB_FAIL_("%s", err);
		gb_policy_free(p);
	}
	globfree(&g);
}

/* Every tests/policies/bad/X.json fails with exactly the line in X.err. */
static void test_bad_fixtures(void)
{
	char pattern[4096], errpath[4096], want[GB_ERR_LEN + 4096], err[GB_ERR_LEN];
	size_t checked = 0;
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/policies/bad/*.json", test_dir());
	ASSERT_EQ(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		struct gb_policy *p = NULL;
		char *line;
		int ret;

		snprintf(errpath, sizeof(errpath), "%.*s.err",
			 (int)(strlen(path) - strlen(".json")), path);
		line = read_text(errpath);
		if (!line) {
			GB_FAIL_("%s: cannot read %s", path, errpath);
			continue;
		}
		line[strcspn(line, "\n")] = '\0';
		/* the .err files name the file as tests/...; follow GB_TEST_DIR */
		if (strncmp(line, "tests/", 6) == 0)
			snprintf(want, sizeof(want), "%s%s", test_dir(), line + 5);
		else
			snprintf(want, sizeof(want), "%s", line);
		free(line);

		ret = gb_policy_load_file(path, WS, &p, err, sizeof(err));
		if (ret != -EINVAL || p) {
			GB_FAIL_("%s: loaded (ret %d)", path, ret);
			gb_policy_free(p);
			continue;
		}
		if (strcmp(err, want) != 0) {
			GB_FAIL_("%s:\n  got:  %s\n  want: %s", path, err, want);
			continue;
		}
		checked++;
	}
	globfree(&g);
	ASSERT_TRUE(checked >= 15);

	/* and no .err is left without its .json */
	snprintf(pattern, sizeof(pattern), "%s/policies/bad/*.err", test_dir());
	ASSERT_EQ(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f;

		snprintf(errpath, sizeof(errpath), "%.*s.json",
			 (int)(strlen(g.gl_pathv[i]) - strlen(".err")), g.gl_pathv[i]);
		f = fopen(errpath, "re");
		if (!f)
			GB_FAIL_("%s has no .json", g.gl_pathv[i]);
		else
			fclose(f);
	}
	globfree(&g);
}

/* ---- shipped policies --------------------------------------------------- */

static void test_shipped_policies(void)
{
	char pattern[4096], err[GB_ERR_LEN];
	size_t loaded = 0;
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/../policies/*.json", test_dir());
	ASSERT_EQ(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct gb_policy *p = NULL;
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;

		if (gb_policy_load_file(g.gl_pathv[i], WS, &p, err, sizeof(err))) {
			GB_FAIL_("%s", err);
			continue;
		}
		/* each names itself after its file */
		if (strncmp(p->name, base, strlen(base) - 5) != 0 ||
		    strlen(p->name) != strlen(base) - 5)
			GB_FAIL_("%s: name '%s'", g.gl_pathv[i], p->name);
		if (p->mode != GB_MODE_ENFORCE)
			GB_FAIL_("%s: not enforcing", g.gl_pathv[i]);
		gb_policy_free(p);
		loaded++;
	}
	globfree(&g);
	ASSERT_TRUE(loaded >= 4);
}

static void test_default_policy(void)
{
	char err[GB_ERR_LEN] = "";
	struct gb_policy *p = NULL;
	bool seen_loop4 = false, seen_loop6 = false;

	ASSERT_EQ(gb_policy_load_string(gb_policy_default_text(), "<default>", WS, &p,
					err, sizeof(err)), 0);
	ASSERT_STREQ(p->name, "default");
	ASSERT_STREQ(p->source, "<default>");
	ASSERT_EQ(p->mode, GB_MODE_ENFORCE);
	for (int l = 0; l < GB_LIMIT__COUNT; l++)
		ASSERT_TRUE(p->declared[l]);
	ASSERT_EQ(p->max_pids, 1024);
	ASSERT_EQ(p->wall_ns, 600ULL * 1000000000ULL);
	ASSERT_STREQ(p->fs_write.v[0].path, WS);
	ASSERT_TRUE(p->fs_deny_declared);
	ASSERT_STREQ(p->fs_deny.v[0].path, "/etc/shadow");
	/* loopback only, both ways */
	ASSERT_TRUE(p->net_connect_declared && p->net_bind_declared);
	for (size_t i = 0; i < p->net_connect.n; i++) {
		const struct gb_net_rule *r = &p->net_connect.v[i];

		if (r->family == AF_INET) {
			ASSERT_EQ(r->addr[0], 127);
			ASSERT_TRUE(r->prefix >= 8);
			seen_loop4 = true;
		} else {
			ASSERT_TRUE(net_is(r, AF_INET6, "::1", 128, 0, 65535, GB_PROTO_ANY));
			seen_loop6 = true;
		}
	}
	ASSERT_TRUE(seen_loop4 && seen_loop6);
	ASSERT_EQ(p->net_bind.n, p->net_connect.n);
	gb_policy_free(p);
}

/* The embedded text is policies/default.json (the build regenerates it). */
static void test_default_text_matches_file(void)
{
	char path[4096];
	char *text;
	bool same;

	snprintf(path, sizeof(path), "%s/../policies/default.json", test_dir());
	text = read_text(path);
	ASSERT_TRUE(text != NULL);
	same = strcmp(text, gb_policy_default_text()) == 0;
	free(text);
	ASSERT_TRUE(same);
}

static const struct gb_test tests[] = {
	TEST(test_duration_good),
	TEST(test_duration_bad),
	TEST(test_net_ipv4),
	TEST(test_net_ipv6),
	TEST(test_net_ipv4_mapped),
	TEST(test_net_bad),
	TEST(test_path_normalise),
	TEST(test_workspace_expansion),
	TEST(test_path_bad),
	TEST(test_path_too_long),
	TEST(test_declared),
	TEST(test_name_default),
	TEST(test_name_and_mode_values),
	TEST(test_limit_and_mode_names),
	TEST(test_error_positions),
	TEST(test_error_buffer),
	TEST(test_missing_file),
	TEST(test_good_full),
	TEST(test_good_minimal),
	TEST(test_good_empty_sections),
	TEST(test_good_deny_only),
	TEST(test_good_paths),
	TEST(test_good_network),
	TEST(test_good_fixtures_all_load),
	TEST(test_bad_fixtures),
	TEST(test_shipped_policies),
	TEST(test_default_policy),
	TEST(test_default_text_matches_file),
	{ 0 },
};

int main(int argc, char **argv)
{
	return gb_test_main(tests, argc, argv);
}
