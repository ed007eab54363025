/* dirty — region set-up and the distinct-page formulas. */
#include "models/dirty.h"

#include <math.h>

#include "models/units.h"

void dirty_model_init(dirty_model *m, const scn_dirty *cfg, double memory)
{
    *m = (dirty_model){ 0 };
    m->mem_pages = floor(memory / UNITS_PAGE_SIZE);
    m->cpu_share = cfg->cpu_share > 0 ? cfg->cpu_share : 1;
    double ws = fmin(floor(cfg->working_set / UNITS_PAGE_SIZE), m->mem_pages);
    switch (cfg->model) {
    case DIRTY_NONE:
        break;
    case DIRTY_UNIFORM:
    case DIRTY_SEQUENTIAL:
        if (ws > 0 && cfg->rate_pps > 0)
            m->r[m->nregions++] = (dirty_region){ ws, cfg->rate_pps, cfg->model == DIRTY_SEQUENTIAL };
        break;
    case DIRTY_HOTCOLD:
        if (ws > 0 && cfg->rate_pps > 0)
            m->r[m->nregions++] = (dirty_region){ ws, cfg->rate_pps, 0 };
        if (m->mem_pages > ws && cfg->cold_rate_pps > 0)
            m->r[m->nregions++] = (dirty_region){ m->mem_pages - ws, cfg->cold_rate_pps, 0 };
        break;
    case DIRTY_TRACE:
        m->trace = cfg->trace_pages;
        m->ntrace = cfg->ntrace;
        m->trace_interval_s = sim_to_s(cfg->trace_interval);
        break;
    }
}

double dirty_throttle_factor(const dirty_model *m, double p)
{
    /* The guest keeps (1 - p) of its vCPU; a writer that needs only a share
     * c of it slows down only once (1 - p) < c. */
    double left = 1 - p;
    return left >= m->cpu_share ? 1 : left / m->cpu_share;
}

double dirty_region_distinct(const dirty_region *r, double writes)
{
    if (writes <= 0 || r->pages <= 0)
        return 0;
    if (r->sequential)
        return fmin(writes, r->pages);
    return r->pages * -expm1(-writes / r->pages);
}

double dirty_trace_pages(const dirty_model *m, double t0, double t1)
{
    if (!m->ntrace || !(t1 > t0) || !(m->trace_interval_s > 0))
        return 0;
    double sum = 0;
    double dt = m->trace_interval_s;
    /* the trace repeats when the run outlasts it */
    for (double t = t0; t < t1;) {
        double k = floor(t / dt);
        double end = fmin((k + 1) * dt, t1);
        size_t idx = (size_t)fmod(k, (double)m->ntrace);
        sum += m->trace[idx] * (end - t) / dt;
        t = end;
    }
    return fmin(sum, m->mem_pages);
}
