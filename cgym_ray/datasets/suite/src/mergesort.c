/* cgym-suite: category=sorting; top-down, bottom-up and linked-list merge sort with stability and inversion-count checks */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define N_ITEMS 10000
#define SMALL_RUN 8

typedef struct {
    uint32_t key;   /* sort key (many duplicates) */
    uint32_t order; /* original position, used to check stability */
} item_t;

typedef struct {
    uint64_t s;
} rng_t;

static uint32_t rng_next(rng_t *r)
{
    /* 64-bit LCG, high bits returned */
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(r->s >> 33);
}

static unsigned long merge_moves;
static unsigned long merge_compares;

static int item_less(const item_t *a, const item_t *b)
{
    merge_compares++;
    return a->key < b->key;
}

/* merge src[lo..mid) and src[mid..hi) into dst[lo..hi); stable: ties taken from the left */
static void merge_runs(const item_t *src, item_t *dst, size_t lo, size_t mid, size_t hi)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        if (item_less(&src[j], &src[i]))
            dst[k++] = src[j++];
        else
            dst[k++] = src[i++];
    }
    while (i < mid)
        dst[k++] = src[i++];
    while (j < hi)
        dst[k++] = src[j++];
    merge_moves += hi - lo;
}

static void insertion_sort_items(item_t *a, size_t lo, size_t hi)
{
    for (size_t i = lo + 1; i < hi; i++) {
        item_t v = a[i];
        size_t j = i;
        while (j > lo && item_less(&v, &a[j - 1])) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

/* top-down: sorts a[lo..hi), using tmp as scratch; result ends in a */
static void td_sort(item_t *a, item_t *tmp, size_t lo, size_t hi)
{
    if (hi - lo <= SMALL_RUN) {
        insertion_sort_items(a, lo, hi);
        return;
    }
    size_t mid = lo + (hi - lo) / 2;
    td_sort(a, tmp, lo, mid);
    td_sort(a, tmp, mid, hi);
    /* already ordered: skip the merge */
    if (!item_less(&a[mid], &a[mid - 1]))
        return;
    merge_runs(a, tmp, lo, mid, hi);
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof(item_t));
}

static int mergesort_topdown(item_t *a, size_t n)
{
    item_t *tmp = malloc((n ? n : 1) * sizeof(item_t));
    if (!tmp)
        return -1;
    td_sort(a, tmp, 0, n);
    free(tmp);
    return 0;
}

/* bottom-up: ping-pong between two buffers with doubling widths */
static int mergesort_bottomup(item_t *a, size_t n)
{
    item_t *buf = malloc((n ? n : 1) * sizeof(item_t));
    if (!buf)
        return -1;
    item_t *src = a, *dst = buf;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n;
            size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            merge_runs(src, dst, lo, mid, hi);
        }
        item_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof(item_t));
    free(buf);
    return 0;
}

/* ---------- linked list merge sort (index based nodes) ---------- */

typedef struct {
    item_t val;
    int next; /* -1 terminates */
} node_t;

static int list_merge(node_t *nodes, int x, int y)
{
    int head = -1, tail = -1;
    while (x >= 0 && y >= 0) {
        int take;
        if (item_less(&nodes[y].val, &nodes[x].val)) {
            take = y;
            y = nodes[y].next;
        } else {
            take = x;
            x = nodes[x].next;
        }
        if (tail < 0)
            head = take;
        else
            nodes[tail].next = take;
        tail = take;
    }
    int rest = x >= 0 ? x : y;
    if (tail < 0)
        return rest;
    nodes[tail].next = rest;
    return head;
}

static int list_sort(node_t *nodes, int head, int len)
{
    if (len <= 1) {
        if (head >= 0)
            nodes[head].next = -1;
        return head;
    }
    int half = len / 2;
    int cut = head;
    for (int i = 1; i < half; i++)
        cut = nodes[cut].next;
    int second = nodes[cut].next;
    nodes[cut].next = -1;
    int l = list_sort(nodes, head, half);
    int r = list_sort(nodes, second, len - half);
    return list_merge(nodes, l, r);
}

/* ---------- inversion counting via merge ---------- */

static uint64_t count_inversions_rec(uint32_t *a, uint32_t *tmp, size_t lo, size_t hi)
{
    if (hi - lo < 2)
        return 0;
    size_t mid = lo + (hi - lo) / 2;
    uint64_t inv = count_inversions_rec(a, tmp, lo, mid) + count_inversions_rec(a, tmp, mid, hi);
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        if (a[j] < a[i]) {
            inv += mid - i;
            tmp[k++] = a[j++];
        } else {
            tmp[k++] = a[i++];
        }
    }
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < hi)
        tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof(uint32_t));
    return inv;
}

static uint64_t brute_inversions(const uint32_t *a, size_t n)
{
    uint64_t inv = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (a[j] < a[i])
                inv++;
    return inv;
}

/* ---------- data generation / checks ---------- */

enum { G_RANDOM, G_DUPES, G_SORTED_RUNS, G_DESCENDING, G_SAWTOOTH, G_COUNT };

static const char *gen_names[G_COUNT] = { "random", "dupes", "sorted_runs", "descending", "sawtooth" };

static void generate(item_t *a, size_t n, int kind, rng_t *r)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t k;
        switch (kind) {
        case G_RANDOM:
            k = rng_next(r);
            break;
        case G_DUPES:
            k = rng_next(r) % 37u;
            break;
        case G_SORTED_RUNS:
            k = (uint32_t)(i % 500) * 7u + (rng_next(r) % 3u);
            break;
        case G_DESCENDING:
            k = (uint32_t)(n - i) / 3u;
            break;
        case G_SAWTOOTH:
        default:
            k = (uint32_t)(i % 97) ^ (uint32_t)(i / 1000);
            break;
        }
        a[i].key = k;
        a[i].order = (uint32_t)i;
    }
}

