/* progress — a terminal progress bar. */
#include "cli/progress.h"

#include <glib.h>
#include <stdio.h>
#include <unistd.h>


struct progress {
    char *what;
    size_t total;
    gint done;
    gint64 t0, last; /* monotonic microseconds */
    GMutex lock;
};

progress *progress_new(const char *what, size_t total)
{
    if (total < 2 || !isatty(STDERR_FILENO))
        return NULL;
    progress *p = g_new0(progress, 1);
    p->what = g_strdup(what);
    p->total = total;
    p->t0 = g_get_monotonic_time();
    g_mutex_init(&p->lock);
    return p;
}

static void draw(progress *p, size_t done, gint64 now)
{
    double secs = (double)(now - p->t0) / 1e6, rate = secs > 0 ? done / secs : 0;
    double eta = rate > 0 ? (p->total - done) / rate : 0;
    int width = 30, fill = (int)(width * done / p->total);
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
    bar[width] = '\0';
    fprintf(stderr, "\r[%s] %3.0f%% %zu/%zu %s, %.0f/s, ETA %d:%02d ", bar, 100.0 * done / p->total, done, p->total,
            p->what, rate, (int)eta / 60, (int)eta % 60);
    fflush(stderr);
}

void progress_tick(progress *p)
{
    if (!p)
        return;
    size_t done = (size_t)g_atomic_int_add(&p->done, 1) + 1;
    gint64 now = g_get_monotonic_time();
    if (done < p->total && now - p->last < 100000)
        return;
    g_mutex_lock(&p->lock);
    if (done == p->total || now - p->last >= 100000) {
        p->last = now;
        draw(p, done, now);
    }
    g_mutex_unlock(&p->lock);
}

void progress_set(progress *p, size_t done)
{
    if (!p)
        return;
    if (done > p->total)
        done = p->total;
    g_atomic_int_set(&p->done, (gint)done);
    gint64 now = g_get_monotonic_time();
    g_mutex_lock(&p->lock);
    if (now - p->last >= 100000) {
        p->last = now;
        draw(p, done, now);
    }
    g_mutex_unlock(&p->lock);
}

void progress_free(progress *p)
{
    if (!p)
        return;
    fprintf(stderr, "\r%*s\r", 90, "");
    fflush(stderr);
    g_mutex_clear(&p->lock);
    g_free(p->what);
    g_free(p);
}
