/* Scenario loader and units: good files load with the right values, bad
 * files give exactly the expected messages (tests/scenarios/bad/NAME.err,
 * where @FILE@ stands for the file's path). */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-c/json.h>
#include <glib/gstdio.h>
#include <math.h>

#include "models/assume.h"
#include "models/lint.h"
#include "models/scenario.h"
#include "models/units.h"
#include "models/world.h"

#define BAD_DIR "tests/scenarios/bad"

static double parse_ok(units_kind k, const char *s)
{
    double v = NAN;
    char *why = NULL;
    cr_assert(units_parse(k, s, &v, &why), "\"%s\": %s", s, why ? why : "");
    return v;
}

static void parse_bad(units_kind k, const char *s)
{
    double v;
    char *why = NULL;
    cr_assert_not(units_parse(k, s, &v, &why), "\"%s\" should be refused", s);
    cr_assert_not_null(why);
    g_free(why);
}

Test(units, sizes_rates_times_fractions)
{
    cr_assert_float_eq(parse_ok(UNITS_SIZE, "64MiB"), 64.0 * 1048576, 0);
    cr_assert_float_eq(parse_ok(UNITS_SIZE, "1GB"), 1e9, 0);
    cr_assert_float_eq(parse_ok(UNITS_SIZE, "1.5 KiB"), 1536, 0);
    cr_assert_float_eq(parse_ok(UNITS_SIZE, "10pages"), 40960, 0);
    cr_assert_float_eq(parse_ok(UNITS_SIZE, "4096"), 4096, 0);
    cr_assert_float_eq(parse_ok(UNITS_RATE, "1Gbit/s"), 125e6, 0);
    cr_assert_float_eq(parse_ok(UNITS_RATE, "125MB/s"), 125e6, 0);
    cr_assert_float_eq(parse_ok(UNITS_RATE, "128MiB/s"), 128.0 * 1048576, 0);
    cr_assert_float_eq(parse_ok(UNITS_RATE, "20000pages/s"), 20000.0 * 4096, 0);
    cr_assert_float_eq(parse_ok(UNITS_RATE, "100Mbps"), 12.5e6, 0);
    cr_assert_float_eq(parse_ok(UNITS_TIME, "300ms"), 0.3, 1e-15);
    cr_assert_float_eq(parse_ok(UNITS_TIME, "4h"), 14400, 0);
    cr_assert_float_eq(parse_ok(UNITS_TIME, "5y"), 5 * 31557600.0, 0);
    cr_assert_float_eq(parse_ok(UNITS_TIME, "50us"), 50e-6, 1e-18);
    cr_assert_float_eq(parse_ok(UNITS_FRACTION, "20%"), 0.2, 1e-15);
    parse_bad(UNITS_SIZE, "64 MiB/s");
    parse_bad(UNITS_SIZE, "MiB");
    parse_bad(UNITS_SIZE, "nan");
    parse_bad(UNITS_SIZE, "inf");
    parse_bad(UNITS_SIZE, "0x10");
    parse_bad(UNITS_SIZE, "1e30TiB");
    parse_bad(UNITS_TIME, "300 years");
    parse_bad(UNITS_TIME, "1000y");
    parse_bad(UNITS_RATE, "10Gbit");
    char *why = NULL;
    cr_assert_not(units_check_number(UNITS_SIZE, INFINITY, &why));
    g_free(why);
}

