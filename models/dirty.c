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

/* Pages the trace counts from 0 to t: whole repetitions at once (the trace
 * repeats when the run outlasts it), then the intervals of the last one, so
 * the cost does not grow with the span. */
static double trace_cumulative(const dirty_model *m, double t)
{
    double dt = m->trace_interval_s, period = dt * (double)m->ntrace, per = 0;
    for (size_t i = 0; i < m->ntrace; i++)
        per += m->trace[i];
    double reps = floor(t / period), x = t - reps * period, sum = reps * per;
    for (size_t i = 0; i < m->ntrace && x > 0; i++) {
        sum += m->trace[i] * fmin(x, dt) / dt;
        x -= dt;
    }
    return sum;
}

double dirty_trace_pages(const dirty_model *m, double t0, double t1)
{
    if (!m->ntrace || !(t1 > t0) || !(m->trace_interval_s > 0))
        return 0;
    double sum = trace_cumulative(m, t1) - trace_cumulative(m, t0);
    return fmin(fmax(sum, 0), m->mem_pages);
}
