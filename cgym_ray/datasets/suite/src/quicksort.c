/* cgym-suite: category=sorting; quicksort with median-of-three and insertion-sort cutoff on ints and on records via a comparator */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define N_INTS 12000
#define N_RECS 4000
#define CUTOFF 12

typedef struct {
    uint32_t state;
} rng_t;

static uint32_t rng_next(rng_t *r)
{
    uint32_t x = r->state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    r->state = x;
    return x;
}

/* ---------- integer quicksort ---------- */

static void int_swap(int *a, int *b)
{
    int t = *a;
    *a = *b;
    *b = t;
}

static void int_insertion_sort(int *a, int lo, int hi)
{
    for (int i = lo + 1; i <= hi; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

/* orders a[lo], a[mid], a[hi] and returns the median value, placed at hi-1 */
static int int_median3(int *a, int lo, int hi)
{
    int mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo])
        int_swap(&a[mid], &a[lo]);
    if (a[hi] < a[lo])
        int_swap(&a[hi], &a[lo]);
    if (a[hi] < a[mid])
        int_swap(&a[hi], &a[mid]);
    int_swap(&a[mid], &a[hi - 1]);
    return a[hi - 1];
}

static unsigned long qs_partitions;
static unsigned long qs_max_depth;

static void int_quicksort_rec(int *a, int lo, int hi, unsigned long depth)
{
    if (depth > qs_max_depth)
        qs_max_depth = depth;
    while (hi - lo + 1 > CUTOFF) {
        int pivot = int_median3(a, lo, hi);
        int i = lo, j = hi - 1;
        qs_partitions++;
        for (;;) {
            while (a[++i] < pivot) {
            }
            while (pivot < a[--j]) {
            }
            if (i >= j)
                break;
            int_swap(&a[i], &a[j]);
        }
        int_swap(&a[i], &a[hi - 1]);
        /* recurse on the smaller side, loop on the larger */
        if (i - lo < hi - i) {
            int_quicksort_rec(a, lo, i - 1, depth + 1);
            lo = i + 1;
        } else {
            int_quicksort_rec(a, i + 1, hi, depth + 1);
            hi = i - 1;
        }
    }
    int_insertion_sort(a, lo, hi);
}

static void int_quicksort(int *a, int n)
{
    if (n > 1)
        int_quicksort_rec(a, 0, n - 1, 0);
}

/* ---------- generic quicksort with a comparator ---------- */

typedef int (*cmp_fn)(const void *, const void *);

static void mem_swap(unsigned char *a, unsigned char *b, size_t sz)
{
    unsigned char tmp[64];
    while (sz > 0) {
        size_t chunk = sz < sizeof tmp ? sz : sizeof tmp;
        memcpy(tmp, a, chunk);
        memcpy(a, b, chunk);
        memcpy(b, tmp, chunk);
        a += chunk;
        b += chunk;
        sz -= chunk;
    }
}

static unsigned long cmp_calls;

static void gen_insertion(unsigned char *base, size_t n, size_t sz, cmp_fn cmp, unsigned char *tmp)
{
    for (size_t i = 1; i < n; i++) {
        memcpy(tmp, base + i * sz, sz);
        size_t j = i;
        while (j > 0 && cmp(base + (j - 1) * sz, tmp) > 0) {
            memcpy(base + j * sz, base + (j - 1) * sz, sz);
            j--;
        }
        memcpy(base + j * sz, tmp, sz);
    }
}

static void gen_quicksort_rec(unsigned char *base, size_t n, size_t sz, cmp_fn cmp, unsigned char *tmp)
{
    while (n > CUTOFF) {
        unsigned char *lo = base;
        unsigned char *mid = base + (n / 2) * sz;
        unsigned char *hi = base + (n - 1) * sz;
        if (cmp(mid, lo) < 0)
            mem_swap(mid, lo, sz);
        if (cmp(hi, lo) < 0)
            mem_swap(hi, lo, sz);
        if (cmp(hi, mid) < 0)
            mem_swap(hi, mid, sz);
        /* pivot copy kept in tmp[sz..2sz) */
        unsigned char *pv = tmp + sz;
        memcpy(pv, mid, sz);
        size_t i = 0, j = n - 1;
        for (;;) {
            do {
                i++;
            } while (cmp(base + i * sz, pv) < 0);
            do {
                j--;
            } while (cmp(pv, base + j * sz) < 0);
            if (i >= j)
                break;
            mem_swap(base + i * sz, base + j * sz, sz);
        }
        /* elements [0, j] <= pivot, [j+1, n) >= pivot */
        size_t left = j + 1;
        size_t right = n - left;
        if (left < right) {
            gen_quicksort_rec(base, left, sz, cmp, tmp);
            base += left * sz;
            n = right;
        } else {
            gen_quicksort_rec(base + left * sz, right, sz, cmp, tmp);
            n = left;
        }
    }
    gen_insertion(base, n, sz, cmp, tmp);
}

