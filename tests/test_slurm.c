/* golive's job array on a real Slurm (issue 17): tests/slurm/one-node.sh
 * starts a one-node cluster of its own (munged, slurmctld, slurmd as the
 * user running the tests, on ports of its own), submits
 * scenarios/slurm/golive-array.sbatch for a Monte Carlo batch and a sweep,
 * loses two tasks and resubmits them as the merge's message says, and
 * checks that each merged report is byte-identical to one process's.
 * slurm-wlm and munge are test dependencies (make deps); without them, or
 * when the daemons do not start, the test fails and says why. */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

Test(slurm, array_jobs_merge_to_one_process_report, .timeout = 600)
{
    const char *bin = g_getenv("GOLIVE_BIN");
    cr_assert_not_null(bin, "GOLIVE_BIN must point at build/golive (make check sets it)");
    g_autofree char *dir = g_dir_make_tmp("golive-slurm-XXXXXX", NULL);
    char *argv[] = { (char *)"bash", (char *)"tests/slurm/one-node.sh", (char *)bin, dir, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    GError *e = NULL;
    cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &e), "%s",
              e ? e->message : "?");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s%s", out, err);
    /* on stderr, so that the log of every make check (CI's too) shows what ran */
    fprintf(stderr, "%s", out);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    (void)!system(cmd);
}
