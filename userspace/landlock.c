// SPDX-License-Identifier: MIT
/* Filesystem and exec limits with Landlock. See landlock.h for the API and
 * docs/known-gaps.md for what this backend cannot express.
 *
 * How a policy becomes rules:
 *   read  -> READ_FILE | READ_DIR
 *   write -> read + WRITE_FILE | REMOVE_* | MAKE_* | REFER | TRUNCATE | IOCTL_DEV
 *   exec  -> EXECUTE | READ_FILE | READ_DIR  (execve opens the file for reading)
 * Every path is resolved (realpath) first, so /lib and /usr/lib are the same
 * tree for the deny logic. An allowed tree A that contains a denied path D
 * gets no rule itself (a rule on A would cover D): each directory from A
 * down to D's parent is "split", i.e. its entries other than the one on the
 * way to D get A's rights, and the split directory keeps only READ_DIR. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "landlock.h"
#include "util.h"

/* Debian's linux-libc-dev may predate these (ABI numbers in comments). */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)    /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)        /* ABI 6 */
#endif

/* struct landlock_ruleset_attr as of ABI 6; older headers have only the
 * first field. The size passed to the kernel matches the running ABI. */
struct gb_ll_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net; /* ABI 4; unused: network is cgroup BPF */
	__u64 scoped;             /* ABI 6 */
};

#define ACC_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define ACC_DIR_CHANGE                                                         \
	(LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |        \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |            \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |            \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |          \
	 LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER)
