// SPDX-License-Identifier: MIT
/* glovebox: run a command in a sandbox that enforces a policy file in the
 * kernel and streams an audit trail of what it did. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "backend.h"
#include "cgroup.h"
#include "loader.h"
#include "log.h"
#include "policy.h"
#include "run.h"

#define GB_VERSION "0.1.0"

/* Exit statuses of check / doctor / unload. */
#define EXIT_INVALID 1
#define EXIT_USAGE 2

static const char usage_text[] =
	"usage: glovebox [-v] COMMAND [OPTIONS]\n"
	"\n"
	"commands:\n"
	"  run [OPTIONS] -- CMD [ARGS...]   run CMD in a new sandbox\n"
	"  check FILE...                    validate policy files\n"
	"  doctor [--json]                  what this host can enforce, per limit\n"
	"  gc                               remove sandboxes whose glovebox and watchdog died\n"
	"  unload                           remove glovebox's pinned BPF programs\n"
	"  version                          print the version\n"
	"\n"
	"run options:\n"
	"  -p, --policy FILE       policy file (default: the embedded default policy)\n"
	"  -w, --workspace DIR     directory ${WORKSPACE} stands for (default: .)\n"
	"  -n, --name ID           sandbox name (default: POLICY-PID)\n"
	"  -a, --audit FILE|-      append the audit stream to FILE, - for stderr (default: -)\n"
	"  -m, --mode MODE         enforce or audit (default: the policy's)\n"
	"  -t, --timeout DUR       timebox, e.g. 500ms, 30s, 10m, 1h (overrides time.wall)\n"
	"  -b, --backend NAME      auto, lsm (BPF LSM) or landlock (default: auto)\n"
	"      --allow-degraded    run even if some declared limits cannot be enforced\n"
	"\n"
	"exit status of run: the command's; 128+N if it died of signal N; 124 if the\n"
	"timebox killed it; 125 if glovebox failed before the command started;\n"
	"126 if the command could not be executed; 127 if it was not found.\n"
	"\n"
	"examples:\n"
	"  glovebox run -- make test\n"
	"  glovebox run --policy policies/build.json --audit audit.jsonl -- npm ci\n"
	"  glovebox run --mode audit --timeout 30s -- python3 agent_step.py\n"
	"  glovebox check policies/*.json\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "workspace", required_argument, NULL, 'w' },
		{ "name", required_argument, NULL, 'n' },
		{ "audit", required_argument, NULL, 'a' },
		{ "mode", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "allow-degraded", no_argument, NULL, 'D' },
		{ "backend", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct gb_run_opts o = { .audit = "-", .mode = -1 };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:w:n:a:m:t:b:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.policy = optarg;
			break;
		case 'w':
			o.workspace = optarg;
			break;
		case 'n':
			o.name = optarg;
			break;
		case 'a':
			o.audit = optarg;
			break;
		case 'm':
			if (!strcmp(optarg, "enforce"))
				o.mode = GB_MODE_ENFORCE;
			else if (!strcmp(optarg, "audit"))
				o.mode = GB_MODE_AUDIT;
			else {
				gb_err("invalid --mode '%s': expected enforce or audit", optarg);
				return GB_EXIT_FAILURE;
			}
			break;
		case 't':
			if (gb_parse_duration(optarg, &o.timeout_ns) < 0) {
				gb_err("invalid --timeout '%s': expected a duration like 500ms, 30s, 10m, 1h (at most 7 days)",
				       optarg);
				return GB_EXIT_FAILURE;
			}
			break;
		case 'D':
			o.allow_degraded = true;
			break;
		case 'b': {
			enum gb_backend b;

			if (gb_backend_parse(optarg, &b) < 0) {
				gb_err("invalid --backend '%s': expected auto, lsm or landlock", optarg);
				return GB_EXIT_FAILURE;
			}
			o.backend = b;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			gb_err("invalid arguments to run (see 'glovebox --help')");
			return GB_EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		gb_err("run: no command given (usage: glovebox run [OPTIONS] -- CMD [ARGS...])");
		return GB_EXIT_FAILURE;
	}
	o.argv = argv + optind;
	return gb_run(&o);
}

static int cmd_check(int argc, char **argv)
{
	char err[GB_ERR_LEN], cwd[4096];
	int bad = 0;

	if (argc < 2) {
		gb_err("check: no policy file given (usage: glovebox check FILE...)");
		return EXIT_USAGE;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	for (int i = 1; i < argc; i++) {
		struct gb_policy *p = NULL;
		char undeclared[128] = "";

		if (gb_policy_load_file(argv[i], cwd, &p, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			bad++;
			continue;
		}
		for (int l = 0; l < GB_LIMIT__COUNT; l++) {
			if (p->declared[l] || (l == GB_LIMIT_FILESYSTEM && p->fs_deny_declared))
				continue;
			if (undeclared[0])
				strcat(undeclared, ", ");
			strcat(undeclared, gb_limit_name(l));
		}
		printf("%s: ok (policy '%s', mode %s%s%s)\n", argv[i], p->name, gb_mode_name(p->mode),
		       undeclared[0] ? "; unrestricted: " : "", undeclared);
		gb_policy_free(p);
	}
	return bad ? EXIT_INVALID : 0;
}

static int cmd_gc(void)
{
	char err[GB_ERR_LEN];
	struct gb_bpf b;
	int removed, ret;

	ret = gb_bpf_open(&b, err, sizeof(err));
	if (ret < 0) {
		gb_err("%s", err);
		return EXIT_INVALID;
	}
	gb_bpf_gc(&b, &removed);
	gb_bpf_close(&b);
	printf("removed %d sandbox%s left behind\n", removed, removed == 1 ? "" : "es");
	return 0;
}

static int cmd_unload(void)
{
	char err[GB_ERR_LEN] = "";
	struct gb_bpf b;
	int ret, removed;

	/* Sandboxes left behind would keep their build loaded forever. (Only
	 * if this build is loaded: opening it would load it.) */
	if (gb_bpf_lsm_pinned() >= 0 && gb_bpf_open(&b, err, sizeof(err)) == 0) {
		gb_bpf_gc(&b, &removed);
		gb_bpf_close(&b);
	}
	err[0] = '\0';
	ret = gb_bpf_unload(err, sizeof(err));

	if (ret < 0) {
		gb_err("cannot unload: %s", err[0] ? err : strerror(-ret));
		return EXIT_INVALID;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	gb_log_setup_libbpf();
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			gb_verbose = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("glovebox %s\n", GB_VERSION);
			return 0;
		} else {
			gb_err("unknown option '%s' (see 'glovebox --help')", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "run"))
		return cmd_run(argc - i, argv + i);
	if (!strcmp(argv[i], "check"))
		return cmd_check(argc - i, argv + i);
	if (!strcmp(argv[i], "unload"))
		return cmd_unload();
	if (!strcmp(argv[i], "gc"))
		return cmd_gc();
	if (!strcmp(argv[i], "doctor")) {
		if (argc - i > 2 || (argc - i == 2 && strcmp(argv[i + 1], "--json") != 0)) {
			gb_err("usage: glovebox doctor [--json]");
			return EXIT_USAGE;
		}
		return gb_doctor(argc - i == 2);
	}
	if (!strcmp(argv[i], "version")) {
		printf("glovebox %s\n", GB_VERSION);
		return 0;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return 0;
	}
	gb_err("unknown command '%s' (see 'glovebox --help')", argv[i]);
	return EXIT_USAGE;
}
