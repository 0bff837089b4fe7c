// SPDX-License-Identifier: MIT
/* What loading glovebox's BPF programs costs, object by object: open (ELF
 * and BTF parsing), load (map creation, CO-RE relocation, verification of
 * every program) and attach, with the verifier's instruction count per
 * program.
 *
 *   bpfload ROUNDS OBJ.bpf.o...
 *
 * Maps are pinned under a private directory (/sys/fs/bpf/glovebox-bench-<pid>)
 * and cgroup programs attach to a private cgroup, so the pinned glovebox
 * state is neither needed nor touched. Everything is detached and removed
 * before the next round. An object that cannot be loaded on this kernel
 * (e.g. an LSM probe) is reported as such and skipped.
 *
 * Output:
 *   "object <name> open|load <ns>" per object and round
 *   "attach <object> <prog> <ns>" per program and round
 *   "insns <object> <prog> <verified insns> <xlated insns>" once
 *   "skip <object> <error>" for an object that does not load */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "common.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static void rm_pins(const char *dir)
{
	char p[1024];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static bool is_cgroup_prog(struct bpf_program *prog)
{
	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return true;
	default:
		return false;
	}
}

static void obj_name(const char *path, char *out, size_t len)
{
	char tmp[512], *b, *dot;

	snprintf(tmp, sizeof(tmp), "%s", path);
	b = basename(tmp);
	dot = strstr(b, ".bpf.o");
	if (dot)
		*dot = 0;
	snprintf(out, len, "%s", b);
}

int main(int argc, char **argv)
{
	char pin_root[256], cg[1200], cg2[1024] = "";
	static bool skipped[64];
	int rounds, cg_fd;
	char line[4096];
	FILE *f;

	if (argc < 3 || argc - 2 > 64) {
		fprintf(stderr, "usage: bpfload ROUNDS OBJ.bpf.o...\n");
		return 2;
	}
	rounds = (int)parse_num(argv[1], 1, 100, "rounds");
	libbpf_set_print(quiet);
	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/glovebox-bench-%d", (int)getpid());
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[1024], type[64];
		char *sep = strstr(line, " - ");

		if (sep && sscanf(line, "%*s %*s %*s %*s %1023s", mnt) == 1 &&
		    sscanf(sep + 3, "%63s", type) == 1 && !strcmp(type, "cgroup2")) {
			snprintf(cg2, sizeof(cg2), "%s", mnt);
			break;
		}
	}
	if (f)
		fclose(f);
	if (!cg2[0])
		die("no cgroup2 mount");
	snprintf(cg, sizeof(cg), "%s/glovebox-bench-load-%d", cg2, (int)getpid());
	if (mkdir(cg, 0755) < 0)
		die("mkdir '%s': %s", cg, strerror(errno));
	cg_fd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (int r = 0; r < rounds; r++) {
		struct bpf_object *objs[64] = { 0 };
		struct bpf_link *links[256];
		int n_links = 0;

		if (mkdir(pin_root, 0700) < 0)
			die("mkdir '%s': %s", pin_root, strerror(errno));
		for (int i = 2; i < argc; i++) {
			LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_root);
			struct bpf_object *obj;
			struct bpf_program *prog;
			char name[256];
			uint64_t t0;
			int ret;

			if (skipped[i - 2])
				continue;
			obj_name(argv[i], name, sizeof(name));
			t0 = now_ns();
			obj = bpf_object__open_file(argv[i], &opts);
			if (!obj)
				die("cannot open '%s': %s", argv[i], strerror(errno));
			printf("object %s open %llu\n", name, (unsigned long long)(now_ns() - t0));
			t0 = now_ns();
			ret = bpf_object__load(obj);
			if (ret < 0) {
				printf("skip %s %s\n", name, strerror(-ret));
				skipped[i - 2] = true;
				bpf_object__close(obj);
				continue;
			}
			printf("object %s load %llu\n", name, (unsigned long long)(now_ns() - t0));
			objs[i - 2] = obj;
			bpf_object__for_each_program(prog, obj) {
				struct bpf_link *l;

				t0 = now_ns();
				l = is_cgroup_prog(prog) ? bpf_program__attach_cgroup(prog, cg_fd) :
							   bpf_program__attach(prog);
				if (!l) {
					printf("attach %s %s failed:%s\n", name, bpf_program__name(prog),
					       strerror(errno));
					continue;
				}
				printf("attach %s %s %llu\n", name, bpf_program__name(prog),
				       (unsigned long long)(now_ns() - t0));
				if (n_links < 256)
					links[n_links++] = l;
				if (r == 0) {
					struct bpf_prog_info info = { 0 };
					__u32 len = sizeof(info);

					if (!bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
						printf("insns %s %s %u %u\n", name, bpf_program__name(prog),
						       info.verified_insns, info.xlated_prog_len / 8);
				}
			}
		}
		for (int i = 0; i < n_links; i++)
			bpf_link__destroy(links[i]);
		for (int i = 0; i < 64; i++)
			bpf_object__close(objs[i]);
		rm_pins(pin_root);
		fflush(stdout);
	}
	close(cg_fd);
	rmdir(cg);
	return 0;
}
