// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Feature probe: does this kernel load BPF LSM programs? Loaded, never
 * attached, by `glovebox doctor` and backend selection. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/file_open")
int BPF_PROG(probe_lsm_file_open, struct file *file, int ret)
{
	return ret;
}
