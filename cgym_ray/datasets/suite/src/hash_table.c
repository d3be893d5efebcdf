/* cgym-suite: category=data_structure; robin-hood open-addressing and separate-chaining hash tables cross-checked on an insert/delete/lookup mix */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* ------------------------------------------------------------------------- */
/* Robin-hood hash table with backward-shift deletion                        */
/* ------------------------------------------------------------------------- */

typedef struct {
    uint64_t key;
    uint64_t value;
    uint32_t dist; /* probe distance + 1; 0 means empty */
} RhSlot;

typedef struct {
    RhSlot *slots;
    size_t cap; /* power of two */
    size_t size;
    size_t resizes;
    uint64_t probes;
    uint32_t max_dist;
} RhTable;

static void rh_init(RhTable *t, size_t cap)
{
    t->cap = cap;
    t->size = 0;
    t->resizes = 0;
    t->probes = 0;
    t->max_dist = 0;
    t->slots = (RhSlot *)calloc(cap, sizeof(RhSlot));
    if (!t->slots)
        exit(1);
}

static void rh_free(RhTable *t)
{
    free(t->slots);
    t->slots = NULL;
}

static int rh_insert(RhTable *t, uint64_t key, uint64_t value);

static void rh_grow(RhTable *t)
{
    RhSlot *old = t->slots;
    size_t oldcap = t->cap;
    t->cap = oldcap * 2;
    t->slots = (RhSlot *)calloc(t->cap, sizeof(RhSlot));
    if (!t->slots)
        exit(1);
    t->size = 0;
    t->resizes++;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].dist)
            rh_insert(t, old[i].key, old[i].value);
    free(old);
}

/* returns 1 if a new key was added, 0 if an existing key was updated */
static int rh_insert(RhTable *t, uint64_t key, uint64_t value)
{
    if ((t->size + 1) * 8 > t->cap * 7)
        rh_grow(t);
    size_t mask = t->cap - 1;
    size_t idx = (size_t)mix64(key) & mask;
    RhSlot cur;
    cur.key = key;
    cur.value = value;
    cur.dist = 1;
    int found_swap = 0;
    for (;;) {
        RhSlot *s = &t->slots[idx];
        t->probes++;
        if (s->dist == 0) {
            *s = cur;
            if (cur.dist > t->max_dist)
                t->max_dist = cur.dist;
            t->size++;
            return 1;
        }
        if (!found_swap && s->key == key) {
            s->value = value;
            return 0;
        }
        if (s->dist < cur.dist) {
            RhSlot tmp = *s;
            *s = cur;
            if (cur.dist > t->max_dist)
                t->max_dist = cur.dist;
            cur = tmp;
            found_swap = 1;
        }
        idx = (idx + 1) & mask;
        cur.dist++;
    }
}

static RhSlot *rh_find(RhTable *t, uint64_t key)
{
    size_t mask = t->cap - 1;
    size_t idx = (size_t)mix64(key) & mask;
    uint32_t dist = 1;
    for (;;) {
        RhSlot *s = &t->slots[idx];
        t->probes++;
        if (s->dist == 0 || s->dist < dist)
            return NULL;
        if (s->key == key)
            return s;
        idx = (idx + 1) & mask;
        dist++;
    }
}

static int rh_lookup(RhTable *t, uint64_t key, uint64_t *value)
{
    RhSlot *s = rh_find(t, key);
    if (!s)
        return 0;
    *value = s->value;
    return 1;
}

static int rh_delete(RhTable *t, uint64_t key)
{
    RhSlot *s = rh_find(t, key);
    if (!s)
        return 0;
    size_t mask = t->cap - 1;
    size_t idx = (size_t)(s - t->slots);
    for (;;) {
        size_t next = (idx + 1) & mask;
        RhSlot *n = &t->slots[next];
        if (n->dist <= 1) {
            t->slots[idx].dist = 0;
            break;
        }
        t->slots[idx] = *n;
        t->slots[idx].dist--;
        idx = next;
    }
    t->size--;
    return 1;
}

/* checks the robin-hood invariant: every entry sits at home + dist - 1 and
   distances along a run never jump by more than one */
static int rh_check(const RhTable *t)
{
    size_t mask = t->cap - 1;
    size_t count = 0;
    for (size_t i = 0; i < t->cap; i++) {
        const RhSlot *s = &t->slots[i];
        if (!s->dist)
            continue;
        count++;
        size_t home = (size_t)mix64(s->key) & mask;
        if (((home + s->dist - 1) & mask) != i)
            return 0;
        const RhSlot *prev = &t->slots[(i + t->cap - 1) & mask];
        if (s->dist > 1 && (prev->dist == 0 || prev->dist + 1 < s->dist))
            return 0;
    }
    return count == t->size;
}

/* ------------------------------------------------------------------------- */
/* Separate chaining hash table                                              */
/* ------------------------------------------------------------------------- */

