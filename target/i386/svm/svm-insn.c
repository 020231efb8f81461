/*
 * The AMD SVM instructions and the checks the APM puts before their
 * intercepts; see svm-insn.h.
 *
 * Copyright (c) 2026 The SVM-APM series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "cpu.h"
#include "svm.h"
#include "svm/svm-insn.h"

#define GROUP (SVM_INSN_PROT_MODE | SVM_INSN_CPL0)

static const SvmInsn svm_insns[] = {
    [0] = { "vmrun",   SVM_EXIT_VMRUN,   GROUP },
    /* no mode or CPL check: its intercept wins over everything (15.18) */
    [1] = { "vmmcall", SVM_EXIT_VMMCALL, 0 },
    [2] = { "vmload",  SVM_EXIT_VMLOAD,  GROUP },
    [3] = { "vmsave",  SVM_EXIT_VMSAVE,  GROUP },
    [4] = { "stgi",    SVM_EXIT_STGI,    GROUP | SVM_INSN_SKINIT_SVME },
    [5] = { "clgi",    SVM_EXIT_CLGI,    GROUP },
    [6] = { "skinit",  SVM_EXIT_SKINIT,
            GROUP | SVM_INSN_SKINIT_SVME | SVM_INSN_NEEDS_SKINIT },
    [7] = { "invlpga", SVM_EXIT_INVLPGA, GROUP },
};

const SvmInsn *svm_insn_lookup(uint8_t modrm)
{
    if (modrm < 0xd8 || modrm > 0xdf) {
        return NULL;
    }
    return &svm_insns[modrm - 0xd8];
}

SvmInsnFault svm_insn_check(const SvmInsn *insn, const SvmInsnContext *ctx)
{
    bool skinit = (ctx->cpuid_ext3 & CPUID_EXT3_SKINIT) ||
                  (ctx->cpuid_svm & CPUID_SVM_SVMLOCK);

    if (!(ctx->cpuid_ext3 & CPUID_EXT3_SVM)) {
        return SVM_INSN_UD;
    }
    /* An unsupported SKINIT is #UD even if L1 intercepts it (R-SKINIT) */
    if ((insn->flags & SVM_INSN_NEEDS_SKINIT) && !skinit) {
        return SVM_INSN_UD;
    }
    if ((insn->flags & SVM_INSN_PROT_MODE) &&
        (!ctx->protected_mode || ctx->vm86)) {
        return SVM_INSN_UD;
    }
    if (!ctx->svme && !((insn->flags & SVM_INSN_SKINIT_SVME) && skinit)) {
        return SVM_INSN_UD;
    }
    if ((insn->flags & SVM_INSN_CPL0) && ctx->cpl != 0) {
        return SVM_INSN_GP;
    }
    return SVM_INSN_OK;
}

bool svm_intercept_before_rax_check(uint32_t cpuid_svm)
{
    return cpuid_svm & CPUID_SVM_SVME_ADDR_CHK;
}

bool svm_vmcb_addr_valid(uint64_t addr, unsigned phys_bits)
{
    return !(addr & 0xfff) && (phys_bits >= 64 || !(addr >> phys_bits));
}
