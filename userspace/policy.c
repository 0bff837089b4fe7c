// SPDX-License-Identifier: MIT
/* Policy files (version 1): parse with jansson, validate every value and
 * report the first problem as "SOURCE:LINE:COL: KEY: message".
 *
 * jansson forgets where a value was once the text is parsed, so when a value
 * is wrong a small scanner walks the original text again to find the line
 * and column of that key path ("network.connect[2]"). It only runs on the
 * error path, over text jansson has accepted (for a duplicate key, the part
 * before the duplicate), and stops at anything it does not expect.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "policy.h"

static const char default_policy_text[] =
#include "default_policy.inc"
;

#define GB_POLICY_MAX_SIZE (1024 * 1024)
#define GB_NAME_MAX 64
#define GB_MAX_PIDS 4194304
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL
#define GB_DURATION_MAX (7ULL * 24 * 3600 * NSEC_PER_SEC)
#define WS_VAR "${WORKSPACE}"

const char *gb_policy_default_text(void)
{
	return default_policy_text;
}

const char *gb_limit_name(enum gb_limit l)
{
	switch (l) {
	case GB_LIMIT_FILESYSTEM:
		return "filesystem";
	case GB_LIMIT_EXEC:
		return "exec";
	case GB_LIMIT_NETWORK:
		return "network";
	case GB_LIMIT_PROCESS:
		return "process";
	case GB_LIMIT_TIME:
		return "time";
	default:
		return "unknown";
	}
}

const char *gb_mode_name(enum gb_mode m)
{
	switch (m) {
	case GB_MODE_ENFORCE:
		return "enforce";
	case GB_MODE_AUDIT:
		return "audit";
	default:
		return "unknown";
	}
}

/* ---- durations ---------------------------------------------------------- */

int gb_parse_duration(const char *s, uint64_t *ns)
{
	uint64_t v = 0, unit;
	bool overflow = false;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			overflow = true;
		else
			v = v * 10 + (uint64_t)(*p - '0');
	}
	if (strcmp(p, "ms") == 0)
		unit = NSEC_PER_MSEC;
	else if (strcmp(p, "s") == 0)
		unit = NSEC_PER_SEC;
	else if (strcmp(p, "m") == 0)
		unit = 60 * NSEC_PER_SEC;
	else if (strcmp(p, "h") == 0)
		unit = 3600 * NSEC_PER_SEC;
	else
		return -EINVAL;
	if (overflow || v == 0 || v > GB_DURATION_MAX / unit)
		return -ERANGE;
	*ns = v * unit;
	return 0;
}

/* ---- network rules ------------------------------------------------------ */

static int net_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int net_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "fd00::1:53" reads as an address, but the writer may have meant port 53 of
 * fd00::1. Such an address must be written in brackets either way. */
static bool v6_ambiguous(const char *addr, char *head, size_t headlen)
{
	const char *last = strrchr(addr, ':');
	size_t n = last ? (size_t)(last - addr) : 0;
	struct in6_addr a;

	if (!last || !n || n >= headlen || strlen(last + 1) > 5 ||
	    !all_digits(last + 1, strlen(last + 1)))
		return false;
	memcpy(head, addr, n);
	head[n] = '\0';
	return inet_pton(AF_INET6, head, &a) == 1;
}

/* Decimal digits at *pp; values past a million saturate. */
static void parse_uint(const char **pp, unsigned long *v)
{
	const char *p = *pp;
	unsigned long x = 0;

	while (isdigit((unsigned char)*p)) {
		if (x < 1000000)
			x = x * 10 + (unsigned long)(*p - '0');
		p++;
	}
	*v = x;
	*pp = p;
}

static int parse_port(const char **pp, uint16_t *port, char *err, size_t errlen)
{
	const char *start = *pp;
	unsigned long v;

	parse_uint(pp, &v);
	if (*pp == start) {
		size_t n = strcspn(start, "-/");

		if (!n)
			return net_err(err, errlen, "missing port number");
		return net_err(err, errlen, "invalid port '%.*s'", (int)n, start);
	}
	if (v < 1 || v > 65535)
		return net_err(err, errlen, "port %.*s is out of range (1-65535)",
			       (int)(*pp - start), start);
	*port = (uint16_t)v;
	return 0;
}

static void mask_addr(uint8_t *addr, unsigned int prefix, unsigned int bits)
{
	for (unsigned int i = 0; i < bits / 8; i++) {
		if (prefix >= (i + 1) * 8)
			continue;
		if (prefix <= i * 8)
			addr[i] = 0;
		else
			addr[i] &= (uint8_t)(0xff << (8 - (prefix - i * 8)));
	}
}