typedef struct ChainNode {
    uint64_t key;
    uint64_t value;
    struct ChainNode *next;
} ChainNode;

typedef struct {
    ChainNode **buckets;
    size_t nbuckets;
    size_t size;
    size_t resizes;
    uint64_t probes;
} ChainTable;

static void ch_init(ChainTable *t, size_t nbuckets)
{
    t->nbuckets = nbuckets;
    t->size = 0;
    t->resizes = 0;
    t->probes = 0;
    t->buckets = (ChainNode **)calloc(nbuckets, sizeof(ChainNode *));
    if (!t->buckets)
        exit(1);
}

static size_t ch_index(const ChainTable *t, uint64_t key)
{
    /* different hash than the robin-hood table: multiplicative, high bits */
    uint64_t h = (key ^ (key >> 29)) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) % t->nbuckets;
}

static void ch_rehash(ChainTable *t, size_t nb)
{
    ChainNode **old = t->buckets;
    size_t oldn = t->nbuckets;
    t->buckets = (ChainNode **)calloc(nb, sizeof(ChainNode *));
    if (!t->buckets)
        exit(1);
    t->nbuckets = nb;
    for (size_t i = 0; i < oldn; i++) {
        ChainNode *n = old[i];
        while (n) {
            ChainNode *next = n->next;
            size_t b = ch_index(t, n->key);
            n->next = t->buckets[b];
            t->buckets[b] = n;
            n = next;
        }
    }
    free(old);
    t->resizes++;
}

static int ch_insert(ChainTable *t, uint64_t key, uint64_t value)
{
    size_t b = ch_index(t, key);
    for (ChainNode *n = t->buckets[b]; n; n = n->next) {
        t->probes++;
        if (n->key == key) {
            n->value = value;
            return 0;
        }
    }
    ChainNode *n = (ChainNode *)malloc(sizeof(ChainNode));
    if (!n)
        exit(1);
    n->key = key;
    n->value = value;
    n->next = t->buckets[b];
    t->buckets[b] = n;
    t->size++;
    if (t->size > t->nbuckets)
        ch_rehash(t, t->nbuckets * 2 + 1);
    return 1;
}

static int ch_lookup(ChainTable *t, uint64_t key, uint64_t *value)
{
    for (ChainNode *n = t->buckets[ch_index(t, key)]; n; n = n->next) {
        t->probes++;
        if (n->key == key) {
            *value = n->value;
            return 1;
        }
    }
    return 0;
}

static int ch_delete(ChainTable *t, uint64_t key)
{
    ChainNode **pp = &t->buckets[ch_index(t, key)];
    while (*pp) {
        t->probes++;
        if ((*pp)->key == key) {
            ChainNode *dead = *pp;
            *pp = dead->next;
            free(dead);
            t->size--;
            /* shrink when very sparse */
            if (t->nbuckets > 64 && t->size * 8 < t->nbuckets)
                ch_rehash(t, t->nbuckets / 2);
            return 1;
        }
        pp = &(*pp)->next;
    }
    return 0;
}

static size_t ch_longest_chain(const ChainTable *t)
{
    size_t best = 0;
    for (size_t i = 0; i < t->nbuckets; i++) {
        size_t len = 0;
        for (const ChainNode *n = t->buckets[i]; n; n = n->next)
            len++;
        if (len > best)
            best = len;
    }
    return best;
}

static void ch_free(ChainTable *t)
{
    for (size_t i = 0; i < t->nbuckets; i++) {
        ChainNode *n = t->buckets[i];
        while (n) {
            ChainNode *next = n->next;
            free(n);
            n = next;
        }
    }
    free(t->buckets);
    t->buckets = NULL;
}

/* ------------------------------------------------------------------------- */
/* Workload                                                                  */
/* ------------------------------------------------------------------------- */

