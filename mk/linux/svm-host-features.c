/*
 * Print the F_* features (svm-conformance.h) of the CPU this runs on, in
 * decimal, for the conformance guest's opt/svm/host: in L1 of make
 * check-kvm-nested that CPU is the one L1's KVM runs the guest on.
 */
#include <cpuid.h>
#include <stdio.h>
#include "svm-conformance.h"

static void host_cpuid(uint32_t leaf, uint32_t *r)
{
    __cpuid_count(leaf, 0, r[0], r[1], r[2], r[3]);
}

int main(void)
{
    printf("%u\n", svm_cpuid_features(host_cpuid));
    return 0;
}
