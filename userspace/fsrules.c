// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include "fsrules.h"
#include "util.h"
#include "../bpf/sandbox.h"
#include "../bpf/lsm.h"

/* The kernel's internal dev_t (MKDEV), as in inode->i_sb->s_dev. */
static uint64_t kdev(dev_t d)
{
	return ((uint64_t)major(d) << 20) | minor(d);
}

uint32_t gb_fsrules_flags(const struct gb_policy *p)
{
	uint32_t f = GB_SB_LSM;

	if (p->declared[GB_LIMIT_FILESYSTEM])
		f |= GB_SB_FS;
	if (p->declared[GB_LIMIT_EXEC])
		f |= GB_SB_EXEC;
	if (p->fs_deny.n)
		f |= GB_SB_FS_NAMES;
	return f;
}

/* A deny entry that does not exist: the deepest existing ancestor and the
 * next name under it. */
static int name_key(const char *path, uint64_t sandbox, struct gb_fs_name_key *k)
{
	char *copy = strdup(path), *slash;
	struct stat st;
	int ret = -ENOENT;

	if (!copy)
		return -ENOMEM;
	while ((slash = strrchr(copy, '/'))) {
		const char *name = path + (slash - copy) + 1;
		char *end;

		*slash = '\0';
		if (stat(copy[0] ? copy : "/", &st) == 0) {
			memset(k, 0, sizeof(*k));
			k->sandbox = sandbox;
			k->dev = kdev(st.st_dev);
			k->ino = st.st_ino;
			end = strchr(name, '/');
			snprintf(k->name, sizeof(k->name), "%.*s",
				 (int)(end ? (size_t)(end - name) : strlen(name)), name);
			ret = 0;
			break;
		}
	}
	free(copy);
	return ret;
}

struct pending {
	struct gb_fs_key key;
	struct gb_fs_rule rule;
};

#define DENY_WALK_MAX 100000 /* entries of a denied tree checked for hard links */

static struct gb_fs_rule *pending_rule(struct pending **v, size_t *n, const struct gb_fs_key *k)
{
	struct pending *nv;

	for (size_t j = 0; j < *n; j++)
		if (!memcmp(&(*v)[j].key, k, sizeof(*k)))
			return &(*v)[j].rule;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return NULL;
	*v = nv;
	nv[*n].key = *k;
	nv[*n].rule = (struct gb_fs_rule){ .rule_read = GB_RULE_NONE, .rule_write = GB_RULE_NONE,
					   .rule_exec = GB_RULE_NONE, .rule_deny = GB_RULE_NONE };
	return &nv[(*n)++].rule;
}

struct linked_ctx {
	struct pending **v;
	size_t *n;
	uint64_t sandbox;
	__u16 ref;
};

/* A file inside a denied tree with another name elsewhere: deny its inode,
 * so the other name (a hard link made before the sandbox started) is
 * denied too. */
static int deny_linked(const char *path, const struct stat *st, void *ctx)
{
	struct linked_ctx *c = ctx;
	struct gb_fs_key k = { .sandbox = c->sandbox, .dev = kdev(st->st_dev), .ino = st->st_ino };
	struct gb_fs_rule *r = pending_rule(c->v, c->n, &k);

	(void)path;
	if (!r)
		return -ENOMEM;
	r->deny = 1;
	r->rule_deny = c->ref;
	return 0;
}

static int add_list(struct pending **v, size_t *n, uint64_t sandbox, const struct gb_path_list *l,
		    int list, char *err, size_t errlen)
{
	static const __u8 rights[] = {
		[GB_LIST_READ] = GB_FS_READ,
		[GB_LIST_WRITE] = GB_FS_READ | GB_FS_WRITE,
		[GB_LIST_EXEC] = GB_FS_READ | GB_FS_EXEC,
	};

	for (size_t i = 0; i < l->n; i++) {
		struct gb_fs_key k = { .sandbox = sandbox };
		struct gb_fs_rule *r = NULL;
		struct stat st;

		if (stat(l->v[i].path, &st) < 0)
			continue; /* nothing there to allow; deny-by-name handled apart */
		k.dev = kdev(st.st_dev);
		k.ino = st.st_ino;
		r = pending_rule(v, n, &k);
		if (!r)
			return -ENOMEM;
		if (i > GB_RULE_MAX_INDEX) {
			snprintf(err, errlen, "filesystem: more than %d entries in one list", GB_RULE_MAX_INDEX + 1);
			return -E2BIG;
		}
		if (list == GB_LIST_DENY) {
			struct linked_ctx c = { v, n, sandbox, GB_RULE_REF(GB_LIST_DENY, i) };
			int ret;

			r->deny = 1;
			r->rule_deny = c.ref;
			if (!S_ISDIR(st.st_mode))
				continue;
			ret = gb_each_linked_file(l->v[i].path, deny_linked, &c, DENY_WALK_MAX);
			if (ret == -E2BIG)
				snprintf(err, errlen, "filesystem.deny[%zu] '%s': more than %d entries to check "
					 "for hard links (deny a smaller tree)", i, l->v[i].raw, DENY_WALK_MAX);
			if (ret < 0)
				return ret;
			continue;
		}
		r->allow |= rights[list];
		if (list == GB_LIST_READ)
			r->rule_read = GB_RULE_REF(GB_LIST_READ, i);
		if (list == GB_LIST_WRITE)
			r->rule_write = GB_RULE_REF(GB_LIST_WRITE, i);
		if (list == GB_LIST_EXEC)
			r->rule_exec = GB_RULE_REF(GB_LIST_EXEC, i);
	}
	return 0;
}

