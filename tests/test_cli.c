/* The golive skeleton: help, version, dispatch, exit codes. */
#include <criterion/criterion.h>
#include <glib.h>
#include <sys/wait.h>

static int run_golive(const char *const *args, char **out, char **err)
{
    const char *bin = g_getenv("GOLIVE_BIN");
    cr_assert_not_null(bin, "GOLIVE_BIN must point at build/golive (make check sets it)");
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)bin);
    for (; *args; args++)
        g_ptr_array_add(argv, (char *)*args);
    g_ptr_array_add(argv, NULL);
    int status = -1;
    GError *e = NULL;
    gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                               &status, &e);
    cr_assert(ok, "spawn failed: %s", e ? e->message : "?");
    g_ptr_array_free(argv, TRUE);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(cli, help_lists_every_subcommand)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "--help", NULL }, &out, &err), 0);
    const char *cmds[] = { "run", "sweep", "compare", "validate", "explain", "--version" };
    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++)
        cr_assert(strstr(out, cmds[i]), "--help lacks %s", cmds[i]);
    g_free(out);
    g_free(err);
}

Test(cli, version)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "--version", NULL }, &out, &err), 0);
    cr_assert(g_str_has_prefix(out, "golive "));
    g_free(out);
    g_free(err);
}

Test(cli, exit_codes)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "frobnicate", NULL }, &out, &err), 2);
    cr_assert(strstr(err, "unknown command 'frobnicate'"));
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "--no-such-option", NULL }, &out, &err), 2);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ NULL }, &out, &err), 2, "no command is bad usage");
    g_free(out);
    g_free(err);
}

Test(cli, missing_subcommands_say_so)
{
    const char *later[] = { "sweep", "compare", "explain" };
    for (size_t i = 0; i < G_N_ELEMENTS(later); i++) {
        char *out, *err;
        cr_assert_eq(run_golive((const char *[]){ later[i], NULL }, &out, &err), 1);
        cr_assert(strstr(err, "not available yet"), "%s: %s", later[i], err);
        g_free(out);
        g_free(err);
    }
}

Test(cli, validate_reports_every_error_and_exits_2)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "validate", "tests/scenarios/bad/43-several-errors.json", NULL }, &out,
                            &err),
                 2);
    cr_assert_str_eq(out, "", "nothing on stdout for a bad file");
    int lines = 0;
    for (char *p = err; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 3, "all three errors: %s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "validate", "tests/scenarios/good/design-example.json", NULL }, &out,
                            &err),
                 0);
    cr_assert(strstr(out, "ok (2 networks, 2 hosts, 1 VMs, 3 events"), "%s", out);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "validate", NULL }, &out, &err), 2);
    g_free(out);
    g_free(err);
}
