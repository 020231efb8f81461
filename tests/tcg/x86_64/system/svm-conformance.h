/*
 * SVM conformance: the scenarios and their expected outcomes.
 *
 * One table, read by the guest (svm-conformance.c, which runs each
 * scenario and judges it) and by the host-side runner
 * (tests/qtest/svm-conformance-test.c, which judges the guest's raw
 * outcomes again for every accelerator).  Rule ids (R-...) and section
 * numbers refer to AMD64 APM Vol. 2 chapter 15.
 *
 * Copyright (c) 2026 The SVM-APM series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SVM_CONFORMANCE_H
#define SVM_CONFORMANCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* The instruction a scenario executes (0F 01 D8..DF), or a special test. */
enum {
    I_VMRUN, I_VMMCALL, I_VMLOAD, I_VMSAVE, I_STGI, I_CLGI, I_SKINIT,
    I_INVLPGA, I_SPECIAL,
};

/* Where and how it runs. */
#define E_GUEST      (1u << 0)   /* executed by L2; otherwise by L1 */
#define E_ICEPT      (1u << 1)   /* L1 sets the instruction's intercept */
#define E_XI         (1u << 2)   /* L1 intercepts every exception */
#define E_CPL3       (1u << 3)
#define E_NPT        (1u << 4)   /* L1 enables nested paging (identity) */
#define E_SVME0      (1u << 5)   /* EFER.SVME cleared first */
#define E_LOCK       (1u << 6)   /* LOCK prefix */
#define E_PAE32      (1u << 7)   /* L2 in 32-bit protected mode, PAE paging */
#define E_REAL       (1u << 8)   /* L2 in real mode */
#define E_V86        (1u << 9)   /* L2 in virtual-8086 mode */
#define E_ASIZE32    (1u << 10)  /* 0x67 prefix (64-bit mode) */
#define E_RAX_UNALIGNED (1u << 11)  /* rAX = page + 0x800 */
#define E_RAX_BIT63  (1u << 12)  /* rAX = 0xffff_ffff_ffff_f000 */
#define E_RAX_MAXPHY (1u << 13)  /* rAX = 1 << MAXPHYADDR */
#define E_RAX_HIGH32 (1u << 14)  /* rAX = page | 0xffff_ffff_0000_0000 */
#define E_PM16       (1u << 15)  /* L2 in 16-bit protected mode */
#define E_RAX_AX     (1u << 16)  /* rAX = 0x7ff0f000: AX is a low page */
#define E_NXE        (1u << 17)  /* L1 runs with EFER.NXE=1 */
#define E_SMEP       (1u << 18)  /* L1 runs with CR4.SMEP=1 */
#define E_RAX_MMIO   (1u << 19)  /* rAX = 0xfee00000, the local APIC */

/* CPUID features a scenario needs or depends on (bit = feature). */
#define F_SVM        (1u << 0)   /* Fn8000_0001_ECX[2] */
#define F_NOSVM      (1u << 1)   /* SVM absent */
#define F_NPT        (1u << 2)   /* Fn8000_000A_EDX[0] */
#define F_VGIF       (1u << 3)   /* Fn8000_000A_EDX[16] */
#define F_ADDRCHK    (1u << 4)   /* Fn8000_000A_EDX[28] SvmeAddrChk */
#define F_MIGRATE    (1u << 5)   /* a runner migrates the VM mid-run */
#define F_AMD        (1u << 6)   /* not an Intel-compatible vendor */
#define F_NX         (1u << 7)   /* Fn8000_0001_EDX[20] */
#define F_SMEP       (1u << 8)   /* Fn0000_0007_EBX[7] */
#define F_FLUSHASID  (1u << 9)   /* Fn8000_000A_EDX[6] FlushByAsid */
#define F_FFXSR      (1u << 10)  /* Fn8000_0001_EDX[25] */

/* Special scenarios (insn == I_SPECIAL). */
enum {
    S_NONE,
    /* VMRUN consistency checks, 15.5.1: VMEXIT_INVALID and GIF=0 */
    S_CC_NO_VMRUN_ICEPT, S_CC_ASID0, S_CC_EFER_SVME0, S_CC_CR0_NW,
    S_CC_CR0_HIGH, S_CC_CR4_RSVD, S_CC_DR6_HIGH, S_CC_DR7_HIGH,
    S_CC_EFER_RSVD, S_CC_LME_NOPAE, S_CC_CS_L_D, S_CC_EVTINJ_TYPE1,
    S_CC_EVTINJ_VEC2, S_CC_MSRPM_HIGH, S_CC_IOPM_HIGH, S_CC_CR3_MBZ,
    S_CC_EVTINJ_VEC9, S_CC_EVTINJ_VEC20, S_CC_EVTINJ_BR64, S_CC_EVTINJ_OF64,
    S_CC_SAVE_AREA, S_CC_EFER_RSVD_REAL, S_CC_CR3_HIGH_PAE32,
    S_CC_EFER_FFXSR,
    /* EVENTINJ exceptions that are delivered (and intercepted) */
    S_EVTINJ_DE, S_EVTINJ_BR_PAE32,
    /* VGIF, 15.33.2 */
    S_VGIF_FIRST_VIRQ, S_VGIF_STGI, S_VGIF_CLGI, S_VGIF_STGI_ICEPT,
    S_VGIF_CLGI_ICEPT,
    /* VM_HSAVE_PA, 15.30.4, and VMRUN with it zero */
    S_HSAVE_UNALIGNED, S_HSAVE_BIT63, S_HSAVE_VALID, S_VMRUN_HSAVE0,
    /* EFER.SVME */
    S_EFER_SVME_TOGGLE, S_EFER_SVME_NOSVM, S_EFER_RSVD, S_EFER_LME_PG,
    /* MOV to CR3/CR4 with reserved bits: #GP, never a #VMEXIT */
    S_CR4_RSVD_L2, S_CR3_RSVD_L2, S_CR4_RSVD_HOST, S_CR3_RSVD_HOST,
    /* savevm/migration while L2 runs */
    S_MIGRATE_L2,
    /* MOV to/from CRn in L2 under the CR intercepts (15.9) */
    S_CR_ACCESS,
    /* legacy PAE paging in L2 leaves the PDPTEs alone */
    S_PAE_PDPTE,
    /* INT3, INTO, INT n under the exception and INTn intercepts */
    S_INT3_BP, S_INT3_INTN, S_INT3_BOTH, S_INTCD03_INTN, S_INTCD03_BP,
    S_INTO_OF, S_INTO_INTN,
    /* SYSENTER_ESP/EIP width (R-SYSENTER, OQ-8) */
    S_SYSENTER_WRMSR, S_SYSENTER_VMLOAD, S_SYSENTER_VMSAVE,
    /* VM_CR (15.30.1) */
    S_VMCR_READ, S_VMCR_SVMDIS_WITH_SVME, S_VMCR_SVMDIS_BLOCKS_SVME,
    S_VMCR_RESERVED, S_VMCR_LOCK,
    /* MOV CR0, LMSW, CLTS under the (selective) CR0 write intercept */
    S_CR0_WRITE,
    /* page-fault error codes: nested (#NPF, 15.25.6) and ordinary (#PF) */
    S_NPF, S_PF,
    /* L2 sees L1's page-table change after a TLB flush (15.16) */
    S_TLB_FLUSH_ALL, S_TLB_FLUSH_ASID, S_TLB_NEW_ASID,
};

/* S_CR0_WRITE: the instruction */
enum { CR0_MOV, CR0_LMSW, CR0_CLTS };
/* S_NPF, S_PF: the access that faults */
enum { ACC_FETCH, ACC_READ, ACC_WRITE };

/* Page-fault error code bits (APM Vol. 2 8.4.2) and NPF EXITINFO1 */
#define PFEC_P      0x01
#define PFEC_W      0x02
#define PFEC_U      0x04
#define PFEC_RSVD   0x08
#define PFEC_ID     0x10
#define NPF_GPA     (1ull << 32)    /* fault on the final guest-physical */


/*
 * S_MIGRATE_L2: L2 spins until the runner, after migrating the VM, writes
 * SVM_MIGRATE_MAGIC to SVM_MIGRATE_FLAG; state = what L2 saw there.
 */
#define SVM_MIGRATE_FLAG  0x9000
#define SVM_MIGRATE_MAGIC 0x5a5a

/* Outcome of one scenario. */
enum { O_NONE, O_DONE, O_EXC, O_EXIT, O_SKIP, O_HANG };

typedef struct SvmOutcome {
    uint8_t kind;
    uint8_t vector;         /* O_EXC */
    uint8_t has_state;      /* "state" below is compared */
    uint8_t has_info1;      /* "info1" below is compared */
    uint32_t error;         /* O_EXC error code */
    uint64_t exit_code;     /* O_EXIT */
    uint64_t info1;         /* O_EXIT EXITINFO1 */
    uint64_t state;         /* observed state (see the scenario) */
} SvmOutcome;

#define DONE          { .kind = O_DONE }
#define DONE_S(s)     { .kind = O_DONE, .has_state = 1, .state = (s) }
#define UD            { .kind = O_EXC, .vector = 6 }
#define GP0           { .kind = O_EXC, .vector = 13, .error = 0 }
#define EXIT(c)       { .kind = O_EXIT, .exit_code = (c) }
#define EXIT_UD       EXIT(0x46)
#define EXIT_GP0      { .kind = O_EXIT, .exit_code = 0x4d, .has_info1 = 1 }
#define EXIT_GIF0(c) \
    { .kind = O_EXIT, .exit_code = (c), .has_state = 1, .state = 0 }
#define EXIT_INVALID_GIF0 EXIT_GIF0(~0ull)
/* state = 1: the CR0 write took effect in L2 */
#define EXIT_CR0(c)   { .kind = O_EXIT, .exit_code = (c), .has_state = 1 }
#define DONE_CR0      DONE_S(1)
/* #NPF: EXITINFO1 = error code, state = EXITINFO2 (the faulting GPA) */
#define NPF(ec, gpa) \
    { .kind = O_EXIT, .exit_code = 0x400, .has_info1 = 1, \
      .info1 = NPF_GPA | (ec), .has_state = 1, .state = (gpa) }
#define PF(ec)        { .kind = O_EXC, .vector = 14, .error = (ec) }

typedef struct SvmScenario {
    const char *id;
    const char *rule;           /* APM section / rule id */
    uint8_t insn;
    uint8_t special;
    uint32_t env;
    uint32_t needs;             /* F_*: skipped unless all present */
    SvmOutcome expect;          /* what the APM requires */
    /* With CPUID feature alt_unless absent, expect_alt applies instead. */
    uint32_t alt_unless;
    SvmOutcome expect_alt;
    /* S_CR_ACCESS: which CR, read or write, and the CR intercept bits */
    uint8_t cr;
    bool cr_write;
    uint16_t cr_icept;
    /* S_CR0_WRITE: the instruction, the CR0 bits it sets, selective */
    uint8_t cr0_insn;
    uint32_t cr0_set;
    bool cr0_sel;
    /*
     * S_NPF, S_PF: in the paging entry of level pt_level (4 PML4E, 3 PDPTE,
     * 2 PDE) that maps the access, set pt_set and clear pt_clear.
     */
    uint8_t pt_level;
    uint8_t pt_access;
    uint64_t pt_set, pt_clear;
    /* An intended KVM difference: what KVM does, and why. */
    SvmOutcome kvm;
    const char *kvm_why;
} SvmScenario;