int gb_parse_net_rule(const char *s, struct gb_net_rule *r, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 8], head[INET6_ADDRSTRLEN + 8];
	bool v6_bare = false;
	unsigned int bits;
	const char *p;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!s || !*s)
		return net_err(err, errlen, "empty address");

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		size_t n;
		char *slash;

		if (!close)
			return net_err(err, errlen, "missing ']' after the IPv6 address");
		n = (size_t)(close - s - 1);
		if (!n || n >= sizeof(addr))
			return net_err(err, errlen, "invalid IPv6 address '%.*s'",
				       (int)n, s + 1);
		memcpy(addr, s + 1, n);
		addr[n] = '\0';
		slash = strchr(addr, '/');
		if (slash) {
			*slash = '\0';
			return net_err(err, errlen,
				       "the prefix goes after the brackets: [%s]/%s%s",
				       addr, slash + 1, close + 1);
		}
		if (inet_pton(AF_INET6, addr, r->addr) != 1) {
			if (inet_pton(AF_INET, addr, r->addr) == 1)
				return net_err(err, errlen,
					       "brackets are only for IPv6 addresses; write %s%s",
					       addr, close + 1);
			return net_err(err, errlen, "invalid IPv6 address '%s'", addr);
		}
		r->family = AF_INET6;
		p = close + 1;
	} else {
		size_t n = strcspn(s, "/"), first = strcspn(s, ":/");

		/* IPv6 starts with at most four hex digits and a ':' */
		if (s[first] == ':' && first <= 4 && all_hex(s, first)) {
			if (n >= sizeof(addr))
				return net_err(err, errlen, "invalid IPv6 address '%.*s'",
					       (int)n, s);
			memcpy(addr, s, n);
			addr[n] = '\0';
			if (inet_pton(AF_INET6, addr, r->addr) != 1) {
				char *last = strrchr(addr, ':');

				if (last && all_digits(last + 1, strlen(last + 1))) {
					*last = '\0';
					if (inet_pton(AF_INET6, addr, r->addr) == 1)
						return net_err(err, errlen,
							       "an IPv6 address with a port must be in brackets: [%s]:%s%s",
							       addr, last + 1, s + n);
					*last = ':';
				}
				return net_err(err, errlen, "invalid IPv6 address '%s'", addr);
			}
			p = s + n;
			if (!(p[0] == '/' && isdigit((unsigned char)p[1])) &&
			    v6_ambiguous(addr, head, sizeof(head)))
				return net_err(err, errlen,
					       "ambiguous IPv6 address; write [%s]:%s for a port, or [%s] for the address",
					       head, strrchr(addr, ':') + 1, addr);
			r->family = AF_INET6;
			v6_bare = true;
		} else {
			n = strcspn(s, "/:");
			if (n >= sizeof(addr))
				n = sizeof(addr) - 1;
			memcpy(addr, s, n);
			addr[n] = '\0';
			if (inet_pton(AF_INET, addr, r->addr) != 1) {
				for (size_t i = 0; i < n; i++)
					if (isalpha((unsigned char)addr[i]))
						return net_err(err, errlen,
							       "'%s' is not an IP address (host names are not supported)",
							       addr);
				return net_err(err, errlen, "invalid IPv4 address '%s'", addr);
			}
			r->family = AF_INET;
			p = s + n;
		}
	}

	bits = r->family == AF_INET ? 32 : 128;
	r->prefix = (uint8_t)bits;
	if (p[0] == '/' && (isdigit((unsigned char)p[1]) || p[1] == '-' || p[1] == '+')) {
		const char *start = ++p;
		uint8_t masked[16];
		char buf[INET6_ADDRSTRLEN];
		unsigned long v;

		parse_uint(&p, &v);
		if (p == start)
			return net_err(err, errlen, "invalid prefix length '%.*s'",
				       (int)strcspn(start, ":/"), start);
		if (v > bits)
			return net_err(err, errlen,
				       "prefix length %.*s is out of range for %s",
				       (int)(p - start), start,
				       r->family == AF_INET ? "IPv4" : "IPv6");
		r->prefix = (uint8_t)v;
		memcpy(masked, r->addr, sizeof(masked));
		mask_addr(masked, r->prefix, bits);
		if (memcmp(masked, r->addr, bits / 8) != 0) {
			inet_ntop(r->family, masked, buf, sizeof(buf));
			return net_err(err, errlen,
				       "%s/%u: host bits set; did you mean %s/%u",
				       addr, r->prefix, buf, r->prefix);
		}
	}

	r->port_lo = 0;
	r->port_hi = 65535;
	if (p[0] == ':') {
		if (v6_bare)
			return net_err(err, errlen,
				       "an IPv6 address with a port must be in brackets: [%s]/%u%s",
				       addr, r->prefix, p);
		p++;
		ret = parse_port(&p, &r->port_lo, err, errlen);
		if (ret)
			return ret;
		r->port_hi = r->port_lo;
		if (p[0] == '-') {
			p++;
			ret = parse_port(&p, &r->port_hi, err, errlen);
			if (ret)
				return ret;
			if (r->port_lo > r->port_hi)
				return net_err(err, errlen,
					       "port range %u-%u is reversed (write %u-%u)",
					       r->port_lo, r->port_hi,
					       r->port_hi, r->port_lo);
		}
	}

	r->proto = GB_PROTO_ANY;
	if (p[0] == '/') {
		p++;
		if (strcmp(p, "tcp") == 0)
			r->proto = GB_PROTO_TCP;
		else if (strcmp(p, "udp") == 0)
			r->proto = GB_PROTO_UDP;
		else if (!*p)
			return net_err(err, errlen, "missing protocol after '/'");
		else
			return net_err(err, errlen,
				       "unknown protocol '%s' (expected tcp or udp)", p);
		p += 3;
	}
	if (*p)
		return net_err(err, errlen, "unexpected '%s' after the address", p);
	return 0;
}

