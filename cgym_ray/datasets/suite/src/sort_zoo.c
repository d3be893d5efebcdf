/* cgym-suite: category=sorting; a zoo of 21 sorting algorithms run on 8 generated distributions and cross-checked (order, permutation, stability) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define N_BIG 2000
#define N_SMALL 256
#define KEY_LIMIT 50000 /* keys lie in [-KEY_LIMIT, KEY_LIMIT] */

typedef struct {
    int32_t key;
    uint32_t tag; /* original position: used for stability and permutation checks */
} item_t;

typedef int (*sort_fn)(item_t *a, size_t n);

/* ------------------------------------------------------------------ */
/* instrumentation                                                     */
/* ------------------------------------------------------------------ */

static unsigned long g_cmp;
static unsigned long g_mov;

static int less(const item_t *x, const item_t *y)
{
    g_cmp++;
    return x->key < y->key;
}

static int leq(const item_t *x, const item_t *y)
{
    g_cmp++;
    return x->key <= y->key;
}

static void swap_items(item_t *a, size_t i, size_t j)
{
    item_t t = a[i];
    a[i] = a[j];
    a[j] = t;
    g_mov += 2;
}

static void move_item(item_t *dst, const item_t *src)
{
    *dst = *src;
    g_mov++;
}

/* ------------------------------------------------------------------ */
/* random numbers and input distributions                              */
/* ------------------------------------------------------------------ */

static uint64_t g_rng = 0x9E3779B97F4A7C15ULL;

static uint32_t rng_u32(void)
{
    /* splitmix64 */
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static int32_t rng_range(int32_t lo, int32_t hi)
{
    uint32_t span = (uint32_t)(hi - lo) + 1u;
    return lo + (int32_t)(rng_u32() % span);
}

enum dist_kind {
    DIST_RANDOM,
    DIST_SORTED,
    DIST_REVERSED,
    DIST_FEW_UNIQUE,
    DIST_ORGAN_PIPE,
    DIST_SAWTOOTH,
    DIST_NEARLY_SORTED,
    DIST_ALL_EQUAL,
    DIST_COUNT
};

static const char *dist_names[DIST_COUNT] = {
    "random", "sorted", "reversed", "few_unique", "organ_pipe", "sawtooth", "nearly_sorted", "all_equal",
};

static int32_t clamp_key(long v)
{
    if (v > KEY_LIMIT)
        return KEY_LIMIT;
    if (v < -KEY_LIMIT)
        return -KEY_LIMIT;
    return (int32_t)v;
}

static void generate(item_t *a, size_t n, enum dist_kind kind)
{
    for (size_t i = 0; i < n; i++) {
        long v;
        switch (kind) {
        case DIST_RANDOM:
            v = rng_range(-KEY_LIMIT, KEY_LIMIT);
            break;
        case DIST_SORTED:
            v = (long)i * 7 - 3000;
            break;
        case DIST_REVERSED:
            v = 3000 - (long)i * 5;
            break;
        case DIST_FEW_UNIQUE:
            v = (long)(rng_u32() % 8u) * 1000 - 3000;
            break;
        case DIST_ORGAN_PIPE:
            v = i < n / 2 ? (long)i : (long)(n - i);
            break;
        case DIST_SAWTOOTH:
            v = (long)(i % 37) * 3 - (long)(i / 37);
            break;
        case DIST_NEARLY_SORTED:
            v = (long)i * 2;
            break;
        case DIST_ALL_EQUAL:
        default:
            v = 42;
            break;
        }
        a[i].key = clamp_key(v);
        a[i].tag = (uint32_t)i;
    }
    if (kind == DIST_NEARLY_SORTED && n > 1) {
        for (size_t k = 0; k < n / 100 + 1; k++) {
            size_t x = rng_u32() % n, y = rng_u32() % n;
            item_t t = a[x];
            a[x] = a[y];
            a[y] = t;
        }
    }
}

/* ------------------------------------------------------------------ */
/* reference: stable top-down merge sort (not instrumented)            */
/* ------------------------------------------------------------------ */

static void ref_merge_rec(item_t *a, item_t *tmp, size_t lo, size_t hi)
{
    if (hi - lo < 2)
        return;
    size_t mid = lo + (hi - lo) / 2;
    ref_merge_rec(a, tmp, lo, mid);
    ref_merge_rec(a, tmp, mid, hi);
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        tmp[k++] = (a[j].key < a[i].key) ? a[j++] : a[i++];
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < hi)
        tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof(item_t));
}

