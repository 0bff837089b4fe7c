/* SPDX-License-Identifier: MIT */
/* Absolute path of a (dentry, vfsmount) pair, walked up the dentry chain
 * and across mount points in BPF (bpf_d_path is not allowed in tracepoints).
 *
 * The walk is bounded: at most GB_PATH_DEPTH steps (a step is one path
 * component or one mount crossing), run with bpf_loop so that the verifier
 * checks one step, not every combination. A deeper path comes back with its
 * leading components missing and the truncated flag set; callers report it. */
#ifndef GLOVEBOX_PATH_BPF_H
#define GLOVEBOX_PATH_BPF_H

#include "sandbox.bpf.h"

#define GB_PATH_MASK (GB_PATH_LEN - 1)
#define GB_NAME_MASK 255

struct gb_path_buf {
	char buf[GB_PATH_LEN * 2];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gb_path_buf);
} gb_path_scratch SEC(".maps");

/* One step of a walk up the mount tree: if d is the root of its mount,
 * move to the mount point in the parent mount. Returns -1 if d is not a
 * mount root (nothing done), 1 at the root of the mount tree, 0 after
 * crossing (the walk goes on from *nd in *nv / *nm). */
static __always_inline int gb_cross_mount(struct dentry *d, struct vfsmount *vfsmnt, struct mount *mnt,
					  struct dentry **nd, struct vfsmount **nv, struct mount **nm)
{
	struct mount *mp;

	if (d != BPF_CORE_READ(vfsmnt, mnt_root))
		return -1;
	mp = BPF_CORE_READ(mnt, mnt_parent);
	if (mp == mnt)
		return 1;
	*nd = BPF_CORE_READ(mnt, mnt_mountpoint);
	*nm = mp;
	*nv = &mp->mnt;
	return 0;
}

struct gb_path_walk {
	struct dentry *d;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	__u32 off;  /* the path so far is buf[off, GB_PATH_LEN - 1) */
	bool done;  /* reached the root */
	bool full;  /* out of buffer */
	bool pseudo; /* a file of an internal mount ("memfd:x"): no leading '/' */
};

static long gb_path_step(__u32 i, void *ctx)
{
	struct gb_path_walk *w = ctx;
	struct dentry *parent;
	const unsigned char *name;
	struct gb_path_buf *pb;
	__u32 zero = 0, nlen, off;
	int crossed;

	struct dentry *d = w->d;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;

	pb = bpf_map_lookup_elem(&gb_path_scratch, &zero);
	if (!pb)
		return 1;
	parent = BPF_CORE_READ(d, d_parent);
	crossed = gb_cross_mount(d, vfsmnt, mnt, &w->d, &w->vfsmnt, &w->mnt);
	if (crossed >= 0) {
		w->done = crossed;
		return crossed;
	}
	if (d == parent) { /* root of a filesystem that is not mounted here */
		w->done = true;
		/* A pseudo file (memfd, anonymous inode) is its own root: its
		 * name is all there is ("memfd:name (deleted)"). */
		if (w->off == GB_PATH_LEN - 1) {
			nlen = BPF_CORE_READ(d, d_name.len) & GB_NAME_MASK;
			if (nlen && nlen < w->off) {
				off = w->off - nlen;
				bpf_probe_read_kernel(&pb->buf[off & GB_PATH_MASK], nlen,
						      BPF_CORE_READ(d, d_name.name));
				w->off = off;
				w->pseudo = true;
			}
		}
		return 1;
	}
	nlen = BPF_CORE_READ(d, d_name.len) & GB_NAME_MASK;
	name = BPF_CORE_READ(d, d_name.name);
	off = w->off;
	if (nlen + 1 > off || off > GB_PATH_LEN - 1) {
		w->full = true;
		return 1;
	}
	off -= nlen;
	bpf_probe_read_kernel(&pb->buf[off & GB_PATH_MASK], nlen, name);
	off -= 1;
	pb->buf[off & GB_PATH_MASK] = '/';
	w->off = off;
	w->d = parent;
	return 0;
}

/* Build the path in gb_path_scratch; it is buf[*start, *start + *len).
 * Returns the scratch buffer or NULL. */
static __always_inline char *gb_path_build(struct dentry *d, struct vfsmount *vfsmnt,
					   __u32 *start, __u32 *len, bool *truncated)
{
	struct gb_path_walk w = {
		.d = d,
		.vfsmnt = vfsmnt,
		.mnt = container_of(vfsmnt, struct mount, mnt),
		.off = GB_PATH_LEN - 1,
	};
	struct gb_path_buf *pb;
	__u32 zero = 0;

	bpf_loop(GB_PATH_DEPTH, gb_path_step, &w, 0);
	pb = bpf_map_lookup_elem(&gb_path_scratch, &zero);
	if (!pb)
		return NULL;
	*truncated = !w.done;
	if (w.off == GB_PATH_LEN - 1 && !w.pseudo) { /* the root itself */
		w.off -= 1;
		pb->buf[w.off & GB_PATH_MASK] = '/';
	}
	*start = w.off & GB_PATH_MASK;
	*len = (GB_PATH_LEN - 1 - w.off) & GB_PATH_MASK;
	return pb->buf;
}

#endif