/* Feature-dependent expectation: intercept before the rAX #GP (OQ-3). */
#define ADDRCHK_OR_GP(c) \
    .expect = EXIT(c), .alt_unless = F_ADDRCHK, .expect_alt = EXIT_GP0

/*
 * Intended KVM differences, with the KVM versions they apply to (Linux
 * arch/x86/kvm/svm/ as of the nested-7.1 merge, spec section 3).
 */
#define KVM_WHY_HYPERCALL \
    "all KVM versions: an L1 VMMCALL is KVM's hypercall, no #UD"
#define KVM_WHY_CPL_FIRST \
    "all KVM versions (FIXME in svm.c): hardware checks CPL before KVM's " \
    "EFER.SVME #UD"
#define KVM_WHY_SKINIT_CPL \
    "all KVM versions: hardware checks CPL before KVM's SKINIT #UD"
#define KVM_WHY_RAX64 \
    "KVM through 7.1: 0x67 ignored in 64-bit mode, all of RAX used"
#define KVM_WHY_VMCR_LOCK \
    "KVM (seen with 6.12): VM_CR.LOCK stays clear, SVMDIS is written"
#define KVM_WHY_EAX \
    "KVM through 7.1: EAX outside 64-bit mode, also for 16-bit asize"

#define KVM_WHY_NOT_RAM \
    "KVM (seen with 6.12): #GP when the VMCB is not RAM (kvm_vcpu_map " \
    "fails); the APM leaves it undefined"

#define KVM_HYPERCALL \
    .kvm = DONE, .kvm_why = KVM_WHY_HYPERCALL
/* Known TCG divergences, by spec gap id (G*) or findings item (F*). */
#define TCG_G1 "G1: rAX #GP checked before the intercept despite SvmeAddrChk"
#define TCG_G2 "G2/F6: v86 mode raises #GP instead of #UD"
#define TCG_G3 "G3: SKINIT intercepted although CPUID SKINIT=0"
#define TCG_G5 "G5/F3: unintercepted L2 VMLOAD/VMSAVE forced to #VMEXIT"
#define TCG_G6 "G6: no #GP for VMRUN with VM_HSAVE_PA=0"
#define TCG_G7 "G7: EVENTINJ accepts any exception vector but 2 and >= 31"
#define TCG_F1 "F1: MOV CR3/CR4 reserved bit gives VMEXIT_INVALID, not #GP"
#define TCG_F4 "F4: vGIF leaks from reset into the first VMRUN"
#define TCG_F5 "F5: WRMSR EFER drops unsupported/reserved bits silently"
#define TCG_F8 "F8: VM_CR is not modelled (reads 0, writes ignored)"
#define TCG_F9 "F9: SYSENTER_ESP/EIP keep 64 bits on every vendor"
#define TCG_F14 "F14: MOV from CRn meets the READ_CR0 intercept (after 7.2)"
#define TCG_F15 "F15: INT3/INTO meet the INTn intercept, not #BP/#OF"
#define TCG_F18 "F18: VMEXIT_INVALID writes L1 state into the save area"
#define TCG_F19 "F19: legacy PAE walk sets the reserved A bit in PDPTEs"
#define TCG_F16 "F16: LMSW honours the selective CR0 intercept's TS/MP rule"
#define TCG_F17 "F17: RSVD page faults lack P"
#define TCG_F17_BIT8 "F17: PML4E bit 8 not reserved on AMD"
#define TCG_F17_SMEP "F17: NPF I/D bit ignores L1's CR4.SMEP"
#define TCG_FZ1 "FZ1: VMLOAD/VMSAVE on MMIO abort QEMU (cpu_io_recompile)"
#define TCG_FZ2 "FZ2: #VMEXIT keeps L2's CR0 when L2 had CR4.PAE=0"
#define TCG_EFER_CC "VMRUN accepts EFER bits of absent features (FFXSR)"

