/* SPDX-License-Identifier: MIT */
/* The audit stream: JSON lines, one object per line (docs/audit-schema.md).
 * Kernel records from the sandbox's ring buffer and events glovebox makes
 * itself go through the same writer, which counts them per event type. */
#ifndef GLOVEBOX_AUDIT_USER_H
#define GLOVEBOX_AUDIT_USER_H

#include <stdint.h>
#include <jansson.h>

struct gb_audit;

/* path: a file (appended to, created 0600) or "-" for stderr. */
int gb_audit_open(struct gb_audit **out, const char *path, const char *sandbox,
		  char *err, size_t errlen);
struct gb_policy;
/* The policy whose rule indexes decision events name (kept, not copied). */
void gb_audit_set_policy(struct gb_audit *a, const struct gb_policy *p);
/* Start consuming a sandbox's ring buffer (a pooled one: records of other
 * sandboxes left in it are skipped). */
int gb_audit_attach_ring(struct gb_audit *a, int ring_fd, uint64_t sandbox);
/* The epoll fd that becomes readable when the ring has data (-1 if none). */
int gb_audit_ring_epoll_fd(struct gb_audit *a);
/* Consume everything in the ring now. Returns records consumed or -errno. */
int gb_audit_consume(struct gb_audit *a);
/* Report kernel-side losses: total is the sandbox's lost counter; emits a
 * `lost` event for what was not yet reported. */
void gb_audit_lost(struct gb_audit *a, uint64_t total);
uint64_t gb_audit_lost_total(struct gb_audit *a);

/* A new event object with the common fields, from glovebox itself. */
json_t *gb_audit_event(struct gb_audit *a, const char *event);
/* Write and count an event; takes the reference. */
void gb_audit_emit(struct gb_audit *a, json_t *ev);
/* Counts per event type so far, as a new object. */
json_t *gb_audit_counts(struct gb_audit *a);
void gb_audit_flush(struct gb_audit *a);
void gb_audit_close(struct gb_audit *a);

/* "SIGKILL" for 9; NULL for numbers without a name. */
const char *gb_signal_name(int sig);

/* A JSON string from bytes that may not be UTF-8 (bad bytes become U+FFFD). */
json_t *gb_json_bytes(const char *s, size_t len);

#endif
