/*
 * SVM conformance across accelerators
 *
 * Boots tests/tcg/x86_64/system/svm-conformance (the L1 guest) under each
 * available accelerator and CPU variant, collects its per-scenario
 * outcomes from the debug console and judges them against the shared
 * table in svm-conformance.h, one test case per accelerator and scenario.
 * A scenario that hangs or takes QEMU down is reported as such and the
 * guest is restarted at the next scenario.
 *
 * The guest binary is built by "make check-tcg"; its path comes from
 * $SVM_CONFORMANCE_GUEST (default: the check-tcg build directory).
 *
 * Copyright (c) 2026 The SVM-APM series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <sys/wait.h>
#ifdef CONFIG_LINUX
#include <linux/kvm.h>
#endif
#include "libqtest.h"
#include "qobject/qdict.h"
#include "../tcg/x86_64/system/svm-conformance.h"

#define SCENARIO_TIMEOUT_MS 10000

/* CPU variants: the same model with and without SVM. */
static const struct {
    const char *name;
    const char *cpu;
} variants[] = {
    { "svm", "qemu64,+svm,+npt,+vgif,+svme-addr-chk" },
    { "nosvm", "qemu64,-svm" },
};
#define NVARIANTS ARRAY_SIZE(variants)

typedef struct AccelRun {
    const char *accel;
    bool done;
    const char *skip_reason;
    uint32_t features[NVARIANTS];
    SvmOutcome got[NVARIANTS][SVM_NSCENARIOS];
} AccelRun;

static AccelRun runs[] = { { .accel = "tcg" }, { .accel = "kvm" } };
static const char *guest_path;
static FILE *report;

/* Why this host cannot run the kvm column, or NULL. */
static const char *kvm_unavailable(void)
{
#ifdef CONFIG_LINUX
    struct {
        struct kvm_cpuid2 c;
        struct kvm_cpuid_entry2 e[256];
    } cpuid = { .c.nent = 256 };
    int fd = open("/dev/kvm", O_RDWR);
    unsigned i;

    if (fd < 0) {
        return "no /dev/kvm: the kvm column needs an AMD host with "
               "kvm_amd (nested=1), or make check-kvm-nested";
    }
    if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, &cpuid) < 0) {
        close(fd);
        return "KVM_GET_SUPPORTED_CPUID failed";
    }
    close(fd);
    for (i = 0; i < cpuid.c.nent; i++) {
        if (cpuid.e[i].function == 0x80000001 &&
            (cpuid.e[i].ecx & (1u << 2))) {
            return NULL;
        }
    }
    return "KVM present but without AMD SVM (not an AMD host, or kvm_amd "
           "nested=0): kvm column skipped";
#else
    return "KVM needs a Linux host";
#endif
}

static bool parse_line(const char *line, unsigned *idx, SvmOutcome *o)
{
    char id[128], kind[16];
    unsigned vec, err;
    int has_state;

    if (sscanf(line, "R %u %127s %15s vec=%x err=%x code=%" SCNx64
               " info1=%" SCNx64 " state=%" SCNx64 "/%d", idx, id, kind,
               &vec, &err, &o->exit_code, &o->info1, &o->state,
               &has_state) != 9 || *idx >= SVM_NSCENARIOS) {
        return false;
    }
    o->kind = g_str_equal(kind, "DONE") ? O_DONE :
              g_str_equal(kind, "EXC") ? O_EXC :
              g_str_equal(kind, "EXIT") ? O_EXIT :
              g_str_equal(kind, "SKIP") ? O_SKIP : O_NONE;
    o->vector = vec;
    o->error = err;
    o->has_state = has_state;
    return true;
}

/*
 * Run the guest from scenario @start; store outcomes; return the index of
 * the scenario it got stuck in (or SVM_NSCENARIOS when it finished).
 */