static const SvmScenario svm_scenarios[] = {
    /*
     * First, so that it is the first VMRUN after reset (findings item 4):
     * V_GIF=0 must gate a pending virtual interrupt.
     */
    { "vgif.first-vmrun.virq-gated", "15.33.2 R-VGIF", I_SPECIAL,
      S_VGIF_FIRST_VIRQ, 0, F_SVM | F_VGIF, DONE },

    /* Host mode, valid operands (VMRUN runs an L2 that does VMMCALL). */
    { "h.valid.vmrun", "15.5 VMRUN", I_VMRUN, 0, 0, F_SVM, EXIT(0x81) },
    { "h.valid.vmmcall", "15.18 R-VMMCALL", I_VMMCALL, 0, 0, F_SVM, UD,
      KVM_HYPERCALL },
    { "h.valid.vmload", "15.5.2", I_VMLOAD, 0, 0, F_SVM, DONE },
    { "h.valid.vmsave", "15.5.2", I_VMSAVE, 0, 0, F_SVM, DONE },
    { "h.valid.stgi", "15.17", I_STGI, 0, 0, F_SVM, DONE },
    { "h.valid.clgi", "15.17", I_CLGI, 0, 0, F_SVM, DONE },
    { "h.valid.skinit", "R-SKINIT (CPUID SKINIT=0)", I_SKINIT, 0, 0,
      F_SVM, UD },
    { "h.valid.invlpga", "15.16.2", I_INVLPGA, 0, 0, F_SVM, DONE },

    /* R-UD-SVME: EFER.SVME=0 */
    { "h.svme0.vmrun", "15.4 R-UD-SVME", I_VMRUN, 0, E_SVME0, F_SVM, UD },
    { "h.svme0.vmmcall", "15.4 R-UD-SVME", I_VMMCALL, 0, E_SVME0, F_SVM,
      UD, KVM_HYPERCALL },
    { "h.svme0.vmload", "15.4 R-UD-SVME", I_VMLOAD, 0, E_SVME0, F_SVM, UD },
    { "h.svme0.vmsave", "15.4 R-UD-SVME", I_VMSAVE, 0, E_SVME0, F_SVM, UD },
    { "h.svme0.stgi", "15.4 R-UD-SVME (SKINIT=SVML=0)", I_STGI, 0, E_SVME0,
      F_SVM, UD },
    { "h.svme0.clgi", "15.4 R-UD-SVME", I_CLGI, 0, E_SVME0, F_SVM, UD },
    { "h.svme0.skinit", "15.4 R-UD-SVME (SKINIT=SVML=0)", I_SKINIT, 0,
      E_SVME0, F_SVM, UD },
    { "h.svme0.invlpga", "15.4 R-UD-SVME", I_INVLPGA, 0, E_SVME0, F_SVM,
      UD },

    /* R-UD-NOSVM: CPUID SVM=0 (run with an SVM-less CPU model) */
    { "nosvm.vmrun", "15.4 R-UD-NOSVM", I_VMRUN, 0, E_SVME0, F_NOSVM, UD },
    { "nosvm.vmload", "15.4 R-UD-NOSVM", I_VMLOAD, 0, E_SVME0, F_NOSVM,
      UD },
    { "nosvm.vmsave", "15.4 R-UD-NOSVM", I_VMSAVE, 0, E_SVME0, F_NOSVM,
      UD },
    { "nosvm.stgi", "15.4 R-UD-NOSVM", I_STGI, 0, E_SVME0, F_NOSVM, UD },
    { "nosvm.clgi", "15.4 R-UD-NOSVM", I_CLGI, 0, E_SVME0, F_NOSVM, UD },
    { "nosvm.skinit", "15.4 R-UD-NOSVM", I_SKINIT, 0, E_SVME0, F_NOSVM,
      UD },
    { "nosvm.invlpga", "15.4 R-UD-NOSVM", I_INVLPGA, 0, E_SVME0, F_NOSVM,
      UD },

    /* R-GP-CPL: CPL=3 */
    { "h.cpl3.vmrun", "15.5.1 R-GP-CPL", I_VMRUN, 0, E_CPL3, F_SVM, GP0 },
    { "h.cpl3.vmmcall", "15.18 no CPL check", I_VMMCALL, 0, E_CPL3, F_SVM,
      UD, KVM_HYPERCALL },
    { "h.cpl3.vmload", "15.5.2 R-GP-CPL", I_VMLOAD, 0, E_CPL3, F_SVM, GP0 },
    { "h.cpl3.vmsave", "15.5.2 R-GP-CPL", I_VMSAVE, 0, E_CPL3, F_SVM, GP0 },
    { "h.cpl3.stgi", "15.17 R-GP-CPL", I_STGI, 0, E_CPL3, F_SVM, GP0 },
    { "h.cpl3.clgi", "15.17 R-GP-CPL", I_CLGI, 0, E_CPL3, F_SVM, GP0 },
    { "h.cpl3.skinit", "R-SKINIT #UD first", I_SKINIT, 0, E_CPL3, F_SVM,
      UD, .kvm = GP0,
      .kvm_why = KVM_WHY_SKINIT_CPL },
    { "h.cpl3.invlpga", "15.16.2 R-GP-CPL", I_INVLPGA, 0, E_CPL3, F_SVM,
      GP0 },

    /* R-ORDER-UD-GP: SVME=0 and CPL=3 gives #UD */
    { "h.svme0-cpl3.vmrun", "R-ORDER-UD-GP", I_VMRUN, 0, E_SVME0 | E_CPL3,
      F_SVM, UD, .kvm = GP0, .kvm_why = KVM_WHY_CPL_FIRST },
    { "h.svme0-cpl3.vmload", "R-ORDER-UD-GP", I_VMLOAD, 0,
      E_SVME0 | E_CPL3, F_SVM, UD, .kvm = GP0,
      .kvm_why = KVM_WHY_CPL_FIRST },
    { "h.svme0-cpl3.vmsave", "R-ORDER-UD-GP", I_VMSAVE, 0,
      E_SVME0 | E_CPL3, F_SVM, UD, .kvm = GP0,
      .kvm_why = KVM_WHY_CPL_FIRST },
    { "h.svme0-cpl3.stgi", "R-ORDER-UD-GP", I_STGI, 0, E_SVME0 | E_CPL3,
      F_SVM, UD, .kvm = GP0, .kvm_why = KVM_WHY_CPL_FIRST },
    { "h.svme0-cpl3.clgi", "R-ORDER-UD-GP", I_CLGI, 0, E_SVME0 | E_CPL3,
      F_SVM, UD, .kvm = GP0, .kvm_why = KVM_WHY_CPL_FIRST },
    { "h.svme0-cpl3.skinit", "R-ORDER-UD-GP", I_SKINIT, 0,
      E_SVME0 | E_CPL3, F_SVM, UD, .kvm = GP0,
      .kvm_why = KVM_WHY_CPL_FIRST },
    { "h.svme0-cpl3.invlpga", "R-ORDER-UD-GP", I_INVLPGA, 0,
      E_SVME0 | E_CPL3, F_SVM, UD, .kvm = GP0,
      .kvm_why = KVM_WHY_CPL_FIRST },

    /* LOCK prefix: #UD */
    { "h.lock.vmrun", "LOCK #UD", I_VMRUN, 0, E_LOCK, F_SVM, UD },
    { "h.lock.vmmcall", "LOCK #UD", I_VMMCALL, 0, E_LOCK, F_SVM, UD },
    { "h.lock.vmload", "LOCK #UD", I_VMLOAD, 0, E_LOCK, F_SVM, UD },
    { "h.lock.vmsave", "LOCK #UD", I_VMSAVE, 0, E_LOCK, F_SVM, UD },
    { "h.lock.stgi", "LOCK #UD", I_STGI, 0, E_LOCK, F_SVM, UD },
    { "h.lock.clgi", "LOCK #UD", I_CLGI, 0, E_LOCK, F_SVM, UD },
    { "h.lock.skinit", "LOCK #UD", I_SKINIT, 0, E_LOCK, F_SVM, UD },
    { "h.lock.invlpga", "LOCK #UD", I_INVLPGA, 0, E_LOCK, F_SVM, UD },

    /* R-RAX-ALIGN, R-RAX-MAXPA (host mode) */
    { "h.rax-unaligned.vmrun", "15.5.1 R-RAX-ALIGN", I_VMRUN, 0,
      E_RAX_UNALIGNED, F_SVM, GP0 },
    { "h.rax-unaligned.vmload", "15.5.1 R-RAX-ALIGN", I_VMLOAD, 0,
      E_RAX_UNALIGNED, F_SVM, GP0 },
    { "h.rax-unaligned.vmsave", "15.5.1 R-RAX-ALIGN", I_VMSAVE, 0,
      E_RAX_UNALIGNED, F_SVM, GP0 },
    { "h.rax-bit63.vmrun", "15.5.1 R-RAX-MAXPA", I_VMRUN, 0, E_RAX_BIT63,
      F_SVM, GP0 },
    { "h.rax-bit63.vmload", "15.5.1 R-RAX-MAXPA", I_VMLOAD, 0, E_RAX_BIT63,
      F_SVM, GP0 },
    { "h.rax-bit63.vmsave", "15.5.1 R-RAX-MAXPA", I_VMSAVE, 0, E_RAX_BIT63,
      F_SVM, GP0 },
    { "h.rax-maxphy.vmrun", "15.5.1 R-RAX-MAXPA", I_VMRUN, 0,
      E_RAX_MAXPHY, F_SVM, GP0 },
    { "h.rax-maxphy.vmload", "15.5.1 R-RAX-MAXPA", I_VMLOAD, 0,
      E_RAX_MAXPHY, F_SVM, GP0 },
    { "h.rax-maxphy.vmsave", "15.5.1 R-RAX-MAXPA", I_VMSAVE, 0,
      E_RAX_MAXPHY, F_SVM, GP0 },

    /*
     * rAX naming MMIO (the local APIC page) instead of RAM: undefined
     * (outcome table row 18), but the emulator must survive it; VMLOAD
     * and VMSAVE complete.  Found by make fuzz.
     */
    { "h.rax-mmio.vmload", "row 18 (undefined): no crash", I_VMLOAD, 0,
      E_RAX_MMIO, F_SVM, DONE, .kvm = GP0, .kvm_why = KVM_WHY_NOT_RAM },
    { "h.rax-mmio.vmsave", "row 18 (undefined): no crash", I_VMSAVE, 0,
      E_RAX_MMIO, F_SVM, DONE, .kvm = GP0, .kvm_why = KVM_WHY_NOT_RAM },

    /* R-RAX-ASIZE: 0x67 in 64-bit mode uses EAX */
    { "h.asize32.vmload", "15.5.1 R-RAX-ASIZE", I_VMLOAD, 0,
      E_ASIZE32 | E_RAX_HIGH32, F_SVM, DONE, .kvm = GP0,
      .kvm_why = KVM_WHY_RAX64 },
    { "h.asize32.vmsave", "15.5.1 R-RAX-ASIZE", I_VMSAVE, 0,
      E_ASIZE32 | E_RAX_HIGH32, F_SVM, DONE, .kvm = GP0,
      .kvm_why = KVM_WHY_RAX64 },

    /* Guest mode, 64-bit L2 at CPL0, every exception intercepted. */
    { "g.icept.vmrun", "Table 15-7 R-INTERCEPT-ORDER", I_VMRUN, 0,
      E_GUEST | E_ICEPT | E_XI, F_SVM, EXIT(0x80) },
    { "g.icept.vmmcall", "15.18 R-VMMCALL", I_VMMCALL, 0,
      E_GUEST | E_ICEPT | E_XI, F_SVM, EXIT(0x81) },
    { "g.icept.vmload", "Table 15-7", I_VMLOAD, 0, E_GUEST | E_ICEPT | E_XI,
      F_SVM, EXIT(0x82) },
    { "g.icept.vmsave", "Table 15-7", I_VMSAVE, 0, E_GUEST | E_ICEPT | E_XI,
      F_SVM, EXIT(0x83) },
    { "g.icept.stgi", "Table 15-7", I_STGI, 0, E_GUEST | E_ICEPT | E_XI,
      F_SVM, EXIT(0x84) },
    { "g.icept.clgi", "Table 15-7", I_CLGI, 0, E_GUEST | E_ICEPT | E_XI,
      F_SVM, EXIT(0x85) },
    { "g.icept.skinit", "R-SKINIT #UD before intercept", I_SKINIT, 0,
      E_GUEST | E_ICEPT | E_XI, F_SVM, EXIT_UD },
    { "g.icept.invlpga", "Table 15-7", I_INVLPGA, 0,
      E_GUEST | E_ICEPT | E_XI, F_SVM, EXIT(0x7a) },

    /* Same, exceptions handled by L2 itself. */
    { "g.icept-xoff.vmmcall", "15.18 R-VMMCALL", I_VMMCALL, 0,
      E_GUEST | E_ICEPT, F_SVM, EXIT(0x81) },
    { "g.icept-xoff.vmload", "Table 15-7", I_VMLOAD, 0, E_GUEST | E_ICEPT,
      F_SVM, EXIT(0x82) },
    { "g.icept-xoff.skinit", "R-SKINIT", I_SKINIT, 0, E_GUEST | E_ICEPT,
      F_SVM, UD },
    { "g.icept-xoff.invlpga", "Table 15-7", I_INVLPGA, 0, E_GUEST | E_ICEPT,
      F_SVM, EXIT(0x7a) },

    /* Intercept clear (#UD/#GP intercepted). */
    { "g.noicept.vmmcall", "15.18 R-VMMCALL #UD", I_VMMCALL, 0,
      E_GUEST | E_XI, F_SVM, EXIT_UD },
    { "g.noicept.vmload", "15.33.1 R-VLS (VLS off: L1 PA)", I_VMLOAD, 0,
      E_GUEST | E_XI, F_SVM, DONE },
    { "g.noicept.vmsave", "15.33.1 R-VLS (VLS off: L1 PA)", I_VMSAVE, 0,
      E_GUEST | E_XI, F_SVM, DONE },
    { "g.noicept.skinit", "R-SKINIT", I_SKINIT, 0, E_GUEST | E_XI, F_SVM,
      EXIT_UD },
    { "g.noicept.invlpga", "15.16.2", I_INVLPGA, 0, E_GUEST | E_XI, F_SVM,
      DONE },
    { "g.noicept-xoff.vmmcall", "15.18 R-VMMCALL #UD", I_VMMCALL, 0,
      E_GUEST, F_SVM, UD },
    { "g.noicept-xoff.vmload", "R-VLS", I_VMLOAD, 0, E_GUEST, F_SVM, DONE },
    { "g.noicept-xoff.skinit", "R-SKINIT", I_SKINIT, 0, E_GUEST, F_SVM, UD },
    { "g.noicept-xoff.invlpga", "15.16.2", I_INVLPGA, 0, E_GUEST, F_SVM,
      DONE },

    /* L2 at CPL3: #GP before the intercept; VMMCALL's intercept wins. */
    { "g.cpl3.icept.vmrun", "R-GP-CPL before intercept", I_VMRUN, 0,
      E_GUEST | E_ICEPT | E_XI | E_CPL3, F_SVM, EXIT_GP0 },
    { "g.cpl3.icept.vmmcall", "15.18 intercept wins", I_VMMCALL, 0,
      E_GUEST | E_ICEPT | E_XI | E_CPL3, F_SVM, EXIT(0x81) },
    { "g.cpl3.icept.vmload", "R-GP-CPL before intercept", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_CPL3, F_SVM, EXIT_GP0 },
    { "g.cpl3.icept.vmsave", "R-GP-CPL before intercept", I_VMSAVE, 0,
      E_GUEST | E_ICEPT | E_XI | E_CPL3, F_SVM, EXIT_GP0 },
    { "g.cpl3.icept.stgi", "R-GP-CPL before intercept", I_STGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_CPL3, F_SVM, EXIT_GP0 },
    { "g.cpl3.icept.clgi", "R-GP-CPL before intercept", I_CLGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_CPL3, F_SVM, EXIT_GP0 },
    { "g.cpl3.icept.skinit", "R-SKINIT", I_SKINIT, 0,
      E_GUEST | E_ICEPT | E_XI | E_CPL3, F_SVM, EXIT_UD, .kvm = EXIT_GP0,
      .kvm_why = KVM_WHY_SKINIT_CPL },
    { "g.cpl3.icept.invlpga", "R-GP-CPL before intercept", I_INVLPGA, 0,
      E_GUEST | E_ICEPT | E_XI | E_CPL3, F_SVM, EXIT_GP0 },
    { "g.cpl3.icept-xoff.vmload", "R-GP-CPL", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_CPL3, F_SVM, GP0 },
    { "g.cpl3.icept-xoff.clgi", "R-GP-CPL", I_CLGI, 0,
      E_GUEST | E_ICEPT | E_CPL3, F_SVM, GP0 },
    { "g.cpl3.icept-xoff.vmmcall", "15.18 intercept wins", I_VMMCALL, 0,
      E_GUEST | E_ICEPT | E_CPL3, F_SVM, EXIT(0x81) },
    { "g.cpl3.noicept.vmmcall", "15.18 R-VMMCALL #UD", I_VMMCALL, 0,
      E_GUEST | E_XI | E_CPL3, F_SVM, EXIT_UD },
    { "g.cpl3.noicept.vmsave", "R-GP-CPL", I_VMSAVE, 0,
      E_GUEST | E_XI | E_CPL3, F_SVM, EXIT_GP0 },
    { "g.cpl3.noicept-xoff.vmmcall", "15.18 R-VMMCALL #UD", I_VMMCALL, 0,
      E_GUEST | E_CPL3, F_SVM, UD },

    /* Intercept set and a bad rAX: SvmeAddrChk decides (R-INTERCEPT-ORDER) */
    { "g.icept.rax-unaligned.vmrun", "S12 SvmeAddrChk", I_VMRUN, 0,
      E_GUEST | E_ICEPT | E_XI | E_RAX_UNALIGNED, F_SVM,
      ADDRCHK_OR_GP(0x80) },
    { "g.icept.rax-unaligned.vmload", "S12 SvmeAddrChk", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_RAX_UNALIGNED, F_SVM,
      ADDRCHK_OR_GP(0x82) },
    { "g.icept.rax-unaligned.vmsave", "S12 SvmeAddrChk", I_VMSAVE, 0,
      E_GUEST | E_ICEPT | E_XI | E_RAX_UNALIGNED, F_SVM,
      ADDRCHK_OR_GP(0x83) },
    { "g.icept.rax-bit63.vmrun", "S12 SvmeAddrChk", I_VMRUN, 0,
      E_GUEST | E_ICEPT | E_XI | E_RAX_BIT63, F_SVM,
      ADDRCHK_OR_GP(0x80) },
    { "g.icept.rax-bit63.vmload", "S12 SvmeAddrChk", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_RAX_BIT63, F_SVM,
      ADDRCHK_OR_GP(0x82) },
    { "g.icept.rax-bit63.vmsave", "S12 SvmeAddrChk", I_VMSAVE, 0,
      E_GUEST | E_ICEPT | E_XI | E_RAX_BIT63, F_SVM,
      ADDRCHK_OR_GP(0x83) },
    /* Intercept clear and a bad rAX: #GP in L2 */
    { "g.noicept.rax-unaligned.vmload", "R-RAX-ALIGN", I_VMLOAD, 0,
      E_GUEST | E_XI | E_RAX_UNALIGNED, F_SVM, EXIT_GP0 },
    { "g.noicept.rax-unaligned.vmsave", "R-RAX-ALIGN", I_VMSAVE, 0,
      E_GUEST | E_XI | E_RAX_UNALIGNED, F_SVM, EXIT_GP0 },
    { "g.noicept.rax-bit63.vmload", "R-RAX-MAXPA", I_VMLOAD, 0,
      E_GUEST | E_XI | E_RAX_BIT63, F_SVM, EXIT_GP0 },
    { "g.noicept.rax-bit63.vmsave", "R-RAX-MAXPA", I_VMSAVE, 0,
      E_GUEST | E_XI | E_RAX_BIT63, F_SVM, EXIT_GP0 },
    { "g.noicept-xoff.rax-unaligned.vmsave", "R-RAX-ALIGN", I_VMSAVE, 0,
      E_GUEST | E_RAX_UNALIGNED, F_SVM, GP0 },

    /* With nested paging (identity nPT). */
    { "g.npt.icept.vmrun", "Table 15-7", I_VMRUN, 0,
      E_GUEST | E_ICEPT | E_XI | E_NPT, F_SVM | F_NPT, EXIT(0x80) },
    { "g.npt.icept.vmmcall", "15.18", I_VMMCALL, 0,
      E_GUEST | E_ICEPT | E_XI | E_NPT, F_SVM | F_NPT, EXIT(0x81) },
    { "g.npt.icept.vmload", "Table 15-7", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_NPT, F_SVM | F_NPT, EXIT(0x82) },
    { "g.npt.icept.vmsave", "Table 15-7", I_VMSAVE, 0,
      E_GUEST | E_ICEPT | E_XI | E_NPT, F_SVM | F_NPT, EXIT(0x83) },
    { "g.npt.icept.stgi", "Table 15-7", I_STGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_NPT, F_SVM | F_NPT, EXIT(0x84) },
    { "g.npt.icept.clgi", "Table 15-7", I_CLGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_NPT, F_SVM | F_NPT, EXIT(0x85) },
    { "g.npt.icept.skinit", "R-SKINIT", I_SKINIT, 0,
      E_GUEST | E_ICEPT | E_XI | E_NPT, F_SVM | F_NPT, EXIT_UD },
    { "g.npt.icept.invlpga", "Table 15-7", I_INVLPGA, 0,
      E_GUEST | E_ICEPT | E_XI | E_NPT, F_SVM | F_NPT, EXIT(0x7a) },
    { "g.npt.noicept.vmmcall", "15.18 R-VMMCALL #UD", I_VMMCALL, 0,
      E_GUEST | E_XI | E_NPT, F_SVM | F_NPT, EXIT_UD },
    { "g.npt.noicept.vmload", "R-VLS (VLS off: L1 PA)", I_VMLOAD, 0,
      E_GUEST | E_XI | E_NPT, F_SVM | F_NPT, DONE },
    { "g.npt.noicept.vmsave", "R-VLS (VLS off: L1 PA)", I_VMSAVE, 0,
      E_GUEST | E_XI | E_NPT, F_SVM | F_NPT, DONE },
    { "g.npt.noicept.invlpga", "15.16.2", I_INVLPGA, 0,
      E_GUEST | E_XI | E_NPT, F_SVM | F_NPT, DONE },
    { "g.npt.noicept-xoff.vmmcall", "15.18 R-VMMCALL #UD", I_VMMCALL, 0,
      E_GUEST | E_NPT, F_SVM | F_NPT, UD },
    { "g.npt.cpl3.icept.vmload", "R-GP-CPL", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_NPT | E_CPL3, F_SVM | F_NPT, EXIT_GP0 },

    /* L2 in 32-bit PAE protected mode. */
    { "g.pae32.icept.vmrun", "Table 15-7", I_VMRUN, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32, F_SVM, EXIT(0x80) },
    { "g.pae32.icept.vmmcall", "15.18", I_VMMCALL, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32, F_SVM, EXIT(0x81) },
    { "g.pae32.icept.vmload", "Table 15-7", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32, F_SVM, EXIT(0x82) },
    { "g.pae32.icept.vmsave", "Table 15-7", I_VMSAVE, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32, F_SVM, EXIT(0x83) },
    { "g.pae32.icept.stgi", "Table 15-7", I_STGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32, F_SVM, EXIT(0x84) },
    { "g.pae32.icept.clgi", "Table 15-7", I_CLGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32, F_SVM, EXIT(0x85) },
    { "g.pae32.icept.skinit", "R-SKINIT", I_SKINIT, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32, F_SVM, EXIT_UD },
    { "g.pae32.icept.invlpga", "Table 15-7", I_INVLPGA, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32, F_SVM, EXIT(0x7a) },
    { "g.pae32.noicept.vmmcall", "15.18 R-VMMCALL #UD", I_VMMCALL, 0,
      E_GUEST | E_XI | E_PAE32, F_SVM, EXIT_UD },
    { "g.pae32.noicept.vmload", "R-VLS (VLS off: L1 PA)", I_VMLOAD, 0,
      E_GUEST | E_XI | E_PAE32, F_SVM, DONE },
    { "g.pae32.noicept.vmsave", "R-VLS (VLS off: L1 PA)", I_VMSAVE, 0,
      E_GUEST | E_XI | E_PAE32, F_SVM, DONE },
    { "g.pae32.noicept.invlpga", "15.16.2", I_INVLPGA, 0,
      E_GUEST | E_XI | E_PAE32, F_SVM, DONE },
    { "g.pae32.npt.noicept.vmload", "R-VLS (VLS off: L1 PA)", I_VMLOAD, 0,
      E_GUEST | E_XI | E_PAE32 | E_NPT, F_SVM | F_NPT, DONE },
    { "g.pae32.npt.noicept.vmsave", "R-VLS (VLS off: L1 PA)", I_VMSAVE, 0,
      E_GUEST | E_XI | E_PAE32 | E_NPT, F_SVM | F_NPT, DONE },
    { "g.pae32.npt.icept.vmload", "Table 15-7", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32 | E_NPT, F_SVM | F_NPT,
      EXIT(0x82) },
    /* 32-bit address size outside 64-bit mode: EAX */
    { "g.pae32.asize.vmload", "15.5.1 R-RAX-ASIZE", I_VMLOAD, 0,
      E_GUEST | E_XI | E_PAE32 | E_NPT | E_RAX_HIGH32, F_SVM | F_NPT, DONE },
    { "g.pae32.asize.vmsave", "15.5.1 R-RAX-ASIZE", I_VMSAVE, 0,
      E_GUEST | E_XI | E_PAE32 | E_NPT | E_RAX_HIGH32, F_SVM | F_NPT, DONE },
    /*
     * 16-bit address size: AX.  state = 1 when VMSAVE wrote the page AX
     * points to (EAX points past RAM).
     */
    { "g.pm16.asize16.vmsave", "15.5.1 R-RAX-ASIZE (OQ-4)", I_VMSAVE, 0,
      E_GUEST | E_XI | E_PM16 | E_RAX_AX, F_SVM, DONE_S(1),
      .kvm = DONE_S(0), .kvm_why = KVM_WHY_EAX },
    { "g.pm16.icept.vmload", "Table 15-7", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_PM16, F_SVM, EXIT(0x82) },
    { "g.pm16.cpl3.icept.clgi", "R-GP-CPL", I_CLGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_PM16 | E_CPL3, F_SVM, EXIT_GP0 },
    { "g.pae32.cpl3.icept.stgi", "R-GP-CPL", I_STGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32 | E_CPL3, F_SVM, EXIT_GP0 },
    { "g.pae32.icept.rax-unaligned.vmload", "S12 SvmeAddrChk", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_PAE32 | E_RAX_UNALIGNED, F_SVM,
      ADDRCHK_OR_GP(0x82) },

    /* R-UD-MODE: real mode; VMMCALL has no mode restriction. */
    { "g.real.icept.vmrun", "15.5.1 R-UD-MODE", I_VMRUN, 0,
      E_GUEST | E_ICEPT | E_XI | E_REAL, F_SVM, EXIT_UD },
    { "g.real.icept.vmmcall", "15.18 R-VMMCALL", I_VMMCALL, 0,
      E_GUEST | E_ICEPT | E_XI | E_REAL, F_SVM, EXIT(0x81) },
    { "g.real.icept.vmload", "R-UD-MODE", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_REAL, F_SVM, EXIT_UD },
    { "g.real.icept.vmsave", "R-UD-MODE", I_VMSAVE, 0,
      E_GUEST | E_ICEPT | E_XI | E_REAL, F_SVM, EXIT_UD },
    { "g.real.icept.stgi", "R-UD-MODE", I_STGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_REAL, F_SVM, EXIT_UD },
    { "g.real.icept.clgi", "R-UD-MODE", I_CLGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_REAL, F_SVM, EXIT_UD },
    { "g.real.icept.skinit", "R-UD-MODE", I_SKINIT, 0,
      E_GUEST | E_ICEPT | E_XI | E_REAL, F_SVM, EXIT_UD },
    { "g.real.icept.invlpga", "R-UD-MODE", I_INVLPGA, 0,
      E_GUEST | E_ICEPT | E_XI | E_REAL, F_SVM, EXIT_UD },
    { "g.real.noicept.vmmcall", "15.18 R-VMMCALL #UD", I_VMMCALL, 0,
      E_GUEST | E_XI | E_REAL, F_SVM, EXIT_UD },

    /* R-UD-MODE: virtual-8086 mode (OQ-2) */
    { "g.v86.icept.vmrun", "R-UD-MODE (v86)", I_VMRUN, 0,
      E_GUEST | E_ICEPT | E_XI | E_V86, F_SVM, EXIT_UD },
    { "g.v86.icept.vmmcall", "15.18 R-VMMCALL", I_VMMCALL, 0,
      E_GUEST | E_ICEPT | E_XI | E_V86, F_SVM, EXIT(0x81) },
    { "g.v86.icept.vmload", "R-UD-MODE (v86)", I_VMLOAD, 0,
      E_GUEST | E_ICEPT | E_XI | E_V86, F_SVM, EXIT_UD },
    { "g.v86.icept.vmsave", "R-UD-MODE (v86)", I_VMSAVE, 0,
      E_GUEST | E_ICEPT | E_XI | E_V86, F_SVM, EXIT_UD },
    { "g.v86.icept.stgi", "R-UD-MODE (v86)", I_STGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_V86, F_SVM, EXIT_UD },
    { "g.v86.icept.clgi", "R-UD-MODE (v86)", I_CLGI, 0,
      E_GUEST | E_ICEPT | E_XI | E_V86, F_SVM, EXIT_UD },
    { "g.v86.icept.skinit", "R-UD-MODE (v86)", I_SKINIT, 0,
      E_GUEST | E_ICEPT | E_XI | E_V86, F_SVM, EXIT_UD },
    { "g.v86.icept.invlpga", "R-UD-MODE (v86)", I_INVLPGA, 0,
      E_GUEST | E_ICEPT | E_XI | E_V86, F_SVM, EXIT_UD },

    /* VMRUN consistency checks (15.5.1): VMEXIT_INVALID, then GIF=0. */
    { "cc.vmrun-intercept-clear", "15.5.1", I_SPECIAL, S_CC_NO_VMRUN_ICEPT,
      0, F_SVM, EXIT_INVALID_GIF0 },
    { "cc.asid0", "15.5.1", I_SPECIAL, S_CC_ASID0, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.efer-svme0", "15.5.1", I_SPECIAL, S_CC_EFER_SVME0, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.cr0-nw-not-cd", "15.5.1", I_SPECIAL, S_CC_CR0_NW, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.cr0-high", "15.5.1", I_SPECIAL, S_CC_CR0_HIGH, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.cr4-reserved", "15.5.1", I_SPECIAL, S_CC_CR4_RSVD, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.dr6-high", "15.5.1", I_SPECIAL, S_CC_DR6_HIGH, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.dr7-high", "15.5.1", I_SPECIAL, S_CC_DR7_HIGH, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    /*
     * The same from a real-mode L2 (CR4.PAE=0) with EFER.LME set: #VMEXIT
     * must still give L1 back its long-mode state.  Found by make fuzz.
     */
    { "cc.efer-reserved-real-mode-lme", "15.5.1, 15.6 host state reload",
      I_SPECIAL, S_CC_EFER_RSVD_REAL, 0, F_SVM, EXIT_INVALID_GIF0 },
    /*
     * A guest EFER bit whose feature the CPU lacks is as invalid for VMRUN
     * as for WRMSR (KVM: kvm_valid_efer() for both): FFXSR without CPUID.
     */
    { "cc.efer-ffxsr-without-cpuid", "15.5.1 EFER MBZ, EFER validity",
      I_SPECIAL, S_CC_EFER_FFXSR, 0, F_SVM, EXIT(0x81),
      .alt_unless = F_FFXSR, .expect_alt = EXIT_INVALID_GIF0 },
    { "cc.efer-reserved", "15.5.1", I_SPECIAL, S_CC_EFER_RSVD, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.lme-pg-no-pae", "15.5.1", I_SPECIAL, S_CC_LME_NOPAE, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.cs-l-and-d", "15.5.1", I_SPECIAL, S_CC_CS_L_D, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.eventinj-type1", "15.20", I_SPECIAL, S_CC_EVTINJ_TYPE1, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    { "cc.eventinj-exception-vector2", "15.20", I_SPECIAL, S_CC_EVTINJ_VEC2,
      0, F_SVM, EXIT_INVALID_GIF0 },
    { "cc.eventinj-exception-vector9", "15.20 (not an exception)",
      I_SPECIAL, S_CC_EVTINJ_VEC9, 0, F_SVM, EXIT_INVALID_GIF0 },
    { "cc.eventinj-exception-vector20", "15.20 (not an AMD exception)",
      I_SPECIAL, S_CC_EVTINJ_VEC20, 0, F_SVM, EXIT_INVALID_GIF0 },
    { "cc.eventinj-br-in-64bit", "15.20 (impossible in the mode)",
      I_SPECIAL, S_CC_EVTINJ_BR64, 0, F_SVM, EXIT_INVALID_GIF0 },
    { "cc.eventinj-of-in-64bit", "15.20 (impossible; OQ-10)",
      I_SPECIAL, S_CC_EVTINJ_OF64, 0, F_SVM, EXIT_INVALID_GIF0 },
    /* Injected events are delivered without an intercept check. */
    /* state = 1: the save area still holds what L1 wrote (RIP, RSP) */
    { "cc.failed-vmrun-keeps-save-area", "15.5.1 (KVM nested_svm_vmrun)",
      I_SPECIAL, S_CC_SAVE_AREA, 0, F_SVM,
      { .kind = O_EXIT, .exit_code = ~0ull, .has_state = 1, .state = 1 } },
    { "eventinj.de-delivered", "15.20", I_SPECIAL, S_EVTINJ_DE, 0, F_SVM,
      { .kind = O_EXC, .vector = 0, .has_state = 1, .state = 0 } },
    /* #BR is fine outside 64-bit mode: its delivery (IDT limit 0) #GPs */
    { "eventinj.br-accepted-pae32", "15.20", I_SPECIAL, S_EVTINJ_BR_PAE32,
      0, F_SVM, EXIT_GIF0(0x4d) },
    { "cc.msrpm-beyond-maxphy", "15.5.1", I_SPECIAL, S_CC_MSRPM_HIGH, 0,
      F_SVM, EXIT_INVALID_GIF0 },
    { "cc.iopm-beyond-maxphy", "15.5.1", I_SPECIAL, S_CC_IOPM_HIGH, 0,
      F_SVM, EXIT_INVALID_GIF0 },
    { "cc.cr3-mbz", "15.5.1", I_SPECIAL, S_CC_CR3_MBZ, 0, F_SVM,
      EXIT_INVALID_GIF0 },
    /*
     * The same for a legacy-mode (PAE) L2: the host's mode does not
     * matter, CR3 must be a legal address (KVM's nested_svm_load_cr3()
     * rejects it too).  From this 64-bit L1 10.2.2 agrees; it skipped the
     * check only for a 32-bit L1.
     */
    { "cc.cr3-high-bits-pae32", "15.5.1 CR3 MBZ, any guest mode",
      I_SPECIAL, S_CC_CR3_HIGH_PAE32, 0, F_SVM, EXIT_INVALID_GIF0 },

    /* VGIF (15.33.2): state = V_GIF in vmcb12 after the exit. */
    { "vgif.stgi-sets-vgif", "15.33.2 R-VGIF", I_SPECIAL, S_VGIF_STGI, 0,
      F_SVM | F_VGIF, DONE_S(1) },
    { "vgif.clgi-clears-vgif", "15.33.2 R-VGIF", I_SPECIAL, S_VGIF_CLGI, 0,
      F_SVM | F_VGIF, DONE_S(0) },
    { "vgif.stgi-intercept", "15.33.2 R-VGIF", I_SPECIAL, S_VGIF_STGI_ICEPT,
      0, F_SVM | F_VGIF, EXIT(0x84) },
    { "vgif.clgi-intercept", "15.33.2 R-VGIF", I_SPECIAL, S_VGIF_CLGI_ICEPT,
      0, F_SVM | F_VGIF, EXIT(0x85) },

    /* VM_HSAVE_PA (15.30.4) and R-HSAVE */
    { "msr.hsave-unaligned", "15.30.4", I_SPECIAL, S_HSAVE_UNALIGNED, 0,
      F_SVM, GP0 },
    { "msr.hsave-beyond-maxphy", "15.30.4", I_SPECIAL, S_HSAVE_BIT63, 0,
      F_SVM, GP0 },
    { "msr.hsave-valid", "15.30.4", I_SPECIAL, S_HSAVE_VALID, 0, F_SVM,
      DONE },
    { "h.hsave0.vmrun", "R-HSAVE (OQ-9)", I_SPECIAL, S_VMRUN_HSAVE0, 0,
      F_SVM, GP0 },

    /* EFER.SVME (T15) and EFER validity */
    { "efer.svme-toggle", "15.4 R-UD-SVME", I_SPECIAL, S_EFER_SVME_TOGGLE,
      0, F_SVM, DONE },
    { "efer.svme-without-cpuid-svm", "15.4, EFER", I_SPECIAL,
      S_EFER_SVME_NOSVM, 0, F_NOSVM, GP0 },
    { "efer.reserved-bit", "EFER MBZ", I_SPECIAL, S_EFER_RSVD, 0, 0, GP0 },
    /* Clearing EFER.LME while paging is on (in long mode) */
    { "efer.lme-change-with-paging", "EFER.LME, APM 14.6.1", I_SPECIAL,
      S_EFER_LME_PG, 0, 0, GP0 },

    /* An L2 migrated (to a file) while it runs resumes and finishes. */
    { "migrate.l2-running", "15.5 guest mode across savevm", I_SPECIAL,
      S_MIGRATE_L2, 0, F_SVM | F_MIGRATE, DONE_S(SVM_MIGRATE_MAGIC) },

    /*
     * MOV to CR3/CR4 with reserved bits: #GP(0), in L2 interceptable as
     * exception 13.  Last: on 10.2.2 they jump through a stale VMCB.
     */
    { "cr.l2.cr4-reserved", "#GP, not VMEXIT", I_SPECIAL, S_CR4_RSVD_L2,
      0, F_SVM, EXIT_GP0 },
    { "cr.l2.cr3-reserved", "#GP, not VMEXIT", I_SPECIAL, S_CR3_RSVD_L2,
      0, F_SVM, EXIT_GP0 },
    { "cr.host.cr4-reserved", "#GP, not VMEXIT", I_SPECIAL,
      S_CR4_RSVD_HOST, 0, 0, GP0 },
    { "cr.host.cr3-reserved", "#GP, not VMEXIT", I_SPECIAL,
      S_CR3_RSVD_HOST, 0, 0, GP0 },

    /*
     * Legacy-mode PAE: the PDPTEs are loaded with CR3, the table walk does
     * not set their Accessed bit (bit 5 is reserved there, and a
     * hypervisor checking PDPTEs - KVM's load_pdptrs() - then fails the
     * next VMRUN).  state = 1: PDPTEs unchanged after an L2 run.
     */
    { "pae32.pdpte-not-accessed", "APM Vol. 2 5.3 (legacy PAE PDPE)",
      I_SPECIAL, S_PAE_PDPTE, 0, F_SVM, DONE_S(1) },

    /* CR read/write intercepts: exit code READ_CR0 + n / WRITE_CR0 + n */
    { "cr.read.cr0.intercepted", "15.9 CR0 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x00), .cr = 0, .cr_write = 0,
      .cr_icept = 1u << 0 },
    { "cr.read.cr0.others-intercepted", "15.9 CR0 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 0, .cr_write = 0,
      .cr_icept = 0xffff & ~(1u << 0) },
    { "cr.write.cr0.intercepted", "15.9 CR0 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x10), .cr = 0, .cr_write = 1,
      .cr_icept = 1u << 0 },
    { "cr.write.cr0.others-intercepted", "15.9 CR0 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 0, .cr_write = 1,
      .cr_icept = 0xffff & ~(1u << 0) },
    { "cr.read.cr2.intercepted", "15.9 CR2 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x02), .cr = 2, .cr_write = 0,
      .cr_icept = 1u << 2 },
    { "cr.read.cr2.others-intercepted", "15.9 CR2 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 2, .cr_write = 0,
      .cr_icept = 0xffff & ~(1u << 2) },
    { "cr.write.cr2.intercepted", "15.9 CR2 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x12), .cr = 2, .cr_write = 1,
      .cr_icept = 1u << 2 },
    { "cr.write.cr2.others-intercepted", "15.9 CR2 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 2, .cr_write = 1,
      .cr_icept = 0xffff & ~(1u << 2) },
    { "cr.read.cr3.intercepted", "15.9 CR3 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x03), .cr = 3, .cr_write = 0,
      .cr_icept = 1u << 3 },
    { "cr.read.cr3.others-intercepted", "15.9 CR3 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 3, .cr_write = 0,
      .cr_icept = 0xffff & ~(1u << 3) },
    { "cr.write.cr3.intercepted", "15.9 CR3 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x13), .cr = 3, .cr_write = 1,
      .cr_icept = 1u << 3 },
    { "cr.write.cr3.others-intercepted", "15.9 CR3 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 3, .cr_write = 1,
      .cr_icept = 0xffff & ~(1u << 3) },
    { "cr.read.cr4.intercepted", "15.9 CR4 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x04), .cr = 4, .cr_write = 0,
      .cr_icept = 1u << 4 },
    { "cr.read.cr4.others-intercepted", "15.9 CR4 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 4, .cr_write = 0,
      .cr_icept = 0xffff & ~(1u << 4) },
    { "cr.write.cr4.intercepted", "15.9 CR4 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x14), .cr = 4, .cr_write = 1,
      .cr_icept = 1u << 4 },
    { "cr.write.cr4.others-intercepted", "15.9 CR4 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 4, .cr_write = 1,
      .cr_icept = 0xffff & ~(1u << 4) },
    { "cr.read.cr8.intercepted", "15.9 CR8 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x08), .cr = 8, .cr_write = 0,
      .cr_icept = 1u << 8 },
    { "cr.read.cr8.others-intercepted", "15.9 CR8 read intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 8, .cr_write = 0,
      .cr_icept = 0xffff & ~(1u << 8) },
    { "cr.write.cr8.intercepted", "15.9 CR8 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, EXIT(0x18), .cr = 8, .cr_write = 1,
      .cr_icept = 1u << 8 },
    { "cr.write.cr8.others-intercepted", "15.9 CR8 write intercept", I_SPECIAL,
      S_CR_ACCESS, 0, F_SVM, DONE, .cr = 8, .cr_write = 1,
      .cr_icept = 0xffff & ~(1u << 8) },

    /*
     * INT3 and INTO raise #BP/#OF and meet the exception intercepts; only
     * INT n (CD ib, also CD 03) is the INTn intercept (15.12, 15.13).
     */
    { "int3.bp-intercepted", "15.12 #BP intercept", I_SPECIAL, S_INT3_BP,
      0, F_SVM, { .kind = O_EXIT, .exit_code = 0x43, .has_info1 = 1 } },
    { "int3.intn-intercept-only", "15.13 INTn is CD ib only", I_SPECIAL,
      S_INT3_INTN, 0, F_SVM, { .kind = O_EXC, .vector = 3 } },
    { "int3.bp-and-intn-intercepted", "15.12 #BP intercept", I_SPECIAL,
      S_INT3_BOTH, 0, F_SVM,
      { .kind = O_EXIT, .exit_code = 0x43, .has_info1 = 1 } },
    { "int-cd03.intn-intercepted", "15.13 INTn intercept", I_SPECIAL,
      S_INTCD03_INTN, 0, F_SVM, EXIT(0x75) },
    { "int-cd03.bp-intercept-only", "15.13 INT 3 is INTn", I_SPECIAL,
      S_INTCD03_BP, 0, F_SVM, { .kind = O_EXC, .vector = 3 } },
    /* 32-bit L2, OF=1, IDT limit 0: a delivered #OF #GPs on the IDT */
    { "into.of-intercepted-pae32", "15.12 #OF intercept", I_SPECIAL,
      S_INTO_OF, 0, F_SVM,
      { .kind = O_EXIT, .exit_code = 0x44, .has_info1 = 1 } },
    { "into.intn-intercept-only-pae32", "15.13 INTn is CD ib only",
      I_SPECIAL, S_INTO_INTN, 0, F_SVM,
      { .kind = O_EXIT, .exit_code = 0x4d, .has_info1 = 1, .info1 = 0x22 } },

    /*
     * CR0 writes (15.9.1): the selective CR0 write intercept exits (0x65)
     * only on a MOV CR0 that changes a bit other than TS and MP, but "the
     * LMSW instruction treats the selective CR0-write intercept as a
     * non-selective intercept": it exits whatever it writes.  CLTS only
     * clears TS.  The CR0 write intercept (0x10) wins over the selective
     * one.  state = 1: L2's CR0 changed.
     */
    { "cr0.sel.mov-cd", "15.9.1 selective CR0 write", I_SPECIAL,
      S_CR0_WRITE, 0, F_SVM, EXIT_CR0(0x65), .cr0_insn = CR0_MOV,
      .cr0_set = 1u << 30, .cr0_sel = true },
    { "cr0.sel.mov-mp", "15.9.1 selective CR0 write: TS/MP exempt",
      I_SPECIAL, S_CR0_WRITE, 0, F_SVM, DONE_CR0, .cr0_insn = CR0_MOV,
      .cr0_set = 1u << 1, .cr0_sel = true },
    { "cr0.sel-and-write.mov-cd", "15.9.1 CR0 write intercept first",
      I_SPECIAL, S_CR0_WRITE, 0, F_SVM, EXIT_CR0(0x10), .cr0_insn = CR0_MOV,
      .cr0_set = 1u << 30, .cr0_sel = true, .cr_icept = 1 },
    { "cr0.sel.lmsw-mp", "15.9.1 LMSW: selective is non-selective",
      I_SPECIAL, S_CR0_WRITE, 0, F_SVM, EXIT_CR0(0x65),
      .cr0_insn = CR0_LMSW, .cr0_set = 1u << 1, .cr0_sel = true },
    { "cr0.sel.lmsw-ts", "15.9.1 LMSW: selective is non-selective",
      I_SPECIAL, S_CR0_WRITE, 0, F_SVM, EXIT_CR0(0x65),
      .cr0_insn = CR0_LMSW, .cr0_set = 1u << 3, .cr0_sel = true },
    { "cr0.sel.lmsw-unchanged", "15.9.1 LMSW: selective is non-selective",
      I_SPECIAL, S_CR0_WRITE, 0, F_SVM, EXIT_CR0(0x65),
      .cr0_insn = CR0_LMSW, .cr0_set = 0, .cr0_sel = true },
    { "cr0.sel.lmsw-pe-real", "15.9.1 selective CR0 write (PE)", I_SPECIAL,
      S_CR0_WRITE, E_REAL, F_SVM, EXIT_CR0(0x65), .cr0_insn = CR0_LMSW,
      .cr0_set = 1u << 0, .cr0_sel = true },
    { "cr0.write.lmsw-mp", "15.9 CR0 write intercept", I_SPECIAL,
      S_CR0_WRITE, 0, F_SVM, EXIT_CR0(0x10), .cr0_insn = CR0_LMSW,
      .cr0_set = 1u << 1, .cr_icept = 1 },
    { "cr0.sel-and-write.lmsw-mp", "15.9.1 CR0 write intercept first",
      I_SPECIAL, S_CR0_WRITE, 0, F_SVM, EXIT_CR0(0x10),
      .cr0_insn = CR0_LMSW, .cr0_set = 1u << 1, .cr0_sel = true,
      .cr_icept = 1 },
    { "cr0.none.lmsw-mp", "15.9 no CR0 intercept", I_SPECIAL, S_CR0_WRITE,
      0, F_SVM, DONE_CR0, .cr0_insn = CR0_LMSW, .cr0_set = 1u << 1 },
    { "cr0.none.lmsw-pe-real", "15.9 no CR0 intercept", I_SPECIAL,
      S_CR0_WRITE, E_REAL, F_SVM, DONE_CR0, .cr0_insn = CR0_LMSW,
      .cr0_set = 1u << 0 },
    { "cr0.sel.clts", "15.9.1 CLTS changes only TS", I_SPECIAL,
      S_CR0_WRITE, 0, F_SVM, DONE_CR0, .cr0_insn = CR0_CLTS,
      .cr0_sel = true },
    { "cr0.write.clts", "15.9 CR0 write intercept", I_SPECIAL, S_CR0_WRITE,
      0, F_SVM, EXIT_CR0(0x10), .cr0_insn = CR0_CLTS, .cr_icept = 1 },
    { "cr0.sel-and-write.clts", "15.9.1 CR0 write intercept first",
      I_SPECIAL, S_CR0_WRITE, 0, F_SVM, EXIT_CR0(0x10),
      .cr0_insn = CR0_CLTS, .cr0_sel = true, .cr_icept = 1 },

    /*
     * Nested page faults (15.25.6): EXITINFO1 is a #PF error code (U=1:
     * nested walks are user accesses) with bit 32 for a fault on the final
     * guest-physical address; a reserved bit gives P=1 with RSVD=1; I/D is
     * set on a fetch when L1 runs with EFER.NXE=1 or CR4.SMEP=1.  On AMD,
     * bit 8 of a PML4E is reserved (Intel-compatible vendors ignore it).
     * L2 runs in real mode, so each access is a final GPA: code at 0x20000
     * (PML4E 0, PDE 0), data at 1 GiB (PDPTE 1, its PDE 0); bit 51 is
     * above MAXPHYADDR on every model tested.  state = EXITINFO2.
     */
    { "npf.pml4e-bit8.fetch", "15.25.6, PML4E bit 8 MBZ (AMD)", I_SPECIAL,
      S_NPF, 0, F_SVM | F_NPT, NPF(PFEC_P | PFEC_U | PFEC_RSVD, 0x20000),
      .alt_unless = F_AMD, .expect_alt = DONE, .pt_level = 4,
      .pt_access = ACC_FETCH, .pt_set = 1u << 8 },
    { "npf.pml4e-bit8.fetch-nx", "15.25.6, PML4E bit 8 MBZ (AMD)",
      I_SPECIAL, S_NPF, E_NXE, F_SVM | F_NPT | F_NX,
      NPF(PFEC_P | PFEC_U | PFEC_RSVD | PFEC_ID, 0x20000),
      .alt_unless = F_AMD, .expect_alt = DONE, .pt_level = 4,
      .pt_access = ACC_FETCH, .pt_set = 1u << 8 },
    { "npf.pml4e-ps.fetch", "15.25.6, PML4E bit 7 MBZ", I_SPECIAL, S_NPF,
      0, F_SVM | F_NPT, NPF(PFEC_P | PFEC_U | PFEC_RSVD, 0x20000),
      .pt_level = 4, .pt_access = ACC_FETCH, .pt_set = 1u << 7 },
    { "npf.pdpte-bit51.read", "15.25.6, PDPTE bits above MAXPHYADDR",
      I_SPECIAL, S_NPF, 0, F_SVM | F_NPT,
      NPF(PFEC_P | PFEC_U | PFEC_RSVD, 0x40000000), .pt_level = 3,
      .pt_access = ACC_READ, .pt_set = 1ull << 51 },
    { "npf.pde-bit13.read", "15.25.6, 2 MiB PDE bits 20:13 MBZ", I_SPECIAL,
      S_NPF, 0, F_SVM | F_NPT, NPF(PFEC_P | PFEC_U | PFEC_RSVD, 0x40000000),
      .pt_level = 2, .pt_access = ACC_READ, .pt_set = 1u << 13 },
    { "npf.pde-bit13.write", "15.25.6, 2 MiB PDE bits 20:13 MBZ",
      I_SPECIAL, S_NPF, 0, F_SVM | F_NPT,
      NPF(PFEC_P | PFEC_W | PFEC_U | PFEC_RSVD, 0x40000000), .pt_level = 2,
      .pt_access = ACC_WRITE, .pt_set = 1u << 13 },
    { "npf.pde-bit13.fetch", "15.25.6, 2 MiB PDE bits 20:13 MBZ",
      I_SPECIAL, S_NPF, 0, F_SVM | F_NPT,
      NPF(PFEC_P | PFEC_U | PFEC_RSVD, 0x20000), .pt_level = 2,
      .pt_access = ACC_FETCH, .pt_set = 1u << 13 },
    { "npf.pde-bit13.fetch-nx", "15.25.6, I/D with EFER.NXE", I_SPECIAL,
      S_NPF, E_NXE, F_SVM | F_NPT | F_NX,
      NPF(PFEC_P | PFEC_U | PFEC_RSVD | PFEC_ID, 0x20000), .pt_level = 2,
      .pt_access = ACC_FETCH, .pt_set = 1u << 13 },
    { "npf.pde-not-present.read", "15.25.6 not present", I_SPECIAL, S_NPF,
      0, F_SVM | F_NPT, NPF(PFEC_U, 0x40000000), .pt_level = 2,
      .pt_access = ACC_READ, .pt_clear = 1 },
    { "npf.pde-not-present.fetch", "15.25.6, no I/D without NXE/SMEP",
      I_SPECIAL, S_NPF, 0, F_SVM | F_NPT, NPF(PFEC_U, 0x20000),
      .pt_level = 2, .pt_access = ACC_FETCH, .pt_clear = 1 },
    { "npf.pde-not-present.fetch-nx", "15.25.6, I/D with EFER.NXE",
      I_SPECIAL, S_NPF, E_NXE, F_SVM | F_NPT | F_NX,
      NPF(PFEC_U | PFEC_ID, 0x20000), .pt_level = 2, .pt_access = ACC_FETCH,
      .pt_clear = 1 },
    { "npf.pde-not-present.fetch-smep", "15.25.6, I/D with CR4.SMEP",
      I_SPECIAL, S_NPF, E_SMEP, F_SVM | F_NPT | F_SMEP,
      NPF(PFEC_U | PFEC_ID, 0x20000), .pt_level = 2, .pt_access = ACC_FETCH,
      .pt_clear = 1 },
    { "npf.pde-read-only.write", "15.25.6 protection", I_SPECIAL, S_NPF, 0,
      F_SVM | F_NPT, NPF(PFEC_P | PFEC_W | PFEC_U, 0x40000000),
      .pt_level = 2, .pt_access = ACC_WRITE, .pt_clear = 2 },
    { "npf.pde-supervisor.read", "15.25.5 nested accesses are user",
      I_SPECIAL, S_NPF, 0, F_SVM | F_NPT, NPF(PFEC_P | PFEC_U, 0x40000000),
      .pt_level = 2, .pt_access = ACC_READ, .pt_clear = 4 },

    /*
     * The ordinary #PF error code follows the same rule (APM Vol. 2 8.4.2):
     * a reserved bit gives P=1 with RSVD=1.  L1 reads or writes 1 GiB (its
     * PDE) or 512 GiB (a PML4E 1 that points at PML4E 0's table).
     */
    { "pf.pde-bit13.read", "8.4.2 #PF error code: RSVD with P", I_SPECIAL,
      S_PF, 0, 0, PF(PFEC_P | PFEC_RSVD), .pt_level = 2,
      .pt_access = ACC_READ, .pt_set = 1u << 13 },
    { "pf.pde-bit13.write", "8.4.2 #PF error code: RSVD with P", I_SPECIAL,
      S_PF, 0, 0, PF(PFEC_P | PFEC_W | PFEC_RSVD), .pt_level = 2,
      .pt_access = ACC_WRITE, .pt_set = 1u << 13 },
    { "pf.pml4e-bit8.read", "8.4.2, PML4E bit 8 MBZ (AMD)", I_SPECIAL,
      S_PF, 0, 0, PF(PFEC_P | PFEC_RSVD), .alt_unless = F_AMD,
      .expect_alt = DONE, .pt_level = 4, .pt_access = ACC_READ,
      .pt_set = 1u << 8 },
    { "pf.pde-not-present.read", "8.4.2 #PF error code", I_SPECIAL, S_PF,
      0, 0, PF(0), .pt_level = 2, .pt_access = ACC_READ, .pt_clear = 1 },

    /*
     * TLB control (15.16): L2 reads 1 GiB through L1's page tables, L1
     * points that PDE elsewhere, and the next VMRUN asks for a flush
     * (TLB_CONTROL 1, or 3 with FlushByAsid) or uses a new ASID: L2 must
     * read the new page.  state = what L2 read the second time.
     */
    { "tlb.control-flush-all", "15.16 TLB_CONTROL=1", I_SPECIAL,
      S_TLB_FLUSH_ALL, 0, F_SVM, DONE_S(0xbbbb) },
    { "tlb.control-flush-asid", "15.16 TLB_CONTROL=3 (FlushByAsid)",
      I_SPECIAL, S_TLB_FLUSH_ASID, 0, F_SVM | F_FLUSHASID, DONE_S(0xbbbb) },
    { "tlb.new-asid", "15.16 ASID", I_SPECIAL, S_TLB_NEW_ASID, 0, F_SVM,
      DONE_S(0xbbbb) },

    /*
     * R-SYSENTER: SYSENTER_ESP/EIP hold 32 bits on AMD CPUs (KVM stores
     * them as u32 for AMD-vendor guests); Intel-compatible vendors keep
     * 64 bits in the MSRs, but VMLOAD, like the hardware KVM runs on,
     * loads 32 and VMSAVE stores 32.  state = SYSENTER_EIP read back.
     */
    { "msr.sysenter-eip-width", "R-SYSENTER (OQ-8)", I_SPECIAL,
      S_SYSENTER_WRMSR, 0, 0, DONE_S(0x12345678), .alt_unless = F_AMD,
      .expect_alt = DONE_S(0xffffffff12345678ull) },
    { "vmload.sysenter-eip-32bit", "R-SYSENTER (OQ-8)", I_SPECIAL,
      S_SYSENTER_VMLOAD, 0, F_SVM, DONE_S(0x00401000) },
    /* state = the VMCB's sysenter_eip after VMSAVE */
    { "vmsave.sysenter-eip-32bit", "R-SYSENTER (OQ-8)", I_SPECIAL,
      S_SYSENTER_VMSAVE, 0, F_SVM, DONE_S(0x00402000) },

    /* VM_CR (15.30.1).  Last: the LOCK row leaves LOCK set until reset. */
    { "msr.vm_cr-reads-0", "15.30.1", I_SPECIAL, S_VMCR_READ, 0, F_SVM,
      DONE_S(0) },
    { "msr.vm_cr-svmdis-while-svme", "15.30.1 SVMDIS", I_SPECIAL,
      S_VMCR_SVMDIS_WITH_SVME, 0, F_SVM, GP0 },
    { "msr.vm_cr-svmdis-blocks-efer-svme", "15.30.1 SVMDIS", I_SPECIAL,
      S_VMCR_SVMDIS_BLOCKS_SVME, 0, F_SVM, GP0 },
    { "msr.vm_cr-reserved-bit", "15.30.1", I_SPECIAL, S_VMCR_RESERVED, 0,
      F_SVM, GP0 },
    /* state = VM_CR after writing LOCK, then LOCK|SVMDIS with SVME=0 */
    { "msr.vm_cr-lock-freezes-svmdis", "15.30.1 LOCK", I_SPECIAL,
      S_VMCR_LOCK, 0, F_SVM, DONE_S(0x8), .kvm = DONE_S(0x10),
      .kvm_why = KVM_WHY_VMCR_LOCK },
};

#define SVM_NSCENARIOS (sizeof(svm_scenarios) / sizeof(svm_scenarios[0]))

/*
 * Known failures on TCG: the scenarios QEMU 10.2.2's TCG gets wrong, each
 * with the finding it belongs to.  Runners report them as expected
 * failures (XFAIL) under tcg; a pass is XPASS and fails the run, so a fix
 * must remove its entries.  The TCG fixes empty this list.  "unsafe":
 * the bug corrupts L1 (it jumps through a stale VMCB), so the guest runs
 * the row only when asked to (opt/svm/all), by a runner that restarts it.
 */
typedef struct SvmKnownFailure {
    const char *id;
    const char *finding;
    bool unsafe;
    uint32_t when;          /* F_*: only with these CPUID features */
    uint32_t unless;        /* F_*: not with any of these */
} SvmKnownFailure;

static const SvmKnownFailure svm_tcg_known_failures[] = {
    { "vgif.first-vmrun.virq-gated", TCG_F4 },
    { "g.icept.skinit", TCG_G3 },
    { "g.icept-xoff.skinit", TCG_G3 },
    { "g.noicept.vmload", TCG_G5 },
    { "g.noicept.vmsave", TCG_G5 },
    { "g.noicept-xoff.vmload", TCG_G5 },
    { "g.cpl3.icept.skinit", TCG_G3 },
    { "g.icept.rax-unaligned.vmrun", TCG_G1, .when = F_ADDRCHK },
    { "g.icept.rax-unaligned.vmload", TCG_G1, .when = F_ADDRCHK },
    { "g.icept.rax-unaligned.vmsave", TCG_G1, .when = F_ADDRCHK },
    { "g.icept.rax-bit63.vmrun", TCG_G1, .when = F_ADDRCHK },
    { "g.icept.rax-bit63.vmload", TCG_G1, .when = F_ADDRCHK },
    { "g.icept.rax-bit63.vmsave", TCG_G1, .when = F_ADDRCHK },
    { "g.npt.icept.skinit", TCG_G3 },
    { "g.pae32.icept.skinit", TCG_G3 },
    { "g.pae32.noicept.vmload", TCG_G5 },
    { "g.pae32.noicept.vmsave", TCG_G5 },
    { "g.pae32.npt.noicept.vmload", TCG_G5 },
    { "g.pae32.npt.noicept.vmsave", TCG_G5 },
    { "g.pae32.asize.vmload", TCG_G5 },
    { "g.pae32.asize.vmsave", TCG_G5 },
    { "g.pm16.asize16.vmsave", "F7+G5: 16-bit address size uses EAX" },
    { "g.pae32.icept.rax-unaligned.vmload", TCG_G1, .when = F_ADDRCHK },
    { "g.v86.icept.vmrun", TCG_G2 },
    { "g.v86.icept.vmload", TCG_G2 },
    { "g.v86.icept.vmsave", TCG_G2 },
    { "g.v86.icept.stgi", TCG_G2 },
    { "g.v86.icept.clgi", TCG_G2 },
    { "g.v86.icept.skinit", TCG_G3 },
    { "g.v86.icept.invlpga", TCG_G2 },
    { "h.hsave0.vmrun", TCG_G6 },
    { "cc.eventinj-exception-vector9", TCG_G7 },
    { "cc.eventinj-exception-vector20", TCG_G7 },
    { "cc.eventinj-br-in-64bit", TCG_G7 },
    { "cc.eventinj-of-in-64bit", TCG_G7 },
    { "cr.read.cr2.intercepted", TCG_F14 },
    { "cr.read.cr2.others-intercepted", TCG_F14 },
    { "cr.read.cr3.intercepted", TCG_F14 },
    { "cr.read.cr3.others-intercepted", TCG_F14 },
    { "cr.read.cr4.intercepted", TCG_F14 },
    { "cr.read.cr4.others-intercepted", TCG_F14 },
    { "cr.read.cr8.intercepted", TCG_F14 },
    { "cr.read.cr8.others-intercepted", TCG_F14 },
    { "cc.failed-vmrun-keeps-save-area", TCG_F18 },
    { "pae32.pdpte-not-accessed", TCG_F19 },
    { "cr0.sel.lmsw-mp", TCG_F16 },
    { "cr0.sel.lmsw-ts", TCG_F16 },
    { "cr0.sel.lmsw-unchanged", TCG_F16 },
    { "npf.pml4e-ps.fetch", TCG_F17 },
    { "npf.pdpte-bit51.read", TCG_F17 },
    { "npf.pde-bit13.read", TCG_F17 },
    { "npf.pde-bit13.write", TCG_F17 },
    { "npf.pde-bit13.fetch", TCG_F17 },
    { "npf.pde-bit13.fetch-nx", TCG_F17 },
    { "pf.pde-bit13.read", TCG_F17 },
    { "pf.pde-bit13.write", TCG_F17 },
    { "npf.pml4e-bit8.fetch", TCG_F17_BIT8, .when = F_AMD },
    { "npf.pml4e-bit8.fetch-nx", TCG_F17_BIT8, .when = F_AMD },
    { "pf.pml4e-bit8.read", TCG_F17_BIT8, .when = F_AMD },
    { "npf.pde-not-present.fetch-smep", TCG_F17_SMEP },
    { "h.rax-mmio.vmload", TCG_FZ1, true },
    { "h.rax-mmio.vmsave", TCG_FZ1, true },
    { "cc.efer-reserved-real-mode-lme", TCG_FZ2, true },
    { "cc.efer-ffxsr-without-cpuid", TCG_EFER_CC, .unless = F_FFXSR },
    { "int3.bp-intercepted", TCG_F15 },
    { "int3.intn-intercept-only", TCG_F15 },
    { "int3.bp-and-intn-intercepted", TCG_F15 },
    { "into.of-intercepted-pae32", TCG_F15 },
    { "into.intn-intercept-only-pae32", TCG_F15 },
    { "msr.sysenter-eip-width", TCG_F9, .when = F_AMD },
    { "vmload.sysenter-eip-32bit", TCG_F9 },
    { "vmsave.sysenter-eip-32bit", TCG_F9 },
    { "msr.vm_cr-svmdis-while-svme", TCG_F8 },
    { "msr.vm_cr-svmdis-blocks-efer-svme", TCG_F8 },
    { "msr.vm_cr-reserved-bit", TCG_F8 },
    { "msr.vm_cr-lock-freezes-svmdis", TCG_F8 },
    { "efer.svme-without-cpuid-svm", TCG_F5 },
    { "efer.reserved-bit", TCG_F5 },
    { "efer.lme-change-with-paging", TCG_F5, true },
    { "cr.l2.cr4-reserved", TCG_F1 },
    { "cr.l2.cr3-reserved", TCG_F1 },
    { "cr.host.cr4-reserved", TCG_F1, true },
    { "cr.host.cr3-reserved", TCG_F1, true },
};

static inline bool svm_streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* The entry for @s in the known-failure list @kf..@end, or NULL. */
static inline const SvmKnownFailure *svm_known_lookup(
    const SvmKnownFailure *kf, const SvmKnownFailure *end,
    const SvmScenario *s)
{
    /* (a pointer walk: the list may be empty) */
    for (; kf < end; kf++) {
        if (svm_streq(kf->id, s->id)) {
            return kf;
        }
    }
    return NULL;
}

#define SVM_KNOWN_LOOKUP(list, s) \
    svm_known_lookup(list, list + sizeof(list) / sizeof(list[0]), s)

static inline const SvmKnownFailure *svm_tcg_known(const SvmScenario *s)
{
    return SVM_KNOWN_LOOKUP(svm_tcg_known_failures, s);
}

/*
 * Rows on which KVM, as "make check-kvm-nested" runs it (Linux 6.12.95's
 * kvm-amd with nested=1, itself running on TCG's SVM), differs from the
 * expectation.  Judged as XFAIL in the "kvm-nested" column only; each
 * says what was seen and why, as far as known.  KVM_OLD: documented
 * behaviour of KVM before the 2026 nested-7.1 series (spec section 9.4).
 * ON_TCG: a row where KVM lets the hardware decide - here the hardware is
 * TCG, which follows the APM.  KVM_EMUL: KVM's instruction emulator,
 * which it uses because TCG offers no DecodeAssists.  OPEN: not analysed.
 */
#define KVM_OLD_SVME "KVM_OLD: STGI/CLGI run by hardware (vGIF) with SVME=0"
#define KVM_OLD_RAX "KVM_OLD: unaligned rAX rounded down, no #GP"
#define KVM_OLD_EAX "KVM_OLD: RAX not truncated to EAX outside 64-bit mode"
#define KVM_OLD_PG "KVM_OLD: #UD for SVM instructions with CR0.PG=0"
#define KVM_ON_TCG "ON_TCG: hardware checks SKINIT; TCG gives the APM #UD"
#define KVM_OPEN_PAE "OPEN: 32-bit PAE L2 without NPT fails VMRUN (-1)"
#define KVM_OPEN_HANG "OPEN: L2 hangs (32-bit PAE, NPT, VMLOAD/VMSAVE)"
#define KVM_OPEN_CR4 "KVM_EMUL: with no DecodeAssists (TCG) KVM emulates " \
    "MOV CR4, and emulator_set_cr() keeps CR4[63:32] (mk_cr_64): no #GP"
#define KVM_OPEN_VMCR "KVM: EFER writes do not check VM_CR.SVMDIS"
#define KVM_H_ADDRCHK "H: intercept before the rAX #GP as on the host " \
    "(SvmeAddrChk), whatever the guest's CPUID says"
#define KVM_H_VENDOR "H: with NPT the host CPU walks L1's page tables; " \
    "an AMD host reserves PML4E bit 8 whatever the guest's vendor"

static const SvmKnownFailure svm_kvm_nested_known_failures[] = {
    { "h.svme0.stgi", KVM_OLD_SVME },
    { "h.svme0.clgi", KVM_OLD_SVME },
    { "nosvm.stgi", KVM_OLD_SVME },
    { "nosvm.clgi", KVM_OLD_SVME },
    { "h.cpl3.skinit", KVM_ON_TCG },
    { "h.svme0-cpl3.skinit", KVM_ON_TCG },
    { "g.cpl3.icept.skinit", KVM_ON_TCG },
    { "h.rax-unaligned.vmrun", KVM_OLD_RAX },
    { "h.rax-unaligned.vmload", KVM_OLD_RAX },
    { "h.rax-unaligned.vmsave", KVM_OLD_RAX },
    { "g.noicept.rax-unaligned.vmload", KVM_OLD_RAX },
    { "g.noicept.rax-unaligned.vmsave", KVM_OLD_RAX },
    { "g.noicept-xoff.rax-unaligned.vmsave", KVM_OLD_RAX },
    { "g.pae32.icept.vmmcall", KVM_OPEN_PAE },
    { "g.pae32.icept.vmload", KVM_OPEN_PAE },
    { "g.pae32.icept.vmsave", KVM_OPEN_PAE },
    { "g.pae32.icept.stgi", KVM_OPEN_PAE },
    { "g.pae32.icept.clgi", KVM_OPEN_PAE },
    { "g.pae32.icept.skinit", KVM_OPEN_PAE },
    { "g.pae32.icept.invlpga", KVM_OPEN_PAE },
    { "g.pae32.noicept.vmmcall", KVM_OPEN_PAE },
    { "g.pae32.noicept.vmload", KVM_OPEN_PAE },
    { "g.pae32.noicept.vmsave", KVM_OPEN_PAE },
    { "g.pae32.noicept.invlpga", KVM_OPEN_PAE },
    { "g.pae32.cpl3.icept.stgi", KVM_OPEN_PAE },
    { "g.pae32.icept.rax-unaligned.vmload", KVM_OPEN_PAE },
    { "eventinj.br-accepted-pae32", KVM_OPEN_PAE },
    { "into.of-intercepted-pae32", KVM_OPEN_PAE },
    { "into.intn-intercept-only-pae32", KVM_OPEN_PAE },
    { "g.pae32.npt.noicept.vmload", KVM_OPEN_HANG },
    { "g.pae32.npt.noicept.vmsave", KVM_OPEN_HANG },
    { "g.pae32.asize.vmload", KVM_OLD_EAX },
    { "g.pae32.asize.vmsave", KVM_OLD_EAX },
    { "g.pm16.asize16.vmsave", KVM_OLD_PG },
    { "cr.l2.cr4-reserved", KVM_OPEN_CR4 },
    { "cr.host.cr4-reserved", KVM_OPEN_CR4 },
    { "msr.vm_cr-svmdis-blocks-efer-svme", KVM_OPEN_VMCR },
    /* CPU models without SvmeAddrChk (EPYC): KVM keeps the host's order */
    { "g.icept.rax-unaligned.vmrun", KVM_H_ADDRCHK, .unless = F_ADDRCHK },
    { "g.icept.rax-unaligned.vmload", KVM_H_ADDRCHK, .unless = F_ADDRCHK },
    { "g.icept.rax-unaligned.vmsave", KVM_H_ADDRCHK, .unless = F_ADDRCHK },
    { "g.icept.rax-bit63.vmrun", KVM_H_ADDRCHK, .unless = F_ADDRCHK },
    { "g.icept.rax-bit63.vmload", KVM_H_ADDRCHK, .unless = F_ADDRCHK },
    { "g.icept.rax-bit63.vmsave", KVM_H_ADDRCHK, .unless = F_ADDRCHK },
    { "g.pae32.icept.rax-unaligned.vmload", KVM_H_ADDRCHK,
      .unless = F_ADDRCHK },
    /* Intel-vendor guest CPUID on KVM's AMD host (TCG's EPYC) */
    { "pf.pml4e-bit8.read", KVM_H_VENDOR, .unless = F_AMD },
};

static inline const SvmKnownFailure *svm_kvm_nested_known(const SvmScenario *s)
{
    return SVM_KNOWN_LOOKUP(svm_kvm_nested_known_failures, s);
}

/* Verdicts */
enum { V_PASS, V_FAIL, V_XFAIL, V_XPASS, V_SKIP };
static const char *const svm_verdict_name[] = {
    "PASS", "FAIL", "XFAIL", "XPASS", "SKIP",
};

static inline bool svm_outcome_equal(const SvmOutcome *want,
                                     const SvmOutcome *got)
{
    if (want->kind != got->kind) {
        return false;
    }
    switch (want->kind) {
    case O_EXC:
        if (want->vector != got->vector) {
            return false;
        }
        if ((want->vector == 13 || want->vector == 14 || want->vector == 8 ||
             (want->vector >= 10 && want->vector <= 12) ||
             want->vector == 17) && want->error != got->error) {
            return false;
        }
        break;
    case O_EXIT:
        if (want->exit_code != got->exit_code) {
            return false;
        }
        if (want->has_info1 && want->info1 != got->info1) {
            return false;
        }
        break;
    }
    if (want->has_state && want->state != got->state) {
        return false;
    }
    return true;
}

/*
 * The expected outcome of @s on a CPU with CPUID features @features
 * under accelerator @accel ("tcg", "kvm").
 */
static inline const SvmOutcome *svm_expected(const SvmScenario *s,
                                             uint32_t features,
                                             const char *accel)
{
    if (accel[0] == 'k' && s->kvm.kind != O_NONE) {
        return &s->kvm;
    }
    if (s->alt_unless && !(features & s->alt_unless)) {
        return &s->expect_alt;
    }
    return &s->expect;
}

/* Whether known failure @kf (may be NULL) applies to a CPU with @features */
static inline bool svm_known_applies(const SvmKnownFailure *kf,
                                     uint32_t features)
{
    return kf && (kf->when & features) == kf->when &&
           !(kf->unless & features);
}

static inline int svm_judge(const SvmScenario *s, uint32_t features,
                            const char *accel, const SvmOutcome *got)
{
    bool ok;

    if (got->kind == O_SKIP) {
        return V_SKIP;
    }
    ok = svm_outcome_equal(svm_expected(s, features, accel), got);
    if (svm_streq(accel, "kvm-nested") && svm_known_applies(
            svm_kvm_nested_known(s), features)) {
        return ok ? V_XPASS : V_XFAIL;
    }
    if (accel[0] == 't' && svm_known_applies(svm_tcg_known(s), features)) {
        return ok ? V_XPASS : V_XFAIL;
    }
    return ok ? V_PASS : V_FAIL;
}

#endif /* SVM_CONFORMANCE_H */