/* ---- position scanner --------------------------------------------------- */

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_truncate(struct sbuf *b, size_t len)
{
	if (b->p && len <= b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

struct scan {
	const char *s;
	size_t len, i;
	int line, col;         /* of s[i] */
	int depth;
	struct sbuf path;      /* key path of the value being scanned */
	const char *target;    /* path to find; NULL: find a duplicate key */
	bool want_key;         /* the position of the key, not the value */
	int found_line, found_col;
};

#define SCAN_MAX_DEPTH 4096

enum { SCAN_OK = 0, SCAN_FOUND = 1, SCAN_BAD = -1 };

static int sc_peek(struct scan *sc)
{
	return sc->i < sc->len ? (unsigned char)sc->s[sc->i] : -1;
}

static void sc_next(struct scan *sc)
{
	if (sc->i >= sc->len)
		return;
	if (sc->s[sc->i] == '\n') {
		sc->line++;
		sc->col = 1;
	} else {
		sc->col++;
	}
	sc->i++;
}

static void sc_ws(struct scan *sc)
{
	int c;

	while ((c = sc_peek(sc)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		sc_next(sc);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int sc_hex4(struct scan *sc, unsigned int *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hexval(sc_peek(sc));

		if (h < 0)
			return SCAN_BAD;
		*v = *v << 4 | (unsigned int)h;
		sc_next(sc);
	}
	return SCAN_OK;
}

static void put_utf8(struct sbuf *b, unsigned int cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sb_add(b, u, n);
}

/* A string at s[i] == '"'; decoded into out when out is not NULL. */
static int sc_string(struct scan *sc, struct sbuf *out)
{
	int c;

	sc_next(sc);
	while ((c = sc_peek(sc)) != '"') {
		char ch;

		if (c < 0)
			return SCAN_BAD;
		sc_next(sc);
		if (c != '\\') {
			if (out) {
				ch = (char)c;
				sb_add(out, &ch, 1);
			}
			continue;
		}
		c = sc_peek(sc);
		sc_next(sc);
		switch (c) {
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'n': ch = '\n'; break;
		case 'r': ch = '\r'; break;
		case 't': ch = '\t'; break;
		case '"': case '\\': case '/': ch = (char)c; break;
		case 'u': {
			unsigned int cp, lo;

			if (sc_hex4(sc, &cp))
				return SCAN_BAD;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (sc_peek(sc) != '\\')
					return SCAN_BAD;
				sc_next(sc);
				if (sc_peek(sc) != 'u')
					return SCAN_BAD;
				sc_next(sc);
				if (sc_hex4(sc, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return SCAN_BAD;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (out)
				put_utf8(out, cp);
			continue;
		}
		default:
			return SCAN_BAD;
		}
		if (out)
			sb_add(out, &ch, 1);
	}
	sc_next(sc);
	return SCAN_OK;
}

static bool sc_at_target(struct scan *sc, bool key)
{
	if (!sc->target || sc->want_key != key || sc->path.oom)
		return false;
	return strcmp(sc->path.p ? sc->path.p : "", sc->target) == 0;
}

static int sc_value(struct scan *sc);

static int sc_object(struct scan *sc)
{
	size_t base = sc->path.len, nkeys = 0, ckeys = 0;
	char **keys = NULL;
	struct sbuf key = { 0 };
	int ret = SCAN_BAD;

	sc_next(sc);
	sc_ws(sc);
	if (sc_peek(sc) == '}') {
		sc_next(sc);
		return SCAN_OK;
	}
	for (;;) {
		int kline, kcol;

		sc_ws(sc);
		kline = sc->line;
		kcol = sc->col;
		if (sc_peek(sc) != '"')
			goto out_free_keys;
		sb_truncate(&key, 0);
		sb_add(&key, "", 0);
		if (sc_string(sc, &key) || key.oom)
			goto out_free_keys;
		if (base)
			sb_add(&sc->path, ".", 1);
		sb_add(&sc->path, key.p, key.len);
		if (sc_at_target(sc, true)) {
			sc->found_line = kline;
			sc->found_col = kcol;
			ret = SCAN_FOUND;
			goto out_free_keys;
		}
		if (!sc->target) {
			for (size_t k = 0; k < nkeys; k++) {
				if (strcmp(keys[k], key.p) == 0) {
					sc->found_line = kline;
					sc->found_col = kcol;
					ret = SCAN_FOUND;
					goto out_free_keys;
				}
			}
			if (nkeys == ckeys) {
				size_t nc = ckeys ? ckeys * 2 : 8;
				char **nk = realloc(keys, nc * sizeof(*keys));

				if (!nk)
					goto out_free_keys;
				keys = nk;
				ckeys = nc;
			}
			keys[nkeys] = strdup(key.p);
			if (!keys[nkeys])
				goto out_free_keys;
			nkeys++;
		}
		sc_ws(sc);
		if (sc_peek(sc) != ':')
			goto out_free_keys;
		sc_next(sc);
		ret = sc_value(sc);
		if (ret != SCAN_OK)
			goto out_free_keys;
		ret = SCAN_BAD;
		sb_truncate(&sc->path, base);
		sc_ws(sc);
		if (sc_peek(sc) == '}') {
			sc_next(sc);
			ret = SCAN_OK;
			goto out_free_keys;
		}
		if (sc_peek(sc) != ',')
			goto out_free_keys;
		sc_next(sc);
	}
out_free_keys:
	for (size_t k = 0; k < nkeys; k++)
		free(keys[k]);
	free(keys);
	free(key.p);
	return ret;
}

static int sc_array(struct scan *sc)
{
	size_t base = sc->path.len;
	char idx[32];
	int ret;

	sc_next(sc);
	sc_ws(sc);
	if (sc_peek(sc) == ']') {
		sc_next(sc);
		return SCAN_OK;
	}
	for (size_t n = 0;; n++) {
		snprintf(idx, sizeof(idx), "[%zu]", n);
		sb_add(&sc->path, idx, strlen(idx));
		ret = sc_value(sc);
		if (ret != SCAN_OK)
			return ret;
		sb_truncate(&sc->path, base);
		sc_ws(sc);
		if (sc_peek(sc) == ']') {
			sc_next(sc);
			return SCAN_OK;
		}
		if (sc_peek(sc) != ',')
			return SCAN_BAD;
		sc_next(sc);
	}
}

static int sc_value(struct scan *sc)
{
	int c, ret;

	sc_ws(sc);
	if (sc_at_target(sc, false)) {
		sc->found_line = sc->line;
		sc->found_col = sc->col;
		return SCAN_FOUND;
	}
	c = sc_peek(sc);
	if (c == '"')
		return sc_string(sc, NULL);
	if (c == '{' || c == '[') {
		if (++sc->depth > SCAN_MAX_DEPTH)
			return SCAN_BAD;
		ret = c == '{' ? sc_object(sc) : sc_array(sc);
		sc->depth--;
		return ret;
	}
	/* numbers, true, false, null */
	if (c < 0 || !(isalnum(c) || c == '-'))
		return SCAN_BAD;
	while ((c = sc_peek(sc)) >= 0 && (isalnum(c) || c == '-' || c == '+' || c == '.'))
		sc_next(sc);
	return SCAN_OK;
}

static int scan_run(const char *text, size_t len, const char *target, bool want_key,
		    int *line, int *col, char **path)
{
	struct scan sc = {
		.s = text, .len = len, .line = 1, .col = 1,
		.target = target, .want_key = want_key,
	};
	int ret;

	ret = sc_value(&sc);
	if (ret == SCAN_FOUND) {
		*line = sc.found_line;
		*col = sc.found_col;
		if (path && !sc.path.oom)
			*path = sc.path.p ? strdup(sc.path.p) : strdup("");
	}
	free(sc.path.p);
	return ret;
}

/* ---- loading ------------------------------------------------------------ */

struct ctx {
	const char *text;
	size_t len;
	const char *source;
	const char *workspace;
	char *err;
	size_t errlen;
	struct gb_policy *p;
};

/* Report a problem at the value (or key) at path, naming it shown. */
static int vfail(struct ctx *c, const char *path, bool at_key, const char *shown,
		 const char *fmt, va_list ap)
{
	int line = 1, col = 1, n;

	scan_run(c->text, c->len, path, at_key, &line, &col, NULL);
	n = snprintf(c->err, c->errlen, "%s:%d:%d: %s: ", c->source, line, col, shown);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	return -EINVAL;
}

static int fail(struct ctx *c, const char *path, bool at_key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Report a problem with the value (or key) at path; returns -EINVAL. */
static int fail(struct ctx *c, const char *path, bool at_key, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(c, path, at_key, *path ? path : "(top level)", fmt, ap);
	va_end(ap);
	return ret;
}

static int fail_missing(struct ctx *c, const char *section, const char *key,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A required key is missing: point at the object that should hold it. */
static int fail_missing(struct ctx *c, const char *section, const char *key,
			const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(c, section, false, key, fmt, ap);
	va_end(ap);
	return ret;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static int fail_type(struct ctx *c, const char *path, const json_t *v, const char *want)
{
	return fail(c, path, false, "expected %s, got %s", want, type_name(v));
}

/* Normalise an absolute path into out: collapse "//", drop "." and a
 * trailing "/". Returns 0, -EINVAL for a ".." component, -ENAMETOOLONG. */
static int normalise(const char *in, char *out, size_t outlen)
{
	size_t n = 0;
	const char *p = in;

	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			break;
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		if (n + 1 + len + 1 > outlen)
			return -ENAMETOOLONG;
		out[n++] = '/';
		memcpy(out + n, p, len);
		n += len;
		p += len;
	}
	if (!n) {
		if (outlen < 2)
			return -ENAMETOOLONG;
		out[n++] = '/';
	}
	out[n] = '\0';
	return 0;
}

static int parse_path(struct ctx *c, const char *key, const char *s, char **out)
{
	char joined[PATH_MAX], norm[PATH_MAX];
	const char *prefix = "", *rest = s;
	size_t plen, rlen;
	int ret;

	if (!*s)
		return fail(c, key, false, "empty path");
	if (s[0] == '~')
		return fail(c, key, false, "'~' is not expanded; write the absolute path");
	if (strncmp(s, WS_VAR, strlen(WS_VAR)) == 0) {
		prefix = c->workspace;
		rest = s + strlen(WS_VAR);
		if (*rest && *rest != '/')
			return fail(c, key, false,
				    "${WORKSPACE} must be followed by '/' or end the path");
	} else if (s[0] == '$') {
		return fail(c, key, false,
			    "unknown variable; only ${WORKSPACE} is supported");
	} else if (s[0] != '/') {
		return fail(c, key, false,
			    "relative path; paths start with / or ${WORKSPACE}");
	}
	if (strstr(rest, "${"))
		return fail(c, key, false,
			    "a variable can only start a path, as ${WORKSPACE}");
	plen = strlen(prefix);
	rlen = strlen(rest);
	if (plen + rlen >= sizeof(joined))
		return fail(c, key, false, "path is longer than %d bytes", PATH_MAX - 1);
	memcpy(joined, prefix, plen);
	memcpy(joined + plen, rest, rlen + 1);
	ret = normalise(joined, norm, sizeof(norm));
	if (ret == -EINVAL)
		return fail(c, key, false, "'..' is not allowed in paths");
	if (ret)
		return fail(c, key, false, "path is longer than %d bytes", PATH_MAX - 1);
	*out = strdup(norm);
	return *out ? 0 : -ENOMEM;
}

static int parse_path_list(struct ctx *c, const char *key, json_t *arr,
			   struct gb_path_list *list)
{
	char elem[128];
	json_t *v;
	size_t i;
	int ret;

	if (!json_is_array(arr))
		return fail_type(c, key, arr, "an array of paths");
	if (json_array_size(arr)) {
		list->v = calloc(json_array_size(arr), sizeof(*list->v));
		if (!list->v)
			return -ENOMEM;
	}
	json_array_foreach(arr, i, v) {
		struct gb_path_rule *r = &list->v[i];

		snprintf(elem, sizeof(elem), "%s[%zu]", key, i);
		if (!json_is_string(v))
			return fail_type(c, elem, v, "a string");
		ret = parse_path(c, elem, json_string_value(v), &r->path);
		if (ret)
			return ret;
		list->n++;
		r->raw = strdup(json_string_value(v));
		if (!r->raw)
			return -ENOMEM;
	}
	return 0;
}

static int parse_net_list(struct ctx *c, const char *key, json_t *arr,
			  struct gb_net_list *list)
{
	char elem[128], msg[256];
	json_t *v;
	size_t i;
	int ret;

	if (!json_is_array(arr))
		return fail_type(c, key, arr, "an array of addresses");
	if (json_array_size(arr)) {
		list->v = calloc(json_array_size(arr), sizeof(*list->v));
		if (!list->v)
			return -ENOMEM;
	}
	json_array_foreach(arr, i, v) {
		struct gb_net_rule *r = &list->v[i];

		snprintf(elem, sizeof(elem), "%s[%zu]", key, i);
		if (!json_is_string(v))
			return fail_type(c, elem, v, "a string");
		ret = gb_parse_net_rule(json_string_value(v), r, msg, sizeof(msg));
		if (ret)
			return fail(c, elem, false, "%s", msg);
		list->n++;
		r->raw = strdup(json_string_value(v));
		if (!r->raw)
			return -ENOMEM;
	}
	return 0;
}

static int fail_unknown(struct ctx *c, const char *section, const char *key,
			const char *expected)
{
	size_t n = strlen(section) + strlen(key) + 2;
	char *path = malloc(n);
	int ret;

	if (!path)
		return -ENOMEM;
	snprintf(path, n, "%s%s%s", section, *section ? "." : "", key);
	ret = fail(c, path, true, "unknown key (expected %s)", expected);
	free(path);
	return ret;
}

static int parse_filesystem(struct ctx *c, json_t *obj)
{
	struct gb_policy *p = c->p;
	const char *key;
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return fail_type(c, "filesystem", obj, "an object");
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "read") == 0) {
			ret = parse_path_list(c, "filesystem.read", v, &p->fs_read);
			p->declared[GB_LIMIT_FILESYSTEM] = true;
		} else if (strcmp(key, "write") == 0) {
			ret = parse_path_list(c, "filesystem.write", v, &p->fs_write);
			p->declared[GB_LIMIT_FILESYSTEM] = true;
		} else if (strcmp(key, "exec") == 0) {
			ret = parse_path_list(c, "filesystem.exec", v, &p->fs_exec);
			p->declared[GB_LIMIT_EXEC] = true;
		} else if (strcmp(key, "deny") == 0) {
			ret = parse_path_list(c, "filesystem.deny", v, &p->fs_deny);
			p->fs_deny_declared = true;
		} else {
			ret = fail_unknown(c, "filesystem", key, "read, write, exec, deny");
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_network(struct ctx *c, json_t *obj)
{
	struct gb_policy *p = c->p;
	const char *key;
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return fail_type(c, "network", obj, "an object");
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "connect") == 0) {
			ret = parse_net_list(c, "network.connect", v, &p->net_connect);
			p->net_connect_declared = true;
		} else if (strcmp(key, "bind") == 0) {
			ret = parse_net_list(c, "network.bind", v, &p->net_bind);
			p->net_bind_declared = true;
		} else {
			ret = fail_unknown(c, "network", key, "connect, bind");
		}
		if (ret)
			return ret;
		p->declared[GB_LIMIT_NETWORK] = true;
	}
	return 0;
}

static int parse_process(struct ctx *c, json_t *obj)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return fail_type(c, "process", obj, "an object");
	json_object_foreach(obj, key, v) {
		json_int_t n;

		if (strcmp(key, "max_pids") != 0)
			return fail_unknown(c, "process", key, "max_pids");
		if (!json_is_integer(v))
			return fail_type(c, "process.max_pids", v, "an integer");
		n = json_integer_value(v);
		if (n < 1 || n > GB_MAX_PIDS)
			return fail(c, "process.max_pids", false,
				    "%lld is out of range (1-%d)", (long long)n,
				    GB_MAX_PIDS);
		c->p->max_pids = (long)n;
		c->p->declared[GB_LIMIT_PROCESS] = true;
	}
	return 0;
}

static int parse_time(struct ctx *c, json_t *obj)
{
	const char *key, *s;
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return fail_type(c, "time", obj, "an object");
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "wall") != 0)
			return fail_unknown(c, "time", key, "wall");
		if (!json_is_string(v))
			return fail_type(c, "time.wall", v, "a string like \"10m\"");
		s = json_string_value(v);
		ret = gb_parse_duration(s, &c->p->wall_ns);
		if (ret == -ERANGE)
			return fail(c, "time.wall", false,
				    "duration '%s' is out of range (1ms to 7 days)", s);
		if (ret)
			return fail(c, "time.wall", false,
				    "invalid duration '%s' (expected a positive integer and a unit: ms, s, m or h)",
				    s);
		c->p->declared[GB_LIMIT_TIME] = true;
	}
	return 0;
}

static int parse_audit(struct ctx *c, json_t *obj)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return fail_type(c, "audit", obj, "an object");
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "file_reads") != 0)
			return fail_unknown(c, "audit", key, "file_reads");
		if (!json_is_boolean(v))
			return fail_type(c, "audit.file_reads", v, "true or false");
		c->p->audit_file_reads = json_is_true(v);
	}
	return 0;
}