static unsigned run_guest_from(AccelRun *r, unsigned variant, unsigned start)
{
    g_autofree char *out = g_strdup_printf("%s/svm-conformance-%s-%s.out",
                                           g_get_tmp_dir(), r->accel,
                                           variants[variant].name);
    g_autofree char *chardev = g_strdup_printf("file,path=%s,id=out", out);
    g_autofree char *start_s = g_strdup_printf("name=opt/svm/start,"
                                               "string=%u", start);
    g_autofree char *accel_s = g_strdup_printf("name=opt/svm/accel,"
                                               "string=%s", r->accel);
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    const char *argv[] = {
        qemu, "-M", "pc", "-accel", r->accel, "-cpu", variants[variant].cpu,
        "-m", "256", "-nodefaults", "-no-reboot",
        "-display", "none", "-monitor", "none",
        "-chardev", chardev, "-device", "isa-debugcon,chardev=out",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4",
        "-fw_cfg", start_s, "-fw_cfg", accel_s,
        "-fw_cfg", "name=opt/svm/all,string=1",
        "-kernel", guest_path, NULL,
    };
    unsigned begun = 0, next = start;
    gint64 progress = g_get_monotonic_time();
    bool exited = false, finished = false;
    GPid pid;
    g_autoptr(GError) error = NULL;

    unlink(out);
    if (!g_spawn_async(NULL, (char **)argv, NULL,
                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                       NULL, NULL, &pid, &error)) {
        g_error("cannot start %s: %s", qemu, error->message);
    }
    while (!finished) {
        g_autofree char *text = NULL;
        char **lines, **l;
        int status;

        exited = waitpid(pid, &status, WNOHANG) == pid;
        if (g_file_get_contents(out, &text, NULL, NULL)) {
            lines = g_strsplit(text, "\n", -1);
            for (l = lines; *l; l++) {
                unsigned idx;
                SvmOutcome o = { 0 };

                if (sscanf(*l, "B %u", &idx) == 1 && idx > begun) {
                    begun = idx;
                    progress = g_get_monotonic_time();
                } else if (parse_line(*l, &idx, &o) && idx >= next) {
                    r->got[variant][idx] = o;
                    next = idx + 1;
                    progress = g_get_monotonic_time();
                } else if (g_str_has_prefix(*l, "svm-conformance:")) {
                    const char *f = strstr(*l, "features=");
                    if (f) {
                        r->features[variant] =
                            g_ascii_strtoull(f + 9, NULL, 16);
                    }
                } else if (g_str_has_prefix(*l, "END ")) {
                    finished = true;
                }
            }
            g_strfreev(lines);
        }
        if (finished || exited) {
            break;
        }
        if (g_get_monotonic_time() - progress > SCENARIO_TIMEOUT_MS * 1000) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            exited = true;
            break;
        }
        g_usleep(20 * 1000);
    }
    if (!exited) {
        int status;
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    g_spawn_close_pid(pid);
    unlink(out);
    if (finished) {
        return SVM_NSCENARIOS;
    }
    /* Stuck in (or killed QEMU in) scenario "next". */
    r->got[variant][next].kind = O_HANG;
    return next;
}

static void run_accel(AccelRun *r)
{
    unsigned v, start;

    r->done = true;
    if (g_str_equal(r->accel, "kvm")) {
        r->skip_reason = kvm_unavailable();
    }
    if (!r->skip_reason && !g_file_test(guest_path, G_FILE_TEST_EXISTS)) {
        r->skip_reason = "guest not built (make check-tcg)";
    }
    if (r->skip_reason) {
        g_printerr("svm-conformance: %s: %s\n", r->accel, r->skip_reason);
        return;
    }
    for (v = 0; v < NVARIANTS; v++) {
        start = 0;
        while (start < SVM_NSCENARIOS) {
            unsigned stuck = run_guest_from(r, v, start);
            if (stuck < SVM_NSCENARIOS) {
                g_printerr("svm-conformance: %s/%s: %s hung or crashed; "
                           "restarting after it\n", r->accel,
                           variants[v].name, svm_scenarios[stuck].id);
            }
            start = stuck + 1;
        }
    }
}

