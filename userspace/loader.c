// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_build.h"
#include "loader.h"
#include "log.h"
#include "util.h"
#include "audit.skel.h"
#include "net.skel.h"
#include "sysaudit.skel.h"
#include "lsm.skel.h"
#include "backend.h"
#include "../bpf/sysaudit.h"
#include "../bpf/net.h"
#include "../bpf/lsm.h"
#include "cgroup.h"

/* Every BPF object glovebox loads. Each opens its skeleton and returns the
 * bpf_object; maps with the same name are shared through the pin dir. */
struct gb_load_ctx {
	int cgroup_fd;      /* the cgroup above every sandbox */
	int sandbox_level;  /* its depth below the cgroup2 root, plus one */
};

struct gb_object {
	const char *name;
	void *(*open)(const struct bpf_object_open_opts *opts);
	void (*destroy)(void *skel);
	struct bpf_object *(*obj)(void *skel);
	/* Set read-only data between open and load (may be NULL). */
	void (*configure)(void *skel, const struct gb_load_ctx *ctx);
	/* Programs are pinned, not attached: attached while a sandbox needs them. */
	bool on_demand;
	/* Loaded only where BPF LSM programs load (backend lsm). */
	bool lsm;
};

static void *audit_open(const struct bpf_object_open_opts *o) { return gb_audit__open_opts(o); }
static void audit_destroy(void *s) { gb_audit__destroy(s); }
static struct bpf_object *audit_obj(void *s) { return ((struct gb_audit *)s)->obj; }

static void *net_open(const struct bpf_object_open_opts *o) { return gb_net__open_opts(o); }
static void net_destroy(void *s) { gb_net__destroy(s); }
static struct bpf_object *net_obj(void *s) { return ((struct gb_net *)s)->obj; }
static void net_configure(void *s, const struct gb_load_ctx *ctx)
{
	((struct gb_net *)s)->rodata->sandbox_level = ctx->sandbox_level;
}

static void *sys_open(const struct bpf_object_open_opts *o) { return gb_sysaudit__open_opts(o); }
static void sys_destroy(void *s) { gb_sysaudit__destroy(s); }
static struct bpf_object *sys_obj(void *s) { return ((struct gb_sysaudit *)s)->obj; }

static void *lsm_open(const struct bpf_object_open_opts *o) { return gb_lsm__open_opts(o); }
static void lsm_destroy(void *s) { gb_lsm__destroy(s); }
static struct bpf_object *lsm_obj(void *s) { return ((struct gb_lsm *)s)->obj; }

static const struct gb_object gb_objects[] = {
	{ "audit", audit_open, audit_destroy, audit_obj, NULL, false, false },
	{ "net", net_open, net_destroy, net_obj, net_configure, false, false },
	{ "sysaudit", sys_open, sys_destroy, sys_obj, NULL, true, false },
	{ "lsm", lsm_open, lsm_destroy, lsm_obj, NULL, false, true },
};

#define SYSAUDIT_PROG "tp_sys_exit"

#define N_OBJECTS (sizeof(gb_objects) / sizeof(gb_objects[0]))

