/* SPDX-License-Identifier: MIT */
/* network.connect / network.bind compiled into the gb_net_rules LPM trie
 * (format in bpf/net.h), enforced by bpf/net.bpf.c on both backends. */
#ifndef GLOVEBOX_NET_USER_H
#define GLOVEBOX_NET_USER_H

#include <stddef.h>
#include <stdint.h>
#include "policy.h"

/* GB_SB_NET_* flags for the sandbox entry. */
uint32_t gb_net_sandbox_flags(const struct gb_policy *p);

struct gb_netrules;

/* Insert the sandbox's rules; *out remembers them. On failure nothing is
 * left in the map and err says which entry could not be compiled. */
int gb_net_rules_add(int map_fd, uint64_t sandbox, const struct gb_policy *p,
		     struct gb_netrules **out, char *err, size_t errlen);

/* Remove exactly what was added, and free. Accepts NULL. */
void gb_net_rules_del(struct gb_netrules *nr);

/* For tests: the entries as they would be inserted, for one op. */
struct gb_net_key;
struct gb_net_value;
#ifdef GLOVEBOX_NET_H
struct gb_net_entry {
	struct gb_net_key key;
	struct gb_net_value value;
};
#else
struct gb_net_entry;
#endif
int gb_net_compile(const struct gb_net_list *list, int op, uint64_t sandbox,
		   struct gb_net_entry **out, size_t *n, char *err, size_t errlen);

#endif