static void test_scenario(const void *opaque)
{
    uintptr_t n = (uintptr_t)opaque;
    AccelRun *r = &runs[n / SVM_NSCENARIOS];
    unsigned i = n % SVM_NSCENARIOS, v;
    const SvmScenario *s = &svm_scenarios[i];
    int verdict = V_SKIP;

    if (!r->done) {
        run_accel(r);
    }
    if (r->skip_reason) {
        g_test_skip(r->skip_reason);
        return;
    }
    /* Judged in every variant that has the features it needs. */
    for (v = 0; v < NVARIANTS; v++) {
        const SvmOutcome *o = &r->got[v][i];
        int vv;

        if (o->kind == O_NONE || o->kind == O_SKIP) {
            continue;
        }
        vv = svm_judge(s, r->features[v], r->accel, o);
        if (report) {
            fprintf(report, "%s\t%s\t%s\t%s\t%s\t%s\n", r->accel,
                    variants[v].name, s->id, s->rule,
                    svm_verdict_name[vv],
                    o->kind == O_HANG ? "hang/crash" : "");
        }
        if (vv == V_FAIL || vv == V_XPASS) {
            const SvmOutcome *w = svm_expected(s, r->features[v], r->accel);
            g_test_message("%s/%s %s (%s): got kind=%d vec=%d err=%x "
                           "code=%" PRIx64 " info1=%" PRIx64 " state=%"
                           PRIx64 "; expected kind=%d vec=%d code=%"
                           PRIx64 " state=%" PRIx64 "%s", r->accel,
                           variants[v].name, s->id, s->rule, o->kind,
                           o->vector, o->error, o->exit_code, o->info1,
                           o->state, w->kind, w->vector, w->exit_code,
                           w->state, vv == V_XPASS ?
                           " (XPASS: the known TCG bug is fixed; drop "
                           "it from svm_tcg_known_failures)" : "");
            verdict = V_FAIL;
        } else if (vv == V_XFAIL && verdict != V_FAIL) {
            verdict = V_XFAIL;
        } else if (vv == V_PASS && verdict == V_SKIP) {
            verdict = V_PASS;
        }
    }
    switch (verdict) {
    case V_SKIP:
        g_test_skip("CPU variant lacks a feature this scenario needs");
        break;
    case V_XFAIL:
        g_test_incomplete(svm_tcg_known(s)->finding);
        break;
    case V_FAIL:
        g_test_fail();
        break;
    }
}

/*
 * Wait up to @timeout_ms (0: look once) for a complete line starting with
 * @prefix in the file at @path; store a copy in *@line.
 */
static bool wait_for_line(const char *path, const char *prefix, char **line,
                          int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000ll;

    do {
        g_autofree char *text = NULL;

        if (g_file_get_contents(path, &text, NULL, NULL)) {
            char **lines = g_strsplit(text, "\n", -1), **l;

            /* the last element is not newline-terminated yet */
            for (l = lines; *l && l[1]; l++) {
                if (g_str_has_prefix(*l, prefix)) {
                    if (line) {
                        *line = g_strdup(*l);
                    }
                    g_strfreev(lines);
                    return true;
                }
            }
            g_strfreev(lines);
        }
        g_usleep(20 * 1000);
    } while (g_get_monotonic_time() < deadline);
    return false;
}

static QTestState *start_migrate_vm(const char *out, unsigned idx,
                                    const char *incoming)
{
    return qtest_initf("-M pc -accel tcg -cpu %s -m 256 -nodefaults "
                       "-chardev file,path=%s,id=out "
                       "-device isa-debugcon,chardev=out "
                       "-fw_cfg name=opt/svm/start,string=%u "
                       "-fw_cfg name=opt/svm/stop,string=%u "
                       "-fw_cfg name=opt/svm/migrate,string=1 "
                       "-kernel %s %s%s", variants[0].cpu, out, idx, idx + 1,
                       guest_path, incoming ? "-incoming " : "",
                       incoming ? incoming : "");
}

