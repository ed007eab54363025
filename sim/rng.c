/* rng — stream seeding.
 *
 * gsl_rng_set() seeds MT19937 from 32 bits only, so two of a few hundred
 * thousand streams (runs x components) would share a sequence by the birthday
 * bound. Instead the full 624-word state is filled from the stream's 64-bit
 * key with the reference init_by_array procedure of Matsumoto and Nishimura
 * (mt19937ar.c, 2002), written into GSL's documented state buffer
 * (gsl_rng_state). The layout (624 unsigned longs, then the index) is checked
 * against gsl_rng_size at creation; tests check the first outputs against the
 * published reference sequence of init_by_array. */
#include "sim/rng.h"

#include <glib.h>
#include <string.h>

#define MT_N 624

typedef struct {
    unsigned long mt[MT_N];
    int mti;
} mt_state;

struct rng_streams {
    uint64_t seed, run;
    GHashTable *by_name; /* name -> gsl_rng*; looked up only, never iterated */
    mt_state base;       /* init_by_array's first step, the same for every key */
};

/* splitmix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* FNV-1a, 64-bit. */
static uint64_t hash_name(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t rng_stream_key(uint64_t seed, uint64_t run, const char *name)
{
    uint64_t k = mix64(seed + 0x9e3779b97f4a7c15ULL);
    k = mix64(k ^ (run * 0xd1b54a32d192ed03ULL + 1));
    return mix64(k ^ hash_name(name));
}

/* init_by_array's first step: init_genrand(19650218), whatever the key. */
static void mt_init_base(mt_state *st)
{
    unsigned long *mt = st->mt;
    mt[0] = 19650218UL;
    for (int j = 1; j < MT_N; j++)
        mt[j] = (1812433253UL * (mt[j - 1] ^ (mt[j - 1] >> 30)) + (unsigned long)j) & 0xffffffffUL;
}

/* The rest of init_by_array, on a state that holds the first step's. */
static void mt_mix_key(mt_state *st, const uint32_t *key, int len)
{
    unsigned long *mt = st->mt;
    int i = 1, j = 0;
    for (int k = MT_N > len ? MT_N : len; k; k--) {
        mt[i] = ((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525UL)) + key[j] + (unsigned long)j)
                & 0xffffffffUL;
        i++;
        j++;
        if (i >= MT_N) {
            mt[0] = mt[MT_N - 1];
            i = 1;
        }
        if (j >= len)
            j = 0;
    }
    for (int k = MT_N - 1; k; k--) {
        mt[i] = ((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941UL)) - (unsigned long)i)
                & 0xffffffffUL;
        i++;
        if (i >= MT_N) {
            mt[0] = mt[MT_N - 1];
            i = 1;
        }
    }
    mt[0] = 0x80000000UL;
    st->mti = MT_N; /* next draw regenerates the block */
}

static bool layout_ok(const gsl_rng *r) { return r->type == gsl_rng_mt19937 && gsl_rng_size(r) == sizeof(mt_state); }

bool rng_seed_by_array(gsl_rng *r, const uint32_t *key, int len)
{
    if (!layout_ok(r) || len < 1)
        return false;
    mt_init_base(gsl_rng_state(r));
    mt_mix_key(gsl_rng_state(r), key, len);
    return true;
}

/* A stream's seeding: the first step copied from the streams' own (a run
 * seeds a few dozen streams; the step was a third of their seeding). */
static void seed_stream(const rng_streams *rs, gsl_rng *r, uint64_t key)
{
    uint32_t words[2] = { (uint32_t)key, (uint32_t)(key >> 32) };
    if (!layout_ok(r))
        g_error("rng: GSL's MT19937 state layout is not the expected one");
    mt_state *st = gsl_rng_state(r);
    *st = rs->base;
    mt_mix_key(st, words, 2);
}

rng_streams *rng_streams_new(uint64_t seed, uint64_t run)
{
    rng_streams *rs = g_new0(rng_streams, 1);
    rs->seed = seed;
    rs->run = run;
    rs->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)gsl_rng_free);
    mt_init_base(&rs->base);
    return rs;
}

void rng_streams_free(rng_streams *rs)
{
    if (!rs)
        return;
    g_hash_table_destroy(rs->by_name);
    g_free(rs);
}

gsl_rng *rng_stream(rng_streams *rs, const char *name)
{
    gsl_rng *r = g_hash_table_lookup(rs->by_name, name);
    if (r)
        return r;
    r = gsl_rng_alloc(gsl_rng_mt19937);
    seed_stream(rs, r, rng_stream_key(rs->seed, rs->run, name));
    g_hash_table_insert(rs->by_name, g_strdup(name), r);
    return r;
}