static int gen_quicksort(void *base, size_t n, size_t sz, cmp_fn cmp)
{
    unsigned char *tmp = malloc(2 * sz);
    if (!tmp)
        return -1;
    if (n > 1)
        gen_quicksort_rec(base, n, sz, cmp, tmp);
    free(tmp);
    return 0;
}

/* ---------- records ---------- */

typedef struct {
    int32_t key;
    uint32_t serial;
    char tag[8];
    double weight;
} record_t;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    cmp_calls++;
    return (x > y) - (x < y);
}

static int cmp_rec_key_serial(const void *a, const void *b)
{
    const record_t *x = a, *y = b;
    cmp_calls++;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->serial > y->serial) - (x->serial < y->serial);
}

static int cmp_rec_tag_desc(const void *a, const void *b)
{
    const record_t *x = a, *y = b;
    cmp_calls++;
    int c = strcmp(y->tag, x->tag);
    if (c != 0)
        return c < 0 ? -1 : 1;
    return (x->serial > y->serial) - (x->serial < y->serial);
}

static int cmp_rec_weight(const void *a, const void *b)
{
    const record_t *x = a, *y = b;
    cmp_calls++;
    if (x->weight < y->weight)
        return -1;
    if (x->weight > y->weight)
        return 1;
    return (x->serial > y->serial) - (x->serial < y->serial);
}

/* ---------- input generation ---------- */

enum dist { D_RANDOM, D_SORTED, D_REVERSE, D_FEW_UNIQUE, D_ORGAN_PIPE, D_NEARLY_SORTED, D_COUNT };

static const char *dist_name(int d)
{
    switch (d) {
    case D_RANDOM: return "random";
    case D_SORTED: return "sorted";
    case D_REVERSE: return "reverse";
    case D_FEW_UNIQUE: return "few_unique";
    case D_ORGAN_PIPE: return "organ_pipe";
    case D_NEARLY_SORTED: return "nearly_sorted";
    default: return "?";
    }
}

static void fill_ints(int *a, int n, int d, rng_t *r)
{
    for (int i = 0; i < n; i++) {
        switch (d) {
        case D_RANDOM:
            a[i] = (int)(rng_next(r) % 2000001u) - 1000000;
            break;
        case D_SORTED:
            a[i] = i * 3 - n;
            break;
        case D_REVERSE:
            a[i] = n - i * 2;
            break;
        case D_FEW_UNIQUE:
            a[i] = (int)(rng_next(r) % 7u) * 100;
            break;
        case D_ORGAN_PIPE:
            a[i] = i < n / 2 ? i : n - i;
            break;
        default:
            a[i] = i;
            break;
        }
    }
    if (d == D_NEARLY_SORTED) {
        for (int k = 0; k < n / 50; k++) {
            int x = (int)(rng_next(r) % (uint32_t)n);
            int y = (int)(rng_next(r) % (uint32_t)n);
            int_swap(&a[x], &a[y]);
        }
    }
}

static void fill_records(record_t *rs, int n, rng_t *r)
{
    static const char *syll[] = { "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi" };
    for (int i = 0; i < n; i++) {
        rs[i].key = (int32_t)(rng_next(r) % 500u) - 250;
        rs[i].serial = (uint32_t)i;
        uint32_t h = rng_next(r);
        memset(rs[i].tag, 0, sizeof rs[i].tag);
        for (int s = 0; s < 3; s++) {
            const char *p = syll[(h >> (3 * s)) & 7u];
            rs[i].tag[2 * s] = p[0];
            rs[i].tag[2 * s + 1] = p[1];
        }
        rs[i].weight = (double)(rng_next(r) % 10000u) / 16.0;
    }
}

/* ---------- verification ---------- */

static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* order-independent fingerprint of a multiset of ints */
static uint64_t multiset_fp(const int *a, int n)
{
    uint32_t s = 0, x = 0;
    for (int i = 0; i < n; i++) {
        uint32_t m = mix32((uint32_t)a[i]);
        s += m;
        x ^= m * 2654435761U;
    }
    return ((uint64_t)s << 32) | x;
}