/*
 * Migrate (to a file) a TCG VM whose vCPU runs L2, start it again from
 * the file, and let L2 finish: the scenario must end as in a plain run.
 */
static void test_migrate_l2(void)
{
    g_autofree char *dir = g_dir_make_tmp("svm-migrate-XXXXXX", NULL);
    g_autofree char *out1 = g_build_filename(dir, "src.out", NULL);
    g_autofree char *out2 = g_build_filename(dir, "dst.out", NULL);
    g_autofree char *file = g_build_filename(dir, "state", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    g_autofree char *begin = NULL, *result = NULL, *line = NULL;
    const SvmScenario *s = NULL;
    QTestState *qts;
    SvmOutcome o = { 0 };
    unsigned idx = 0, i;
    int v;

    for (i = 0; i < SVM_NSCENARIOS; i++) {
        if (svm_scenarios[i].special == S_MIGRATE_L2) {
            s = &svm_scenarios[i];
            idx = i;
        }
    }
    g_assert(s);
    if (!g_file_test(guest_path, G_FILE_TEST_EXISTS)) {
        g_test_skip("guest not built (make check-tcg)");
        return;
    }
    begin = g_strdup_printf("B %u ", idx);
    result = g_strdup_printf("R %u ", idx);

    qts = start_migrate_vm(out1, idx, NULL);
    g_assert(wait_for_line(out1, begin, NULL, 30000));
    g_usleep(100 * 1000);       /* L2 is spinning now */
    g_assert(!wait_for_line(out1, result, NULL, 0));
    qtest_qmp_assert_success(qts, "{ 'execute': 'migrate', "
                             "'arguments': { 'uri': %s } }", uri);
    for (;;) {
        QDict *rsp = qtest_qmp(qts, "{ 'execute': 'query-migrate' }");
        const char *st = qdict_get_str(qdict_get_qdict(rsp, "return"),
                                       "status");
        bool done = g_str_equal(st, "completed");

        g_assert(!g_str_equal(st, "failed"));
        qobject_unref(rsp);
        if (done) {
            break;
        }
        g_usleep(20 * 1000);
    }
    /* Still in L2: the source never saw the flag. */
    g_assert(!wait_for_line(out1, result, NULL, 0));
    qtest_quit(qts);

    qts = start_migrate_vm(out2, idx, uri);
    qtest_qmp_eventwait(qts, "RESUME");
    qtest_writel(qts, SVM_MIGRATE_FLAG, SVM_MIGRATE_MAGIC);
    g_assert(wait_for_line(out2, result, &line, 30000));
    qtest_quit(qts);

    g_assert(parse_line(line, &i, &o));
    v = svm_judge(s, F_SVM | F_MIGRATE, "tcg", &o);
    if (v == V_XFAIL) {
        g_test_incomplete(svm_tcg_known(s)->finding);
    } else if (v != V_PASS) {
        g_test_message("%s", line);
        g_test_fail();
    }
    unlink(out1);
    unlink(out2);
    unlink(file);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    const char *report_path = g_getenv("SVM_CONFORMANCE_REPORT");
    uintptr_t a, i;
    int ret;

    g_test_init(&argc, &argv, NULL);
    guest_path = g_getenv("SVM_CONFORMANCE_GUEST");
    if (!guest_path) {
        guest_path = "tests/tcg/x86_64-softmmu/svm-conformance";
    }
    if (report_path) {
        report = fopen(report_path, "w");
    }
    for (a = 0; a < ARRAY_SIZE(runs); a++) {
        for (i = 0; i < SVM_NSCENARIOS; i++) {
            g_autofree char *path =
                g_strdup_printf("svm-conformance/%s/%s", runs[a].accel,
                                svm_scenarios[i].id);
            qtest_add_data_func(path,
                                (void *)(a * SVM_NSCENARIOS + i),
                                test_scenario);
        }
    }
    qtest_add_func("svm-conformance/tcg/savevm-while-l2-runs",
                   test_migrate_l2);
    ret = g_test_run();
    if (report) {
        fclose(report);
    }
    return ret;
}