Test(scenario, design_example_loads_with_its_values)
{
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(scenario) s = scenario_load("tests/scenarios/good/design-example.json", errors);
    cr_assert_not_null(s, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    cr_assert_str_eq(s->name, "two-node-drbd");
    cr_assert_eq(s->until, 120 * SIM_S);
    cr_assert_eq(s->nnetworks, 2);
    cr_assert_eq(s->networks[1].latency, 20 * SIM_US);
    cr_assert_eq(s->nhosts, 2);
    cr_assert_float_eq(s->hosts[0].memory, 128.0 * (1 << 30), 0);
    cr_assert_eq(s->hosts[1].nics[1].network, 1);
    cr_assert_float_eq(s->hosts[1].nics[1].bandwidth_Bps, 1.25e9, 0);
    cr_assert_eq(s->nvms, 1);
    const scn_vm *vm = &s->vms[0];
    cr_assert_eq(vm->host, 0);
    cr_assert_float_eq(vm->zero, 0.3, 1e-15);
    cr_assert_eq(vm->dirty.model, DIRTY_UNIFORM);
    cr_assert_float_eq(vm->dirty.rate_pps, 20000, 1e-9);
    cr_assert_float_eq(vm->dirty.working_set, 512.0 * (1 << 20), 0);
    cr_assert_float_eq(vm->disk_write_Bps, 2.0 * (1 << 20), 0);
    cr_assert_eq(vm->service.type, SERVICE_TCP);
    cr_assert_eq(vm->service.rto_min, 200 * SIM_MS);
    cr_assert_float_eq(vm->migration.max_bandwidth_Bps, (double)(1 << 30), 0);
    cr_assert_eq(vm->migration.downtime_limit, 300 * SIM_MS);
    cr_assert_eq(vm->migration.network, 0);
    cr_assert_eq(s->nevents, 3);
    cr_assert_eq(s->events[0].action, EV_MIGRATE);
    cr_assert_eq(s->events[0].to, 1);
    cr_assert_str_eq(s->events[1].target, "network:repl");
    cr_assert_eq(s->storage.type, STORAGE_DRBD);
    cr_assert_eq(s->storage.fencing, FENCING_RESOURCE_AND_STONITH);
    cr_assert(s->storage.dual_primary);
    cr_assert(s->cluster.two_node);
    cr_assert_eq(s->nfailures, 1);
    cr_assert_eq(s->failures[0].mtbf, 5 * SIM_YEAR);
}

Test(scenario, defaults_and_vm_overrides)
{
    const char *text = "{\"golive\":1,\"networks\":[{\"name\":\"n\"}],"
                       "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"n\",\"bandwidth\":\"1Gbit/s\"}]}],"
                       "\"migration\":{\"auto_converge\":true,\"downtime_limit\":\"100ms\"},"
                       "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\"},"
                       "{\"name\":\"w\",\"host\":\"a\",\"memory\":\"1GiB\","
                       "\"migration\":{\"profile\":\"xen-2005\"}},"
                       "{\"name\":\"x\",\"host\":\"a\",\"memory\":\"1GiB\","
                       "\"migration\":{\"max_bandwidth\":\"unlimited\",\"auto_converge\":{\"increment\":\"5%\"}}}]}";
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(scenario) s = scenario_load_text("mem.json", text, strlen(text), errors);
    cr_assert_not_null(s, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    cr_assert_str_eq(s->name, "mem", "the name defaults to the file name");
    cr_assert_eq(s->seed, 1);
    cr_assert_eq(s->until, SIM_NEVER);
    cr_assert_eq(s->networks[0].latency, 50 * SIM_US);
    const scn_migration *v = &s->vms[0].migration, *w = &s->vms[1].migration, *x = &s->vms[2].migration;
    cr_assert(v->auto_converge);
    cr_assert_eq(v->downtime_limit, 100 * SIM_MS);
    cr_assert_float_eq(v->max_bandwidth_Bps, 128.0 * (1 << 20), 0, "QEMU >= 5.2 default");
    cr_assert_eq(w->profile, PROFILE_XEN_2005);
    cr_assert_float_eq(w->max_bandwidth_Bps, 500e6 / 8, 0);
    cr_assert_eq(w->xen_max_rounds, 30);
    cr_assert_float_eq(x->max_bandwidth_Bps, 0, 0);
    cr_assert_float_eq(x->ac_increment, 0.05, 1e-15);
    cr_assert_float_eq(x->ac_initial, 0.20, 1e-15);
    cr_assert_eq(s->vms[0].dirty.model, DIRTY_NONE);
}

Test(scenario, trace_dirty_model_reads_its_csv)
{
    g_autofree char *dir = g_dir_make_tmp("golive-XXXXXX", NULL);
    g_autofree char *csv = g_build_filename(dir, "pages.csv", NULL);
    g_autofree char *json = g_build_filename(dir, "s.json", NULL);
    cr_assert(g_file_set_contents(csv, "t,pages\n0,100\n1,250\n# pause\n2,0\n", -1, NULL));
    cr_assert(g_file_set_contents(json,
                                  "{\"golive\":1,\"networks\":[{\"name\":\"n\"}],"
                                  "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]}],"
                                  "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\","
                                  "\"dirty\":{\"model\":\"trace\",\"file\":\"pages.csv\",\"interval\":\"500ms\"}}]}",
                                  -1, NULL));
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(scenario) s = scenario_load(json, errors);
    cr_assert_not_null(s, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    cr_assert_eq(s->vms[0].dirty.ntrace, 3);
    cr_assert_float_eq(s->vms[0].dirty.trace_pages[1], 250, 0);
    cr_assert_eq(s->vms[0].dirty.trace_interval, 500 * SIM_MS);
    cr_assert(g_file_set_contents(csv, "0,100\n1,lots\n", -1, NULL));
    g_autoptr(scenario) s2 = scenario_load(json, errors);
    cr_assert_null(s2);
    cr_assert(strstr(g_ptr_array_index(errors, 0), "vms[0].dirty.file: pages.csv:2: expected a non-negative page count"),
              "%s", (char *)g_ptr_array_index(errors, 0));
    /* a FIFO in its place (a part given to golive merge may name any path)
     * is refused at once, never read: reading it would block */
    g_remove(csv);
    cr_assert_eq(mkfifo(csv, 0600), 0);
    g_ptr_array_set_size(errors, 0);
    g_autoptr(scenario) s3 = scenario_load(json, errors);
    cr_assert_null(s3);
    cr_assert(strstr(g_ptr_array_index(errors, 0), "pages.csv is not a regular file"), "%s",
              (char *)g_ptr_array_index(errors, 0));
    g_remove(csv);
    g_remove(json);
    g_rmdir(dir);
}

Test(scenario, every_bad_file_gives_exactly_its_messages)
{
    GDir *d = g_dir_open(BAD_DIR, 0, NULL);
    cr_assert_not_null(d, "run the tests from the top of the source tree");
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while ((n = g_dir_read_name(d)))
        if (g_str_has_suffix(n, ".json"))
            g_ptr_array_add(names, g_strdup(n));
    g_dir_close(d);
    cr_assert_geq(names->len, 30, "at least 30 malformed files");
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *path = g_build_filename(BAD_DIR, name, NULL);
        g_autofree char *base = g_strndup(path, strlen(path) - 5);
        g_autofree char *errpath = g_strconcat(base, ".err", NULL);
        g_autofree char *expect_raw = NULL;
        cr_assert(g_file_get_contents(errpath, &expect_raw, NULL, NULL), "%s is missing", errpath);
        g_auto(GStrv) parts = g_strsplit(expect_raw, "@FILE@", -1);
        g_autofree char *expect = g_strjoinv(path, parts);
        g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(scenario) s = scenario_load(path, errors);
        cr_assert_null(s, "%s loaded but must not", path);
        GString *got = g_string_new(NULL);
        for (guint k = 0; k < errors->len; k++)
            g_string_append_printf(got, "%s\n", (char *)g_ptr_array_index(errors, k));
        cr_assert_str_eq(got->str, expect, "%s:\n--- got\n%s--- expected\n%s", path, got->str, expect);
        g_string_free(got, TRUE);
    }
    g_ptr_array_free(names, TRUE);
}

Test(scenario, unreadable_and_directory)
{
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    cr_assert_null(scenario_load("tests/scenarios", errors));
    cr_assert_str_eq(g_ptr_array_index(errors, 0), "tests/scenarios: error: is a directory, not a scenario file");
    cr_assert_null(scenario_load("tests/scenarios/no-such-file.json", errors));
    cr_assert(g_str_has_prefix(g_ptr_array_index(errors, 1), "tests/scenarios/no-such-file.json: error: cannot read: "));
}

static GPtrArray *lint_text(const char *storage, const char *cluster, const char *migration)
{
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,\"networks\":[{\"name\":\"n\"}],"
        "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]},"
        "{\"name\":\"b\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]}],"
        "\"storage\":%s,\"cluster\":%s,\"migration\":%s}",
        storage, cluster, migration);
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(scenario) s = scenario_load_text("l.json", text, strlen(text), errors);
    cr_assert_not_null(s, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    lint_scenario(s, w);
    return w;
}

static bool has(GPtrArray *w, const char *needle)
{
    for (guint i = 0; i < w->len; i++)
        if (strstr(g_ptr_array_index(w, i), needle))
            return true;
    return false;
}

Test(lint, risky_designs_are_named_with_their_source)
{
    GPtrArray *w = lint_text("{\"type\":\"drbd\",\"dual_primary\":true}",
                             "{\"manager\":\"pacemaker\",\"stonith\":false,\"two_node\":true,\"allow_migrate\":true,"
                             "\"libvirt\":{\"transport\":\"tcp\",\"auth\":\"none\"}}",
                             "{\"postcopy\":true}");
    cr_assert(has(w, "DRBD dual-primary with fencing dont-care"));
    cr_assert(has(w, "two_node without STONITH"));
    cr_assert(has(w, "auth_tcp=none"));
    cr_assert(has(w, "postcopy without recovery"));
    cr_assert_not(has(w, "allow-migrate"), "allow_migrate is on");
    g_ptr_array_free(w, TRUE);
    w = lint_text("{\"type\":\"iscsi\",\"server\":\"a\",\"lock\":\"none\"}", "{\"manager\":\"pacemaker\"}", "{}");
    cr_assert(has(w, "iSCSI LUN without a lock layer"));
    cr_assert(has(w, "without allow-migrate"));
    cr_assert_eq(w->len, 2);
    g_ptr_array_free(w, TRUE);
    w = lint_text("{\"type\":\"drbd\",\"dual_primary\":true,\"fencing\":\"resource-and-stonith\"}",
                  "{\"manager\":\"pacemaker\",\"allow_migrate\":true}", "{\"postcopy\":{\"recovery\":true}}");
    cr_assert_eq(w->len, 0, "a careful design has nothing to say: %s", w->len ? (char *)g_ptr_array_index(w, 0) : "");
    g_ptr_array_free(w, TRUE);
    /* two nodes fencing each other without a delay: a coin toss */
    w = lint_text("{\"type\":\"drbd\",\"dual_primary\":true,\"fencing\":\"resource-and-stonith\"}",
                  "{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true}", "{}");
    cr_assert(has(w, "two_node with STONITH but no fencing delay"));
    g_ptr_array_free(w, TRUE);
    w = lint_text("{\"type\":\"drbd\",\"dual_primary\":true,\"fencing\":\"resource-and-stonith\"}",
                  "{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true,\"pcmk_delay_max\":\"15s\"}",
                  "{}");
    cr_assert_eq(w->len, 0, "%s", w->len ? (char *)g_ptr_array_index(w, 0) : "");
    g_ptr_array_free(w, TRUE);
    /* what needs a cluster manager */
    w = lint_text("{\"type\":\"drbd\",\"dual_primary\":true,\"fencing\":\"resource-and-stonith\"}",
                  "{\"manager\":\"none\",\"migration_limit\":2}", "{}");
    cr_assert(has(w, "resource-and-stonith without a cluster manager"));
    cr_assert(has(w, "migration_limit is Pacemaker's migration-limit"));
    g_ptr_array_free(w, TRUE);
}

/* scenarios/schema.json (for editors) names exactly the keys the loader
 * accepts, object by object. */
Test(scenario, the_schema_names_every_key_the_loader_accepts)
{
    json_object *schema = json_object_from_file("scenarios/schema.json");
    cr_assert_not_null(schema);
    static const char *const sections[] = { "", "networks[]", "hosts[]", "hosts[].nics[]", "racks[]",
                                            "racks[].uplinks[]", "vms[]", "migration", "storage", "cluster",
                                            "failures[]" };
    for (size_t k = 0; k < G_N_ELEMENTS(sections); k++) {
        /* walk the schema: "a[]" is a's items, "a.b" is a's property b */
        json_object *node = schema;
        g_auto(GStrv) parts = g_strsplit(sections[k], ".", -1);
        for (int i = 0; parts[i] && *parts[i]; i++) {
            bool array = g_str_has_suffix(parts[i], "[]");
            g_autofree char *name = g_strndup(parts[i], strlen(parts[i]) - (array ? 2 : 0));
            json_object *props = json_object_object_get(node, "properties");
            node = json_object_object_get(props, name);
            cr_assert_not_null(node, "schema: no %s", sections[k]);
            json_object *ref = json_object_object_get(node, "$ref");
            if (ref) { /* "#/$defs/NAME" */
                const char *r = json_object_get_string(ref);
                node = json_object_object_get(json_object_object_get(schema, "$defs"), strrchr(r, '/') + 1);
            }
            if (array)
                node = json_object_object_get(node, "items");
            cr_assert_not_null(node, "schema: no items for %s", sections[k]);
        }
        json_object *props = json_object_object_get(node, "properties");
        cr_assert_not_null(props, "schema: %s has no properties", sections[k]);
        const char *const *keys = scenario_keys(sections[k]);
        cr_assert_not_null(keys);
        size_t n = 0;
        for (; keys[n]; n++)
            cr_assert_not_null(json_object_object_get(props, keys[n]), "schema: \"%s\" lacks \"%s\"", sections[k],
                               keys[n]);
        cr_assert_eq((size_t)json_object_object_length(props), n,
                     "schema: \"%s\" has %d properties, the loader accepts %zu", sections[k],
                     json_object_object_length(props), n);
    }
    json_object_put(schema);
}

/* A trace outside the scenario's directory is told by the lint. */
Test(scenario, a_trace_outside_the_scenarios_directory_is_told)
{
    g_autofree char *dir = g_dir_make_tmp("golive-trace-XXXXXX", NULL);
    g_autofree char *sub = g_build_filename(dir, "s", NULL), *csv = g_build_filename(dir, "pages.csv", NULL),
                    *path = g_build_filename(sub, "v.json", NULL);
    cr_assert_eq(g_mkdir(sub, 0700), 0);
    cr_assert(g_file_set_contents(csv, "100\n200\n", -1, NULL));
    const char *text = "{\"golive\":1,\"networks\":[{\"name\":\"lan\"}],"
                       "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]}],"
                       "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\",\"dirty\":{\"model\":\"trace\","
                       "\"file\":\"../pages.csv\"}}]}";
    cr_assert(g_file_set_contents(path, text, -1, NULL));
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free), *w = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load(path, errors);
    cr_assert_not_null(sc, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    lint_scenario(sc, w);
    bool told = false;
    for (guint i = 0; i < w->len; i++)
        told |= strstr(g_ptr_array_index(w, i), "outside the scenario's directory") != NULL;
    cr_assert(told);
    scenario_free(sc);
    g_ptr_array_free(errors, TRUE);
    g_ptr_array_free(w, TRUE);
    g_remove(path);
    g_remove(csv);
    g_rmdir(sub);
    g_rmdir(dir);
}

/* Legitimate what-ifs the lint tells: a host that starts over its memory
 * (overcommit golive does not model); and the run tells an event after the
 * end of the run, which is not simulated. */
Test(lint, a_host_over_its_memory_and_an_event_after_the_end_are_told)
{
    const char *text = "{\"golive\":1,\"until\":\"1min\",\"networks\":[{\"name\":\"n\"}],"
                       "\"hosts\":[{\"name\":\"a\",\"memory\":\"256GiB\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]},"
                       "{\"name\":\"b\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]}],"
                       "\"vms\":[{\"name\":\"v1\",\"host\":\"a\",\"memory\":\"200GiB\"},"
                       "{\"name\":\"v2\",\"host\":\"a\",\"memory\":\"200GiB\"}],"
                       "\"events\":[{\"at\":\"2min\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"b\"}]}";
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    scenario *s = scenario_load_text("over.json", text, strlen(text), errors);
    cr_assert_not_null(s, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    lint_scenario(s, w);
    cr_assert(has(w, "starts with 400.0 GiB of VMs on 256.0 GiB"));
    g_ptr_array_free(w, TRUE);
    /* many hosts over their memory: one line names how many, not one each */
    GString *many = g_string_new("{\"golive\":1,\"networks\":[{\"name\":\"n\"}],\"hosts\":[");
    for (int h = 0; h < 12; h++)
        g_string_append_printf(many, "%s{\"name\":\"h%d\",\"memory\":\"16GiB\",\"nics\":[{\"network\":\"n\","
                                     "\"bandwidth\":1e9}]}",
                               h ? "," : "", h);
    g_string_append(many, "],\"vms\":[");
    for (int v = 0; v < 12; v++) /* two of 12 GiB on each of h0..h5 */
        g_string_append_printf(many, "%s{\"name\":\"v%d\",\"host\":\"h%d\",\"memory\":\"12GiB\"}", v ? "," : "", v,
                               v / 2);
    g_string_append(many, "]}");
    scenario *m = scenario_load_text("many.json", many->str, many->len, errors);
    cr_assert_not_null(m, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    w = g_ptr_array_new_with_free_func(g_free);
    lint_scenario(m, w);
    cr_assert_eq(w->len, 1, "one warning, not one per host");
    cr_assert(has(w, "6 hosts start with more VMs than memory (the first, h0: 24.0 GiB of VMs on 16.0 GiB)"));
    g_ptr_array_free(w, TRUE);
    scenario_free(m);
    g_string_free(many, TRUE);
    g_autoptr(GError) err = NULL;
    world *wo = world_new(s, 0, &err);
    world_run(wo);
    cr_assert_eq(world_nmigrations(wo), 0);
    const GPtrArray *ws = world_warnings(wo);
    bool told = false;
    for (guint i = 0; i < ws->len; i++)
        told |= strstr(g_ptr_array_index(ws, i), "after the end of the run") != NULL;
    cr_assert(told);
    world_free(wo);
    scenario_free(s);
}

/* A file of 25,000 VMs (2 MB) is read by two threads and its text checked
 * beside the parse: its scenario and its errors, in their order, must be
 * those of one pass over the file. */
static GString *many_vms(int n, int bad_memory, int not_object, int dup_of, int dup_at, int typo)
{
    GString *t = g_string_new("{\"golive\":1,\"migration\":{\"downtime_limit\":\"100ms\"},\"networks\":[{\"name\":\"n\"}],"
                              "\"hosts\":[{\"name\":\"a\",\"memory\":\"64TiB\",\"nics\":[{\"network\":\"n\","
                              "\"bandwidth\":1e9}]}],\"vms\":[");
    for (int v = 0; v < n; v++) {
        g_string_append(t, v ? "," : "");
        if (v == not_object) {
            g_string_append(t, "42");
            continue;
        }
        g_string_append_printf(t, "{\"name\":\"v%d\",\"host\":\"a\",\"memory\":\"%s\"%s%s%s}", v == dup_at ? dup_of : v,
                               v == bad_memory ? "lots" : v % 3 ? "1GiB" : "2GiB", v % 2 ? "" : ",\"vcpus\":2",
                               v % 5 ? "" : ",\"migration\":{\"max_bandwidth\":\"1GiB/s\"}",
                               v == typo ? ",\"memroy\":1" : "");
    }
    g_string_append(t, "]}");
    return t;
}

Test(scenario, a_large_file_loads_as_one_pass_over_it)
{
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    GString *t = many_vms(25000, -1, -1, -1, -1, -1);
    cr_assert_gt(t->len, 1 << 20, "large enough for the checks beside the parse");
    g_autoptr(scenario) s = scenario_load_text("big.json", t->str, t->len, errors);
    g_string_free(t, TRUE);
    cr_assert_not_null(s, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    cr_assert_eq(s->nvms, 25000);
    for (int v = 0; v < 25000; v++) {
        g_autofree char *name = g_strdup_printf("v%d", v);
        cr_assert_str_eq(s->vms[v].name, name);
        cr_assert_eq(scenario_find_vm(s, name), v);
        cr_assert_eq(s->vms[v].memory, v % 3 ? 1073741824.0 : 2147483648.0);
        cr_assert_eq(s->vms[v].vcpus, v % 2 ? 1 : 2);
        cr_assert_eq(assume_is_default(s, AS_VM_VCPUS, v), v % 2 == 1, "vm %d", v);
        cr_assert_eq(assume_is_default(s, AS_MIG_MAX_BANDWIDTH, v), v % 5 != 0, "vm %d", v);
        cr_assert(!assume_is_default(s, AS_MIG_DOWNTIME_LIMIT, v), "set for all");
    }

    /* errors in both halves, a name repeated across them */
    t = many_vms(25000, 7, 12600, 3, 20000, 24000);
    scenario *bad = scenario_load_text("big.json", t->str, t->len, errors);
    g_string_free(t, TRUE);
    cr_assert_null(bad);
    const char *want[] = {
        "big.json: vms[7].memory: expected a size",
        "big.json: vms[12600]: expected an object, not a number",
        "big.json: vms[20000].name: duplicate name \"v3\" (already used by vms[3])",
        "big.json: vms[24000].memroy: unknown key (did you mean \"memory\"?)",
    };
    cr_assert_eq(errors->len, G_N_ELEMENTS(want), "%u errors, the first: %s", errors->len,
                 errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
        cr_assert(g_str_has_prefix(g_ptr_array_index(errors, i), want[i]), "error %zu: %s", i,
                  (char *)g_ptr_array_index(errors, i));

    /* what the text checks find, with the parse beside them */
    g_ptr_array_set_size(errors, 0);
    t = many_vms(25000, -1, -1, -1, -1, -1);
    g_string_insert(t, t->len - 2, ",{\"name\":\"x\",\"name\":\"y\"}");
    cr_assert_null(scenario_load_text("big.json", t->str, t->len, errors));
    cr_assert_eq(errors->len, 1);
    cr_assert(strstr(g_ptr_array_index(errors, 0), "duplicate key \"name\""), "%s", (char *)g_ptr_array_index(errors, 0));
    g_ptr_array_set_size(errors, 0);
    t->str[t->len - 10] = '\xff';
    cr_assert_null(scenario_load_text("big.json", t->str, t->len, errors));
    cr_assert_eq(errors->len, 1);
    g_autofree char *where = g_strdup_printf("big.json:1:%zu: error: not valid UTF-8", t->len - 9);
    cr_assert_str_eq(g_ptr_array_index(errors, 0), where);
    g_string_free(t, TRUE);
}
