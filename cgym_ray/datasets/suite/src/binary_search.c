/* cgym-suite: category=searching; binary, interpolation, exponential and galloping search with lower/upper bound queries, cross-checked */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define N_ARR 20000
#define N_QUERIES 6000

typedef struct {
    uint32_t a, b, c, d;
} rng_t;

/* small chaotic generator (jsf32) */
static uint32_t rot32(uint32_t x, unsigned k)
{
    return (x << k) | (x >> (32 - k));
}

static uint32_t rng_next(rng_t *r)
{
    uint32_t e = r->a - rot32(r->b, 27);
    r->a = r->b ^ rot32(r->c, 17);
    r->b = r->c + r->d;
    r->c = r->d + e;
    r->d = e + r->a;
    return r->d;
}

static void rng_seed(rng_t *r, uint32_t seed)
{
    r->a = 0xf1ea5eedu;
    r->b = r->c = r->d = seed;
    for (int i = 0; i < 20; i++)
        (void)rng_next(r);
}

typedef struct {
    unsigned long probes;
    unsigned long calls;
} stats_t;

/* first index i with a[i] >= key, n if none */
static size_t lower_bound(const int32_t *a, size_t n, int32_t key, stats_t *st)
{
    size_t lo = 0, hi = n;
    st->calls++;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        st->probes++;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* first index i with a[i] > key, n if none */
static size_t upper_bound(const int32_t *a, size_t n, int32_t key, stats_t *st)
{
    size_t lo = 0, hi = n;
    st->calls++;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        st->probes++;
        if (a[mid] <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* classic search for any index with a[i] == key, -1 if absent */
static long binary_search(const int32_t *a, size_t n, int32_t key, stats_t *st)
{
    long lo = 0, hi = (long)n - 1;
    st->calls++;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        st->probes++;
        if (a[mid] == key)
            return mid;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* interpolation search returning the lower bound; after a few interpolation probes it
   falls back to bisection so that skewed data cannot make it linear */
static size_t interpolation_lower_bound(const int32_t *a, size_t n, int32_t key, stats_t *st)
{
    size_t lo = 0, hi = n; /* answer in [lo, hi] */
    int rounds = 0;
    st->calls++;
    while (lo < hi) {
        size_t mid;
        int64_t lv = a[lo], hv = a[hi - 1];
        st->probes++;
        if (key <= lv)
            return lo;
        if (key > hv)
            return hi;
        /* here a[lo] < key <= a[hi-1], hence hv > lv and hi - 1 > lo */
        if (rounds++ < 6) {
            int64_t span = (int64_t)(hi - 1 - lo);
            int64_t off = ((int64_t)key - lv) * span / (hv - lv);
            mid = lo + (size_t)off;
        } else {
            mid = lo + (hi - lo) / 2;
        }
        st->probes++;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid; /* mid > lo because a[lo] < key */
    }
    return lo;
}

/* exponential search from the front: find range [2^(k-1), 2^k) then bisect */
static size_t exponential_lower_bound(const int32_t *a, size_t n, int32_t key, stats_t *st)
{
    st->calls++;
    if (n == 0)
        return 0;
    st->probes++;
    if (a[0] >= key)
        return 0;
    size_t bound = 1;
    while (bound < n) {
        st->probes++;
        if (a[bound] >= key)
            break;
        bound *= 2;
    }
    size_t lo = bound / 2 + 1;
    size_t hi = bound < n ? bound : n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        st->probes++;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* galloping lower bound starting from a hint position, in either direction */
static size_t gallop_lower_bound(const int32_t *a, size_t n, int32_t key, size_t hint, stats_t *st)
{
    size_t lo, hi;
    st->calls++;
    if (n == 0)
        return 0;
    if (hint >= n)
        hint = n - 1;
    st->probes++;
    if (a[hint] < key) {
        /* gallop right: answer in (hint, n] */
        size_t step = 1;
        lo = hint + 1;
        hi = n;
        while (hint + step < n) {
            st->probes++;
            if (a[hint + step] >= key) {
                hi = hint + step;
                break;
            }
            lo = hint + step + 1;
            step *= 2;
        }
    } else {
        /* gallop left: answer in [0, hint] */
        size_t step = 1;
        lo = 0;
        hi = hint;
        while (step <= hint) {
            st->probes++;
            if (a[hint - step] < key) {
                lo = hint - step + 1;
                break;
            }
            hi = hint - step;
            step *= 2;
        }
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        st->probes++;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t linear_lower_bound(const int32_t *a, size_t n, int32_t key)
{
    size_t i = 0;
    while (i < n && a[i] < key)
        i++;
    return i;
}

/* ---------- sorted set intersection: linear merge vs galloping ---------- */

static size_t intersect_linear(const int32_t *x, size_t nx, const int32_t *y, size_t ny, uint32_t *hash)
{
    size_t i = 0, j = 0, cnt = 0;
    while (i < nx && j < ny) {
        if (x[i] < y[j]) {
            i++;
        } else if (y[j] < x[i]) {
            j++;
        } else {
            cnt++;
            *hash = (*hash ^ (uint32_t)x[i]) * 16777619u;
            i++;
            j++;
        }
    }
    return cnt;
}

static size_t intersect_gallop(const int32_t *small, size_t ns, const int32_t *big, size_t nb, uint32_t *hash,
                               stats_t *st)
{
    size_t pos = 0, cnt = 0;
    for (size_t i = 0; i < ns && pos < nb; i++) {
        pos = gallop_lower_bound(big, nb, small[i], pos, st);
        if (pos < nb && big[pos] == small[i]) {
            cnt++;
            *hash = (*hash ^ (uint32_t)small[i]) * 16777619u;
            pos++;
        }
    }
    return cnt;
}

/* ---------- data ---------- */

enum { A_UNIFORM, A_DUPES, A_SKEWED, A_CLUSTERS, A_COUNT };
static const char *arr_names[A_COUNT] = { "uniform", "dupes", "skewed", "clusters" };

static void build_sorted(int32_t *a, size_t n, int kind, rng_t *r)
{
    int32_t v = -50000;
    for (size_t i = 0; i < n; i++) {
        uint32_t x = rng_next(r);
        switch (kind) {
        case A_UNIFORM:
            v += 1 + (int32_t)(x % 10u);
            break;
        case A_DUPES:
            v += (x % 4u) == 0 ? 1 : 0;
            break;
        case A_SKEWED:
            /* quadratic growth: bad case for interpolation */
            v = (int32_t)(i * i / 64) - 50000;
            break;
        case A_CLUSTERS:
        default:
            v += (i % 1000 == 999) ? 100000 : (int32_t)(x % 3u);
            break;
        }
        a[i] = v;
    }
}

/* make a strictly increasing copy (distinct values) */
static size_t unique_copy(const int32_t *a, size_t n, int32_t *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || out[m - 1] != a[i])
            out[m++] = a[i];
    return m;
}

int main(void)
{
    rng_t r;
    rng_seed(&r, 0xC0FFEEu);
    uint32_t checksum = 0x811c9dc5u;
    int all_ok = 1;

    int32_t *a = malloc(sizeof(int32_t) * N_ARR);
    int32_t *u = malloc(sizeof(int32_t) * N_ARR);
    int32_t *q = malloc(sizeof(int32_t) * N_QUERIES);
    if (!a || !u || !q) {
        free(a); free(u); free(q);
        return 1;
    }

    for (int kind = 0; kind < A_COUNT; kind++) {
        build_sorted(a, N_ARR, kind, &r);
        int32_t lo_v = a[0] - 5, hi_v = a[N_ARR - 1] + 5;
        uint32_t range = (uint32_t)((int64_t)hi_v - lo_v + 1);
        for (size_t i = 0; i < N_QUERIES; i++) {
            uint32_t x = rng_next(&r);
            if (x & 1u)
                q[i] = a[(x >> 1) % N_ARR]; /* present */
            else
                q[i] = (int32_t)((int64_t)lo_v + (int64_t)((x >> 1) % range));
        }
        stats_t s_lb = { 0, 0 }, s_ub = { 0, 0 }, s_bs = { 0, 0 }, s_is = { 0, 0 }, s_ex = { 0, 0 }, s_ga = { 0, 0 };
        size_t found = 0, total_eq = 0;
        int ok = 1;
        size_t hint = 0;
        for (size_t i = 0; i < N_QUERIES; i++) {
            int32_t key = q[i];
            size_t lb = lower_bound(a, N_ARR, key, &s_lb);
            size_t ub = upper_bound(a, N_ARR, key, &s_ub);
            long bs = binary_search(a, N_ARR, key, &s_bs);
            size_t ib = interpolation_lower_bound(a, N_ARR, key, &s_is);
            size_t eb = exponential_lower_bound(a, N_ARR, key, &s_ex);
            size_t gb = gallop_lower_bound(a, N_ARR, key, hint, &s_ga);
            hint = gb;
            if (ib != lb || eb != lb || gb != lb)
                ok = 0;
            if (lb > ub)
                ok = 0;
            if (ub > lb) {
                found++;
                total_eq += ub - lb;
                if (bs < 0 || (size_t)bs < lb || (size_t)bs >= ub)
                    ok = 0;
            } else if (bs >= 0) {
                ok = 0;
            }
            if ((i % 64) == 0 && linear_lower_bound(a, N_ARR, key) != lb)
                ok = 0;
            checksum = (checksum ^ (uint32_t)lb) * 16777619u;
            checksum = (checksum ^ (uint32_t)ub) * 16777619u;
        }
        all_ok &= ok;
        printf("%-8s found=%zu/%d eq_total=%zu probes: lb=%lu ub=%lu bs=%lu interp=%lu exp=%lu gallop=%lu %s\n",
               arr_names[kind], found, N_QUERIES, total_eq, s_lb.probes, s_ub.probes, s_bs.probes, s_is.probes,
               s_ex.probes, s_ga.probes, ok ? "OK" : "FAIL");
    }

    /* intersections of sorted sets of very different sizes */
    {
        build_sorted(a, N_ARR, A_UNIFORM, &r);
        size_t nb = unique_copy(a, N_ARR, u);
        for (int round = 0; round < 4; round++) {
            size_t ns = (size_t)50 << (2 * round);
            if (ns > N_QUERIES)
                ns = N_QUERIES;
            int32_t v = u[0] - 3;
            for (size_t i = 0; i < ns; i++) {
                v += 1 + (int32_t)(rng_next(&r) % (uint32_t)(2 * (u[nb - 1] - u[0]) / (int32_t)ns + 1));
                q[i] = v;
            }
            uint32_t h1 = 0x811c9dc5u, h2 = 0x811c9dc5u;
            stats_t sg = { 0, 0 };
            size_t c1 = intersect_linear(q, ns, u, nb, &h1);
            size_t c2 = intersect_gallop(q, ns, u, nb, &h2, &sg);
            int ok = c1 == c2 && h1 == h2;
            all_ok &= ok;
            printf("intersect small=%zu big=%zu common=%zu gallop_probes=%lu %s\n", ns, nb, c1, sg.probes,
                   ok ? "OK" : "FAIL");
            checksum ^= h1;
            checksum *= 16777619u;
        }
    }

    /* exhaustive checks on tiny arrays */
    {
        int ok = 1;
        stats_t st = { 0, 0 };
        for (size_t n = 0; n <= 12; n++) {
            for (size_t i = 0; i < n; i++)
                a[i] = (int32_t)(i / 2) * 2;
            for (int32_t key = -2; key <= (int32_t)n + 2; key++) {
                size_t ref = linear_lower_bound(a, n, key);
                if (lower_bound(a, n, key, &st) != ref || interpolation_lower_bound(a, n, key, &st) != ref ||
                    exponential_lower_bound(a, n, key, &st) != ref)
                    ok = 0;
                for (size_t h = 0; h <= n; h++)
                    if (gallop_lower_bound(a, n, key, h, &st) != ref)
                        ok = 0;
            }
        }
        all_ok &= ok;
        printf("tiny exhaustive: calls=%lu probes=%lu %s\n", st.calls, st.probes, ok ? "OK" : "FAIL");
    }

    printf("all checks: %s\n", all_ok ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(a); free(u); free(q);
    return 0;
}
