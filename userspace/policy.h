/* SPDX-License-Identifier: MIT */
/* Policy files (version 1): parse, validate, expand ${WORKSPACE}.
 *
 * The reference for the file format is policies/README.md. Every function
 * here returns 0 or a negative errno; on a validation error the message is
 * written to err as "SOURCE:LINE:COL: KEY: what is wrong" (no trailing
 * newline, no "glovebox:" prefix — the caller adds that).
 */
#ifndef GLOVEBOX_POLICY_H
#define GLOVEBOX_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GB_ERR_LEN 512

enum gb_mode {
	GB_MODE_ENFORCE = 0,
	GB_MODE_AUDIT = 1,
};

/* The limits a policy can declare, in the order they are reported. */
enum gb_limit {
	GB_LIMIT_FILESYSTEM = 0, /* filesystem.read / write / deny */
	GB_LIMIT_EXEC,           /* filesystem.exec */
	GB_LIMIT_NETWORK,        /* network.connect / bind */
	GB_LIMIT_PROCESS,        /* process.max_pids */
	GB_LIMIT_TIME,           /* time.wall */
	GB_LIMIT__COUNT,
};

struct gb_path_rule {
	char *path; /* absolute, ${WORKSPACE} expanded, no trailing '/', no "//", ".", ".." */
	char *raw;  /* the entry as written in the file */
};

struct gb_path_list {
	size_t n;
	struct gb_path_rule *v;
};

#define GB_PROTO_ANY 0
#define GB_PROTO_TCP 6  /* IPPROTO_TCP */
#define GB_PROTO_UDP 17 /* IPPROTO_UDP */

struct gb_net_rule {
	int family;          /* AF_INET or AF_INET6 */
	uint8_t addr[16];    /* network byte order; IPv4 uses the first 4 bytes; host bits cleared */
	uint8_t prefix;      /* 0..32 (IPv4) or 0..128 (IPv6) */
	uint16_t port_lo;    /* host byte order; 0..65535; lo = 0, hi = 65535 when no port is given */
	uint16_t port_hi;
	uint8_t proto;       /* GB_PROTO_ANY, GB_PROTO_TCP, GB_PROTO_UDP */
	char *raw;           /* the entry as written */
};

struct gb_net_list {
	size_t n;
	struct gb_net_rule *v;
};

struct gb_policy {
	char *source;        /* file name as given, or "<default>" */
	char *name;          /* "name" key; defaults to the file's base name without .json */
	enum gb_mode mode;   /* "mode"; default enforce */

	bool declared[GB_LIMIT__COUNT];

	/* filesystem: declared when "read" or "write" (or both) is present;
	 * then anything not under read/write is denied. "deny" applies whether
	 * or not read/write are present. write implies read. */
	struct gb_path_list fs_read, fs_write, fs_exec, fs_deny;
	bool fs_deny_declared;

	/* network: connect and bind are each declared separately; a declared
	 * but empty list denies every connect (or bind). */
	bool net_connect_declared, net_bind_declared;
	struct gb_net_list net_connect, net_bind;

	long max_pids;       /* 0 = not declared */
	uint64_t wall_ns;    /* 0 = not declared */

	bool audit_file_reads; /* "audit": { "file_reads": true } */
};

/* Load and validate a policy file. workspace is the absolute workspace
 * directory that ${WORKSPACE} expands to. */
int gb_policy_load_file(const char *path, const char *workspace,
			struct gb_policy **out, char *err, size_t errlen);

/* Same, from text in memory; source names it in error messages. */
int gb_policy_load_string(const char *text, const char *source,
			  const char *workspace, struct gb_policy **out,
			  char *err, size_t errlen);

/* The embedded default policy (same text as policies/default.json). */
const char *gb_policy_default_text(void);

void gb_policy_free(struct gb_policy *p);

/* "500ms", "30s", "10m", "1h" (a positive integer and one unit; no
 * spaces). Returns 0 or -EINVAL / -ERANGE. Result fits in 1..(7 days). */
int gb_parse_duration(const char *s, uint64_t *ns);

/* One network entry: ADDR[/PREFIX][:PORT[-PORT]][/tcp|/udp], IPv6 in
 * brackets when a port is given ("[::1]:8080"). Returns 0 or -EINVAL with a
 * message (without location) in err. */
int gb_parse_net_rule(const char *s, struct gb_net_rule *r, char *err, size_t errlen);

/* The policy entry (as written) that decides access op ("read", "write",
 * "create", "delete", "exec", ...) to the absolute path: a matching deny
 * entry if any, else for an allowed access the deepest entry allowing it;
 * "default" when no entry applies. */
const char *gb_policy_rule_for(const struct gb_policy *p, const char *path, const char *op,
			       bool denied);

/* Add a deny entry (an absolute, normalised path) that is not in the file,
 * e.g. the audit file. */
int gb_policy_add_deny(struct gb_policy *p, const char *path, const char *raw);

/* Whether the policy lets the sandbox write path (absolute, normalised). */
bool gb_policy_may_write(const struct gb_policy *p, const char *path);

const char *gb_limit_name(enum gb_limit l);     /* "filesystem", "exec", "network", "process", "time" */
const char *gb_mode_name(enum gb_mode m);       /* "enforce", "audit" */

#endif
