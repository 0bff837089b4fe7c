// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include "audit.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include "../bpf/audit.h"
#include "../bpf/net.h"
#include "../bpf/sysaudit.h"
#include "../bpf/lsm.h"
#include "policy.h"
#include "util.h"

struct gb_audit {
	FILE *out;
	int own_out;
	char *sandbox;
	int64_t mono_to_real; /* add to a bpf_ktime_get_ns() time to get realtime */
	struct ring_buffer *rb;
	struct {
		char name[24];
		uint64_t n;
	} counts[32]; /* events written, per type, in order of first appearance */
	int n_counts;
	const struct gb_policy *policy;
	uint64_t sandbox_id; /* records of other sandboxes are skipped */
	json_t *binaries; /* pid -> binary path, from exec and fork events */
	char *line;       /* the line being written */
	size_t line_cap;
	uint64_t lost_reported;
	uint64_t lost_user; /* events glovebox itself failed to write */
	char comm[16];
};

int gb_audit_open(struct gb_audit **out, const char *path, const char *sandbox,
		  char *err, size_t errlen)
{
	struct gb_audit *a;
	int fd, ret;

	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->sandbox = strdup(sandbox);
	a->binaries = json_object();
	if (!a->sandbox || !a->binaries) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (strcmp(path, "-") == 0) {
		a->out = stderr;
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0 || !(a->out = fdopen(fd, "a"))) {
			ret = -errno;
			if (fd >= 0)
				close(fd);
			snprintf(err, errlen, "cannot open audit file '%s': %s", path, strerror(-ret));
			goto out_free;
		}
		a->own_out = 1;
	}
	a->mono_to_real = (int64_t)(gb_realtime_ns() - gb_monotonic_ns());
	a->line_cap = 4096;
	a->line = malloc(a->line_cap);
	if (!a->line) {
		ret = -ENOMEM;
		if (a->own_out)
			fclose(a->out);
		goto out_free;
	}
	strcpy(a->comm, "glovebox");
	*out = a;
	return 0;
out_free:
	json_decref(a->binaries);
	free(a->sandbox);
	free(a);
	return ret;
}

static size_t utf8_seq_len(const unsigned char *s, size_t left)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