static int ensure_bpffs(void)
{
	struct statfs st;

	if (statfs(GB_BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir(GB_BPFFS, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (mount("bpf", GB_BPFFS, "bpf", 0, "mode=0700") < 0)
		return -errno;
	return 0;
}

/* Remove every file in dir, then dir. */
static int remove_pins(const char *dir)
{
	char p[512];
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		gb_pathf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int link_pin_path(char *buf, size_t len, const char *dir, const struct bpf_program *prog)
{
	int n = snprintf(buf, len, "%s/link_%s", dir, bpf_program__name(prog));

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* All links of this build are pinned: the programs are in place. */
static bool pins_complete(const char *dir)
{
	char p[512];

	gb_pathf(p, sizeof(p), "%s/complete", dir);
	return access(p, F_OK) == 0;
}

static struct bpf_link *attach(struct bpf_program *prog, const struct gb_load_ctx *ctx)
{
	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return bpf_program__attach_cgroup(prog, ctx->cgroup_fd);
	default:
		return bpf_program__attach(prog);
	}
}

static int load_object(const struct gb_object *o, const struct gb_load_ctx *ctx, const char *dir,
		       char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = dir);
	struct bpf_program *prog;
	struct bpf_object *obj;
	char p[512];
	void *skel;
	int ret;

	skel = o->open(&opts);
	if (!skel) {
		ret = -errno;
		snprintf(err, errlen, "cannot open BPF object '%s': %s", o->name, strerror(-ret));
		return ret;
	}
	obj = o->obj(skel);
	if (o->configure)
		o->configure(skel, ctx);
	/* Hooks this kernel does not have are left out (doctor reports them). */
	bpf_object__for_each_program(prog, obj) {
		const char *sec = bpf_program__section_name(prog);

		if (o->lsm && !strncmp(sec, "lsm/", 4) && !gb_lsm_hook_exists(sec + 4))
			bpf_program__set_autoload(prog, false);
	}
	ret = bpf_object__load(obj);
	if (ret < 0) {
		snprintf(err, errlen, "cannot load BPF object '%s': %s (run with -v for the verifier log)",
			 o->name, strerror(-ret));
		goto out_destroy;
	}
	bpf_object__for_each_program(prog, obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog))
			continue;
		if (o->on_demand) {
			gb_pathf(p, sizeof(p), "%s/prog_%s", dir, bpf_program__name(prog));
			ret = bpf_program__pin(prog, p);
			if (ret < 0) {
				snprintf(err, errlen, "cannot pin BPF program '%s': %s", p, strerror(-ret));
				goto out_destroy;
			}
			continue;
		}
		link = attach(prog, ctx);

		if (!link) {
			ret = -errno;
			snprintf(err, errlen, "cannot attach BPF program '%s': %s",
				 bpf_program__name(prog), strerror(-ret));
			goto out_destroy;
		}
		ret = link_pin_path(p, sizeof(p), dir, prog);
		if (!ret)
			ret = bpf_link__pin(link, p);
		if (ret < 0)
			snprintf(err, errlen, "cannot pin BPF link '%s': %s", p, strerror(-ret));
		bpf_link__disconnect(link);
		bpf_link__destroy(link);
		if (ret < 0)
			goto out_destroy;
	}
out_destroy:
	o->destroy(skel);
	return ret;
}

static int open_pinned_map(const char *dir, const char *name, int *fd)
{
	char p[512];

	gb_pathf(p, sizeof(p), "%s/%s", dir, name);
	*fd = bpf_obj_get(p);
	return *fd < 0 ? -errno : 0;
}

/* Serialises loading, unloading and attaching: an exclusive lock on the
 * pin root. Returns the fd holding it, or -errno. */
static int lock_pins(void)
{
	int fd = open(GB_PIN_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static int unload_builds(const char *keep, char *err, size_t errlen);

#define GB_USE_LOCKS "/run/glovebox/builds"

static int use_lock_open(const char *build, bool create)
{
	char p[256];
	int fd;

	if (create && mkdir("/run/glovebox", 0700) < 0 && errno != EEXIST)
		return -errno;
	if (create && mkdir(GB_USE_LOCKS, 0700) < 0 && errno != EEXIST)
		return -errno;
	gb_pathf(p, sizeof(p), GB_USE_LOCKS "/%s", build);
	fd = open(p, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	return fd < 0 ? -errno : fd;
}

int gb_bpf_open(struct gb_bpf *b, char *err, size_t errlen)
{
	struct gb_load_ctx ctx = { .cgroup_fd = -1 };
	char p[512], cgparent[4096];
	int lockfd, ret;

	b->sandboxes_fd = b->rings_fd = b->net_rules_fd = b->fs_rules_fd = b->fs_names_fd = -1;
	b->use_lock = -1;
	b->loaded_now = 0;
	gb_pathf(b->pin_dir, sizeof(b->pin_dir), GB_PIN_ROOT "/%s", GB_BPF_BUILD);

	ret = ensure_bpffs();
	if (ret < 0) {
		snprintf(err, errlen, "cannot mount bpffs at '%s': %s", GB_BPFFS, strerror(-ret));
		return ret;
	}
	if (mkdir(GB_PIN_ROOT, 0700) < 0 && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "cannot create '%s': %s", GB_PIN_ROOT, strerror(-ret));
		return ret;
	}
	lockfd = lock_pins();
	if (lockfd < 0) {
		snprintf(err, errlen, "cannot lock '%s': %s", GB_PIN_ROOT, strerror(-lockfd));
		return lockfd;
	}
	/* Held (shared) while this process and its watchdog use the build:
	 * `glovebox unload` leaves a build alone while anyone holds it. */
	b->use_lock = use_lock_open(GB_BPF_BUILD, true);
	if (b->use_lock < 0 || flock(b->use_lock, LOCK_SH) < 0) {
		ret = b->use_lock < 0 ? b->use_lock : -errno;
		snprintf(err, errlen, "cannot lock '" GB_USE_LOCKS "/%s': %s", GB_BPF_BUILD, strerror(-ret));
		goto out_unlock;
	}
	if (!pins_complete(b->pin_dir)) {
		remove_pins(b->pin_dir); /* leftovers of an interrupted load */
		if (mkdir(b->pin_dir, 0700) < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot create '%s': %s", b->pin_dir, strerror(-ret));
			goto out_unlock;
		}
		ret = gb_cgroup_parent(cgparent, sizeof(cgparent), &ctx.sandbox_level);
		if (ret < 0) {
			snprintf(err, errlen, "cannot create the glovebox cgroup: %s", strerror(-ret));
			goto out_unlock;
		}
		ctx.sandbox_level += 1;
		ctx.cgroup_fd = open(cgparent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (ctx.cgroup_fd < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot open cgroup '%s': %s", cgparent, strerror(-ret));
			goto out_unlock;
		}
		for (size_t i = 0; i < N_OBJECTS; i++) {
			if (gb_objects[i].lsm && gb_caps()->lsm_load_err)
				continue;
			ret = load_object(&gb_objects[i], &ctx, b->pin_dir, err, errlen);
			if (ret < 0) {
				remove_pins(b->pin_dir);
				close(ctx.cgroup_fd);
				goto out_unlock;
			}
		}
		close(ctx.cgroup_fd);
		gb_pathf(p, sizeof(p), "%s/complete", b->pin_dir);
		/* bpffs only holds BPF objects: mark completion with a pinned map. */
		ret = bpf_map_create(BPF_MAP_TYPE_ARRAY, "gb_complete", 4, 4, 1, NULL);
		if (ret >= 0) {
			int fd = ret;

			ret = bpf_obj_pin(fd, p) < 0 ? -errno : 0;
			close(fd);
		}
		if (ret < 0) {
			snprintf(err, errlen, "cannot pin '%s': %s", p, strerror(-ret));
			remove_pins(b->pin_dir);
			goto out_unlock;
		}
		b->loaded_now = 1;
		/* Programs of other builds (an upgrade) run on every event until
		 * removed: remove those nobody uses any more. */
		{
			char ignore[256];

			unload_builds(GB_BPF_BUILD, ignore, sizeof(ignore));
		}
	}
	ret = open_pinned_map(b->pin_dir, "gb_sandboxes", &b->sandboxes_fd);
	if (!ret)
		ret = open_pinned_map(b->pin_dir, "gb_rings", &b->rings_fd);
	if (!ret)
		ret = open_pinned_map(b->pin_dir, "gb_net_rules", &b->net_rules_fd);
	if (!ret && gb_caps()->lsm_load_err == 0) {
		ret = open_pinned_map(b->pin_dir, "gb_fs_rules", &b->fs_rules_fd);
		if (!ret)
			ret = open_pinned_map(b->pin_dir, "gb_fs_names", &b->fs_names_fd);
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot open pinned maps in '%s': %s", b->pin_dir, strerror(-ret));
		gb_bpf_close(b);
	}
out_unlock:
	if (ret < 0 && b->use_lock >= 0) {
		close(b->use_lock);
		b->use_lock = -1;
	}
	close(lockfd);
	return ret;
}

void gb_bpf_close(struct gb_bpf *b)
{
	if (b->sandboxes_fd >= 0)
		close(b->sandboxes_fd);
	if (b->rings_fd >= 0)
		close(b->rings_fd);
	if (b->net_rules_fd >= 0)
		close(b->net_rules_fd);
	if (b->fs_rules_fd >= 0)
		close(b->fs_rules_fd);
	if (b->fs_names_fd >= 0)
		close(b->fs_names_fd);
	b->sandboxes_fd = b->rings_fd = b->net_rules_fd = b->fs_rules_fd = b->fs_names_fd = -1;
	if (b->use_lock >= 0)
		close(b->use_lock);
	b->use_lock = -1;
}

#define GB_RING_LOCKS "/run/glovebox/rings"

/* Claim a free ring slot: the first slot file we can lock. The lock lives
 * as long as the returned fd (and its copies in the watchdog). */
static int claim_slot(uint32_t *slot)
{
	char p[128];

	if (mkdir("/run/glovebox", 0700) < 0 && errno != EEXIST)
		return -errno;
	if (mkdir(GB_RING_LOCKS, 0700) < 0 && errno != EEXIST)
		return -errno;
	for (uint32_t i = 0; i < GB_MAX_SANDBOXES; i++) {
		int fd;

		snprintf(p, sizeof(p), GB_RING_LOCKS "/%u", i);
		fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			*slot = i;
			return fd;
		}
		close(fd);
	}
	return -ENOSPC;
}

/* The ring buffer in slot, created on first use. */
static int slot_ring(struct gb_bpf *b, uint32_t slot)
{
	uint32_t id;
	int fd;

	if (bpf_map_lookup_elem(b->rings_fd, &slot, &id) == 0) {
		fd = bpf_map_get_fd_by_id(id);
		return fd < 0 ? -errno : fd;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "gb_ring", 0, 0, GB_RING_SIZE, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(b->rings_fd, &slot, &fd, BPF_ANY) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

int gb_bpf_sandbox_add(struct gb_bpf *b, struct gb_sandbox *sb, int *ring_fd, int *slot_lock)
{
	int lock, fd, ret;

	lock = claim_slot(&sb->ring);
	if (lock < 0)
		return lock;
	fd = slot_ring(b, sb->ring);
	if (fd < 0) {
		ret = fd;
		goto out_unlock;
	}
	if (bpf_map_update_elem(b->sandboxes_fd, &sb->id, sb, BPF_NOEXIST) < 0) {
		ret = -errno;
		close(fd);
		goto out_unlock;
	}
	*ring_fd = fd;
	*slot_lock = lock;
	return 0;
out_unlock:
	close(lock);
	return ret;
}

int gb_bpf_sandbox_del(struct gb_bpf *b, uint64_t id)
{
	if (bpf_map_delete_elem(b->sandboxes_fd, &id) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int gb_bpf_sandbox_get(struct gb_bpf *b, uint64_t id, struct gb_sandbox *sb)
{
	return bpf_map_lookup_elem(b->sandboxes_fd, &id, sb) < 0 ? -errno : 0;
}

/* Remove the pins of every build but `keep` (NULL: all) that nobody uses.
 * Called with GB_PIN_ROOT locked. Returns -EBUSY if one is in use. */
static int unload_builds(const char *keep, char *err, size_t errlen)
{
	char p[512];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	d = opendir(GB_PIN_ROOT);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		uint64_t key, none = 0;
		int fd, use, busy;

		if (de->d_name[0] == '.' || (keep && !strcmp(de->d_name, keep)))
			continue;
		gb_pathf(p, sizeof(p), GB_PIN_ROOT "/%s", de->d_name);
		use = use_lock_open(de->d_name, false);
		busy = use >= 0 && flock(use, LOCK_EX | LOCK_NB) < 0;
		if (!busy && open_pinned_map(p, "gb_sandboxes", &fd) == 0) {
			busy = bpf_map_get_next_key(fd, &none, &key) == 0;
			close(fd);
		}
		if (busy) {
			snprintf(err, errlen, "glovebox runs are using build '%s'", de->d_name);
			ret = -EBUSY;
			if (use >= 0)
				close(use);
			continue;
		}
		remove_pins(p);
		/* Runs take the use lock with GB_PIN_ROOT locked, as we hold it
		 * now: nobody can be about to use this build. */
		if (use >= 0) {
			gb_pathf(p, sizeof(p), GB_USE_LOCKS "/%s", de->d_name);
			unlink(p);
			close(use);
		}
	}
	closedir(d);
	return ret;
}

int gb_bpf_unload(char *err, size_t errlen)
{
	int lockfd, ret;

	lockfd = lock_pins();
	if (lockfd < 0)
		return lockfd == -ENOENT ? 0 : lockfd;
	ret = unload_builds(NULL, err, errlen);
	close(lockfd);
	return ret;
}

int gb_bpf_sysaudit_acquire(struct gb_bpf *b, char *err, size_t errlen)
{
	char link[512], prog[512];
	int lockfd, prog_fd, link_fd, ret = 0;

	gb_pathf(link, sizeof(link), "%s/link_" SYSAUDIT_PROG, b->pin_dir);
	gb_pathf(prog, sizeof(prog), "%s/prog_" SYSAUDIT_PROG, b->pin_dir);
	lockfd = lock_pins();
	if (lockfd < 0) {
		snprintf(err, errlen, "cannot lock '%s': %s", GB_PIN_ROOT, strerror(-lockfd));
		return lockfd;
	}
	if (access(link, F_OK) == 0)
		goto out_unlock;
	prog_fd = bpf_obj_get(prog);
	if (prog_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open BPF program '%s': %s", prog, strerror(-ret));
		goto out_unlock;
	}
	link_fd = bpf_raw_tracepoint_open(NULL, prog_fd);
	if (link_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot attach the sys_exit tracepoint: %s", strerror(-ret));
	} else if (bpf_obj_pin(link_fd, link) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot pin BPF link '%s': %s", link, strerror(-ret));
	}
	if (link_fd >= 0)
		close(link_fd);
	close(prog_fd);
out_unlock:
	close(lockfd);
	return ret;
}

void gb_bpf_sysaudit_release(struct gb_bpf *b)
{
	struct gb_sandbox sb;
	uint64_t key, prev = 0; /* no sandbox has id 0: starts at the first key */
	char link[512];
	int lockfd;

	lockfd = lock_pins();
	if (lockfd < 0)
		return;
	while (bpf_map_get_next_key(b->sandboxes_fd, &prev, &key) == 0) {
		if (bpf_map_lookup_elem(b->sandboxes_fd, &key, &sb) == 0 && (sb.flags & GB_SB_SYSAUDIT))
			goto out_unlock; /* still needed */
		prev = key;
	}
	gb_pathf(link, sizeof(link), "%s/link_" SYSAUDIT_PROG, b->pin_dir);
	unlink(link); /* the last reference: detaches */
out_unlock:
	close(lockfd);
}

int gb_bpf_sys_reads(struct gb_bpf *b, uint64_t id, uint64_t *reads, bool remove)
{
	char p[512];
	int fd, ncpu, ret = 0;
	uint64_t *v;

	*reads = 0;
	gb_pathf(p, sizeof(p), "%s/gb_sys_reads", b->pin_dir);
	fd = bpf_obj_get(p);
	if (fd < 0)
		return -errno;
	ncpu = libbpf_num_possible_cpus();
	v = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*v)) : NULL;
	if (!v) {
		close(fd);
		return -ENOMEM;
	}
	if (bpf_map_lookup_elem(fd, &id, v) == 0) {
		for (int i = 0; i < ncpu; i++)
			*reads += v[i];
	} else if (errno != ENOENT) {
		ret = -errno;
	}
	if (remove)
		bpf_map_delete_elem(fd, &id);
	free(v);
	close(fd);
	return ret;
}

/* Whether this build is loaded with hook's lsm program attached; -1 if
 * this build is not loaded yet. */
static int lsm_link_pinned(const char *hook)
{
	char p[512];

	if (!pins_complete(GB_PIN_ROOT "/" GB_BPF_BUILD))
		return -1;
	gb_pathf(p, sizeof(p), GB_PIN_ROOT "/%s/link_lsm_%s", GB_BPF_BUILD, hook);
	return access(p, F_OK) == 0;
}

bool gb_bpf_lsm_hook_ready(const char *hook)
{
	int pinned = lsm_link_pinned(hook);

	return pinned < 0 ? gb_lsm_hook_exists(hook) : pinned;
}

int gb_bpf_lsm_pinned(void)
{
	return lsm_link_pinned("file_open");
}

/* Delete every key of map fd whose sandbox id (at byte offset off) is id. */
static void delete_keys_of(int fd, size_t key_size, size_t off, uint64_t id)
{
	unsigned char prev[128] = { 0 }, key[128];
	bool first = true;

	if (fd < 0 || key_size > sizeof(key))
		return;
	while (bpf_map_get_next_key(fd, first ? NULL : prev, key) == 0) {
		uint64_t sid;

		memcpy(&sid, key + off, sizeof(sid));
		if (sid == id) {
			bpf_map_delete_elem(fd, key);
			if (first)
				continue; /* start over: the first key is gone */
		} else {
			memcpy(prev, key, key_size);
			first = false;
		}
	}
}

int gb_bpf_gc(struct gb_bpf *b, int *removed)
{
	uint64_t key, prev = 0, stale[256];
	struct gb_sandbox sb;
	size_t n = 0;
	char p[128];

	*removed = 0;
	/* A sandbox is alive while someone holds its ring slot's lock (its
	 * glovebox and watchdog); an entry whose slot is free was left by a
	 * glovebox and watchdog that both died. */
	while (n < sizeof(stale) / sizeof(stale[0]) &&
	       bpf_map_get_next_key(b->sandboxes_fd, &prev, &key) == 0) {
		prev = key;
		if (bpf_map_lookup_elem(b->sandboxes_fd, &key, &sb) < 0)
			continue;
		snprintf(p, sizeof(p), GB_RING_LOCKS "/%u", sb.ring);
		{
			int fd = open(p, O_RDWR | O_CLOEXEC);

			if (fd < 0)
				continue;
			if (flock(fd, LOCK_EX | LOCK_NB) == 0)
				stale[n++] = key;
			close(fd); /* releases the lock again */
		}
	}
	for (size_t i = 0; i < n; i++) {
		/* Processes first, then everything that confined them. */
		int ret = gb_cgroup_remove_by_id(stale[i], 5000);

		if (ret < 0 && ret != -ENOENT)
			continue; /* they would not die: keep their entries */
		bpf_map_delete_elem(b->sandboxes_fd, &stale[i]);
		delete_keys_of(b->net_rules_fd, sizeof(struct gb_net_key), offsetof(struct gb_net_key, sandbox), stale[i]);
		delete_keys_of(b->fs_rules_fd, sizeof(struct gb_fs_key), offsetof(struct gb_fs_key, sandbox), stale[i]);
		delete_keys_of(b->fs_names_fd, sizeof(struct gb_fs_name_key), offsetof(struct gb_fs_name_key, sandbox), stale[i]);
		(*removed)++;
	}
	return 0;
}
