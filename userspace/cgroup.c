// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cgroup.h"
#include "util.h"

#define GB_CGROUP_PARENT "glovebox"

/* Find a mount of fstype (and, for cgroup v1, with option opt). */
static int find_mount(const char *fstype, const char *opt, char *buf, size_t len)
{
	char line[4096];
	FILE *f;
	int ret = -ENOENT;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* id parent maj:min root mountpoint opts ... - fstype source superopts */
		char mnt[1024], type[64], super[1024];
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1)
			continue;
		if (sscanf(sep + 3, "%63s %*s %1023s", type, super) != 2)
			continue;
		if (strcmp(type, fstype) != 0)
			continue;
		if (opt && !gb_list_has(super, ',', opt))
			continue;
		if (strlen(mnt) >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, mnt);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

int gb_cgroup2_mount(char *buf, size_t len)
{
	return find_mount("cgroup2", NULL, buf, len);
}

/* Depth of the cgroup2 mount's root in the hierarchy: 0 unless glovebox
 * runs in a cgroup namespace or the mount is of a subtree. */
static int cgroup2_root_level(void)
{
	char line[4096], root[1024], type[64];
	int level = 0;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(sep + 3, "%63s", type) != 1 || strcmp(type, "cgroup2") != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %1023s", root) != 1)
			break;
		for (char *c = root; *c; c++)
			if (*c == '/' && c[1] && c[1] != '/')
				level++;
		break;
	}
	fclose(f);
	return level;
}

int gb_cgroup_parent(char *buf, size_t len, int *level)
{
	char root[4096];
	int ret;

	ret = gb_cgroup2_mount(root, sizeof(root));
	if (ret < 0)
		return ret;
	ret = gb_pathf(buf, len, "%s/" GB_CGROUP_PARENT, root);
	if (ret < 0)
		return ret;
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	*level = cgroup2_root_level() + 1;
	return 0;
}

static bool v2_has_pids(const char *root)
{
	char p[4200], buf[512];

	gb_pathf(p, sizeof(p), "%s/cgroup.controllers", root);
	if (gb_read_file(p, buf, sizeof(buf)) < 0)
		return false;
	return gb_list_has(buf, ' ', "pids");
}

const char *gb_cgroup_pids_mechanism(void)
{
	char root[4096];

	if (gb_cgroup2_mount(root, sizeof(root)) == 0 && v2_has_pids(root))
		return "cgroup2 pids controller";
	if (find_mount("cgroup", "pids", root, sizeof(root)) == 0)
		return "cgroup1 pids controller";
	return NULL;
}

/* mkdir -p for one level below an existing directory. */
static int ensure_dir(const char *path)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

static int cgroup_id_of(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	int mount_id;

	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return -errno;
	memcpy(id, h.fh.f_handle, sizeof(*id));
	return 0;
}

static int setup_pids_v2(const char *root, const char *parent, const char *dir, long max_pids,
			 char *err, size_t errlen)
{
	char p[4200], val[32];
	int ret;

	gb_pathf(p, sizeof(p), "%s/cgroup.subtree_control", root);
	ret = gb_write_file(p, "+pids");
	if (ret == 0) {
		gb_pathf(p, sizeof(p), "%s/cgroup.subtree_control", parent);
		ret = gb_write_file(p, "+pids");
	}
	if (ret == 0) {
		gb_pathf(p, sizeof(p), "%s/pids.max", dir);
		snprintf(val, sizeof(val), "%ld", max_pids);
		ret = gb_write_file(p, val);
	}
	if (ret < 0)
		snprintf(err, errlen, "cannot set pids limit in '%s': %s", p, strerror(-ret));
	return ret;
}

