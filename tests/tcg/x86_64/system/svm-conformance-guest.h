/*
 * SVM conformance guest: the routines and stubs written in assembly in
 * svm-conformance.c.
 *
 * Copyright (c) 2026 The SVM-APM series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SVM_CONFORMANCE_GUEST_H
#define SVM_CONFORMANCE_GUEST_H

#include <stdint.h>

/*
 * guard_call(fn, a, b) calls fn(a, b) and returns 0, or returns 1 if an
 * exception (or the ring-3 "done" gate 0x80) unwinds it; exc_vector and
 * exc_error then say which.  Callee-saved registers are restored either
 * way, so fn may run L2 (VMRUN does not preserve them).
 */
int guard_call(void (*fn)(uint64_t, void *), uint64_t a, void *b);

/* Call the code at @stub with RAX = @rax and ECX = 0, at CPL0 or CPL3. */
void host_exec(uint64_t rax, void *stub);
void user_exec(uint64_t rax, void *stub);

/* Called by the exception stubs when no guard_call() is active. */
void unexpected_exception(uint64_t vec, uint64_t err, uint64_t rip);

/* Interrupt and exception entry points (IDT targets). */
extern char exc_vec_stubs[], l2_vec_stubs[];
extern char irq_stub[], spurious_stub[], user_done_stub[];

extern uint64_t exc_vector, exc_error, guard_active, irq_seen;
extern uint64_t l2_vector, l2_error, guard_rsp;
extern uint8_t ustack[8192];

#endif /* SVM_CONFORMANCE_GUEST_H */