static int ints_sorted(const int *a, int n)
{
    for (int i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 0;
    return 1;
}

static int recs_sorted(const record_t *rs, int n, cmp_fn cmp)
{
    for (int i = 1; i < n; i++)
        if (cmp(&rs[i - 1], &rs[i]) > 0)
            return 0;
    return 1;
}

static uint32_t fnv_ints(uint32_t h, const int *a, int n)
{
    for (int i = 0; i < n; i++) {
        uint32_t v = (uint32_t)a[i];
        for (int b = 0; b < 4; b++) {
            h ^= (v >> (8 * b)) & 0xffu;
            h *= 16777619u;
        }
    }
    return h;
}

static uint32_t fnv_recs(uint32_t h, const record_t *rs, int n)
{
    for (int i = 0; i < n; i++) {
        h ^= rs[i].serial;
        h *= 16777619u;
        h ^= (uint32_t)rs[i].key;
        h *= 16777619u;
    }
    return h;
}

int main(void)
{
    rng_t r = { 0x2545F491u };
    uint32_t checksum = 2166136261u;
    int all_ok = 1;

    int *a = malloc(sizeof(int) * N_INTS);
    int *b = malloc(sizeof(int) * N_INTS);
    record_t *rs = malloc(sizeof(record_t) * N_RECS);
    if (!a || !b || !rs) {
        free(a);
        free(b);
        free(rs);
        return 1;
    }

    for (int d = 0; d < D_COUNT; d++) {
        fill_ints(a, N_INTS, d, &r);
        memcpy(b, a, sizeof(int) * N_INTS);
        uint64_t fp_before = multiset_fp(a, N_INTS);
        qs_partitions = 0;
        qs_max_depth = 0;
        int_quicksort(a, N_INTS);
        cmp_calls = 0;
        gen_quicksort(b, N_INTS, sizeof(int), cmp_int);
        int ok = ints_sorted(a, N_INTS) && multiset_fp(a, N_INTS) == fp_before &&
                 memcmp(a, b, sizeof(int) * N_INTS) == 0;
        all_ok &= ok;
        printf("ints %-14s n=%d partitions=%lu depth=%lu generic_cmps=%lu min=%d max=%d %s\n",
               dist_name(d), N_INTS, qs_partitions, qs_max_depth, cmp_calls, a[0], a[N_INTS - 1],
               ok ? "OK" : "FAIL");
        checksum = fnv_ints(checksum, a, N_INTS);
    }

    /* small sizes, including edge cases 0..40 */
    int small_ok = 1;
    for (int n = 0; n <= 40; n++) {
        fill_ints(a, n, D_RANDOM, &r);
        memcpy(b, a, sizeof(int) * (size_t)n);
        int_quicksort(a, n);
        int_insertion_sort(b, 0, n - 1);
        if (n > 0 && memcmp(a, b, sizeof(int) * (size_t)n) != 0)
            small_ok = 0;
        checksum = fnv_ints(checksum, a, n);
    }
    all_ok &= small_ok;
    printf("small sizes 0..40: %s\n", small_ok ? "OK" : "FAIL");

    static const struct {
        const char *name;
        cmp_fn cmp;
    } orders[] = {
        { "key+serial", cmp_rec_key_serial },
        { "tag_desc", cmp_rec_tag_desc },
        { "weight", cmp_rec_weight },
    };
    fill_records(rs, N_RECS, &r);
    for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
        cmp_calls = 0;
        gen_quicksort(rs, N_RECS, sizeof(record_t), orders[o].cmp);
        unsigned long calls = cmp_calls;
        int ok = recs_sorted(rs, N_RECS, orders[o].cmp);
        /* serial numbers must still be a permutation */
        unsigned char *seen = calloc(N_RECS, 1);
        if (!seen) {
            free(a);
            free(b);
            free(rs);
            return 1;
        }
        for (int i = 0; i < N_RECS; i++) {
            if (rs[i].serial >= N_RECS || seen[rs[i].serial])
                ok = 0;
            else
                seen[rs[i].serial] = 1;
        }
        free(seen);
        all_ok &= ok;
        printf("records by %-10s n=%d cmps=%lu first=(%d,%u,%s) last=(%d,%u,%s) %s\n",
               orders[o].name, N_RECS, calls, (int)rs[0].key, (unsigned)rs[0].serial, rs[0].tag,
               (int)rs[N_RECS - 1].key, (unsigned)rs[N_RECS - 1].serial, rs[N_RECS - 1].tag,
               ok ? "OK" : "FAIL");
        checksum = fnv_recs(checksum, rs, N_RECS);
    }

    printf("all checks: %s\n", all_ok ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(a);
    free(b);
    free(rs);
    return 0;
}