static int reference_sort(item_t *a, size_t n)
{
    item_t *tmp = malloc((n ? n : 1) * sizeof(item_t));
    if (!tmp)
        return -1;
    ref_merge_rec(a, tmp, 0, n);
    free(tmp);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 1. insertion sort                                                   */
/* ------------------------------------------------------------------ */

static void insertion_range(item_t *a, size_t lo, size_t hi)
{
    for (size_t i = lo + 1; i < hi; i++) {
        item_t v = a[i];
        size_t j = i;
        while (j > lo && less(&v, &a[j - 1])) {
            move_item(&a[j], &a[j - 1]);
            j--;
        }
        move_item(&a[j], &v);
    }
}

static int insertion_sort(item_t *a, size_t n)
{
    insertion_range(a, 0, n);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 2. binary insertion sort                                            */
/* ------------------------------------------------------------------ */

/* first position in a[lo..hi) whose key is greater than v (keeps stability) */
static size_t upper_pos(const item_t *a, size_t lo, size_t hi, const item_t *v)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (less(v, &a[mid]))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void binary_insertion_range(item_t *a, size_t lo, size_t start, size_t hi)
{
    /* a[lo..start) is already sorted */
    if (start <= lo)
        start = lo + 1;
    for (size_t i = start; i < hi; i++) {
        item_t v = a[i];
        size_t p = upper_pos(a, lo, i, &v);
        if (p < i) {
            memmove(&a[p + 1], &a[p], (i - p) * sizeof(item_t));
            g_mov += i - p;
        }
        move_item(&a[p], &v);
    }
}

static int binary_insertion_sort(item_t *a, size_t n)
{
    if (n > 1)
        binary_insertion_range(a, 0, 1, n);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 3. selection sort                                                   */
/* ------------------------------------------------------------------ */

static int selection_sort(item_t *a, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        size_t m = i;
        for (size_t j = i + 1; j < n; j++)
            if (less(&a[j], &a[m]))
                m = j;
        if (m != i)
            swap_items(a, i, m);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* 4. gnome sort                                                       */
/* ------------------------------------------------------------------ */

static int gnome_sort(item_t *a, size_t n)
{
    size_t pos = 0;
    while (pos < n) {
        if (pos == 0 || leq(&a[pos - 1], &a[pos])) {
            pos++;
        } else {
            swap_items(a, pos, pos - 1);
            pos--;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* 5. cocktail shaker sort                                             */
/* ------------------------------------------------------------------ */

static int cocktail_sort(item_t *a, size_t n)
{
    if (n < 2)
        return 0;
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t last = lo;
        for (size_t i = lo; i < hi; i++) {
            if (less(&a[i + 1], &a[i])) {
                swap_items(a, i, i + 1);
                last = i;
            }
        }
        hi = last;
        if (lo >= hi)
            break;
        last = hi;
        for (size_t i = hi; i > lo; i--) {
            if (less(&a[i], &a[i - 1])) {
                swap_items(a, i, i - 1);
                last = i;
            }
        }
        lo = last;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* 6. odd-even transposition sort                                      */
/* ------------------------------------------------------------------ */

static int odd_even_transposition_sort(item_t *a, size_t n)
{
    int sorted = 0;
    while (!sorted) {
        sorted = 1;
        for (size_t phase = 0; phase < 2; phase++) {
            for (size_t i = phase; i + 1 < n; i += 2) {
                if (less(&a[i + 1], &a[i])) {
                    swap_items(a, i, i + 1);
                    sorted = 0;
                }
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* 7. comb sort (with the "rule of 11")                                */
/* ------------------------------------------------------------------ */

static int comb_sort(item_t *a, size_t n)
{
    size_t gap = n;
    int swapped = 1;
    while (gap > 1 || swapped) {
        gap = gap * 10 / 13;
        if (gap == 9 || gap == 10)
            gap = 11;
        if (gap < 1)
            gap = 1;
        swapped = 0;
        for (size_t i = 0; i + gap < n; i++) {
            if (less(&a[i + gap], &a[i])) {
                swap_items(a, i, i + gap);
                swapped = 1;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* 8. shell sort with Ciura's gap sequence                             */
/* ------------------------------------------------------------------ */

static int shell_sort(item_t *a, size_t n)
{
    static const size_t ciura[] = { 1, 4, 10, 23, 57, 132, 301, 701, 1750 };
    size_t gaps[32];
    size_t ng = 0;
    for (size_t i = 0; i < sizeof ciura / sizeof ciura[0] && ciura[i] < n; i++)
        gaps[ng++] = ciura[i];
    if (ng == sizeof ciura / sizeof ciura[0]) {
        size_t g = ciura[ng - 1];
        while (ng < 32 && g * 9 / 4 < n) {
            g = g * 9 / 4;
            gaps[ng++] = g;
        }
    }
    while (ng > 0) {
        size_t gap = gaps[--ng];
        for (size_t i = gap; i < n; i++) {
            item_t v = a[i];
            size_t j = i;
            while (j >= gap && less(&v, &a[j - gap])) {
                move_item(&a[j], &a[j - gap]);
                j -= gap;
            }
            move_item(&a[j], &v);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* 9. pancake sort                                                     */
/* ------------------------------------------------------------------ */

static unsigned long g_flips;

static void flip_prefix(item_t *a, size_t k)
{
    /* reverse a[0..k] */
    size_t i = 0;
    g_flips++;
    while (i < k) {
        swap_items(a, i, k);
        i++;
        k--;
    }
}

static int pancake_sort(item_t *a, size_t n)
{
    for (size_t size = n; size > 1; size--) {
        size_t mi = 0;
        for (size_t i = 1; i < size; i++)
            if (!less(&a[i], &a[mi]))
                mi = i;
        if (mi == size - 1)
            continue;
        if (mi > 0)
            flip_prefix(a, mi);
        flip_prefix(a, size - 1);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* 10. cycle sort (minimal number of writes)                           */
/* ------------------------------------------------------------------ */

static unsigned long g_cycle_writes;

static size_t cycle_position(const item_t *a, size_t n, size_t start, const item_t *item)
{
    size_t pos = start;
    for (size_t i = start + 1; i < n; i++)
        if (less(&a[i], item))
            pos++;
    return pos;
}

static int cycle_sort(item_t *a, size_t n)
{
    for (size_t start = 0; start + 1 < n; start++) {
        item_t item = a[start];
        size_t pos = cycle_position(a, n, start, &item);
        if (pos == start)
            continue;
        while (pos < n && item.key == a[pos].key)
            pos++;
        if (pos >= n)
            return -1;
        item_t t = a[pos];
        move_item(&a[pos], &item);
        item = t;
        g_cycle_writes++;
        while (pos != start) {
            pos = cycle_position(a, n, start, &item);
            while (pos < n && item.key == a[pos].key)
                pos++;
            if (pos >= n)
                return -1;
            t = a[pos];
            move_item(&a[pos], &item);
            item = t;
            g_cycle_writes++;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* 11. heap sort                                                       */
/* ------------------------------------------------------------------ */

static void heap_sift(item_t *a, size_t root, size_t n)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            return;
        if (c + 1 < n && less(&a[c], &a[c + 1]))
            c++;
        if (!less(&a[root], &a[c]))
            return;
        swap_items(a, root, c);
        root = c;
    }
}

static void heap_sort_range(item_t *a, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        heap_sift(a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        swap_items(a, 0, end);
        heap_sift(a, 0, end);
    }
}

static int heap_sort(item_t *a, size_t n)
{
    heap_sort_range(a, n);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 12. introsort                                                       */
/* ------------------------------------------------------------------ */

static unsigned long g_intro_fallbacks;

static size_t median_of_three(item_t *a, size_t i, size_t j, size_t k)
{
    if (less(&a[i], &a[j])) {
        if (less(&a[j], &a[k]))
            return j;
        return less(&a[i], &a[k]) ? k : i;
    }
    if (less(&a[i], &a[k]))
        return i;
    return less(&a[j], &a[k]) ? k : j;
}

static void intro_rec(item_t *a, size_t lo, size_t hi, unsigned depth)
{
    while (hi - lo > 16) {
        if (depth == 0) {
            g_intro_fallbacks++;
            heap_sort_range(a + lo, hi - lo);
            return;
        }
        depth--;
        size_t mid = lo + (hi - lo) / 2;
        size_t p = median_of_three(a, lo, mid, hi - 1);
        swap_items(a, p, lo);
        item_t pivot = a[lo];
        /* Hoare partition around a[lo] */
        size_t i = lo, j = hi;
        for (;;) {
            do {
                i++;
            } while (i < hi && less(&a[i], &pivot));
            do {
                j--;
            } while (less(&pivot, &a[j]));
            if (i >= j)
                break;
            swap_items(a, i, j);
        }
        swap_items(a, lo, j);
        /* recurse into the smaller part */
        if (j - lo < hi - j - 1) {
            intro_rec(a, lo, j, depth);
            lo = j + 1;
        } else {
            intro_rec(a, j + 1, hi, depth);
            hi = j;
        }
    }
    insertion_range(a, lo, hi);
}

static int intro_sort(item_t *a, size_t n)
{
    unsigned depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    if (n > 1)
        intro_rec(a, 0, n, depth);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 13. timsort-like natural merge sort                                 */
/* ------------------------------------------------------------------ */

typedef struct {
    size_t base;
    size_t len;
} run_t;

typedef struct {
    item_t *a;
    item_t *tmp;
    run_t stack[64];
    int depth;
    unsigned long merges;
    unsigned long gallop_skipped;
} tim_state_t;

static size_t tim_minrun(size_t n)
{
    size_t r = 0;
    while (n >= 32) {
        r |= n & 1u;
        n >>= 1;
    }
    return n + r;
}

/* length of the run starting at lo; strictly descending runs are reversed in place */
static size_t tim_count_run(item_t *a, size_t lo, size_t hi)
{
    size_t i = lo + 1;
    if (i >= hi)
        return 1;
    if (less(&a[i], &a[lo])) {
        while (i + 1 < hi && less(&a[i + 1], &a[i]))
            i++;
        for (size_t x = lo, y = i; x < y; x++, y--)
            swap_items(a, x, y);
    } else {
        while (i + 1 < hi && !less(&a[i + 1], &a[i]))
            i++;
    }
    return i + 1 - lo;
}

/* galloping: first index in a[lo..hi) with key > v (right) or >= v (left) */
static size_t gallop_bound(const item_t *a, size_t lo, size_t hi, const item_t *v, int right)
{
    size_t step = 1, prev = lo, cur = lo;
    while (cur < hi && (right ? !less(v, &a[cur]) : less(&a[cur], v))) {
        prev = cur + 1;
        cur = lo + step;
        step *= 2;
    }
    if (cur > hi)
        cur = hi;
    size_t l = prev, h = cur;
    while (l < h) {
        size_t m = l + (h - l) / 2;
        if (right ? !less(v, &a[m]) : less(&a[m], v))
            l = m + 1;
        else
            h = m;
    }
    return l;
}

static void tim_merge_at(tim_state_t *st, int i)
{
    item_t *a = st->a;
    size_t b1 = st->stack[i].base, l1 = st->stack[i].len;
    size_t b2 = st->stack[i + 1].base, l2 = st->stack[i + 1].len;
    st->stack[i].len = l1 + l2;
    if (i == st->depth - 3)
        st->stack[i + 1] = st->stack[i + 2];
    st->depth--;
    st->merges++;

    /* elements of run 1 already <= first of run 2 stay in place */
    size_t k = gallop_bound(a, b1, b1 + l1, &a[b2], 1);
    st->gallop_skipped += k - b1;
    l1 -= k - b1;
    b1 = k;
    if (l1 == 0)
        return;
    /* elements of run 2 >= last of run 1 stay in place */
    size_t e = gallop_bound(a, b2, b2 + l2, &a[b1 + l1 - 1], 0);
    st->gallop_skipped += b2 + l2 - e;
    l2 = e - b2;
    if (l2 == 0)
        return;

    /* merge_lo: copy run 1 out, merge forward (ties prefer run 1) */
    memcpy(st->tmp, &a[b1], l1 * sizeof(item_t));
    size_t x = 0, y = b2, out = b1;
    while (x < l1 && y < b2 + l2) {
        if (less(&a[y], &st->tmp[x]))
            move_item(&a[out++], &a[y++]);
        else
            move_item(&a[out++], &st->tmp[x++]);
    }
    while (x < l1)
        move_item(&a[out++], &st->tmp[x++]);
}

static void tim_collapse(tim_state_t *st)
{
    while (st->depth > 1) {
        int n = st->depth - 2;
        if ((n > 0 && st->stack[n - 1].len <= st->stack[n].len + st->stack[n + 1].len) ||
            (n > 1 && st->stack[n - 2].len <= st->stack[n - 1].len + st->stack[n].len)) {
            if (st->stack[n - 1].len < st->stack[n + 1].len)
                n--;
            tim_merge_at(st, n);
        } else if (st->stack[n].len <= st->stack[n + 1].len) {
            tim_merge_at(st, n);
        } else {
            break;
        }
    }
}

static void tim_force_collapse(tim_state_t *st)
{
    while (st->depth > 1) {
        int n = st->depth - 2;
        if (n > 0 && st->stack[n - 1].len < st->stack[n + 1].len)
            n--;
        tim_merge_at(st, n);
    }
}

static unsigned long g_tim_merges, g_tim_skipped;

static int tim_sort(item_t *a, size_t n)
{
    if (n < 2)
        return 0;
    tim_state_t st;
    st.a = a;
    st.tmp = malloc(n * sizeof(item_t));
    st.depth = 0;
    st.merges = 0;
    st.gallop_skipped = 0;
    if (!st.tmp)
        return -1;
    size_t minrun = tim_minrun(n);
    size_t lo = 0;
    while (lo < n) {
        size_t len = tim_count_run(a, lo, n);
        if (len < minrun) {
            size_t force = n - lo < minrun ? n - lo : minrun;
            binary_insertion_range(a, lo, lo + len, lo + force);
            len = force;
        }
        if (st.depth >= 64) {
            free(st.tmp);
            return -1;
        }
        st.stack[st.depth].base = lo;
        st.stack[st.depth].len = len;
        st.depth++;
        tim_collapse(&st);
        lo += len;
    }
    tim_force_collapse(&st);
    g_tim_merges += st.merges;
    g_tim_skipped += st.gallop_skipped;
    free(st.tmp);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 14. counting sort (stable)                                          */
/* ------------------------------------------------------------------ */

static int key_range(const item_t *a, size_t n, int32_t *mn, int32_t *mx)
{
    if (n == 0)
        return 0;
    *mn = *mx = a[0].key;
    for (size_t i = 1; i < n; i++) {
        if (a[i].key < *mn)
            *mn = a[i].key;
        if (a[i].key > *mx)
            *mx = a[i].key;
    }
    return 1;
}

static int counting_sort(item_t *a, size_t n)
{
    int32_t mn, mx;
    if (!key_range(a, n, &mn, &mx))
        return 0;
    size_t range = (size_t)((int64_t)mx - mn) + 1;
    size_t *count = calloc(range + 1, sizeof(size_t));
    item_t *out = malloc(n * sizeof(item_t));
    if (!count || !out) {
        free(count);
        free(out);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        count[(size_t)(a[i].key - mn) + 1]++;
    for (size_t r = 0; r < range; r++)
        count[r + 1] += count[r];
    for (size_t i = 0; i < n; i++)
        move_item(&out[count[(size_t)(a[i].key - mn)]++], &a[i]);
    memcpy(a, out, n * sizeof(item_t));
    free(count);
    free(out);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 15. bucket sort (stable distribution + insertion sort per bucket)   */
/* ------------------------------------------------------------------ */

static int bucket_sort(item_t *a, size_t n)
{
    int32_t mn, mx;
    if (!key_range(a, n, &mn, &mx))
        return 0;
    size_t nb = n / 4 + 1;
    uint64_t span = (uint64_t)((int64_t)mx - mn) + 1;
    size_t *start = calloc(nb + 1, sizeof(size_t));
    size_t *bucket_of = malloc(n * sizeof(size_t));
    item_t *out = malloc(n * sizeof(item_t));
    if (!start || !bucket_of || !out) {
        free(start);
        free(bucket_of);
        free(out);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t off = (uint64_t)((int64_t)a[i].key - mn);
        size_t b = (size_t)(off * nb / span);
        bucket_of[i] = b;
        start[b + 1]++;
    }
    for (size_t b = 0; b < nb; b++)
        start[b + 1] += start[b];
    for (size_t i = 0; i < n; i++)
        move_item(&out[start[bucket_of[i]]++], &a[i]);
    /* start[b] now holds the end of bucket b */
    size_t lo = 0;
    for (size_t b = 0; b < nb; b++) {
        insertion_range(out, lo, start[b]);
        lo = start[b];
    }
    memcpy(a, out, n * sizeof(item_t));
    free(start);
    free(bucket_of);
    free(out);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 16. LSD radix sort on biased keys (stable)                          */
/* ------------------------------------------------------------------ */

static uint32_t biased_key(const item_t *it)
{
    return (uint32_t)it->key ^ 0x80000000u;
}

static int radix_sort(item_t *a, size_t n)
{
    if (n < 2)
        return 0;
    item_t *buf = malloc(n * sizeof(item_t));
    if (!buf)
        return -1;
    item_t *src = a, *dst = buf;
    for (unsigned shift = 0; shift < 32; shift += 8) {
        size_t count[257];
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[((biased_key(&src[i]) >> shift) & 0xffu) + 1]++;
        if (count[((biased_key(&src[0]) >> shift) & 0xffu) + 1] == n)
            continue; /* all digits equal */
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            move_item(&dst[count[(biased_key(&src[i]) >> shift) & 0xffu]++], &src[i]);
        item_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof(item_t));
    free(buf);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 17/18. sorting networks: bitonic and Batcher odd-even merge         */
/* ------------------------------------------------------------------ */

static int item_greater_total(const item_t *x, const item_t *y)
{
    g_cmp++;
    if (x->key != y->key)
        return x->key > y->key;
    return x->tag > y->tag;
}

static size_t next_pow2(size_t n)
{
    size_t m = 1;
    while (m < n)
        m <<= 1;
    return m;
}

static item_t *pad_copy(const item_t *a, size_t n, size_t m)
{
    item_t *buf = malloc(m * sizeof(item_t));
    if (!buf)
        return NULL;
    memcpy(buf, a, n * sizeof(item_t));
    for (size_t i = n; i < m; i++) {
        buf[i].key = INT32_MAX;
        buf[i].tag = UINT32_MAX;
    }
    return buf;
}

static int bitonic_sort(item_t *a, size_t n)
{
    if (n < 2)
        return 0;
    size_t m = next_pow2(n);
    item_t *b = pad_copy(a, n, m);
    if (!b)
        return -1;
    for (size_t k = 2; k <= m; k <<= 1) {
        for (size_t j = k >> 1; j > 0; j >>= 1) {
            for (size_t i = 0; i < m; i++) {
                size_t l = i ^ j;
                if (l <= i)
                    continue;
                int ascending = (i & k) == 0;
                if (ascending ? item_greater_total(&b[i], &b[l]) : item_greater_total(&b[l], &b[i]))
                    swap_items(b, i, l);
            }
        }
    }
    memcpy(a, b, n * sizeof(item_t));
    free(b);
    return 0;
}

static int batcher_sort(item_t *a, size_t n)
{
    if (n < 2)
        return 0;
    size_t m = next_pow2(n);
    item_t *b = pad_copy(a, n, m);
    if (!b)
        return -1;
    for (size_t p = 1; p < m; p <<= 1) {
        for (size_t k = p; k >= 1; k >>= 1) {
            for (size_t j = k % p; j + k < m; j += 2 * k) {
                size_t lim = k < m - j - k ? k : m - j - k;
                for (size_t i = 0; i < lim; i++) {
                    if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) {
                        if (item_greater_total(&b[i + j], &b[i + j + k]))
                            swap_items(b, i + j, i + j + k);
                    }
                }
            }
        }
    }
    memcpy(a, b, n * sizeof(item_t));
    free(b);
    return 0;
}

/* ------------------------------------------------------------------ */
/* 19. patience sort (piles + heap merge)                              */
/* ------------------------------------------------------------------ */

static unsigned long g_piles;

static int patience_sort(item_t *a, size_t n)
{
    if (n < 2)
        return 0;
    item_t *cards = malloc(n * sizeof(item_t));
    size_t *below = malloc(n * sizeof(size_t));  /* card index beneath, SIZE_MAX at bottom */
    size_t *top = malloc(n * sizeof(size_t));    /* top card of each pile */
    size_t *heap = malloc(n * sizeof(size_t));   /* heap of pile ids */
    if (!cards || !below || !top || !heap) {
        free(cards);
        free(below);
        free(top);
        free(heap);
        return -1;
    }
    memcpy(cards, a, n * sizeof(item_t));
    size_t piles = 0;
    for (size_t i = 0; i < n; i++) {
        /* leftmost pile whose top is >= card; tops are non-decreasing left to right */
        size_t lo = 0, hi = piles;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (less(&cards[top[mid]], &cards[i]))
                lo = mid + 1;
            else
                hi = mid;
        }
        below[i] = lo < piles ? top[lo] : SIZE_MAX;
        top[lo] = i;
        if (lo == piles)
            piles++;
    }
    g_piles += piles;
    /* min-heap of piles by their top card */
    size_t hn = 0;
    for (size_t p = 0; p < piles; p++) {
        size_t c = hn++;
        heap[c] = p;
        while (c > 0 && less(&cards[top[heap[c]]], &cards[top[heap[(c - 1) / 2]]])) {
            size_t t = heap[c];
            heap[c] = heap[(c - 1) / 2];
            heap[(c - 1) / 2] = t;
            c = (c - 1) / 2;
        }
    }
    size_t out = 0;
    while (hn > 0) {
        size_t p = heap[0];
        move_item(&a[out++], &cards[top[p]]);
        top[p] = below[top[p]];
        if (top[p] == SIZE_MAX)
            heap[0] = heap[--hn];
        size_t c = 0;
        for (;;) {
            size_t l = 2 * c + 1, r = l + 1, m = c;
            if (l < hn && less(&cards[top[heap[l]]], &cards[top[heap[m]]]))
                m = l;
            if (r < hn && less(&cards[top[heap[r]]], &cards[top[heap[m]]]))
                m = r;
            if (m == c)
                break;
            size_t t = heap[c];
            heap[c] = heap[m];
            heap[m] = t;
            c = m;
        }
    }
    free(cards);
    free(below);
    free(top);
    free(heap);
    return out == n ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* 20. strand sort on an index-linked list (stable)                    */
/* ------------------------------------------------------------------ */

#define NIL SIZE_MAX

static unsigned long g_strands;

static size_t list_merge(const item_t *v, size_t *next, size_t x, size_t y)
{
    size_t head = NIL, tail = NIL;
    while (x != NIL && y != NIL) {
        size_t take;
        if (less(&v[y], &v[x])) {
            take = y;
            y = next[y];
        } else {
            take = x;
            x = next[x];
        }
        if (tail == NIL)
            head = take;
        else
            next[tail] = take;
        tail = take;
    }
    size_t rest = x != NIL ? x : y;
    if (tail == NIL)
        return rest;
    next[tail] = rest;
    return head;
}

static int strand_sort(item_t *a, size_t n)
{
    if (n < 2)
        return 0;
    item_t *v = malloc(n * sizeof(item_t));
    size_t *next = malloc(n * sizeof(size_t));
    if (!v || !next) {
        free(v);
        free(next);
        return -1;
    }
    memcpy(v, a, n * sizeof(item_t));
    for (size_t i = 0; i < n; i++)
        next[i] = i + 1 < n ? i + 1 : NIL;
    size_t remaining = 0, result = NIL;
    while (remaining != NIL) {
        /* pull a non-decreasing strand out of the remaining list */
        size_t s_head = remaining, s_tail = remaining;
        size_t cur = next[remaining];
        size_t r_head = NIL, r_tail = NIL;
        while (cur != NIL) {
            size_t nx = next[cur];
            if (!less(&v[cur], &v[s_tail])) {
                next[s_tail] = cur;
                s_tail = cur;
            } else {
                if (r_tail == NIL)
                    r_head = cur;
                else
                    next[r_tail] = cur;
                r_tail = cur;
            }
            cur = nx;
        }
        next[s_tail] = NIL;
        if (r_tail != NIL)
            next[r_tail] = NIL;
        remaining = r_head;
        result = list_merge(v, next, result, s_head);
        g_strands++;
    }
    size_t out = 0;
    for (size_t p = result; p != NIL; p = next[p])
        move_item(&a[out++], &v[p]);
    free(v);
    free(next);
    return out == n ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* 21. tree sort with a treap (equal keys go right: stable)            */
/* ------------------------------------------------------------------ */

typedef struct {
    item_t val;
    uint32_t prio;
    size_t left, right;
} tnode_t;

static size_t treap_rotate_right(tnode_t *t, size_t y)
{
    size_t x = t[y].left;
    t[y].left = t[x].right;
    t[x].right = y;
    return x;
}

static size_t treap_rotate_left(tnode_t *t, size_t x)
{
    size_t y = t[x].right;
    t[x].right = t[y].left;
    t[y].left = x;
    return y;
}

static size_t treap_insert(tnode_t *t, size_t root, size_t node)
{
    if (root == NIL)
        return node;
    if (less(&t[node].val, &t[root].val)) {
        t[root].left = treap_insert(t, t[root].left, node);
        if (t[t[root].left].prio > t[root].prio)
            root = treap_rotate_right(t, root);
    } else {
        t[root].right = treap_insert(t, t[root].right, node);
        if (t[t[root].right].prio > t[root].prio)
            root = treap_rotate_left(t, root);
    }
    return root;
}

static size_t treap_height(const tnode_t *t, size_t root)
{
    if (root == NIL)
        return 0;
    size_t l = treap_height(t, t[root].left), r = treap_height(t, t[root].right);
    return 1 + (l > r ? l : r);
}

static size_t g_treap_height;

static int tree_sort(item_t *a, size_t n)
{
    if (n < 2)
        return 0;
    tnode_t *t = malloc(n * sizeof(tnode_t));
    size_t *stack = malloc(n * sizeof(size_t));
    if (!t || !stack) {
        free(t);
        free(stack);
        return -1;
    }
    size_t root = NIL;
    for (size_t i = 0; i < n; i++) {
        t[i].val = a[i];
        uint32_t h = (uint32_t)i * 0x9E3779B1u;
        h ^= h >> 15;
        h *= 0x85EBCA77u;
        h ^= h >> 13;
        t[i].prio = h;
        t[i].left = t[i].right = NIL;
        root = treap_insert(t, root, i);
    }
    size_t hgt = treap_height(t, root);
    if (hgt > g_treap_height)
        g_treap_height = hgt;
    /* iterative in-order traversal */
    size_t sp = 0, out = 0, cur = root;
    while (cur != NIL || sp > 0) {
        while (cur != NIL) {
            stack[sp++] = cur;
            cur = t[cur].left;
        }
        cur = stack[--sp];
        move_item(&a[out++], &t[cur].val);
        cur = t[cur].right;
    }
    free(t);
    free(stack);
    return out == n ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* harness                                                             */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *name;
    sort_fn fn;
    int stable;
    int quadratic;
} algo_t;

static const algo_t algos[] = {
    { "insertion", insertion_sort, 1, 1 },
    { "binary_insertion", binary_insertion_sort, 1, 1 },
    { "selection", selection_sort, 0, 1 },
    { "gnome", gnome_sort, 1, 1 },
    { "cocktail", cocktail_sort, 1, 1 },
    { "odd_even_transp", odd_even_transposition_sort, 1, 1 },
    { "pancake", pancake_sort, 0, 1 },
    { "cycle", cycle_sort, 0, 1 },
    { "comb", comb_sort, 0, 0 },
    { "shell_ciura", shell_sort, 0, 0 },
    { "heap", heap_sort, 0, 0 },
    { "introsort", intro_sort, 0, 0 },
    { "timsort", tim_sort, 1, 0 },
    { "counting", counting_sort, 1, 0 },
    { "bucket", bucket_sort, 1, 0 },
    { "radix_lsd", radix_sort, 1, 0 },
    { "bitonic", bitonic_sort, 0, 0 },
    { "batcher", batcher_sort, 0, 0 },
    { "patience", patience_sort, 0, 0 },
    { "strand", strand_sort, 1, 1 },
    { "treap", tree_sort, 1, 0 },
};

#define N_ALGOS (sizeof algos / sizeof algos[0])

typedef struct {
    unsigned long cmps;
    unsigned long moves;
    int failures;
    int stability_failures;
} algo_stats_t;

enum verdict { V_OK = 0, V_ERROR = 1, V_UNSORTED = 2, V_NOT_PERM = 4, V_UNSTABLE = 8 };

static int verify(const item_t *got, const item_t *ref, size_t n, int stable, unsigned char *seen)
{
    int v = V_OK;
    memset(seen, 0, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && got[i - 1].key > got[i].key)
            v |= V_UNSORTED;
        if (got[i].key != ref[i].key)
            v |= V_UNSORTED;
        if (got[i].tag >= n || seen[got[i].tag])
            v |= V_NOT_PERM;
        else
            seen[got[i].tag] = 1;
        if (stable && got[i].tag != ref[i].tag)
            v |= V_UNSTABLE;
    }
    return v;
}

static uint32_t hash_items(uint32_t h, const item_t *a, size_t n, int with_tags)
{
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (uint32_t)a[i].key) * 0x01000193u;
        if (with_tags)
            h = (h ^ a[i].tag) * 0x01000193u;
        h ^= h >> 13;
    }
    return h;
}

static size_t count_runs(const item_t *a, size_t n)
{
    size_t runs = n ? 1 : 0;
    for (size_t i = 1; i < n; i++)
        if (a[i].key < a[i - 1].key)
            runs++;
    return runs;
}

int main(void)
{
    item_t *input[2], *ref[2], *work = malloc(N_BIG * sizeof(item_t));
    unsigned char *seen = malloc(N_BIG);
    static const size_t sizes[2] = { N_SMALL, N_BIG };
    algo_stats_t stats[N_ALGOS];
    uint32_t checksum = 0x811c9dc5u;
    int total_fail = 0;

    memset(stats, 0, sizeof stats);
    for (int s = 0; s < 2; s++) {
        input[s] = malloc(sizes[s] * sizeof(item_t));
        ref[s] = malloc(sizes[s] * sizeof(item_t));
    }
    if (!work || !seen || !input[0] || !input[1] || !ref[0] || !ref[1]) {
        free(work); free(seen);
        for (int s = 0; s < 2; s++) {
            free(input[s]);
            free(ref[s]);
        }
        return 1;
    }

    for (int d = 0; d < DIST_COUNT; d++) {
        for (int s = 0; s < 2; s++) {
            generate(input[s], sizes[s], (enum dist_kind)d);
            memcpy(ref[s], input[s], sizes[s] * sizeof(item_t));
            if (reference_sort(ref[s], sizes[s]) != 0)
                total_fail++;
        }
        uint32_t dh = hash_items(0x811c9dc5u, ref[1], N_BIG, 1);
        int dist_fail = 0;
        for (size_t k = 0; k < N_ALGOS; k++) {
            int s = algos[k].quadratic ? 0 : 1;
            size_t n = sizes[s];
            memcpy(work, input[s], n * sizeof(item_t));
            g_cmp = g_mov = 0;
            int rc = algos[k].fn(work, n);
            stats[k].cmps += g_cmp;
            stats[k].moves += g_mov;
            int v = rc != 0 ? V_ERROR : verify(work, ref[s], n, algos[k].stable, seen);
            if (v & V_UNSTABLE)
                stats[k].stability_failures++;
            if (v != V_OK) {
                stats[k].failures++;
                dist_fail++;
            }
            checksum = hash_items(checksum, work, n, algos[k].stable);
            checksum = (checksum ^ (uint32_t)g_cmp) * 0x01000193u;
        }
        total_fail += dist_fail;
        printf("dist %-13s n=%d/%d input_runs=%zu min=%ld max=%ld ref_hash=%08x failures=%d\n", dist_names[d],
               N_SMALL, N_BIG, count_runs(input[1], N_BIG), (long)ref[1][0].key, (long)ref[1][N_BIG - 1].key,
               (unsigned)dh, dist_fail);
    }

    for (size_t k = 0; k < N_ALGOS; k++) {
        printf("%-17s n=%-4d %-8s cmps=%-9lu moves=%-9lu %s\n", algos[k].name,
               algos[k].quadratic ? N_SMALL : N_BIG, algos[k].stable ? "stable" : "unstable", stats[k].cmps,
               stats[k].moves, stats[k].failures == 0 ? "OK" : "FAIL");
    }
    printf("extras: pancake_flips=%lu cycle_writes=%lu intro_fallbacks=%lu tim_merges=%lu tim_gallop_skipped=%lu\n",
           g_flips, g_cycle_writes, g_intro_fallbacks, g_tim_merges, g_tim_skipped);
    printf("extras: patience_piles=%lu strands=%lu max_treap_height=%zu\n", g_piles, g_strands, g_treap_height);
    printf("all checks: %s (%d failures)\n", total_fail == 0 ? "PASS" : "FAIL", total_fail);
    printf("checksum: 0x%08x\n", (unsigned)checksum);

    free(work);
    free(seen);
    for (int s = 0; s < 2; s++) {
        free(input[s]);
        free(ref[s]);
    }
    return 0;
}