static bool name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '.' || ch == '_' || ch == '-';
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > GB_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

/* The source's base name without ".json", other characters made '_'. */
static char *name_from_source(const char *source)
{
	const char *base = strrchr(source, '/');
	size_t n;
	char *name;

	base = base ? base + 1 : source;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	if (n > GB_NAME_MAX)
		n = GB_NAME_MAX;
	if (!n)
		return strdup("policy");
	name = strndup(base, n);
	if (!name)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!name_char(name[i]))
			name[i] = '_';
	return name;
}

static int parse_root(struct ctx *c, json_t *root)
{
	struct gb_policy *p = c->p;
	const char *key;
	json_t *v;
	int ret;

	if (!json_is_object(root))
		return fail_type(c, "", root, "an object");

	v = json_object_get(root, "version");
	if (!v)
		return fail_missing(c, "", "version",
				    "missing required key (add \"version\": 1)");
	if (!json_is_integer(v))
		return fail_type(c, "version", v, "the integer 1");
	if (json_integer_value(v) != 1)
		return fail(c, "version", false,
			    "unsupported version %lld (this glovebox reads version 1)",
			    (long long)json_integer_value(v));

	json_object_foreach(root, key, v) {
		ret = 0;
		if (strcmp(key, "version") == 0) {
			continue;
		} else if (strcmp(key, "name") == 0) {
			if (!json_is_string(v))
				return fail_type(c, "name", v, "a string");
			if (!valid_name(json_string_value(v)))
				return fail(c, "name", false,
					    "must be 1-%d characters from A-Z a-z 0-9 . _ -",
					    GB_NAME_MAX);
			free(p->name);
			p->name = strdup(json_string_value(v));
			if (!p->name)
				return -ENOMEM;
		} else if (strcmp(key, "mode") == 0) {
			if (!json_is_string(v))
				return fail_type(c, "mode", v, "a string");
			if (strcmp(json_string_value(v), "enforce") == 0)
				p->mode = GB_MODE_ENFORCE;
			else if (strcmp(json_string_value(v), "audit") == 0)
				p->mode = GB_MODE_AUDIT;
			else
				return fail(c, "mode", false,
					    "unknown mode '%s' (expected enforce or audit)",
					    json_string_value(v));
		} else if (strcmp(key, "filesystem") == 0) {
			ret = parse_filesystem(c, v);
		} else if (strcmp(key, "network") == 0) {
			ret = parse_network(c, v);
		} else if (strcmp(key, "process") == 0) {
			ret = parse_process(c, v);
		} else if (strcmp(key, "time") == 0) {
			ret = parse_time(c, v);
		} else if (strcmp(key, "audit") == 0) {
			ret = parse_audit(c, v);
		} else {
			ret = fail_unknown(c, "", key,
					   "version, name, mode, filesystem, network, process, time, audit");
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* Line and column (1-based, bytes) of the byte at off. */
static void offset_pos(const char *text, size_t len, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int syntax_error(struct ctx *c, const json_error_t *je)
{
	int line, col;
	char *path = NULL;

	if (json_error_code(je) == json_error_duplicate_key &&
	    scan_run(c->text, c->len, NULL, true, &line, &col, &path) == SCAN_FOUND &&
	    path) {
		snprintf(c->err, c->errlen, "%s:%d:%d: %s: duplicate key",
			 c->source, line, col, path);
		free(path);
		return -EINVAL;
	}
	free(path);
	/* jansson's position is the byte just past the offending token; report
	 * the token's last byte, so columns count bytes like everywhere else. */
	offset_pos(c->text, c->len, je->position > 0 ? (size_t)je->position - 1 : 0,
		   &line, &col);
	snprintf(c->err, c->errlen, "%s:%d:%d: syntax error: %s", c->source, line, col,
		 je->text);
	return -EINVAL;
}

int gb_policy_load_string(const char *text, const char *source,
			  const char *workspace, struct gb_policy **out,
			  char *err, size_t errlen)
{
	char ws[PATH_MAX], dummy[GB_ERR_LEN];
	struct ctx c = {
		.text = text, .source = source ? source : "<string>",
		.err = err, .errlen = errlen,
	};
	json_error_t je;
	json_t *root;
	int ret;

	if (!err || !errlen) {
		c.err = dummy;
		c.errlen = sizeof(dummy);
	}
	c.err[0] = '\0';
	*out = NULL;
	if (!text)
		return -EINVAL;
	c.len = strlen(text);

	if (!workspace || workspace[0] != '/') {
		snprintf(c.err, c.errlen, "workspace '%s' is not an absolute path",
			 workspace ? workspace : "");
		return -EINVAL;
	}
	ret = normalise(workspace, ws, sizeof(ws));
	if (ret) {
		snprintf(c.err, c.errlen, "workspace '%s': %s", workspace,
			 ret == -EINVAL ? "'..' is not allowed" : "path too long");
		return ret;
	}
	c.workspace = ws;

	root = json_loadb(text, c.len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return syntax_error(&c, &je);

	c.p = calloc(1, sizeof(*c.p));
	if (!c.p) {
		ret = -ENOMEM;
		goto out_put_root;
	}
	c.p->mode = GB_MODE_ENFORCE;
	c.p->source = strdup(c.source);
	c.p->name = name_from_source(c.source);
	if (!c.p->source || !c.p->name) {
		ret = -ENOMEM;
		goto out_put_root;
	}
	ret = parse_root(&c, root);
out_put_root:
	json_decref(root);
	if (ret) {
		if (ret == -ENOMEM && !c.err[0])
			snprintf(c.err, c.errlen, "%s: out of memory", c.source);
		gb_policy_free(c.p);
		return ret;
	}
	*out = c.p;
	return 0;
}

static int read_all(int fd, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap > GB_POLICY_MAX_SIZE) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return (int)n;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	if (len > GB_POLICY_MAX_SIZE) {
		free(buf);
		return -EFBIG;
	}
	if (memchr(buf, '\0', len)) {
		free(buf);
		return -EILSEQ;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int gb_policy_load_file(const char *path, const char *workspace,
			struct gb_policy **out, char *err, size_t errlen)
{
	char *text = NULL, dummy[GB_ERR_LEN];
	int fd, ret;

	*out = NULL;
	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open policy '%s': %s", path, strerror(-ret));
		return ret;
	}
	ret = read_all(fd, &text);
	close(fd);
	if (ret == -EFBIG) {
		snprintf(err, errlen, "policy '%s' is too large (over %d bytes)", path,
			 GB_POLICY_MAX_SIZE);
		return ret;
	}
	if (ret == -EILSEQ) {
		snprintf(err, errlen, "policy '%s' contains a NUL byte", path);
		return -EINVAL;
	}
	if (ret) {
		snprintf(err, errlen, "cannot read policy '%s': %s", path, strerror(-ret));
		return ret;
	}
	ret = gb_policy_load_string(text, path, workspace, out, err, errlen);
	free(text);
	return ret;
}

static void free_paths(struct gb_path_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].raw);
	}
	free(l->v);
}

static void free_nets(struct gb_net_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].raw);
	free(l->v);
}