#define UNIVERSE_BITS 14
#define UNIVERSE (1u << UNIVERSE_BITS)

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint32_t rng32(void)
{
    uint64_t old = rng_state;
    rng_state = old * 6364136223846793005ull + 1442695040888963407ull;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

/* bijective scramble of a small id into a 64-bit key (odd multiplier + xor) */
static uint64_t key_of(uint32_t id)
{
    uint64_t k = (uint64_t)id * 0xD6E8FEB86659FD93ull;
    return k ^ 0x5851F42D4C957F2Dull;
}

typedef struct {
    uint64_t value[UNIVERSE];
    uint8_t present[UNIVERSE];
    size_t size;
} Oracle;

int main(void)
{
    RhTable rh;
    ChainTable ch;
    static Oracle oracle;
    rh_init(&rh, 16);
    ch_init(&ch, 17);
    memset(&oracle, 0, sizeof(oracle));

    uint64_t checksum = 0xcbf29ce484222325ull;
    long n_ins = 0, n_upd = 0, n_del = 0, n_del_miss = 0, n_hit = 0, n_miss = 0;
    int mismatches = 0;
    int invariant_fail = 0;
    const int phases = 4;
    const int ops_per_phase = 30000;

    for (int phase = 0; phase < phases; phase++) {
        /* phases alternate between growth-heavy and delete-heavy mixes,
           and the key range widens to force resizes */
        uint32_t range = UNIVERSE >> (phases - 1 - phase);
        int ins_pct = (phase % 2 == 0) ? 55 : 25;
        int del_pct = (phase % 2 == 0) ? 15 : 45;
        for (int op = 0; op < ops_per_phase; op++) {
            uint32_t id = rng32() % range;
            uint64_t key = key_of(id);
            int r = (int)(rng32() % 100);
            if (r < ins_pct) {
                uint64_t val = ((uint64_t)rng32() << 32) | rng32();
                int a = rh_insert(&rh, key, val);
                int b = ch_insert(&ch, key, val);
                int c = !oracle.present[id];
                oracle.present[id] = 1;
                oracle.value[id] = val;
                if (c)
                    oracle.size++;
                if (a != b || b != c)
                    mismatches++;
                if (c)
                    n_ins++;
                else
                    n_upd++;
            } else if (r < ins_pct + del_pct) {
                int a = rh_delete(&rh, key);
                int b = ch_delete(&ch, key);
                int c = oracle.present[id];
                if (c) {
                    oracle.present[id] = 0;
                    oracle.size--;
                    n_del++;
                } else {
                    n_del_miss++;
                }
                if (a != b || b != c)
                    mismatches++;
            } else {
                uint64_t va = 0, vb = 0;
                int a = rh_lookup(&rh, key, &va);
                int b = ch_lookup(&ch, key, &vb);
                int c = oracle.present[id];
                if (a != b || b != c || (a && (va != vb || va != oracle.value[id])))
                    mismatches++;
                if (a) {
                    n_hit++;
                    checksum = (checksum ^ va) * 0x100000001b3ull;
                } else {
                    n_miss++;
                }
            }
        }
        if (!rh_check(&rh))
            invariant_fail++;
        if (rh.size != oracle.size || ch.size != oracle.size)
            mismatches++;
        printf("phase %d: range=%5u size=%5zu rh_cap=%6zu load=%.3f max_dist=%u chain_buckets=%6zu "
               "longest_chain=%zu\n",
               phase, (unsigned)range, rh.size, rh.cap, (double)rh.size / (double)rh.cap,
               (unsigned)rh.max_dist, ch.nbuckets, ch_longest_chain(&ch));
    }

    /* full scan: both tables must contain exactly the oracle's entries */
    uint64_t sum_rh = 0, sum_ch = 0, sum_or = 0;
    for (size_t i = 0; i < rh.cap; i++)
        if (rh.slots[i].dist)
            sum_rh += rh.slots[i].value ^ rh.slots[i].key;
    for (size_t i = 0; i < ch.nbuckets; i++)
        for (const ChainNode *n = ch.buckets[i]; n; n = n->next)
            sum_ch += n->value ^ n->key;
    for (uint32_t id = 0; id < UNIVERSE; id++)
        if (oracle.present[id])
            sum_or += oracle.value[id] ^ key_of(id);
    if (sum_rh != sum_or || sum_ch != sum_or)
        mismatches++;

    /* drain: delete everything in a scrambled order */
    uint32_t step = 7919; /* prime, coprime with the power-of-two universe */
    uint32_t id = 0;
    for (uint32_t i = 0; i < UNIVERSE; i++) {
        id = (id + step) & (UNIVERSE - 1);
        if (oracle.present[id]) {
            if (!rh_delete(&rh, key_of(id)) || !ch_delete(&ch, key_of(id)))
                mismatches++;
            oracle.present[id] = 0;
            oracle.size--;
        }
        if ((i & 1023) == 0 && !rh_check(&rh))
            invariant_fail++;
    }
    if (rh.size != 0 || ch.size != 0)
        mismatches++;

    printf("ops: inserts=%ld updates=%ld deletes=%ld delete-misses=%ld hits=%ld misses=%ld\n", n_ins,
           n_upd, n_del, n_del_miss, n_hit, n_miss);
    printf("robin-hood: resizes=%zu probes=%llu; chaining: resizes=%zu probes=%llu\n", rh.resizes,
           (unsigned long long)rh.probes, ch.resizes, (unsigned long long)ch.probes);
    printf("scan sum: %016llx\n", (unsigned long long)sum_or);
    printf("mismatches: %d, invariant failures: %d\n", mismatches, invariant_fail);
    checksum ^= sum_or;
    checksum = (checksum ^ rh.probes) * 0x100000001b3ull;
    checksum = (checksum ^ ch.probes) * 0x100000001b3ull;
    checksum ^= (uint64_t)(n_ins * 31 + n_del * 17 + n_hit);
    printf("checksum: 0x%08x\n", (unsigned)(checksum ^ (checksum >> 32)));
    rh_free(&rh);
    ch_free(&ch);
    return 0;
}
