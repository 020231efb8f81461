/*
 * The AMD SVM instructions (0F 01 D8..DF) and the checks the APM puts
 * before their intercepts.
 *
 * AMD64 APM Vol. 2: 15.4 (enabling SVM), 15.5.1 (VMRUN), 15.5.2 (VMLOAD,
 * VMSAVE), 15.17 (STGI, CLGI), 15.18 (VMMCALL), 15.31 (SVM-Lock) and
 * Table 15-7 (instruction intercepts and exception priority).
 *
 * Copyright (c) 2026 The SVM-APM series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TARGET_I386_SVM_INSN_H
#define TARGET_I386_SVM_INSN_H

typedef enum SvmInsnFlags {
    /* #UD unless in protected mode and not in virtual-8086 mode */
    SVM_INSN_PROT_MODE   = 1 << 0,
    /* #GP(0) unless at CPL 0 */
    SVM_INSN_CPL0        = 1 << 1,
    /* also usable with EFER.SVME=0 given CPUID SKINIT or SVM-Lock */
    SVM_INSN_SKINIT_SVME = 1 << 2,
    /* #UD before anything else without CPUID SKINIT or SVM-Lock */
    SVM_INSN_NEEDS_SKINIT = 1 << 3,
} SvmInsnFlags;

typedef struct SvmInsn {
    const char *name;
    uint16_t exit_code;         /* SVM_EXIT_*, also names its intercept */
    uint8_t flags;              /* SvmInsnFlags */
} SvmInsn;

/* What decides the checks: all known when an instruction is translated. */
typedef struct SvmInsnContext {
    bool protected_mode;        /* CR0.PE */
    bool vm86;                  /* EFLAGS.VM */
    bool svme;                  /* EFER.SVME */
    int cpl;
    uint32_t cpuid_ext3;        /* CPUID Fn8000_0001_ECX */
    uint32_t cpuid_svm;         /* CPUID Fn8000_000A_EDX */
} SvmInsnContext;

typedef enum SvmInsnFault {
    SVM_INSN_OK,
    SVM_INSN_UD,
    SVM_INSN_GP,
} SvmInsnFault;

/* The instruction encoded as 0F 01 @modrm, or NULL. */
const SvmInsn *svm_insn_lookup(uint8_t modrm);

/*
 * The exceptions that come before the intercept check (the "simple
 * exceptions" of Table 15-7), first match wins: #UD for SVM absent, for
 * SKINIT without CPUID SKINIT/SVM-Lock, outside protected mode or in v86
 * mode, for EFER.SVME=0; then #GP(0) for CPL != 0.  A LOCK prefix is
 * rejected by the decoder before this.
 */
SvmInsnFault svm_insn_check(const SvmInsn *insn, const SvmInsnContext *ctx);

/*
 * Whether the intercept of VMRUN/VMLOAD/VMSAVE is checked before the rAX
 * #GP: CPUID SvmeAddrChk says so; without it Table 15-7 puts the #GP first.
 */
bool svm_intercept_before_rax_check(uint32_t cpuid_svm);

/* A VMCB address is 4 KiB aligned and below 2^@phys_bits (15.5.1). */
bool svm_vmcb_addr_valid(uint64_t addr, unsigned phys_bits);

#endif /* TARGET_I386_SVM_INSN_H */