/* sorted by key and, among equal keys, original order preserved */
static int check_stable_sorted(const item_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (a[i - 1].key > a[i].key)
            return 0;
        if (a[i - 1].key == a[i].key && a[i - 1].order > a[i].order)
            return 0;
    }
    return 1;
}

static int check_permutation(const item_t *a, size_t n)
{
    unsigned char *seen = calloc(n ? n : 1, 1);
    int ok = 1;
    if (!seen)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (a[i].order >= n || seen[a[i].order]) {
            ok = 0;
            break;
        }
        seen[a[i].order] = 1;
    }
    free(seen);
    return ok;
}

static uint32_t hash_items(uint32_t h, const item_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h = (h ^ a[i].key) * 0x01000193u;
        h = (h ^ a[i].order) * 0x01000193u;
        h ^= h >> 15;
    }
    return h;
}

int main(void)
{
    rng_t r = { 0x853c49e6748fea9bULL };
    uint32_t checksum = 0x811c9dc5u;
    int all_ok = 1;
    size_t n = N_ITEMS;

    item_t *orig = malloc(n * sizeof(item_t));
    item_t *a = malloc(n * sizeof(item_t));
    item_t *b = malloc(n * sizeof(item_t));
    node_t *nodes = malloc(n * sizeof(node_t));
    uint32_t *keys = malloc(n * sizeof(uint32_t));
    uint32_t *ktmp = malloc(n * sizeof(uint32_t));
    if (!orig || !a || !b || !nodes || !keys || !ktmp) {
        free(orig); free(a); free(b); free(nodes); free(keys); free(ktmp);
        return 1;
    }

    for (int g = 0; g < G_COUNT; g++) {
        generate(orig, n, g, &r);
        memcpy(a, orig, n * sizeof(item_t));
        memcpy(b, orig, n * sizeof(item_t));

        merge_compares = merge_moves = 0;
        mergesort_topdown(a, n);
        unsigned long td_cmp = merge_compares, td_mov = merge_moves;

        merge_compares = merge_moves = 0;
        mergesort_bottomup(b, n);
        unsigned long bu_cmp = merge_compares, bu_mov = merge_moves;

        for (size_t i = 0; i < n; i++) {
            nodes[i].val = orig[i];
            nodes[i].next = i + 1 < n ? (int)(i + 1) : -1;
        }
        merge_compares = 0;
        int head = list_sort(nodes, 0, (int)n);
        unsigned long ls_cmp = merge_compares;
        int list_ok = 1;
        size_t pos = 0;
        for (int p = head; p >= 0; p = nodes[p].next, pos++) {
            if (pos >= n || nodes[p].val.key != a[pos].key || nodes[p].val.order != a[pos].order) {
                list_ok = 0;
                break;
            }
        }
        if (pos != n)
            list_ok = 0;

        int ok_td = check_stable_sorted(a, n) && check_permutation(a, n);
        int ok_bu = check_stable_sorted(b, n) && check_permutation(b, n);
        int same = memcmp(a, b, n * sizeof(item_t)) == 0;

        for (size_t i = 0; i < n; i++)
            keys[i] = orig[i].key;
        uint64_t inv = count_inversions_rec(keys, ktmp, 0, n);

        int ok = ok_td && ok_bu && same && list_ok;
        all_ok &= ok;
        printf("%-12s td(cmp=%lu mov=%lu) bu(cmp=%lu mov=%lu) list(cmp=%lu) inversions=%llu stable=%s %s\n",
               gen_names[g], td_cmp, td_mov, bu_cmp, bu_mov, ls_cmp, (unsigned long long)inv,
               (ok_td && ok_bu) ? "yes" : "no", ok ? "OK" : "FAIL");
        checksum = hash_items(checksum, a, n);
        checksum ^= (uint32_t)inv ^ (uint32_t)(inv >> 32);
    }

    /* cross-check inversion counting and both sorts on many small arrays */
    int small_ok = 1;
    uint64_t total_inv = 0;
    for (size_t m = 0; m <= 64; m++) {
        generate(orig, m, (int)(m % G_COUNT), &r);
        for (size_t i = 0; i < m; i++) {
            orig[i].key %= 11u;
            keys[i] = orig[i].key;
        }
        uint64_t bf = brute_inversions(keys, m);
        uint64_t mi = count_inversions_rec(keys, ktmp, 0, m);
        total_inv += mi;
        memcpy(a, orig, m * sizeof(item_t));
        memcpy(b, orig, m * sizeof(item_t));
        mergesort_topdown(a, m);
        mergesort_bottomup(b, m);
        if (bf != mi || !check_stable_sorted(a, m) || (m > 0 && memcmp(a, b, m * sizeof(item_t)) != 0))
            small_ok = 0;
        checksum = hash_items(checksum, a, m);
    }
    all_ok &= small_ok;
    printf("small arrays 0..64: total inversions=%llu %s\n", (unsigned long long)total_inv,
           small_ok ? "OK" : "FAIL");
    printf("all checks: %s\n", all_ok ? "PASS" : "FAIL");
    printf("checksum: 0x%08x\n", (unsigned)checksum);

    free(orig); free(a); free(b); free(nodes); free(keys); free(ktmp);
    return 0;
}