void gb_policy_free(struct gb_policy *p)
{
	if (!p)
		return;
	free_paths(&p->fs_read);
	free_paths(&p->fs_write);
	free_paths(&p->fs_exec);
	free_paths(&p->fs_deny);
	free_nets(&p->net_connect);
	free_nets(&p->net_bind);
	free(p->source);
	free(p->name);
	free(p);
}

/* path is under (or is) rule. */
static bool path_under(const char *path, const char *rule)
{
	size_t n = strlen(rule);

	if (n == 1 && rule[0] == '/')
		return true;
	return strncmp(path, rule, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static const struct gb_path_rule *deepest(const struct gb_path_list *l, const char *path,
					  const struct gb_path_rule *best)
{
	for (size_t i = 0; i < l->n; i++)
		if (path_under(path, l->v[i].path) &&
		    (!best || strlen(l->v[i].path) > strlen(best->path)))
			best = &l->v[i];
	return best;
}

const char *gb_policy_rule_for(const struct gb_policy *p, const char *path, const char *op,
			       bool denied)
{
	const struct gb_path_rule *r = deepest(&p->fs_deny, path, NULL);

	if (r)
		return r->raw;
	if (denied)
		return "default";
	if (!strcmp(op, "exec")) {
		r = deepest(&p->fs_exec, path, NULL);
	} else if (!strcmp(op, "read")) {
		r = deepest(&p->fs_read, path, NULL);
		r = deepest(&p->fs_write, path, r);
		r = deepest(&p->fs_exec, path, r);
	} else {
		r = deepest(&p->fs_write, path, NULL);
	}
	return r ? r->raw : "default";
}

int gb_policy_add_deny(struct gb_policy *p, const char *path, const char *raw)
{
	struct gb_path_rule *v = realloc(p->fs_deny.v, (p->fs_deny.n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	p->fs_deny.v = v;
	v[p->fs_deny.n].path = strdup(path);
	v[p->fs_deny.n].raw = strdup(raw);
	if (!v[p->fs_deny.n].path || !v[p->fs_deny.n].raw) {
		free(v[p->fs_deny.n].path);
		free(v[p->fs_deny.n].raw);
		return -ENOMEM;
	}
	p->fs_deny.n++;
	p->fs_deny_declared = true;
	return 0;
}

bool gb_policy_may_write(const struct gb_policy *p, const char *path)
{
	if (deepest(&p->fs_deny, path, NULL))
		return false;
	if (!p->declared[GB_LIMIT_FILESYSTEM])
		return true;
	return deepest(&p->fs_write, path, NULL) != NULL;
}