#define ACC_WRITE                                                              \
	(ACC_READ | ACC_DIR_CHANGE | LANDLOCK_ACCESS_FS_WRITE_FILE |             \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define ACC_EXEC (LANDLOCK_ACCESS_FS_EXECUTE | ACC_READ)
/* The only rights a rule on a non-directory may carry. */
#define ACC_FILE                                                               \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |            \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |            \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

struct gb_landlock {
	int ruleset_fd;
};

/* An allowed tree, resolved. */
struct allow {
	char *path;
	__u64 rights;
};

/* A denied path, resolved (for a symlink: both the link and its target). */
struct deny {
	char *path;
	size_t idx;      /* index in filesystem.deny */
	const char *raw; /* as written in the policy */
	bool is_dir;
};

struct build {
	int abi;
	__u64 handled;
	int ruleset_fd;
	struct allow *allow;
	size_t n_allow;
	struct deny *deny;
	size_t n_deny;
	char warn[GB_ERR_LEN];     /* stricter than the policy: usability */
	char degraded[GB_ERR_LEN]; /* weaker than the policy */
	char *err;                 /* hard errors go straight here */
	size_t errlen;
	bool guard_only;           /* no filesystem limit applied: only the cgroup guard */
};

int gb_landlock_abi(void)
{
	static int abi = -1;

	if (abi < 0) {
		long r = syscall(SYS_landlock_create_ruleset, NULL, 0,
				 LANDLOCK_CREATE_RULESET_VERSION);

		abi = r < 0 ? 0 : (int)r;
	}
	return abi;
}

bool gb_landlock_scopes_signals(void)
{
	return gb_landlock_abi() >= 6;
}

static __u64 abi_fs_rights(int abi)
{
	__u64 r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

/* Append to a sep-separated list in buf, truncating quietly. */
static void vappend(char *buf, size_t len, const char *sep, const char *fmt, va_list ap)
{
	size_t used = strlen(buf);

	if (used) {
		snprintf(buf + used, len - used, "%s", sep);
		used = strlen(buf);
	}
	if (used + 1 < len)
		vsnprintf(buf + used, len - used, fmt, ap);
}

/* One more message for a "; "-separated list. */
static void note(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(buf, len, "; ", fmt, ap);
	va_end(ap);
}

/* One more item for a ", "-separated list. */
static void item(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void item(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(buf, len, ", ", fmt, ap);
	va_end(ap);
}

/* path is root or beneath it, on component boundaries. */
static bool is_under(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return true;
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static char *join(const char *dir, const char *name)
{
	char *s;

	if (asprintf(&s, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name) < 0)
		return NULL;
	return s;
}

/* realpath() of the longest existing prefix of path, with the rest appended
 * unresolved. Returns 0 and *out (malloc'd), or -errno. */
static int resolve_missing_ok(const char *path, char **out)
{
	char *buf = strdup(path);
	size_t cut = strlen(path);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		char *r;

		buf[cut] = '\0';
		r = realpath(cut ? buf : "/", NULL);
		if (r) {
			const char *rest = path + cut;

			/* rest is "" or "/name..."; avoid "//name" under "/". */
			if (asprintf(out, "%s%s", r, strcmp(r, "/") || !*rest ? rest : rest + 1) < 0)
				ret = -ENOMEM;
			free(r);
			break;
		}
		if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {
			ret = -errno;
			break;
		}
		if (cut == 0 || path[0] != '/') {
			ret = -ENOENT; /* not even "/" resolved */
			break;
		}
		/* Drop the last component; cut == 0 means "try /". */
		while (cut > 0 && buf[cut] != '/')
			cut--;
	}
	free(buf);
	return ret;
}

static int allow_add(struct build *b, const char *path, __u64 rights)
{
	struct allow *na;
	char *r;

	rights &= b->handled;
	if (!rights)
		return 0;
	r = realpath(path, NULL);
	if (!r) {
		/* Nothing there (or nothing this process may see): nothing to allow. */
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EACCES)
			return 0;
		snprintf(b->err, b->errlen, "cannot resolve '%s': %s", path, strerror(errno));
		return -errno;
	}
	/* No search for an earlier entry with the same path: Landlock adds up
	 * the rights of rules on one inode, and the search made a large policy
	 * quadratic. */
	na = realloc(b->allow, (b->n_allow + 1) * sizeof(*na));
	if (!na) {
		free(r);
		return -ENOMEM;
	}
	b->allow = na;
	b->allow[b->n_allow++] = (struct allow){ .path = r, .rights = rights };
	return 0;
}

static int deny_push(struct build *b, char *path, size_t idx, const char *raw)
{
	struct deny *nd;
	struct stat st;

	for (size_t i = 0; i < b->n_deny; i++) {
		if (strcmp(b->deny[i].path, path) == 0) {
			free(path);
			return 0;
		}
	}
	nd = realloc(b->deny, (b->n_deny + 1) * sizeof(*nd));
	if (!nd) {
		free(path);
		return -ENOMEM;
	}
	b->deny = nd;
	b->deny[b->n_deny++] = (struct deny){
		.path = path, .idx = idx, .raw = raw,
		.is_dir = lstat(path, &st) == 0 && S_ISDIR(st.st_mode),
	};
	return 0;
}

static __u64 inherited_rights(const struct build *b, const char *dir);

#define DENY_WALK_MAX 100000 /* entries of a denied tree checked for hard links */

static int first_linked(const char *path, const struct stat *st, void *ctx)
{
	(void)st;
	*(const char **)ctx = strdup(path);
	return 1;
}

/* The sandbox boundary: files on cgroup filesystems are never writable, as
 * writing a pid into a cgroup.procs would move a task out of its sandbox
 * (its network rules and pids limit are found by cgroup). Added as deny
 * entries unless the policy's rules leave them unwritable anyway. */
static int guard_cgroups(struct build *b)
{
	char line[4096], mnt[2048], type[64];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int ret = 0;

	if (!f)
		return -errno;
	while (ret == 0 && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		char *path;

		if (!sep || sscanf(sep + 3, "%63s", type) != 1 ||
		    (strcmp(type, "cgroup") != 0 && strcmp(type, "cgroup2") != 0))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %2047s", mnt) != 1)
			continue;
		if (!(inherited_rights(b, mnt) & LANDLOCK_ACCESS_FS_WRITE_FILE))
			continue;
		path = strdup(mnt);
		ret = path ? deny_push(b, path, SIZE_MAX, "cgroup filesystems (sandbox boundary)") : -ENOMEM;
	}
	fclose(f);
	return ret;
}

/* Record deny entry idx: the name itself (its parent resolved) and, if it
 * is a symbolic link, what it points to. */
static int deny_add(struct build *b, const struct gb_path_rule *rule, size_t idx)
{
	const char *path = rule->path;
	const char *slash = strrchr(path, '/');
	char *parent = NULL, *name_path = NULL, *target;
	struct stat st;
	int ret;

	if (strcmp(path, "/") == 0) {
		name_path = strdup("/");
	} else {
		parent = strndup(path, slash == path ? 1 : (size_t)(slash - path));
		if (!parent)
			return -ENOMEM;
		ret = resolve_missing_ok(parent, &name_path);
		if (ret < 0) {
			snprintf(b->err, b->errlen, "filesystem.deny[%zu] '%s': cannot resolve '%s': %s",
				 idx, rule->raw, parent, strerror(-ret));
			free(parent);
			return ret;
		}
		free(parent);
		target = join(name_path, slash + 1);
		free(name_path);
		name_path = target;
	}
	if (!name_path)
		return -ENOMEM;
	ret = deny_push(b, name_path, idx, rule->raw);
	if (ret < 0)
		return ret;

	target = realpath(path, NULL);
	if (!target)
		return 0; /* does not exist (yet), or a dangling link */
	if (stat(target, &st) == 0 && !S_ISDIR(st.st_mode) && st.st_nlink > 1)
		note(b->degraded, sizeof(b->degraded),
		     "filesystem.deny[%zu] '%s': the file has %lu hard links and Landlock "
		     "denies only this name, not the others", idx, rule->raw,
		     (unsigned long)st.st_nlink);
	if (S_ISDIR(st.st_mode)) {
		const char *first = NULL;

		ret = gb_each_linked_file(target, first_linked, &first, DENY_WALK_MAX);
		if (ret == -E2BIG)
			note(b->degraded, sizeof(b->degraded),
			     "filesystem.deny[%zu] '%s': more than %d entries to check for hard links "
			     "(Landlock denies only the names under it, not other links to its files)",
			     idx, rule->raw, DENY_WALK_MAX);
		else if (ret > 0)
			note(b->degraded, sizeof(b->degraded),
			     "filesystem.deny[%zu] '%s': '%s' has other hard links, and Landlock denies "
			     "only the names under '%s'", idx, rule->raw, first, rule->raw);
		free((char *)first);
	}
	return deny_push(b, target, idx, rule->raw);
}

static bool under_any_deny(const struct build *b, const char *path)
{
	for (size_t i = 0; i < b->n_deny; i++)
		if (is_under(path, b->deny[i].path))
			return true;
	return false;
}

/* path is a denied path or an ancestor of one. */
static bool covers_a_deny(const struct build *b, const char *path)
{
	for (size_t i = 0; i < b->n_deny; i++)
		if (is_under(b->deny[i].path, path))
			return true;
	return false;
}

static int add_rule_fd(struct build *b, int fd, const char *path, __u64 rights)
{
	struct landlock_path_beneath_attr pb = { .parent_fd = fd };
	struct stat st;

	if (fstat(fd, &st) < 0) {
		snprintf(b->err, b->errlen, "cannot stat '%s': %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode))
		rights &= ACC_FILE;
	pb.allowed_access = rights & b->handled;
	if (!pb.allowed_access)
		return 0;
	if (syscall(SYS_landlock_add_rule, b->ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0) {
		snprintf(b->err, b->errlen, "cannot add a Landlock rule for '%s': %s", path,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

static int add_rule_path(struct build *b, const char *path, __u64 rights)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	int ret;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0; /* removed since it was resolved */
		snprintf(b->err, b->errlen, "cannot open '%s': %s", path, strerror(errno));
		return -errno;
	}
	ret = add_rule_fd(b, fd, path, rights);
	close(fd);
	return ret;
}

/* Rights the policy grants at dir through allowed trees at or above it. */
static __u64 inherited_rights(const struct build *b, const char *dir)
{
	__u64 r = 0;

	for (size_t i = 0; i < b->n_allow; i++)
		if (is_under(dir, b->allow[i].path))
			r |= b->allow[i].rights;
	return r;
}

static const struct deny *first_deny_under(const struct build *b, const char *dir, bool dirs_only)
{
	for (size_t i = 0; i < b->n_deny; i++)
		if (is_under(b->deny[i].path, dir) && (!dirs_only || b->deny[i].is_dir))
			return &b->deny[i];
	return NULL;
}

/* A directory on the way from an allowed tree to a denied path. */
struct split {
	char *dir;
	__u64 rights;            /* what dir inherits from the allowed trees */
	const struct deny *frozen;   /* if set: entries directly in dir cannot be
				      * created, renamed or removed, because of it */
	const struct deny *unlisted; /* if set: dir cannot be listed, because of it */
};

/* Give every entry of sp->dir except those on the way to a denied path the
 * rights sp->dir inherits; the directory itself keeps READ_DIR unless a
 * denied directory lies beneath (READ_DIR is inherited by every directory
 * below, so it would let the sandbox list the denied one). */
static int split_dir(struct build *b, struct split *sp)
{
	const char *dir = sp->dir;
	struct dirent *de;
	DIR *dh;
	int dfd, ret = 0;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0; /* nothing beneath to allow */
		snprintf(b->err, b->errlen, "cannot open '%s': %s", dir, strerror(errno));
		return -errno;
	}
	dh = fdopendir(dfd);
	if (!dh) {
		ret = -errno;
		snprintf(b->err, b->errlen, "cannot list '%s': %s", dir, strerror(errno));
		close(dfd);
		return ret;
	}
	while ((errno = 0, de = readdir(dh))) {
		char *child;
		struct stat st;
		int fd;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		child = join(dir, de->d_name);
		if (!child) {
			ret = -ENOMEM;
			goto out_closedir;
		}
		if (covers_a_deny(b, child)) {
			free(child);
			continue;
		}
		fd = openat(dfd, de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			free(child);
			if (errno == ENOENT)
				continue;
			ret = -errno;
			snprintf(b->err, b->errlen, "cannot open '%s/%s': %s", dir, de->d_name,
				 strerror(errno));
			goto out_closedir;
		}
		/* A rule on a link would never match: access is checked on the
		 * path the link resolves to, which gets its own rights. */
		if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode))
			ret = 0;
		else
			ret = add_rule_fd(b, fd, child, sp->rights);
		close(fd);
		free(child);
		if (ret < 0)
			goto out_closedir;
	}
	if (errno) {
		ret = -errno;
		snprintf(b->err, b->errlen, "cannot list '%s': %s", dir, strerror(errno));
		goto out_closedir;
	}

	if (sp->rights & LANDLOCK_ACCESS_FS_READ_DIR) {
		sp->unlisted = first_deny_under(b, dir, true);
		if (!sp->unlisted)
			ret = add_rule_fd(b, dfd, dir, LANDLOCK_ACCESS_FS_READ_DIR);
	}
	if (sp->rights & ACC_DIR_CHANGE)
		sp->frozen = first_deny_under(b, dir, false);
out_closedir:
	closedir(dh);
	return ret;
}

/* One warning per deny entry and kind, naming the directories it affects. */
static void warn_splits(struct build *b, const struct gb_policy *p,
			const struct split *sp, size_t n_split)
{
	for (size_t i = 0; i < p->fs_deny.n; i++) {
		for (int kind = 0; kind < 2; kind++) {
			char dirs[GB_ERR_LEN] = "";

			for (size_t s = 0; s < n_split; s++) {
				const struct deny *d = kind ? sp[s].unlisted : sp[s].frozen;

				if (d && d->idx == i)
					item(dirs, sizeof(dirs), "'%s'", sp[s].dir);
			}
			if (!dirs[0])
				continue;
			if (kind == 0)
				note(b->warn, sizeof(b->warn),
				     "filesystem.deny[%zu] '%s': entries directly in %s cannot be "
				     "created, renamed or removed (Landlock cannot allow a directory "
				     "minus one name)", i, p->fs_deny.v[i].raw, dirs);
			else
				note(b->warn, sizeof(b->warn),
				     "filesystem.deny[%zu] '%s': %s cannot be listed (Landlock "
				     "cannot allow listing a directory but not a denied directory "
				     "beneath it)", i, p->fs_deny.v[i].raw, dirs);
		}
	}
}

static int build_rules(struct build *b, const struct gb_policy *p)
{
	static const struct {
		size_t off;
		__u64 rights;
	} lists[] = {
		{ offsetof(struct gb_policy, fs_read), ACC_READ },
		{ offsetof(struct gb_policy, fs_write), ACC_WRITE },
		{ offsetof(struct gb_policy, fs_exec), ACC_EXEC },
	};
	struct split *split = NULL;
	size_t n_split = 0;
	int ret = 0;

	/* A limit the policy does not declare (or audit mode) stays open:
	 * allow it on "/". */
	if (b->guard_only)
		ret = allow_add(b, "/", b->handled);
	else if (!p->declared[GB_LIMIT_FILESYSTEM])
		ret = allow_add(b, "/", ~(__u64)LANDLOCK_ACCESS_FS_EXECUTE);
	if (ret == 0 && !b->guard_only && !p->declared[GB_LIMIT_EXEC])
		ret = allow_add(b, "/", LANDLOCK_ACCESS_FS_EXECUTE);
	for (size_t l = 0; ret == 0 && !b->guard_only && l < sizeof(lists) / sizeof(lists[0]); l++) {
		const struct gb_path_list *pl = (const void *)((const char *)p + lists[l].off);

		for (size_t i = 0; ret == 0 && i < pl->n; i++)
			ret = allow_add(b, pl->v[i].path, lists[l].rights);
	}
	for (size_t i = 0; ret == 0 && !b->guard_only && i < p->fs_deny.n; i++)
		ret = deny_add(b, &p->fs_deny.v[i], i);
	if (ret == 0)
		ret = guard_cgroups(b);
	if (ret < 0)
		return ret;

	/* Trees that hold no denied path: one rule each. Trees inside a
	 * denied path: nothing (deny wins). */
	for (size_t i = 0; i < b->n_allow; i++) {
		const char *a = b->allow[i].path;

		if (under_any_deny(b, a) || covers_a_deny(b, a))
			continue;
		ret = add_rule_path(b, a, b->allow[i].rights);
		if (ret < 0)
			return ret;
	}

	/* Split every allowed directory on the way to a denied path: its
	 * strict ancestors, "/" first. */
	for (size_t i = 0; ret == 0 && i < b->n_deny; i++) {
		const char *d = b->deny[i].path;

		for (size_t k = 0; ret == 0 && d[k] && strcmp(d, "/") != 0; k++) {
			struct split *ns, sp = { 0 };
			bool seen = false;

			if (d[k] != '/')
				continue;
			sp.dir = strndup(d, k ? k : 1);
			if (!sp.dir) {
				ret = -ENOMEM;
				break;
			}
			for (size_t s = 0; s < n_split; s++)
				seen |= strcmp(split[s].dir, sp.dir) == 0;
			sp.rights = inherited_rights(b, sp.dir);
			if (seen || !sp.rights || under_any_deny(b, sp.dir)) {
				free(sp.dir);
				continue;
			}
			ret = split_dir(b, &sp);
			ns = ret ? NULL : realloc(split, (n_split + 1) * sizeof(*ns));
			if (!ns) {
				free(sp.dir);
				ret = ret ? ret : -ENOMEM;
				break;
			}
			split = ns;
			split[n_split++] = sp;
		}
	}
	if (ret == 0)
		warn_splits(b, p, split, n_split);
	for (size_t s = 0; s < n_split; s++)
		free(split[s].dir);
	free(split);
	return ret;
}

int gb_landlock_prepare(const struct gb_policy *p, bool allow_degraded,
			struct gb_landlock **out, char *err, size_t errlen)
{
	struct build b = { .ruleset_fd = -1, .err = err, .errlen = errlen };
	struct gb_ll_ruleset_attr attr = { 0 };
	size_t attr_size;
	bool fs_handled = p->declared[GB_LIMIT_FILESYSTEM] || p->fs_deny_declared;
	bool exec_handled = p->declared[GB_LIMIT_EXEC];
	int ret = 0;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	/* Landlock has no audit-only mode: in audit mode the filesystem and
	 * exec limits are not applied; signal scoping (the sandbox boundary,
	 * not a policy limit) still is. */
	if (p->mode == GB_MODE_AUDIT)
		fs_handled = exec_handled = false;

	b.abi = gb_landlock_abi();
	if (b.abi == 0) {
		if (!fs_handled && !exec_handled)
			return 0;
		snprintf(err, errlen, "%s: Landlock is not available on this kernel",
			 !exec_handled ? "filesystem limit" : !fs_handled ? "exec limit" :
			 "filesystem and exec limits");
		return allow_degraded ? 0 : -EOPNOTSUPP;
	}
	if (fs_handled)
		b.handled |= abi_fs_rights(b.abi) & ~(__u64)LANDLOCK_ACCESS_FS_EXECUTE;
	else { /* only for the cgroup guard: writes allowed everywhere else */
		b.handled |= abi_fs_rights(b.abi) & (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE);
		b.guard_only = !exec_handled;
	}
	if (exec_handled)
		b.handled |= LANDLOCK_ACCESS_FS_EXECUTE;
	if (b.abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_SIGNAL;
	if (!b.handled && !attr.scoped)
		return 0;

	if (fs_handled && b.abi < 3)
		note(b.degraded, sizeof(b.degraded),
		     "filesystem: truncate(2) is not restricted (Landlock ABI %d, needs 3)", b.abi);

	attr.handled_access_fs = b.handled;
	attr_size = b.abi >= 6 ? sizeof(attr) : b.abi >= 4 ? 2 * sizeof(__u64) : sizeof(__u64);
	b.ruleset_fd = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (b.ruleset_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create a Landlock ruleset: %s", strerror(errno));
		return ret;
	}

	if (b.handled) {
		ret = build_rules(&b, p);
		if (ret < 0)
			goto out_free;
	}
	if (b.degraded[0] && !allow_degraded) {
		snprintf(err, errlen, "%s", b.degraded);
		ret = -EOPNOTSUPP;
		goto out_free;
	}
	*out = malloc(sizeof(**out));
	if (!*out) {
		ret = -ENOMEM;
		snprintf(err, errlen, "cannot build the Landlock ruleset: %s", strerror(ENOMEM));
		goto out_free;
	}
	(*out)->ruleset_fd = b.ruleset_fd;
	b.ruleset_fd = -1;
	/* What is weaker first, then what is stricter. */
	snprintf(err, errlen, "%s%s%s", b.degraded, b.degraded[0] && b.warn[0] ? "; " : "", b.warn);

out_free:
	if (b.ruleset_fd >= 0)
		close(b.ruleset_fd);
	for (size_t i = 0; i < b.n_allow; i++)
		free(b.allow[i].path);
	free(b.allow);
	for (size_t i = 0; i < b.n_deny; i++)
		free(b.deny[i].path);
	free(b.deny);
	return ret;
}

int gb_landlock_enforce(const struct gb_landlock *l)
{
	if (!l)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_landlock_restrict_self, l->ruleset_fd, 0) < 0)
		return -errno;
	return 0;
}

void gb_landlock_free(struct gb_landlock *l)
{
	if (!l)
		return;
	if (l->ruleset_fd >= 0)
		close(l->ruleset_fd);
	free(l);
}
