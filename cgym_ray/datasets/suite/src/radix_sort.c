/* cgym-suite: category=sorting; LSD radix sort on uint32/int32 keys and MSD radix plus 3-way radix quicksort on strings */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define N_KEYS 16000
#define N_STRS 3000
#define MAX_STR 16
#define MSD_CUTOFF 10

static uint64_t rng_s = 0x0123456789ABCDEFULL;

static uint32_t rng_next(void)
{
    /* xorshift64* */
    rng_s ^= rng_s >> 12;
    rng_s ^= rng_s << 25;
    rng_s ^= rng_s >> 27;
    return (uint32_t)((rng_s * 2685821657736338717ULL) >> 32);
}

/* ---------- LSD radix on uint32 with configurable digit width ---------- */

static unsigned long lsd_passes_skipped;

static int lsd_radix_u32(uint32_t *a, size_t n, unsigned bits)
{
    size_t buckets = (size_t)1 << bits;
    uint32_t mask = (uint32_t)(buckets - 1);
    uint32_t *tmp = malloc(sizeof(uint32_t) * (n ? n : 1));
    size_t *count = malloc(sizeof(size_t) * buckets);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return -1;
    }
    uint32_t *src = a, *dst = tmp;
    for (unsigned shift = 0; shift < 32; shift += bits) {
        memset(count, 0, sizeof(size_t) * buckets);
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & mask]++;
        /* a pass where every key has the same digit changes nothing */
        int trivial = 0;
        for (size_t b = 0; b < buckets; b++) {
            if (count[b] == n) {
                trivial = 1;
                break;
            }
        }
        if (trivial) {
            lsd_passes_skipped++;
            continue;
        }
        size_t sum = 0;
        for (size_t b = 0; b < buckets; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & mask]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, sizeof(uint32_t) * n);
    free(tmp);
    free(count);
    return 0;
}

/* signed keys: flip the sign bit so unsigned order matches signed order */
static int lsd_radix_i32(int32_t *a, size_t n)
{
    uint32_t *u = malloc(sizeof(uint32_t) * (n ? n : 1));
    if (!u)
        return -1;
    for (size_t i = 0; i < n; i++)
        u[i] = (uint32_t)a[i] ^ 0x80000000u;
    int rc = lsd_radix_u32(u, n, 8);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = u[i] ^ 0x80000000u;
        /* convert back without implementation-defined narrowing */
        a[i] = v >= 0x80000000u ? (int32_t)(v - 0x80000000u) - (int32_t)0x40000000 - (int32_t)0x40000000
                                : (int32_t)v;
    }
    free(u);
    return rc;
}

/* ---------- MSD radix on strings ---------- */

static int char_at(const char *s, size_t d)
{
    /* 0 means end of string; strings are shorter than MAX_STR */
    size_t len = strlen(s);
    return d < len ? (unsigned char)s[d] + 1 : 0;
}

static int str_less_from(const char *a, const char *b, size_t d)
{
    return strcmp(a + d, b + d) < 0;
}