/* Read implied by a write or exec entry names that entry. */
static void fill_implied(struct pending *v, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		struct gb_fs_rule *r = &v[j].rule;

		if ((r->allow & GB_FS_READ) && r->rule_read == GB_RULE_NONE)
			r->rule_read = r->rule_write != GB_RULE_NONE ? r->rule_write : r->rule_exec;
	}
}

static int build(uint64_t sandbox, const struct gb_policy *p, struct pending **v, size_t *n,
		 char *err, size_t errlen)
{
	int ret;

	*v = NULL;
	*n = 0;
	ret = add_list(v, n, sandbox, &p->fs_read, GB_LIST_READ, err, errlen);
	if (!ret)
		ret = add_list(v, n, sandbox, &p->fs_write, GB_LIST_WRITE, err, errlen);
	if (!ret)
		ret = add_list(v, n, sandbox, &p->fs_exec, GB_LIST_EXEC, err, errlen);
	if (!ret)
		ret = add_list(v, n, sandbox, &p->fs_deny, GB_LIST_DENY, err, errlen);
	if (ret < 0) {
		free(*v);
		*v = NULL;
		return ret;
	}
	fill_implied(*v, *n);
	return 0;
}

/* What was added for one sandbox, so that exactly that is removed, even if
 * the files have changed since. */
struct gb_fsrules {
	int rules_fd, names_fd;
	struct pending *v;
	size_t n;
	struct gb_fs_name_key *names;
	size_t n_names;
};

void gb_fsrules_del(struct gb_fsrules *f)
{
	if (!f)
		return;
	for (size_t j = 0; j < f->n; j++)
		bpf_map_delete_elem(f->rules_fd, &f->v[j].key);
	for (size_t j = 0; j < f->n_names; j++)
		bpf_map_delete_elem(f->names_fd, &f->names[j]);
	free(f->v);
	free(f->names);
	free(f);
}

int gb_fsrules_add(int rules_fd, int names_fd, uint64_t sandbox, const struct gb_policy *p,
		   struct gb_fsrules **out, char *err, size_t errlen)
{
	struct gb_fsrules *f;
	size_t added = 0;
	int ret;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->rules_fd = rules_fd;
	f->names_fd = names_fd;
	f->names = calloc(p->fs_deny.n + 1, sizeof(*f->names));
	ret = f->names ? build(sandbox, p, &f->v, &f->n, err, errlen) : -ENOMEM;
	if (ret < 0)
		goto out_free;
	for (; added < f->n && !ret; added++)
		if (bpf_map_update_elem(rules_fd, &f->v[added].key, &f->v[added].rule, BPF_NOEXIST) < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot add filesystem rules to the BPF map: %s", strerror(-ret));
		}
	if (ret < 0) {
		f->n = added - 1; /* the failed one was not added */
		goto out_free;
	}
	/* Every deny entry is also matched by name under its parent: a file
	 * that does not exist yet, or one replaced later by a new inode. */
	for (size_t i = 0; i < p->fs_deny.n && i <= GB_RULE_MAX_INDEX; i++) {
		__u16 idx = GB_RULE_REF(GB_LIST_DENY, i);
		struct gb_fs_name_key *k = &f->names[f->n_names];

		if (name_key(p->fs_deny.v[i].path, sandbox, k) < 0)
			continue;
		if (bpf_map_update_elem(names_fd, k, &idx, BPF_ANY) < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot add filesystem.deny[%zu] '%s' to the BPF map: %s", i,
				 p->fs_deny.v[i].raw, strerror(-ret));
			goto out_free;
		}
		f->n_names++;
	}
	*out = f;
	return 0;
out_free:
	gb_fsrules_del(f);
	return ret;
}
