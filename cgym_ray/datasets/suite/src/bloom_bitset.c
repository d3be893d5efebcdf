/* cgym-suite: category=searching; Bloom filters with k hashes, a counting Bloom filter and a bitset set, with false-positive rate measurement */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

#define UNIVERSE (1u << 18)
#define N_INSERT 4000
#define N_PROBE 12000

/* ---------- bitset ---------- */

typedef struct {
    uint64_t *words;
    size_t nbits;
    size_t nwords;
} bitset_t;

static int bs_init(bitset_t *b, size_t nbits)
{
    b->nbits = nbits;
    b->nwords = (nbits + 63) / 64;
    b->words = calloc(b->nwords ? b->nwords : 1, sizeof(uint64_t));
    return b->words ? 0 : -1;
}

static void bs_free(bitset_t *b)
{
    free(b->words);
    b->words = NULL;
}

static void bs_clear_all(bitset_t *b)
{
    memset(b->words, 0, b->nwords * sizeof(uint64_t));
}

static void bs_set(bitset_t *b, size_t i)
{
    b->words[i >> 6] |= (uint64_t)1 << (i & 63);
}

static void bs_reset(bitset_t *b, size_t i)
{
    b->words[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

static int bs_test(const bitset_t *b, size_t i)
{
    return (int)((b->words[i >> 6] >> (i & 63)) & 1u);
}

static unsigned popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

static size_t bs_count(const bitset_t *b)
{
    size_t c = 0;
    for (size_t w = 0; w < b->nwords; w++)
        c += popcount64(b->words[w]);
    return c;
}

static unsigned ctz64(uint64_t x)
{
    /* x != 0; de Bruijn multiplication */
    static const unsigned char table[64] = {
        0,  1,  2,  53, 3,  7,  54, 27, 4,  38, 41, 8,  34, 55, 48, 28,
        62, 5,  39, 46, 44, 42, 22, 9,  24, 35, 59, 56, 49, 18, 29, 11,
        63, 52, 6,  26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
        51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
    };
    return table[((x & (~x + 1)) * 0x022fdd63cc95386dULL) >> 58];
}

/* next set bit at or after i, or nbits */
static size_t bs_next(const bitset_t *b, size_t i)
{
    if (i >= b->nbits)
        return b->nbits;
    size_t w = i >> 6;
    uint64_t cur = b->words[w] & (~(uint64_t)0 << (i & 63));
    for (;;) {
        if (cur != 0) {
            size_t pos = w * 64 + ctz64(cur);
            return pos < b->nbits ? pos : b->nbits;
        }
        if (++w >= b->nwords)
            return b->nbits;
        cur = b->words[w];
    }
}

enum set_op { OP_UNION, OP_INTERSECT, OP_DIFF, OP_XOR };

static void bs_combine(bitset_t *dst, const bitset_t *x, const bitset_t *y, enum set_op op)
{
    for (size_t w = 0; w < dst->nwords; w++) {
        uint64_t a = x->words[w], b = y->words[w], r;
        switch (op) {
        case OP_UNION: r = a | b; break;
        case OP_INTERSECT: r = a & b; break;
        case OP_DIFF: r = a & ~b; break;
        case OP_XOR:
        default: r = a ^ b; break;
        }
        dst->words[w] = r;
    }
}

/* ---------- hashing ---------- */

static uint64_t fnv1a64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---------- Bloom filter (double hashing h1 + i*h2) ---------- */

typedef struct {
    bitset_t bits;
    unsigned k;
    size_t inserted;
} bloom_t;

static int bloom_init(bloom_t *f, size_t m_bits, unsigned k)
{
    f->k = k;
    f->inserted = 0;
    return bs_init(&f->bits, m_bits);
}

static void bloom_hashes(const char *key, uint64_t *h1, uint64_t *h2)
{
    uint64_t base = fnv1a64(key, strlen(key));
    *h1 = mix64(base);
    *h2 = mix64(base ^ 0x9e3779b97f4a7c15ULL) | 1u; /* odd step */
}

static void bloom_add(bloom_t *f, const char *key)
{
    uint64_t h1, h2;
    bloom_hashes(key, &h1, &h2);
    for (unsigned i = 0; i < f->k; i++)
        bs_set(&f->bits, (size_t)((h1 + (uint64_t)i * h2) % f->bits.nbits));
    f->inserted++;
}

static int bloom_maybe(const bloom_t *f, const char *key)
{
    uint64_t h1, h2;
    bloom_hashes(key, &h1, &h2);
    for (unsigned i = 0; i < f->k; i++)
        if (!bs_test(&f->bits, (size_t)((h1 + (uint64_t)i * h2) % f->bits.nbits)))
            return 0;
    return 1;
}

/* ---------- counting Bloom filter (8-bit saturating counters) ---------- */

typedef struct {
    uint8_t *cnt;
    size_t m;
    unsigned k;
    unsigned long saturated;
} cbloom_t;

static int cbloom_init(cbloom_t *f, size_t m, unsigned k)
{
    f->m = m;
    f->k = k;
    f->saturated = 0;
    f->cnt = calloc(m, 1);
    return f->cnt ? 0 : -1;
}

static void cbloom_update(cbloom_t *f, const char *key, int delta)
{
    uint64_t h1, h2;
    bloom_hashes(key, &h1, &h2);
    for (unsigned i = 0; i < f->k; i++) {
        size_t j = (size_t)((h1 + (uint64_t)i * h2) % f->m);
        if (delta > 0) {
            if (f->cnt[j] == 255)
                f->saturated++;
            else
                f->cnt[j]++;
        } else if (f->cnt[j] > 0 && f->cnt[j] < 255) {
            f->cnt[j]--;
        }
    }
}

static int cbloom_maybe(const cbloom_t *f, const char *key)
{
    uint64_t h1, h2;
    bloom_hashes(key, &h1, &h2);
    for (unsigned i = 0; i < f->k; i++)
        if (f->cnt[(size_t)((h1 + (uint64_t)i * h2) % f->m)] == 0)
            return 0;
    return 1;
}

/* ---------- key generation ---------- */

static uint32_t lcg_state = 12345u;

static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static void key_name(char *buf, size_t cap, uint32_t id)
{
    static const char *kinds[] = { "user", "host", "item", "sess" };
    snprintf(buf, cap, "%s:%05u-%x", kinds[id & 3u], (unsigned)(id >> 2), (unsigned)(id * 2654435761u) >> 20);
}

/* ---------- experiments ---------- */

static int run_bitset_tests(uint32_t *checksum)
{
    bitset_t a = { NULL, 0, 0 }, b = { NULL, 0, 0 }, r = { NULL, 0, 0 };
    int ok = 1;
    if (bs_init(&a, UNIVERSE) || bs_init(&b, UNIVERSE) || bs_init(&r, UNIVERSE)) {
        bs_free(&a); bs_free(&b); bs_free(&r);
        return 0;
    }
    unsigned char *ref_a = calloc(UNIVERSE, 1);
    unsigned char *ref_b = calloc(UNIVERSE, 1);
    if (!ref_a || !ref_b) {
        free(ref_a); free(ref_b); bs_free(&a); bs_free(&b); bs_free(&r);
        return 0;
    }
    for (int i = 0; i < 30000; i++) {
        uint32_t x = lcg_next() >> 14; /* < 2^18 */
        uint32_t y = (lcg_next() >> 14) & ~3u;
        bs_set(&a, x);
        ref_a[x] = 1;
        bs_set(&b, y);
        ref_b[y] = 1;
        if ((i % 7) == 0) {
            uint32_t z = lcg_next() >> 14;
            bs_reset(&a, z);
            ref_a[z] = 0;
        }
    }
    static const char *op_names[] = { "union", "intersect", "diff", "xor" };
    for (int op = OP_UNION; op <= OP_XOR; op++) {
        bs_clear_all(&r);
        bs_combine(&r, &a, &b, (enum set_op)op);
        size_t expect = 0;
        for (size_t i = 0; i < UNIVERSE; i++) {
            int e;
            switch (op) {
            case OP_UNION: e = ref_a[i] | ref_b[i]; break;
            case OP_INTERSECT: e = ref_a[i] & ref_b[i]; break;
            case OP_DIFF: e = ref_a[i] & !ref_b[i]; break;
            default: e = ref_a[i] ^ ref_b[i]; break;
            }
            expect += (size_t)e;
            if (bs_test(&r, i) != e)
                ok = 0;
        }
        /* iterate members with bs_next and fold them into the checksum */
        size_t iter_count = 0;
        uint32_t h = 0;
        for (size_t i = bs_next(&r, 0); i < r.nbits; i = bs_next(&r, i + 1)) {
            iter_count++;
            h = (h ^ (uint32_t)i) * 0x01000193u;
        }
        size_t cnt = bs_count(&r);
        if (cnt != expect || iter_count != expect)
            ok = 0;
        printf("bitset %-9s |A|=%zu |B|=%zu result=%zu hash=%08x\n", op_names[op], bs_count(&a), bs_count(&b), cnt,
               (unsigned)h);
        *checksum = (*checksum ^ h) * 0x01000193u;
    }
    printf("bitset checks: %s\n", ok ? "OK" : "FAIL");
    free(ref_a); free(ref_b);
    bs_free(&a); bs_free(&b); bs_free(&r);
    return ok;
}

static int run_bloom_tests(uint32_t *checksum)
{
    static const struct {
        size_t bits_per_key;
        unsigned k;
    } configs[] = { { 4, 2 }, { 8, 3 }, { 8, 6 }, { 10, 7 }, { 16, 11 }, { 6, 1 } };
    char buf[48];
    int ok = 1;
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        bloom_t f;
        size_t m = configs[c].bits_per_key * N_INSERT + 13; /* odd size on purpose */
        if (bloom_init(&f, m, configs[c].k) != 0) {
            bs_free(&f.bits);
            return 0;
        }
        /* even ids are inserted, odd ids are probed: disjoint by construction */
        for (uint32_t i = 0; i < N_INSERT; i++) {
            key_name(buf, sizeof buf, 2 * i + 2000 * (uint32_t)c);
            bloom_add(&f, buf);
        }
        size_t false_neg = 0;
        for (uint32_t i = 0; i < N_INSERT; i++) {
            key_name(buf, sizeof buf, 2 * i + 2000 * (uint32_t)c);
            if (!bloom_maybe(&f, buf))
                false_neg++;
        }
        size_t false_pos = 0;
        for (uint32_t i = 0; i < N_PROBE; i++) {
            uint32_t id = 2 * (i + 200000) + 1;
            key_name(buf, sizeof buf, id);
            false_pos += (size_t)bloom_maybe(&f, buf);
        }
        size_t set_bits = bs_count(&f.bits);
        double fill = (double)set_bits / (double)m;
        double theory = pow(1.0 - exp(-(double)configs[c].k * (double)N_INSERT / (double)m), (double)configs[c].k);
        double measured = (double)false_pos / (double)N_PROBE;
        /* measured rate should be within a loose factor of theory */
        int plausible = measured <= theory * 2.0 + 0.002 && measured >= theory * 0.5 - 0.002;
        if (false_neg != 0 || !plausible)
            ok = 0;
        printf("bloom m=%6zu k=%2u fill=%.3f false_pos=%5zu/%d rate=%.4f theory=%.4f false_neg=%zu\n", m,
               configs[c].k, fill, false_pos, N_PROBE, measured, theory, false_neg);
        *checksum = (*checksum ^ (uint32_t)set_bits) * 0x01000193u;
        *checksum = (*checksum ^ (uint32_t)false_pos) * 0x01000193u;
        bs_free(&f.bits);
    }
    printf("bloom checks: %s\n", ok ? "OK" : "FAIL");
    return ok;
}

static int run_counting_bloom(uint32_t *checksum)
{
    cbloom_t f;
    char buf[48];
    int ok = 1;
    if (cbloom_init(&f, 10 * N_INSERT + 1, 5) != 0)
        return 0;
    for (uint32_t i = 0; i < N_INSERT; i++) {
        key_name(buf, sizeof buf, 4 * i + 1);
        cbloom_update(&f, buf, +1);
    }
    /* delete every third inserted key */
    for (uint32_t i = 0; i < N_INSERT; i += 3) {
        key_name(buf, sizeof buf, 4 * i + 1);
        cbloom_update(&f, buf, -1);
    }
    size_t kept_missing = 0, deleted_present = 0;
    for (uint32_t i = 0; i < N_INSERT; i++) {
        key_name(buf, sizeof buf, 4 * i + 1);
        int m = cbloom_maybe(&f, buf);
        if (i % 3 == 0)
            deleted_present += (size_t)m;
        else if (!m)
            kept_missing++;
    }
    size_t fp = 0;
    for (uint32_t i = 0; i < N_PROBE; i++) {
        key_name(buf, sizeof buf, 4 * i + 3);
        fp += (size_t)cbloom_maybe(&f, buf);
    }
    uint32_t csum = 0;
    size_t nonzero = 0;
    for (size_t i = 0; i < f.m; i++) {
        csum = csum * 31u + f.cnt[i];
        nonzero += f.cnt[i] != 0;
    }
    if (kept_missing != 0)
        ok = 0;
    printf("counting bloom: nonzero=%zu kept_missing=%zu deleted_still_reported=%zu false_pos=%zu saturated=%lu %s\n",
           nonzero, kept_missing, deleted_present, fp, f.saturated, ok ? "OK" : "FAIL");
    *checksum = (*checksum ^ csum) * 0x01000193u;
    free(f.cnt);
    return ok;
}

int main(void)
{
    uint32_t checksum = 0x811c9dc5u;
    int ok = 1;
    ok &= run_bitset_tests(&checksum);
    ok &= run_bloom_tests(&checksum);
    ok &= run_counting_bloom(&checksum);
    printf("all checks: %s\n", ok ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