json_t *gb_json_bytes(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	json_t *j;
	char *buf;
	size_t o = 0;

	j = json_stringn(s, len);
	if (j)
		return j;
	/* Not valid UTF-8 (or has NUL): replace each bad byte with U+FFFD. */
	buf = malloc(len * 3 + 1);
	if (!buf)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = u[i] ? utf8_seq_len(u + i, len - i) : 0;

		if (n) {
			memcpy(buf + o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

static json_t *common(struct gb_audit *a, const char *event, uint64_t realtime_ns,
		      long pid, long ppid, long uid, json_t *comm)
{
	char ts[64];

	gb_format_ts(realtime_ns, ts, sizeof(ts));
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o}", "ts", ts, "sandbox", a->sandbox,
			 "event", event, "pid", (json_int_t)pid, "ppid", (json_int_t)ppid,
			 "uid", (json_int_t)uid, "comm", comm);
}

json_t *gb_audit_event(struct gb_audit *a, const char *event)
{
	return common(a, event, gb_realtime_ns(), getpid(), getppid(), getuid(),
		      json_string(a->comm));
}

static void count_event(struct gb_audit *a, const char *type)
{
	int i;

	for (i = 0; i < a->n_counts; i++)
		if (!strcmp(a->counts[i].name, type))
			break;
	if (i == a->n_counts) {
		if (a->n_counts == (int)(sizeof(a->counts) / sizeof(a->counts[0])))
			return;
		snprintf(a->counts[i].name, sizeof(a->counts[i].name), "%s", type);
		a->counts[i].n = 0;
		a->n_counts++;
	}
	a->counts[i].n++;
}

void gb_audit_emit(struct gb_audit *a, json_t *ev)
{
	size_t n_out;
	const char *type;

	if (!ev) {
		a->lost_user++; /* the event could not even be built */
		return;
	}
	type = json_string_value(json_object_get(ev, "event"));
	if (type)
		count_event(a, type);
	/* One buffer and one write per line: json_dumpf writes token by token. */
	n_out = json_dumpb(ev, a->line, a->line_cap - 1, JSON_COMPACT);
	if (n_out >= a->line_cap - 1) {
		char *nl = realloc(a->line, n_out + 2);

		if (nl) {
			a->line = nl;
			a->line_cap = n_out + 2;
			n_out = json_dumpb(ev, a->line, a->line_cap - 1, JSON_COMPACT);
		}
	}
	if (n_out > 0 && n_out < a->line_cap - 1) {
		a->line[n_out] = '\n';
		fwrite(a->line, 1, n_out + 1, a->out);
	} else {
		a->lost_user++; /* could not be written (out of memory): counted as lost */
	}
	json_decref(ev);
}

const char *gb_signal_name(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
		[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
		[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
		[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
		[SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
		[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
		[SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
	};

	if (sig > 0 && (size_t)sig < sizeof(names) / sizeof(names[0]) && names[sig])
		return names[sig];
	return NULL;
}

void gb_audit_set_policy(struct gb_audit *a, const struct gb_policy *p)
{
	a->policy = p;
}

static void pid_key(char *buf, size_t len, uint32_t pid)
{
	snprintf(buf, len, "%u", pid);
}

/* The binary a sandboxed process runs, as learnt from its exec (or its
 * parent's, for a fork that has not exec'd). */
static json_t *binary_of(struct gb_audit *a, uint32_t pid)
{
	char k[16];
	json_t *b;

	pid_key(k, sizeof(k), pid);
	b = json_object_get(a->binaries, k);
	return b ? json_incref(b) : json_null();
}

static void binary_set(struct gb_audit *a, uint32_t pid, json_t *bin)
{
	char k[16];

	pid_key(k, sizeof(k), pid);
	json_object_set(a->binaries, k, bin);
}

static void binary_forget(struct gb_audit *a, uint32_t pid)
{
	char k[16];

	pid_key(k, sizeof(k), pid);
	json_object_del(a->binaries, k);
}

static const char *verdict_name(int v)
{
	return v == GB_VERDICT_ALLOW ? "allow" : v == GB_VERDICT_DENY ? "deny" : "audit";
}

static const char *proto_name(int p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : p == IPPROTO_ICMP ? "icmp" :
	       p == IPPROTO_ICMPV6 ? "icmpv6" : p == IPPROTO_SCTP ? "sctp" : p == 0 ? "any" : "other";
}

/* The parts of a network record both writers (jansson and net_line) use. */
static const char *net_op_name(const struct gb_net_event *x)
{
	return x->op == GB_NET_OP_CONNECT ? "connect" : x->op == GB_NET_OP_BIND ? "bind" :
	       x->op == GB_NET_OP_SOCKET ? "socket" : "sendmsg";
}

static void net_addr_text(const struct gb_net_event *x, char buf[INET6_ADDRSTRLEN])
{
	if (!memcmp(x->addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) /* IPv4-mapped */
		inet_ntop(AF_INET, x->addr + 12, buf, INET6_ADDRSTRLEN);
	else
		inet_ntop(AF_INET6, x->addr, buf, INET6_ADDRSTRLEN);
}

/* The policy entry as written, or NULL for "default". */
static const char *net_rule_text(const struct gb_audit *a, const struct gb_net_event *x)
{
	const struct gb_net_list *list;

	if (!a->policy || x->rule == GB_NET_NO_RULE)
		return NULL;
	list = x->op == GB_NET_OP_BIND ? &a->policy->net_bind : &a->policy->net_connect;
	return x->rule < list->n ? list->v[x->rule].raw : NULL;
}

static json_t *net_event(struct gb_audit *a, const struct gb_net_event *x)
{
	const char *rule = net_rule_text(a, x);
	char buf[INET6_ADDRSTRLEN];
	json_t *ev;

	ev = common(a, "network", x->hdr.ts_ns + a->mono_to_real, x->hdr.pid, x->hdr.ppid, x->hdr.uid,
		    gb_json_bytes(x->hdr.comm, strnlen(x->hdr.comm, GB_COMM_LEN)));
	json_object_set_new(ev, "limit", json_string("network"));
	json_object_set_new(ev, "op", json_string(net_op_name(x)));
	net_addr_text(x, buf);
	json_object_set_new(ev, "addr", json_string(buf));
	json_object_set_new(ev, "port", json_integer(x->port));
	json_object_set_new(ev, "proto", json_string(proto_name(x->proto)));
	json_object_set_new(ev, "family", json_string(x->family == AF_INET6 ? "inet6" : "inet"));
	json_object_set_new(ev, "verdict", json_string(verdict_name(x->verdict)));
	json_object_set_new(ev, "rule", json_string(rule ? rule : "default"));
	json_object_set_new(ev, "binary", binary_of(a, x->hdr.pid));
	return ev;
}


struct sys_info {
	int nr;
	const char *name;
	int kind;       /* GB_SYS_* */
	const char *op; /* "" = from the open flags, or the name (process calls) */
	signed char dfd, dfd2;
};

static const struct sys_info sys_table[] = {
#define X(nr, name, kind, path, path2, flags, dfd, dfd2, op) { nr, #name, kind, op, dfd, dfd2 },
	GB_SYSCALLS(X)
#undef X
};

static const struct sys_info *sys_lookup(uint32_t nr)
{
	for (size_t i = 0; i < sizeof(sys_table) / sizeof(sys_table[0]); i++)
		if ((uint32_t)sys_table[i].nr == nr)
			return &sys_table[i];
	return NULL;
}

/* Join a relative path to a directory and fold ".", ".." and "//". */
static char *join_path(const char *dir, size_t dlen, const char *rel, size_t rlen)
{
	char *buf = malloc(dlen + rlen + 3), *out;
	size_t o = 0;

	if (!buf)
		return NULL;
	out = malloc(dlen + rlen + 3);
	if (!out) {
		free(buf);
		return NULL;
	}
	memcpy(buf, dir, dlen);
	buf[dlen] = '/';
	memcpy(buf + dlen + 1, rel, rlen);
	buf[dlen + 1 + rlen] = '\0';
	for (char *c = buf; *c;) {
		char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);

		if (n == 0 || (n == 1 && c[0] == '.')) {
			/* skip */
		} else if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, c, n);
			o += n;
		}
		c += n;
		if (*c == '/')
			c++;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(buf);
	return out;
}

/* The path argument as an absolute path when it can be known. */
static json_t *sys_path(const struct gb_sys_event *x, const char *p, size_t len, int dfd_arg,
			json_t *ev, const char *dirfd_key)
{
	const char *cwd = x->data + GB_SYS_PATH * 2;
	bool at_cwd = dfd_arg < 0 || (int)x->args[dfd_arg] == -100 /* AT_FDCWD */;
	json_t *j;
	char *abs;

	if (len == 0 || p[0] == '/' || dfd_arg == -2 || !(x->flags & GB_SYS_CWD) || !at_cwd) {
		if (len && p[0] != '/' && dfd_arg >= 0 && !at_cwd)
			json_object_set_new(ev, dirfd_key, json_integer((json_int_t)(int)x->args[dfd_arg]));
		return gb_json_bytes(p, len);
	}
	abs = join_path(cwd, x->cwd_len, p, len);
	if (!abs)
		return gb_json_bytes(p, len);
	j = gb_json_bytes(abs, strlen(abs));
	free(abs);
	return j;
}

static const char *open_op(uint64_t flags)
{
	if (flags & 0100 /* O_CREAT */)
		return "create";
	if ((flags & 3) || (flags & 01000 /* O_TRUNC */))
		return "write";
	return "read";
}

/* The file a path names, with symlinks and /proc/self resolved as the
 * process `pid` would see them (glovebox shares its mount namespace), for
 * finding the deciding rule. NULL if it cannot be resolved. */
static char *resolve_for(uint32_t pid, const char *path)
{
	char buf[4200], *r, *slash;
	const char *p = path;

	/* /proc/PID/root is "/" for a sandboxed task (it cannot chroot), also
	 * after the task is gone. */
	if (!strncmp(path, "/proc/", 6)) {
		const char *q = path + 6;

		if (!strncmp(q, "self/", 5))
			q += 4;
		else if (!strncmp(q, "thread-self/", 12))
			q += 11;
		else
			while (*q >= '0' && *q <= '9')
				q++;
		if (q > path + 6 && !strncmp(q, "/root", 5) && (q[5] == '/' || !q[5])) {
			snprintf(buf, sizeof(buf), "%s", q[5] ? q + 5 : "/");
			path = buf;
			p = buf;
		}
	}
	if (!strncmp(p, "/proc/self/", 11) || !strncmp(p, "/proc/thread-self/", 18)) {
		char tmp[4200];

		snprintf(tmp, sizeof(tmp), "/proc/%u%s", pid, strchr(p + 6, '/'));
		snprintf(buf, sizeof(buf), "%s", tmp);
		p = buf;
	}
	r = realpath(p, NULL);
	if (r)
		return r;
	/* A name that does not exist (yet): resolve its directory. */
	slash = strrchr(p, '/');
	if (!slash || slash == p)
		return NULL;
	{
		char dir[4200];
		char *rd;

		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - p), p);
		rd = realpath(dir, NULL);
		if (!rd)
			return NULL;
		snprintf(buf, sizeof(buf), "%s%s", strcmp(rd, "/") ? rd : "", slash);
		free(rd);
		return strdup(buf);
	}
}

/* Whether two paths' directories are on the same filesystem (an EXDEV from
 * rename/link between them is then a refusal, not a cross-device move). */
static bool same_device(const char *a, const char *b)
{
	char da[4200], db[4200];
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	struct stat x, y;

	if (!sa || !sb)
		return false;
	snprintf(da, sizeof(da), "%.*s", (int)(sa - a) ? (int)(sa - a) : 1, a);
	snprintf(db, sizeof(db), "%.*s", (int)(sb - b) ? (int)(sb - b) : 1, b);
	return stat(da, &x) == 0 && stat(db, &y) == 0 && x.st_dev == y.st_dev;
}

static const char *rule_for_path(struct gb_audit *a, uint32_t pid, const char *path, const char *op,
				 bool denied)
{
	const char *rule = gb_policy_rule_for(a->policy, path, op, denied);
	char *res;

	if (strcmp(rule, "default") != 0)
		return rule;
	res = resolve_for(pid, path);
	if (res) {
		rule = gb_policy_rule_for(a->policy, res, op, denied);
		free(res);
	}
	return rule;
}

static json_t *sys_event(struct gb_audit *a, const struct gb_sys_event *x)
{
	const struct sys_info *si = sys_lookup(x->nr);
	bool denied = x->flags & GB_SYS_DENIED;
	const char *event, *limit, *op;
	json_t *ev, *path = NULL;

	if (!si)
		return NULL;
	event = si->kind == GB_SYS_EXEC ? "exec_decision" : si->kind == GB_SYS_PROC ? "process" : "file";
	limit = si->kind == GB_SYS_EXEC ? "exec" : si->kind == GB_SYS_PROC ? "process" : "filesystem";
	op = si->kind == GB_SYS_PROC ? si->name : si->op[0] ? si->op : open_op(x->open_flags);
	if (x->nr == 263 && (x->args[2] & 0x200)) /* unlinkat(AT_REMOVEDIR) */
		op = "delete";
	ev = common(a, event, x->hdr.ts_ns + a->mono_to_real, x->hdr.pid, x->hdr.ppid, x->hdr.uid,
		    gb_json_bytes(x->hdr.comm, strnlen(x->hdr.comm, GB_COMM_LEN)));
	json_object_set_new(ev, "limit", json_string(limit));
	json_object_set_new(ev, "op", json_string(op));
	json_object_set_new(ev, "syscall", json_string(si->name));
	if (x->path_len) {
		path = sys_path(x, x->data, x->path_len, si->dfd, ev, "dirfd");
		json_object_set_new(ev, "path", path);
	}
	if ((x->flags & GB_SYS_PATH_TRUNC) || x->path_len >= GB_SYS_PATH - 1 || x->path2_len >= GB_SYS_PATH - 1)
		json_object_set_new(ev, "path_truncated", json_true());
	if (x->path2_len)
		json_object_set_new(ev, "target", sys_path(x, x->data + GB_SYS_PATH, x->path2_len, si->dfd2,
							   ev, "target_dirfd"));
	if (denied && -x->ret == 18 /* EXDEV */) {
		const char *s1 = json_string_value(json_object_get(ev, "path"));
		const char *s2 = json_string_value(json_object_get(ev, "target"));

		if (!s1 || !s2 || !same_device(s1, s2)) {
			json_decref(ev);
			return json_null(); /* a real cross-device move: not a decision */
		}
	}
	switch (x->nr) {
	case 101: /* ptrace(request, pid) */
		json_object_set_new(ev, "target_pid", json_integer(x->args[1]));
		break;
	case 62: case 200: /* kill(pid, sig), tkill(tid, sig) */
		json_object_set_new(ev, "target_pid", json_integer(x->args[0]));
		json_object_set_new(ev, "signal", json_integer(x->args[1]));
		break;
	case 234: /* tgkill(tgid, tid, sig) */
		json_object_set_new(ev, "target_pid", json_integer(x->args[0]));
		json_object_set_new(ev, "signal", json_integer(x->args[2]));
		break;
	case 310: case 311:
		json_object_set_new(ev, "target_pid", json_integer(x->args[0]));
		break;
	case 41: /* socket(domain, type, protocol) */
		json_object_set_new(ev, "domain", json_integer(x->args[0]));
		json_object_set_new(ev, "type", json_integer(x->args[1] & 0xf));
		break;
	case 272: case 56: /* unshare(flags), clone(flags, ...) */
		json_object_set_new(ev, "flags", json_integer(x->args[0]));
		break;
	case 321: /* bpf(cmd, ...) */
		json_object_set_new(ev, "cmd", json_integer(x->args[0]));
		break;
	case 16: /* ioctl(fd, request, ...) */
		json_object_set_new(ev, "cmd", json_integer((uint32_t)x->args[1]));
		break;
	}
	json_object_set_new(ev, "verdict", json_string(denied ? "deny" : "allow"));
	if (denied) {
		int e = -x->ret;

		json_object_set_new(ev, "errno", json_string(e == 13 ? "EACCES" : e == 1 ? "EPERM" :
							      e == 18 ? "EXDEV" : "other"));
	}
	if (si->kind == GB_SYS_PROC)
		json_object_set_new(ev, "rule", json_string("sandbox boundary"));
	else {
		const char *rule = "default", *target = json_string_value(json_object_get(ev, "target"));
		const char *rop = si->kind == GB_SYS_EXEC ? "exec" : op;

		if (a->policy && path)
			rule = rule_for_path(a, x->hdr.pid, json_string_value(path), rop, denied);
		/* rename/link: the other end may be what decided it. */
		if (a->policy && target && !strcmp(rule, "default"))
			rule = rule_for_path(a, x->hdr.pid, target, "create", denied);
		json_object_set_new(ev, "rule", json_string(rule));
	}
	json_object_set_new(ev, "binary", binary_of(a, x->hdr.pid));
	return ev;
}

static const char *const lsm_ops[GB_OP__COUNT] = {
	[GB_OP_READ] = "read", [GB_OP_WRITE] = "write", [GB_OP_CREATE] = "create",
	[GB_OP_DELETE] = "delete", [GB_OP_RENAME] = "rename", [GB_OP_LINK] = "link",
	[GB_OP_SYMLINK] = "symlink", [GB_OP_MKDIR] = "mkdir", [GB_OP_TRUNCATE] = "truncate",
	[GB_OP_CHMOD] = "chmod", [GB_OP_MKNOD] = "mknod", [GB_OP_EXEC] = "exec",
	[GB_OP_MMAP_EXEC] = "mmap_exec", [GB_OP_PTRACE] = "ptrace", [GB_OP_KILL] = "kill",
	[GB_OP_BPF] = "bpf", [GB_OP_MOUNT] = "mount", [GB_OP_UMOUNT] = "umount",
	[GB_OP_PIVOT_ROOT] = "pivot_root", [GB_OP_USERNS] = "userns_create",
	[GB_OP_MODULE] = "module_load", [GB_OP_SOCKET] = "socket",
	[GB_OP_CGROUP_WRITE] = "cgroup_write", [GB_OP_CAPABILITY] = "capability",
	[GB_OP_CHOWN] = "chown", [GB_OP_CLONE_CGROUP] = "clone_into_cgroup",
	[GB_OP_CONNECT_UNIX] = "connect_unix", [GB_OP_IOCTL] = "ioctl",
};

static json_t *lsm_rule(struct gb_audit *a, const struct gb_lsm_event *x)
{
	const struct gb_path_list *lists[4];
	unsigned int l, i;

	switch (x->why) {
	case GB_WHY_BOUNDARY:
		return json_string("sandbox boundary");
	case GB_WHY_DEPTH:
		return json_string("depth bound");
	case GB_WHY_UNDECLARED:
	case GB_WHY_DEFAULT:
		return json_string("default");
	}
	if (!a->policy || x->rule == GB_RULE_NONE)
		return json_string("default");
	lists[GB_LIST_READ] = &a->policy->fs_read;
	lists[GB_LIST_WRITE] = &a->policy->fs_write;
	lists[GB_LIST_EXEC] = &a->policy->fs_exec;
	lists[GB_LIST_DENY] = &a->policy->fs_deny;
	l = GB_RULE_LIST(x->rule);
	i = GB_RULE_INDEX(x->rule);
	if (i < lists[l]->n && lists[l]->v[i].raw)
		return json_string(lists[l]->v[i].raw);
	return json_string("default");
}

static json_t *lsm_event(struct gb_audit *a, const struct gb_lsm_event *x, size_t size)
{
	const char *event, *limit;
	json_t *ev;

	if (x->op >= GB_OP__COUNT || !lsm_ops[x->op] ||
	    offsetof(struct gb_lsm_event, data) + x->path_len + x->path2_len > size)
		return NULL;
	event = x->kind == GB_LSM_FILE ? "file" : x->kind == GB_LSM_EXEC ? "exec_decision" : "process";
	limit = x->kind == GB_LSM_FILE ? "filesystem" : x->kind == GB_LSM_EXEC ? "exec" : "process";
	ev = common(a, event, x->hdr.ts_ns + a->mono_to_real, x->hdr.pid, x->hdr.ppid, x->hdr.uid,
		    gb_json_bytes(x->hdr.comm, strnlen(x->hdr.comm, GB_COMM_LEN)));
	json_object_set_new(ev, "limit", json_string(limit));
	json_object_set_new(ev, "op", json_string(lsm_ops[x->op]));
	if (x->path_len)
		json_object_set_new(ev, "path", gb_json_bytes(x->data, x->path_len));
	if (x->path2_len)
		json_object_set_new(ev, "target", gb_json_bytes(x->data + x->path_len, x->path2_len));
	if (x->flags & GB_LSM_PATH_TRUNC)
		json_object_set_new(ev, "path_truncated", json_true());
	switch (x->op) {
	case GB_OP_PTRACE:
		json_object_set_new(ev, "target_pid", json_integer(x->target_pid));
		break;
	case GB_OP_KILL:
		json_object_set_new(ev, "target_pid", json_integer(x->target_pid));
		json_object_set_new(ev, "signal", json_integer(x->detail));
		break;
	case GB_OP_SOCKET:
		json_object_set_new(ev, "domain", json_integer(x->detail >> 16));
		json_object_set_new(ev, "type", json_integer(x->detail & 0xffff));
		break;
	case GB_OP_BPF:
		json_object_set_new(ev, "cmd", json_integer(x->detail));
		break;
	case GB_OP_CAPABILITY:
		json_object_set_new(ev, "capability", json_integer(x->detail));
		break;
	case GB_OP_IOCTL:
		json_object_set_new(ev, "cmd", json_integer(x->detail));
		break;
	}
	json_object_set_new(ev, "verdict", json_string(verdict_name(x->verdict)));
	json_object_set_new(ev, "rule", lsm_rule(a, x));
	if (x->why == GB_WHY_DEPTH)
		json_object_set_new(ev, "reason", json_string("path deeper than the walk bound (64 steps)"));
	json_object_set_new(ev, "binary", binary_of(a, x->hdr.pid));
	return ev;
}

/* A line built by hand, for the hottest record type (network decisions):
 * building a jansson object per event is most of the consumer's time. */
struct jb {
	char *p;
	size_t len, cap;
	bool oom;
};

static void jb_grow(struct jb *b, size_t need)
{
	char *np;
	size_t cap;

	if (b->oom || b->len + need <= b->cap)
		return;
	cap = (b->cap + need) * 2;
	np = realloc(b->p, cap);
	if (!np) {
		b->oom = true;
		return;
	}
	b->p = np;
	b->cap = cap;
}

static void jb_raw(struct jb *b, const char *s, size_t n)
{
	jb_grow(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

#define JB_LIT(b, s) jb_raw((b), (s), sizeof(s) - 1)

/* A JSON string of bytes that may not be UTF-8: as gb_json_bytes. */
static void jb_str(struct jb *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;

	jb_grow(b, n * 6 + 2);
	if (b->oom)
		return;
	b->p[b->len++] = '"';
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		size_t k;

		if (c == '"' || c == '\\') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = (char)c;
			i++;
		} else if (c < 0x20) {
			memcpy(b->p + b->len, "\\u00", 4);
			b->p[b->len + 4] = hex[c >> 4];
			b->p[b->len + 5] = hex[c & 15];
			b->len += 6;
			i++;
		} else if (c < 0x80) {
			b->p[b->len++] = (char)c;
			i++;
		} else if ((k = utf8_seq_len(u + i, n - i))) {
			memcpy(b->p + b->len, s + i, k);
			b->len += k;
			i += k;
		} else {
			memcpy(b->p + b->len, "\xef\xbf\xbd", 3);
			b->len += 3;
			i++;
		}
	}
	b->p[b->len++] = '"';
}

static void jb_cstr(struct jb *b, const char *s)
{
	jb_str(b, s, strlen(s));
}

static void jb_int(struct jb *b, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lld", v);

	jb_raw(b, num, (size_t)n);
}

/* Writes a network record's line; false if it could not (the caller falls
 * back to the general path). */
static bool net_line(struct gb_audit *a, const struct gb_net_event *x)
{
	const char *rule = net_rule_text(a, x);
	struct jb b = { .p = a->line, .cap = a->line_cap };
	char ts[64], addr[INET6_ADDRSTRLEN];
	const char *op;
	json_t *bin;

	net_addr_text(x, addr);
	op = net_op_name(x);
	gb_format_ts(x->hdr.ts_ns + a->mono_to_real, ts, sizeof(ts));
	JB_LIT(&b, "{\"ts\":\"");
	jb_raw(&b, ts, strlen(ts));
	JB_LIT(&b, "\",\"sandbox\":");
	jb_cstr(&b, a->sandbox);
	JB_LIT(&b, ",\"event\":\"network\",\"pid\":");
	jb_int(&b, x->hdr.pid);
	JB_LIT(&b, ",\"ppid\":");
	jb_int(&b, x->hdr.ppid);
	JB_LIT(&b, ",\"uid\":");
	jb_int(&b, x->hdr.uid);
	JB_LIT(&b, ",\"comm\":");
	jb_str(&b, x->hdr.comm, strnlen(x->hdr.comm, GB_COMM_LEN));
	JB_LIT(&b, ",\"limit\":\"network\",\"op\":\"");
	jb_raw(&b, op, strlen(op));
	JB_LIT(&b, "\",\"addr\":\"");
	jb_raw(&b, addr, strlen(addr));
	JB_LIT(&b, "\",\"port\":");
	jb_int(&b, x->port);
	/* Known ASCII words: no escaping needed. */
	JB_LIT(&b, ",\"proto\":\"");
	jb_raw(&b, proto_name(x->proto), strlen(proto_name(x->proto)));
	JB_LIT(&b, "\",\"family\":\"");
	jb_raw(&b, x->family == AF_INET6 ? "inet6" : "inet", x->family == AF_INET6 ? 5 : 4);
	JB_LIT(&b, "\",\"verdict\":\"");
	jb_raw(&b, verdict_name(x->verdict), strlen(verdict_name(x->verdict)));
	JB_LIT(&b, "\",\"rule\":");
	jb_cstr(&b, rule ? rule : "default");
	JB_LIT(&b, ",\"binary\":");
	bin = binary_of(a, x->hdr.pid);
	if (json_is_string(bin))
		jb_str(&b, json_string_value(bin), json_string_length(bin));
	else
		JB_LIT(&b, "null");
	json_decref(bin);
	JB_LIT(&b, "}\n");
	a->line = b.p;
	a->line_cap = b.cap;
	if (b.oom)
		return false;
	fwrite(b.p, 1, b.len, a->out);
	count_event(a, "network");
	return true;
}
static json_t *argv_array(const char *s, size_t len)
{
	json_t *arr = json_array();
	size_t i = 0;

	while (arr && i < len) {
		size_t n = strnlen(s + i, len - i);

		json_array_append_new(arr, gb_json_bytes(s + i, n));
		i += n + 1;
	}
	return arr;
}

static json_t *from_kernel(struct gb_audit *a, const void *data, size_t size)
{
	const struct gb_event_hdr *h = data;
	json_t *ev;

	if (size < sizeof(*h) || h->size > size)
		return NULL;
	switch (h->type) {
	case GB_EV_FORK: {
		const struct gb_fork_event *f = data;

		if (size < sizeof(*f))
			return NULL;
		ev = common(a, "fork", h->ts_ns + a->mono_to_real, h->pid, h->ppid, h->uid,
			    gb_json_bytes(h->comm, strnlen(h->comm, GB_COMM_LEN)));
		json_object_set_new(ev, "child_pid", json_integer(f->child_pid));
		{
			json_t *b = binary_of(a, h->pid);

			if (!json_is_null(b))
				binary_set(a, f->child_pid, b);
			json_decref(b);
		}
		return ev;
	}
	case GB_EV_EXIT: {
		const struct gb_exit_event *x = data;
		int st = x->exit_code;

		if (size < sizeof(*x))
			return NULL;
		ev = common(a, "exit", h->ts_ns + a->mono_to_real, h->pid, h->ppid, h->uid,
			    gb_json_bytes(h->comm, strnlen(h->comm, GB_COMM_LEN)));
		if (st & 0x7f) {
			const char *name = gb_signal_name(st & 0x7f);

			json_object_set_new(ev, "signal", json_integer(st & 0x7f));
			if (name)
				json_object_set_new(ev, "signal_name", json_string(name));
			json_object_set_new(ev, "core_dumped", json_boolean(st & 0x80));
		} else {
			json_object_set_new(ev, "code", json_integer((st >> 8) & 0xff));
		}
		binary_forget(a, h->pid);
		return ev;
	}
	case GB_EV_EXEC: {
		const struct gb_exec_event *x = data;
		size_t need = offsetof(struct gb_exec_event, data) + x->path_len + x->cwd_len + x->args_len;

		if (size < offsetof(struct gb_exec_event, data) || need > size)
			return NULL;
		ev = common(a, "exec", h->ts_ns + a->mono_to_real, h->pid, h->ppid, h->uid,
			    gb_json_bytes(h->comm, strnlen(h->comm, GB_COMM_LEN)));
		json_object_set_new(ev, "binary", gb_json_bytes(x->data, x->path_len));
		binary_set(a, h->pid, json_object_get(ev, "binary"));
		json_object_set_new(ev, "argv", argv_array(x->data + x->path_len + x->cwd_len, x->args_len));
		json_object_set_new(ev, "truncated", json_boolean(x->flags & GB_EXEC_ARGS_TRUNCATED));
		json_object_set_new(ev, "cwd", gb_json_bytes(x->data + x->path_len, x->cwd_len));
		if (x->flags & (GB_EXEC_PATH_TRUNCATED | GB_EXEC_CWD_TRUNCATED))
			json_object_set_new(ev, "path_truncated", json_true());
		return ev;
	}
	case GB_EV_NET:
		if (size < sizeof(struct gb_net_event))
			return NULL;
		return net_event(a, data);
	case GB_EV_SYS:
		if (size < offsetof(struct gb_sys_event, data) + GB_SYS_PATH * 2)
			return NULL;
		return sys_event(a, data);
	case GB_EV_LSM:
		if (size < offsetof(struct gb_lsm_event, data))
			return NULL;
		return lsm_event(a, data, size);
	}
	return NULL;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct gb_audit *a = ctx;
	const struct gb_event_hdr *h = data;
	json_t *ev;

	/* Left in a pooled ring by an earlier sandbox. */
	if (size >= sizeof(*h) && h->sandbox != a->sandbox_id)
		return 0;
	if (size >= sizeof(struct gb_net_event) && h->type == GB_EV_NET &&
	    net_line(a, (const struct gb_net_event *)h))
		return 0;
	ev = from_kernel(a, data, size);
	if (json_is_null(ev))
		return 0; /* not a decision after all */

	if (!ev) {
		ev = gb_audit_event(a, "malformed");
		json_object_set_new(ev, "size", json_integer((json_int_t)size));
	}
	gb_audit_emit(a, ev);
	return 0;
}

int gb_audit_attach_ring(struct gb_audit *a, int ring_fd, uint64_t sandbox)
{
	a->sandbox_id = sandbox;
	a->rb = ring_buffer__new(ring_fd, on_record, a, NULL);
	return a->rb ? 0 : -errno;
}

int gb_audit_ring_epoll_fd(struct gb_audit *a)
{
	return a->rb ? ring_buffer__epoll_fd(a->rb) : -1;
}

int gb_audit_consume(struct gb_audit *a)
{
	return a->rb ? ring_buffer__consume(a->rb) : 0;
}

void gb_audit_lost(struct gb_audit *a, uint64_t total)
{
	json_t *ev;

	if (total <= a->lost_reported)
		return;
	ev = gb_audit_event(a, "lost");
	json_object_set_new(ev, "count", json_integer((json_int_t)(total - a->lost_reported)));
	json_object_set_new(ev, "total", json_integer((json_int_t)total));
	a->lost_reported = total;
	gb_audit_emit(a, ev);
}

uint64_t gb_audit_lost_total(struct gb_audit *a)
{
	return a->lost_reported + a->lost_user;
}

json_t *gb_audit_counts(struct gb_audit *a)
{
	json_t *o = json_object();

	for (int i = 0; i < a->n_counts; i++)
		json_object_set_new(o, a->counts[i].name, json_integer((json_int_t)a->counts[i].n));
	return o;
}

void gb_audit_flush(struct gb_audit *a)
{
	fflush(a->out);
}

void gb_audit_close(struct gb_audit *a)
{
	if (!a)
		return;
	ring_buffer__free(a->rb);
	if (a->own_out)
		fclose(a->out);
	else
		fflush(a->out);
	json_decref(a->binaries);
	free(a->line);
	free(a->sandbox);
	free(a);
}