static void str_insertion(const char **a, size_t lo, size_t hi, size_t d)
{
    for (size_t i = lo + 1; i < hi; i++) {
        const char *v = a[i];
        size_t j = i;
        while (j > lo && str_less_from(v, a[j - 1], d)) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static unsigned long msd_calls;

static void msd_sort(const char **a, const char **aux, size_t lo, size_t hi, size_t d)
{
    enum { R = 258 };
    size_t count[R + 1];
    msd_calls++;
    if (hi - lo <= MSD_CUTOFF) {
        str_insertion(a, lo, hi, d);
        return;
    }
    memset(count, 0, sizeof count);
    for (size_t i = lo; i < hi; i++)
        count[char_at(a[i], d) + 1]++;
    for (int r = 0; r < R; r++)
        count[r + 1] += count[r];
    for (size_t i = lo; i < hi; i++)
        aux[count[char_at(a[i], d)]++] = a[i];
    for (size_t i = lo; i < hi; i++)
        a[i] = aux[i - lo];
    /* count[r] is now the end of bucket r; bucket 0 (ended strings) needs no more work */
    for (int r = 1; r < R - 1; r++) {
        size_t b_lo = lo + count[r - 1];
        size_t b_hi = lo + count[r];
        if (b_hi - b_lo > 1)
            msd_sort(a, aux, b_lo, b_hi, d + 1);
    }
}

/* ---------- 3-way radix quicksort on strings ---------- */

static unsigned long q3_calls;

static void str_swap(const char **a, size_t i, size_t j)
{
    const char *t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quick3_sort(const char **a, size_t lo, size_t hi, size_t d)
{
    /* sorts a[lo..hi) on characters from position d */
    while (hi - lo > 1) {
        q3_calls++;
        size_t lt = lo, gt = hi, i = lo + 1;
        int v = char_at(a[lo + (hi - lo) / 2], d);
        str_swap(a, lo, lo + (hi - lo) / 2);
        while (i < gt) {
            int t = char_at(a[i], d);
            if (t < v)
                str_swap(a, lt++, i++);
            else if (t > v)
                str_swap(a, i, --gt);
            else
                i++;
        }
        quick3_sort(a, lo, lt, d);
        quick3_sort(a, gt, hi, d);
        if (v == 0)
            return;
        /* equal range: continue on the next character */
        lo = lt;
        hi = gt;
        d++;
    }
}

/* ---------- helpers ---------- */

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

static int cmp_i32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static uint32_t fnv_bytes(uint32_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}

static uint32_t fnv_u32s(uint32_t h, const uint32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 4; k++) {
            h ^= (a[i] >> (8 * k)) & 0xffu;
            h *= 16777619u;
        }
    }
    return h;
}

static void make_words(char *pool, const char **ptrs, size_t n, int style)
{
    static const char alpha[] = "etaoinshrdlucmfw";
    static const char *prefixes[] = { "pre", "con", "inter", "trans", "sub", "re", "" };
    for (size_t i = 0; i < n; i++) {
        char *s = pool + i * MAX_STR;
        size_t len = 0;
        if (style == 1) {
            const char *p = prefixes[rng_next() % 7u];
            while (*p)
                s[len++] = *p++;
        }
        size_t extra = 1 + rng_next() % (style == 2 ? 3u : 8u);
        for (size_t k = 0; k < extra && len < MAX_STR - 1; k++)
            s[len++] = alpha[rng_next() % (style == 2 ? 4u : 16u)];
        s[len] = '\0';
        ptrs[i] = s;
    }
}

int main(void)
{
    uint32_t checksum = 2166136261u;
    int all_ok = 1;

    uint32_t *u = malloc(sizeof(uint32_t) * N_KEYS);
    uint32_t *v = malloc(sizeof(uint32_t) * N_KEYS);
    uint32_t *w = malloc(sizeof(uint32_t) * N_KEYS);
    int32_t *s = malloc(sizeof(int32_t) * N_KEYS);
    int32_t *s2 = malloc(sizeof(int32_t) * N_KEYS);
    char *pool = malloc(N_STRS * MAX_STR);
    const char **p1 = malloc(sizeof(char *) * N_STRS);
    const char **p2 = malloc(sizeof(char *) * N_STRS);
    const char **p3 = malloc(sizeof(char *) * N_STRS);
    const char **aux = malloc(sizeof(char *) * N_STRS);
    if (!u || !v || !w || !s || !s2 || !pool || !p1 || !p2 || !p3 || !aux) {
        free(u); free(v); free(w); free(s); free(s2); free(pool); free(p1); free(p2); free(p3); free(aux);
        return 1;
    }

    static const unsigned widths[] = { 8, 11, 16, 4 };
    for (int dist = 0; dist < 3; dist++) {
        for (size_t i = 0; i < N_KEYS; i++) {
            switch (dist) {
            case 0: u[i] = rng_next(); break;
            case 1: u[i] = rng_next() & 0x0000ffffu; break;
            default: u[i] = (rng_next() % 64u) << 20; break;
            }
        }
        memcpy(w, u, sizeof(uint32_t) * N_KEYS);
        qsort(w, N_KEYS, sizeof(uint32_t), cmp_u32);
        for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
            memcpy(v, u, sizeof(uint32_t) * N_KEYS);
            lsd_passes_skipped = 0;
            lsd_radix_u32(v, N_KEYS, widths[k]);
            int ok = memcmp(v, w, sizeof(uint32_t) * N_KEYS) == 0;
            all_ok &= ok;
            printf("lsd u32 dist=%d digit_bits=%2u skipped_passes=%lu min=%08x max=%08x %s\n", dist,
                   widths[k], lsd_passes_skipped, (unsigned)v[0], (unsigned)v[N_KEYS - 1], ok ? "OK" : "FAIL");
        }
        checksum = fnv_u32s(checksum, v, N_KEYS);
    }

    for (size_t i = 0; i < N_KEYS; i++) {
        uint32_t x = rng_next();
        s[i] = (int32_t)(x & 0x3fffffffu) - (int32_t)((x >> 31) ? 0x40000000 : 0);
    }
    memcpy(s2, s, sizeof(int32_t) * N_KEYS);
    lsd_radix_i32(s, N_KEYS);
    qsort(s2, N_KEYS, sizeof(int32_t), cmp_i32);
    {
        int ok = memcmp(s, s2, sizeof(int32_t) * N_KEYS) == 0;
        all_ok &= ok;
        printf("lsd i32 min=%ld median=%ld max=%ld %s\n", (long)s[0], (long)s[N_KEYS / 2], (long)s[N_KEYS - 1],
               ok ? "OK" : "FAIL");
        checksum = fnv_bytes(checksum, &s[N_KEYS / 3], sizeof(int32_t));
    }

    static const char *style_names[] = { "random", "prefixed", "tiny_alpha" };
    for (int style = 0; style < 3; style++) {
        memset(pool, 0, N_STRS * MAX_STR);
        make_words(pool, p1, N_STRS, style);
        memcpy(p2, p1, sizeof(char *) * N_STRS);
        memcpy(p3, p1, sizeof(char *) * N_STRS);
        msd_calls = q3_calls = 0;
        msd_sort(p1, aux, 0, N_STRS, 0);
        quick3_sort(p2, 0, N_STRS, 0);
        qsort(p3, N_STRS, sizeof(char *), cmp_str);
        int ok = 1;
        size_t distinct = 1;
        for (size_t i = 0; i < N_STRS; i++) {
            if (strcmp(p1[i], p3[i]) != 0 || strcmp(p2[i], p3[i]) != 0)
                ok = 0;
            if (i > 0 && strcmp(p1[i - 1], p1[i]) > 0)
                ok = 0;
            if (i > 0 && strcmp(p1[i - 1], p1[i]) != 0)
                distinct++;
            checksum = fnv_bytes(checksum, p1[i], strlen(p1[i]) + 1);
        }
        all_ok &= ok;
        printf("strings %-10s n=%d distinct=%zu msd_calls=%lu q3_calls=%lu first=%s last=%s %s\n",
               style_names[style], N_STRS, distinct, msd_calls, q3_calls, p1[0], p1[N_STRS - 1],
               ok ? "OK" : "FAIL");
    }

    printf("all checks: %s\n", all_ok ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(u); free(v); free(w); free(s); free(s2); free(pool); free(p1); free(p2); free(p3); free(aux);
    return 0;
}