static int setup_pids_v1(struct gb_cgroup *cg, const char *name, long max_pids,
			 char *err, size_t errlen)
{
	char root[4096], p[4200], val[32];
	int ret;

	ret = find_mount("cgroup", "pids", root, sizeof(root));
	if (ret < 0) {
		snprintf(err, errlen, "process.max_pids: no pids controller (cgroup2 or cgroup1) on this host");
		return -EOPNOTSUPP;
	}
	gb_pathf(p, sizeof(p), "%s/" GB_CGROUP_PARENT, root);
	ret = ensure_dir(p);
	if (ret < 0)
		goto out_err;
	if (asprintf(&cg->pids_v1, "%s/" GB_CGROUP_PARENT "/%s", root, name) < 0) {
		cg->pids_v1 = NULL;
		return -ENOMEM;
	}
	if (mkdir(cg->pids_v1, 0755) < 0) {
		ret = -errno;
		strcpy(p, cg->pids_v1);
		free(cg->pids_v1);
		cg->pids_v1 = NULL;
		goto out_err;
	}
	gb_pathf(p, sizeof(p), "%s/pids.max", cg->pids_v1);
	snprintf(val, sizeof(val), "%ld", max_pids);
	ret = gb_write_file(p, val);
	if (ret < 0)
		goto out_err;
	gb_pathf(p, sizeof(p), "%s/cgroup.procs", cg->pids_v1);
	cg->pids_v1_fd = open(p, O_WRONLY | O_CLOEXEC);
	if (cg->pids_v1_fd < 0) {
		ret = -errno;
		goto out_err;
	}
	return 0;
out_err:
	snprintf(err, errlen, "cannot set up pids cgroup '%s': %s", p, strerror(-ret));
	return ret;
}

int gb_cgroup_create(const char *name, long max_pids, struct gb_cgroup **out,
		     char *err, size_t errlen)
{
	char root[4096], parent[4200];
	struct gb_cgroup *cg;
	int ret;

	ret = gb_cgroup2_mount(root, sizeof(root));
	if (ret < 0) {
		snprintf(err, errlen, "no cgroup2 filesystem is mounted (looked in /proc/self/mountinfo)");
		return ret;
	}
	gb_pathf(parent, sizeof(parent), "%s/" GB_CGROUP_PARENT, root);
	ret = ensure_dir(parent);
	if (ret < 0) {
		snprintf(err, errlen, "cannot create cgroup '%s': %s", parent, strerror(-ret));
		return ret;
	}
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return -ENOMEM;
	cg->dirfd = -1;
	cg->procs_fd = -1;
	cg->pids_v1_fd = -1;
	if (asprintf(&cg->path, "%s/%s", parent, name) < 0) {
		free(cg);
		return -ENOMEM;
	}
	if (mkdir(cg->path, 0755) < 0) {
		ret = -errno;
		if (ret == -EEXIST)
			snprintf(err, errlen, "sandbox name '%s' is in use (cgroup '%s' exists)", name, cg->path);
		else
			snprintf(err, errlen, "cannot create cgroup '%s': %s", cg->path, strerror(-ret));
		free(cg->path);
		free(cg);
		return ret;
	}
	cg->dirfd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->dirfd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open cgroup '%s': %s", cg->path, strerror(-ret));
		goto out_destroy;
	}
	cg->procs_fd = openat(cg->dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (cg->procs_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open '%s/cgroup.procs': %s", cg->path, strerror(-ret));
		goto out_destroy;
	}
	ret = cgroup_id_of(cg->path, &cg->id);
	if (ret < 0) {
		snprintf(err, errlen, "cannot get the id of cgroup '%s': %s", cg->path, strerror(-ret));
		goto out_destroy;
	}
	if (max_pids > 0) {
		if (v2_has_pids(root))
			ret = setup_pids_v2(root, parent, cg->path, max_pids, err, errlen);
		else
			ret = setup_pids_v1(cg, name, max_pids, err, errlen);
		if (ret < 0)
			goto out_destroy;
	}
	*out = cg;
	return 0;
out_destroy:
	gb_cgroup_destroy(cg, 0);
	return ret;
}

int gb_cgroup_child_join(const struct gb_cgroup *cg)
{
	if (cg->pids_v1_fd < 0)
		return 0;
	if (write(cg->pids_v1_fd, "0", 1) != 1)
		return -errno;
	return 0;
}

static int kill_each(const char *dir)
{
	char p[4200], buf[65536];
	int ret;

	gb_pathf(p, sizeof(p), "%s/cgroup.procs", dir);
	ret = gb_read_file(p, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	for (char *s = buf, *end; *s; s = end) {
		long pid = strtol(s, &end, 10);

		if (end == s)
			break;
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
	}
	return 0;
}

int gb_cgroup_kill(const struct gb_cgroup *cg)
{
	char p[4200];
	int ret;

	gb_pathf(p, sizeof(p), "%s/cgroup.kill", cg->path);
	ret = gb_write_file(p, "1");
	if (ret == -ENOENT) /* before Linux 5.14 */
		ret = kill_each(cg->path);
	if (cg->pids_v1)
		kill_each(cg->pids_v1);
	return ret;
}

bool gb_cgroup_populated(const struct gb_cgroup *cg)
{
	char p[4200], buf[256];
	const char *s;

	gb_pathf(p, sizeof(p), "%s/cgroup.events", cg->path);
	/* Only a cgroup that is gone is surely empty: on any other error,
	 * assume processes are left (map entries are kept for them). */
	if (gb_read_file(p, buf, sizeof(buf)) < 0)
		return access(cg->path, F_OK) == 0;
	s = strstr(buf, "populated ");
	return s && s[10] == '1';
}

int gb_cgroup_destroy(struct gb_cgroup *cg, int timeout_ms)
{
	int ret = 0;

	if (!cg)
		return 0;
	for (int waited = 0; gb_cgroup_populated(cg); waited += 5) {
		gb_cgroup_kill(cg);
		if (waited >= timeout_ms) {
			ret = -EBUSY;
			break;
		}
		gb_sleep_ms(5);
	}
	if (cg->pids_v1_fd >= 0)
		close(cg->pids_v1_fd);
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	if (cg->procs_fd >= 0)
		close(cg->procs_fd);
	if (ret == 0 && rmdir(cg->path) < 0 && errno != ENOENT)
		ret = -errno;
	if (cg->pids_v1 && rmdir(cg->pids_v1) < 0 && errno != ENOENT && !ret)
		ret = -errno;
	free(cg->pids_v1);
	free(cg->path);
	free(cg);
	return ret;
}

int gb_cgroup_remove_by_id(uint64_t id, int timeout_ms)
{
	char root[4096], parent[4200], path[4500];
	struct dirent *de;
	DIR *d;
	int ret = -ENOENT;

	/* -ENOENT only after a complete scan: the caller then removes the
	 * sandbox's rules, which must never happen while it has processes. */
	if (gb_cgroup2_mount(root, sizeof(root)) < 0)
		return -ENODEV;
	gb_pathf(parent, sizeof(parent), "%s/" GB_CGROUP_PARENT, root);
	d = opendir(parent);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct gb_cgroup cg = { .dirfd = -1, .procs_fd = -1, .pids_v1_fd = -1 };
		uint64_t cid = 0;
		char v1[4200];

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (gb_pathf(path, sizeof(path), "%s/%s", parent, de->d_name) < 0 ||
		    cgroup_id_of(path, &cid) < 0 || cid != id)
			continue;
		cg.path = strdup(path);
		if (find_mount("cgroup", "pids", v1, sizeof(v1)) == 0) {
			char v1dir[4500];

			gb_pathf(v1dir, sizeof(v1dir), "%s/" GB_CGROUP_PARENT "/%s", v1, de->d_name);
			if (access(v1dir, F_OK) == 0)
				cg.pids_v1 = strdup(v1dir);
		}
		{
			struct gb_cgroup *heap = malloc(sizeof(*heap));

			if (!heap || !cg.path) {
				free(heap);
				free(cg.path);
				free(cg.pids_v1);
				ret = -ENOMEM;
				break;
			}
			*heap = cg;
			ret = gb_cgroup_destroy(heap, timeout_ms);
		}
		break;
	}
	closedir(d);
	return ret;
}
