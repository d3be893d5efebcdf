/* cgym-suite: category=compression; canonical Huffman coder (heap Huffman, package-merge and heuristic length limiting, table-driven decoder) plus an RLE/BWT/MTF/zero-run preprocessing pipeline, round trips on generated texts */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALPHA_MAX 258     /* 256 bytes/MTF values + RUNA/RUNB/EOB variants */
#define MAX_CODE_LEN 15   /* container limit, as in DEFLATE */
#define FAST_BITS 9       /* primary decode table index width */
#define RAW_EOB 256       /* end-of-block symbol for the byte coder */
#define ZRLE_RUNA 0
#define ZRLE_RUNB 1
#define ZRLE_EOB 257

typedef enum { LIMIT_PACKAGE_MERGE, LIMIT_HEURISTIC } limit_method;

/* ===================================================================== */
/* Growable byte buffer                                                  */
/* ===================================================================== */

typedef struct {
    uint8_t *p;
    size_t len, cap;
    int oom;
} buf_t;

static void buf_init(buf_t *b, size_t cap)
{
    if (cap < 16)
        cap = 16;
    b->p = malloc(cap);
    b->len = 0;
    b->cap = b->p ? cap : 0;
    b->oom = b->p == NULL;
}

static int buf_reserve(buf_t *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (b->len + extra <= b->cap)
        return 1;
    size_t nc = b->cap * 2;
    while (nc < b->len + extra)
        nc *= 2;
    uint8_t *np = realloc(b->p, nc);
    if (!np) {
        b->oom = 1;
        return 0;
    }
    b->p = np;
    b->cap = nc;
    return 1;
}

static void buf_push(buf_t *b, uint8_t v)
{
    if (buf_reserve(b, 1))
        b->p[b->len++] = v;
}

static void buf_free(buf_t *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ===================================================================== */
/* Bit I/O (MSB-first)                                                   */
/* ===================================================================== */

typedef struct {
    buf_t *out;
    uint32_t acc;
    unsigned n; /* pending bits in acc, always < 8 between calls */
    uint64_t total_bits;
} bitw_t;

static void bw_init(bitw_t *w, buf_t *out)
{
    w->out = out;
    w->acc = 0;
    w->n = 0;
    w->total_bits = 0;
}

static void bw_put(bitw_t *w, uint32_t v, unsigned nbits)
{
    /* split long writes so the 32-bit accumulator never overflows */
    while (nbits > 16) {
        bw_put(w, v >> (nbits - 16), 16);
        nbits -= 16;
        v &= (1u << nbits) - 1u;
    }
    if (nbits == 0)
        return;
    w->acc = (w->acc << nbits) | (v & ((1u << nbits) - 1u));
    w->n += nbits;
    w->total_bits += nbits;
    while (w->n >= 8) {
        buf_push(w->out, (uint8_t)(w->acc >> (w->n - 8)));
        w->n -= 8;
    }
    w->acc &= (1u << w->n) - 1u;
}

static void bw_flush(bitw_t *w)
{
    if (w->n > 0)
        buf_push(w->out, (uint8_t)(w->acc << (8 - w->n)));
    w->acc = 0;
    w->n = 0;
}

typedef struct {
    const uint8_t *p;
    size_t len;
    size_t bitpos;
    int overrun;
} bitr_t;

static void br_init(bitr_t *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->bitpos = 0;
    r->overrun = 0;
}

static unsigned br_bit(bitr_t *r)
{
    if (r->bitpos >= r->len * 8) {
        r->overrun = 1;
        return 0;
    }
    unsigned b = (r->p[r->bitpos >> 3] >> (7u - (unsigned)(r->bitpos & 7u))) & 1u;
    r->bitpos++;
    return b;
}

static uint32_t br_bits(bitr_t *r, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = (v << 1) | br_bit(r);
    return v;
}

/* Peek n bits without consuming; bits past the end read as zero. */
static uint32_t br_peek(const bitr_t *r, unsigned n)
{
    uint32_t v = 0;
    size_t pos = r->bitpos;
    size_t end = r->len * 8;
    unsigned got = 0;
    /* fast path: whole bytes */
    while (got < n) {
        if (pos >= end) {
            v <<= (n - got);
            break;
        }
        unsigned bit_in_byte = (unsigned)(pos & 7u);
        unsigned avail = 8u - bit_in_byte;
        unsigned take = n - got < avail ? n - got : avail;
        unsigned byte = r->p[pos >> 3];
        unsigned chunk = (byte >> (avail - take)) & ((1u << take) - 1u);
        v = (v << take) | chunk;
        got += take;
        pos += take;
    }
    return v;
}

static void br_skip(bitr_t *r, unsigned n)
{
    r->bitpos += n;
    if (r->bitpos > r->len * 8) {
        r->bitpos = r->len * 8;
        r->overrun = 1;
    }
}

/* ===================================================================== */
/* Unlimited Huffman code lengths via a binary min-heap                  */
/* ===================================================================== */

typedef struct {
    uint64_t weight;
    int left, right; /* -1 for leaves */
    int sym;
} hnode;

typedef struct {
    int *items;
    int size;
    const hnode *nodes;
} node_heap;

static int node_less(const hnode *nodes, int a, int b)
{
    if (nodes[a].weight != nodes[b].weight)
        return nodes[a].weight < nodes[b].weight;
    return a < b; /* deterministic tie-break */
}

static void heap_sift_up(node_heap *h, int i)
{
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (!node_less(h->nodes, h->items[i], h->items[parent]))
            break;
        int t = h->items[i];
        h->items[i] = h->items[parent];
        h->items[parent] = t;
        i = parent;
    }
}

static void heap_sift_down(node_heap *h, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->size && node_less(h->nodes, h->items[l], h->items[m]))
            m = l;
        if (r < h->size && node_less(h->nodes, h->items[r], h->items[m]))
            m = r;
        if (m == i)
            break;
        int t = h->items[i];
        h->items[i] = h->items[m];
        h->items[m] = t;
        i = m;
    }
}

static void heap_push(node_heap *h, int node)
{
    h->items[h->size++] = node;
    heap_sift_up(h, h->size - 1);
}

static int heap_pop(node_heap *h)
{
    int top = h->items[0];
    h->items[0] = h->items[--h->size];
    if (h->size > 0)
        heap_sift_down(h, 0);
    return top;
}

static void assign_depths(const hnode *nodes, int idx, int depth, int *lens)
{
    if (nodes[idx].left < 0) {
        lens[nodes[idx].sym] = depth;
        return;
    }
    assign_depths(nodes, nodes[idx].left, depth + 1, lens);
    assign_depths(nodes, nodes[idx].right, depth + 1, lens);
}

/* Returns the maximum code length (0 if no symbol is used). */
static int huffman_lengths(const uint32_t *freq, int n, int *lens)
{
    hnode nodes[2 * ALPHA_MAX];
    int heap_items[2 * ALPHA_MAX];
    node_heap h = {heap_items, 0, nodes};
    int count = 0, used = 0, last = -1;
    for (int s = 0; s < n; s++) {
        lens[s] = 0;
        if (freq[s] == 0)
            continue;
        nodes[count].weight = freq[s];
        nodes[count].left = nodes[count].right = -1;
        nodes[count].sym = s;
        heap_push(&h, count);
        count++;
        used++;
        last = s;
    }
    if (used == 0)
        return 0;
    if (used == 1) {
        lens[last] = 1;
        return 1;
    }
    while (h.size > 1) {
        int a = heap_pop(&h);
        int b = heap_pop(&h);
        nodes[count].weight = nodes[a].weight + nodes[b].weight;
        nodes[count].left = a;
        nodes[count].right = b;
        nodes[count].sym = -1;
        heap_push(&h, count);
        count++;
    }
    int root = heap_pop(&h);
    assign_depths(nodes, root, 0, lens);
    int maxlen = 0;
    for (int s = 0; s < n; s++)
        if (lens[s] > maxlen)
            maxlen = lens[s];
    return maxlen;
}

/* ===================================================================== */
/* Length-limited codes                                                  */
/* ===================================================================== */

typedef struct {
    uint64_t weight;
    int leaf;  /* symbol for leaves, -1 for packages */
    int a, b;  /* children in the item pool for packages */
} pm_item;

typedef struct {
    int sym;
    uint32_t freq;
} sym_freq;

static int cmp_sym_freq(const void *x, const void *y)
{
    const sym_freq *a = x, *b = y;
    if (a->freq != b->freq)
        return a->freq < b->freq ? -1 : 1;
    return (a->sym > b->sym) - (a->sym < b->sym);
}

static void pm_count_leaves(const pm_item *pool, int idx, int *lens)
{
    if (pool[idx].leaf >= 0) {
        lens[pool[idx].leaf]++;
        return;
    }
    pm_count_leaves(pool, pool[idx].a, lens);
    pm_count_leaves(pool, pool[idx].b, lens);
}

/*
 * Package-merge (Larmore & Hirschberg): optimal prefix code lengths with
 * every length <= limit.  Returns 0 on success, -1 if impossible.
 */
static int package_merge(const uint32_t *freq, int n, int limit, int *lens)
{
    sym_freq leaves[ALPHA_MAX];
    int m = 0;
    for (int s = 0; s < n; s++) {
        lens[s] = 0;
        if (freq[s]) {
            leaves[m].sym = s;
            leaves[m].freq = freq[s];
            m++;
        }
    }
    if (m == 0)
        return 0;
    if (m == 1) {
        lens[leaves[0].sym] = 1;
        return 0;
    }
    if (limit < 1 || limit > 30 || (1L << limit) < m)
        return -1;
    qsort(leaves, (size_t)m, sizeof(leaves[0]), cmp_sym_freq);

    size_t pool_cap = (size_t)limit * (size_t)(3 * m) + (size_t)m;
    pm_item *pool = malloc(sizeof(pm_item) * pool_cap);
    int *cur = malloc(sizeof(int) * (size_t)(2 * m));
    int *nxt = malloc(sizeof(int) * (size_t)(2 * m));
    if (!pool || !cur || !nxt) {
        free(pool);
        free(cur);
        free(nxt);
        return -1;
    }
    size_t used = 0;
    int leaf_idx0 = 0;
    for (int i = 0; i < m; i++) {
        pool[used].weight = leaves[i].freq;
        pool[used].leaf = leaves[i].sym;
        pool[used].a = pool[used].b = -1;
        used++;
    }
    int cur_len = m;
    for (int i = 0; i < m; i++)
        cur[i] = leaf_idx0 + i;
    for (int level = 1; level < limit; level++) {
        /* package adjacent pairs of the current list */
        int npk = cur_len / 2;
        int pk_start = (int)used;
        for (int i = 0; i < npk; i++) {
            pm_item *it = &pool[used++];
            it->a = cur[2 * i];
            it->b = cur[2 * i + 1];
            it->leaf = -1;
            it->weight = pool[it->a].weight + pool[it->b].weight;
        }
        /* merge packages with the original leaves (leaves first on ties) */
        int li = 0, pi = 0, out = 0;
        while (li < m || pi < npk) {
            int take_leaf;
            if (li >= m)
                take_leaf = 0;
            else if (pi >= npk)
                take_leaf = 1;
            else
                take_leaf = pool[leaf_idx0 + li].weight <= pool[pk_start + pi].weight;
            nxt[out++] = take_leaf ? leaf_idx0 + li++ : pk_start + pi++;
            if (out == 2 * m)
                break;
        }
        int *t = cur;
        cur = nxt;
        nxt = t;
        cur_len = out;
    }
    for (int i = 0; i < 2 * m - 2 && i < cur_len; i++)
        pm_count_leaves(pool, cur[i], lens);
    free(pool);
    free(cur);
    free(nxt);
    return 0;
}

/* Clamp-and-repair heuristic: start from Huffman, fix the Kraft sum. */
static int heuristic_limit(const uint32_t *freq, int n, int limit, int *lens)
{
    int maxlen = huffman_lengths(freq, n, lens);
    if (maxlen <= limit)
        return 0;
    int used = 0;
    for (int s = 0; s < n; s++)
        used += lens[s] > 0;
    if ((1L << limit) < used)
        return -1;
    uint64_t cap = (uint64_t)1 << limit;
    uint64_t kraft = 0;
    for (int s = 0; s < n; s++) {
        if (!lens[s])
            continue;
        if (lens[s] > limit)
            lens[s] = limit;
        kraft += (uint64_t)1 << (limit - lens[s]);
    }
    /* lengthen the cheapest codes until the Kraft inequality holds */
    while (kraft > cap) {
        int best = -1;
        for (int s = 0; s < n; s++) {
            if (!lens[s] || lens[s] >= limit)
                continue;
            if (best < 0 || lens[s] > lens[best] ||
                (lens[s] == lens[best] && freq[s] < freq[best]))
                best = s;
        }
        if (best < 0)
            return -1;
        kraft -= (uint64_t)1 << (limit - lens[best] - 1);
        lens[best]++;
    }
    /* use leftover code space to shorten the most frequent symbols */
    int changed = 1;
    while (changed) {
        changed = 0;
        int best = -1;
        for (int s = 0; s < n; s++) {
            if (lens[s] <= 1)
                continue;
            uint64_t gain = (uint64_t)1 << (limit - lens[s]);
            if (kraft + gain > cap)
                continue;
            if (best < 0 || freq[s] > freq[best])
                best = s;
        }
        if (best >= 0) {
            kraft += (uint64_t)1 << (limit - lens[best]);
            lens[best]--;
            changed = 1;
        }
    }
    return 0;
}

static int compute_lengths(const uint32_t *freq, int n, int limit, limit_method method,
                           int *lens)
{
    switch (method) {
    case LIMIT_PACKAGE_MERGE:
        return package_merge(freq, n, limit, lens);
    case LIMIT_HEURISTIC:
        return heuristic_limit(freq, n, limit, lens);
    default:
        return -1;
    }
}

static uint64_t code_cost(const uint32_t *freq, const int *lens, int n)
{
    uint64_t c = 0;
    for (int s = 0; s < n; s++)
        c += (uint64_t)freq[s] * (uint64_t)lens[s];
    return c;
}

/* Kraft sum check in units of 2^-MAX: returns -1 over-full, 0 complete, 1 incomplete. */
static int kraft_status(const int *lens, int n, int maxlen)
{
    uint64_t k = 0, cap = (uint64_t)1 << maxlen;
    int used = 0;
    for (int s = 0; s < n; s++) {
        if (lens[s] > maxlen)
            return -1;
        if (lens[s] > 0) {
            k += (uint64_t)1 << (maxlen - lens[s]);
            used++;
        }
    }
    if (k > cap)
        return -1;
    if (k == cap || used <= 1)
        return 0;
    return 1;
}

/* ===================================================================== */
/* Canonical codes: encoder and decoder tables                           */
/* ===================================================================== */

typedef struct {
    int n;
    int maxlen;
    int lens[ALPHA_MAX];
    uint32_t codes[ALPHA_MAX];
    /* decoding */
    uint16_t count[MAX_CODE_LEN + 1];
    uint32_t first[MAX_CODE_LEN + 1];
    uint16_t offset[MAX_CODE_LEN + 1];
    uint16_t sorted[ALPHA_MAX];
    uint16_t fast_sym[1u << FAST_BITS];
    uint8_t fast_len[1u << FAST_BITS];
} hcode;

static int hcode_build(hcode *h, const int *lens, int n)
{
    memset(h, 0, sizeof(*h));
    h->n = n;
    for (int s = 0; s < n; s++) {
        if (lens[s] < 0 || lens[s] > MAX_CODE_LEN)
            return -1;
        h->lens[s] = lens[s];
        if (lens[s]) {
            h->count[lens[s]]++;
            if (lens[s] > h->maxlen)
                h->maxlen = lens[s];
        }
    }
    if (h->maxlen == 0 || kraft_status(lens, n, MAX_CODE_LEN) < 0)
        return -1;
    /* canonical first codes per length */
    uint32_t code = 0;
    uint16_t off = 0;
    for (int len = 1; len <= MAX_CODE_LEN; len++) {
        code = (code + (len > 1 ? h->count[len - 1] : 0u)) << (len > 1 ? 1 : 0);
        h->first[len] = code;
        h->offset[len] = off;
        off = (uint16_t)(off + h->count[len]);
    }
    /* sorted symbol list: by length, then by symbol */
    uint16_t fill[MAX_CODE_LEN + 1];
    memcpy(fill, h->offset, sizeof(fill));
    for (int s = 0; s < n; s++) {
        int l = lens[s];
        if (l) {
            uint16_t idx = fill[l]++;
            h->sorted[idx] = (uint16_t)s;
            h->codes[s] = h->first[l] + (uint32_t)(idx - h->offset[l]);
        }
    }
    /* primary lookup table */
    for (int s = 0; s < n; s++) {
        int l = lens[s];
        if (!l || l > FAST_BITS)
            continue;
        uint32_t base = h->codes[s] << (FAST_BITS - l);
        uint32_t span = 1u << (FAST_BITS - l);
        for (uint32_t j = 0; j < span; j++) {
            h->fast_sym[base + j] = (uint16_t)s;
            h->fast_len[base + j] = (uint8_t)l;
        }
    }
    return 0;
}

static void hcode_put(bitw_t *w, const hcode *h, int sym)
{
    bw_put(w, h->codes[sym], (unsigned)h->lens[sym]);
}

/* Bit-serial canonical decode. Returns -1 on invalid code. */
static int hcode_get_slow(bitr_t *r, const hcode *h)
{
    uint32_t code = 0;
    for (int len = 1; len <= h->maxlen; len++) {
        code |= br_bit(r);
        uint32_t idx = code - h->first[len];
        if (code >= h->first[len] && idx < h->count[len])
            return h->sorted[h->offset[len] + idx];
        code <<= 1;
    }
    return -1;
}

/* Table-driven decode with slow fallback for long codes. */
static int hcode_get_fast(bitr_t *r, const hcode *h)
{
    uint32_t v = br_peek(r, FAST_BITS);
    unsigned l = h->fast_len[v];
    if (l) {
        br_skip(r, l);
        return h->fast_sym[v];
    }
    return hcode_get_slow(r, h);
}

/* ===================================================================== */
/* Code-length header: symbol-presence bitmap + delta-coded lengths      */
/* ===================================================================== */

static void write_lengths(bitw_t *w, const int *lens, int n)
{
    int groups = (n + 15) / 16;
    bw_put(w, (uint32_t)n, 9);
    uint32_t gmask = 0;
    for (int g = 0; g < groups; g++) {
        int any = 0;
        for (int s = g * 16; s < n && s < g * 16 + 16; s++)
            any |= lens[s] != 0;
        gmask = (gmask << 1) | (uint32_t)any;
    }
    bw_put(w, gmask, (unsigned)groups);
    for (int g = 0; g < groups; g++) {
        if (!((gmask >> (groups - 1 - g)) & 1u))
            continue;
        uint32_t bits = 0;
        for (int k = 0; k < 16; k++) {
            int s = g * 16 + k;
            bits = (bits << 1) | (uint32_t)(s < n && lens[s] != 0);
        }
        bw_put(w, bits, 16);
    }
    int cur = -1;
    for (int s = 0; s < n; s++) {
        if (!lens[s])
            continue;
        if (cur < 0) {
            cur = lens[s];
            bw_put(w, (uint32_t)cur, 5);
        }
        while (cur < lens[s]) {
            bw_put(w, 2, 2); /* 10: increment */
            cur++;
        }
        while (cur > lens[s]) {
            bw_put(w, 3, 2); /* 11: decrement */
            cur--;
        }
        bw_put(w, 0, 1); /* 0: emit */
    }
}

static int read_lengths(bitr_t *r, int *lens, int max_n)
{
    int n = (int)br_bits(r, 9);
    if (n <= 0 || n > max_n)
        return -1;
    int groups = (n + 15) / 16;
    uint32_t gmask = br_bits(r, (unsigned)groups);
    for (int s = 0; s < n; s++)
        lens[s] = 0;
    int present[ALPHA_MAX];
    memset(present, 0, sizeof(present));
    for (int g = 0; g < groups; g++) {
        if (!((gmask >> (groups - 1 - g)) & 1u))
            continue;
        uint32_t bits = br_bits(r, 16);
        for (int k = 0; k < 16; k++) {
            int s = g * 16 + k;
            if ((bits >> (15 - k)) & 1u) {
                if (s >= n)
                    return -1;
                present[s] = 1;
            }
        }
    }
    int cur = -1;
    for (int s = 0; s < n; s++) {
        if (!present[s])
            continue;
        if (cur < 0)
            cur = (int)br_bits(r, 5);
        for (;;) {
            if (r->overrun || cur < 1 || cur > MAX_CODE_LEN)
                return -1;
            if (!br_bit(r))
                break;
            cur += br_bit(r) ? -1 : 1;
        }
        lens[s] = cur;
    }
    return r->overrun ? -1 : n;
}

/* ===================================================================== */
/* Byte-oriented Huffman coder                                           */
/* ===================================================================== */

typedef struct {
    uint64_t payload_bits;
    int maxlen;
    uint64_t cost;
} huff_info;

static int huff_compress(const uint8_t *src, size_t n, int limit, limit_method method,
                         buf_t *out, huff_info *info)
{
    uint32_t freq[RAW_EOB + 1];
    int lens[RAW_EOB + 1];
    memset(freq, 0, sizeof(freq));
    for (size_t i = 0; i < n; i++)
        freq[src[i]]++;
    freq[RAW_EOB] = 1;
    if (compute_lengths(freq, RAW_EOB + 1, limit, method, lens) != 0)
        return -1;
    hcode *h = malloc(sizeof(hcode));
    if (!h || hcode_build(h, lens, RAW_EOB + 1) != 0) {
        free(h);
        return -1;
    }
    bitw_t w;
    bw_init(&w, out);
    bw_put(&w, (uint32_t)(n >> 16), 16);
    bw_put(&w, (uint32_t)(n & 0xFFFFu), 16);
    write_lengths(&w, lens, RAW_EOB + 1);
    uint64_t before = w.total_bits;
    for (size_t i = 0; i < n; i++)
        hcode_put(&w, h, src[i]);
    hcode_put(&w, h, RAW_EOB);
    info->payload_bits = w.total_bits - before;
    info->maxlen = h->maxlen;
    info->cost = code_cost(freq, lens, RAW_EOB + 1);
    bw_flush(&w);
    free(h);
    return out->oom ? -1 : 0;
}

static int huff_decompress(const uint8_t *in, size_t len, int use_fast, buf_t *out)
{
    bitr_t r;
    int lens[ALPHA_MAX];
    br_init(&r, in, len);
    size_t n = (size_t)br_bits(&r, 16) << 16;
    n |= br_bits(&r, 16);
    if (read_lengths(&r, lens, ALPHA_MAX) != RAW_EOB + 1)
        return -1;
    hcode *h = malloc(sizeof(hcode));
    if (!h || hcode_build(h, lens, RAW_EOB + 1) != 0) {
        free(h);
        return -1;
    }
    int rc = -1;
    for (;;) {
        int sym = use_fast ? hcode_get_fast(&r, h) : hcode_get_slow(&r, h);
        if (sym < 0 || r.overrun)
            break;
        if (sym == RAW_EOB) {
            rc = out->len == n ? 0 : -1;
            break;
        }
        if (out->len >= n)
            break;
        buf_push(out, (uint8_t)sym);
    }
    free(h);
    return rc;
}

/* ===================================================================== */
/* Preprocessing: RLE1, BWT, MTF, zero-run RLE                           */
/* ===================================================================== */

/* Runs of 4..259 equal bytes become 4 bytes + a count byte (bzip2 style). */
static void rle1_encode(const uint8_t *src, size_t n, buf_t *out)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = src[i];
        size_t run = 1;
        while (i + run < n && src[i + run] == b && run < 259)
            run++;
        if (run >= 4) {
            for (int k = 0; k < 4; k++)
                buf_push(out, b);
            buf_push(out, (uint8_t)(run - 4));
        } else {
            for (size_t k = 0; k < run; k++)
                buf_push(out, b);
        }
        i += run;
    }
}

static int rle1_decode(const uint8_t *src, size_t n, buf_t *out)
{
    size_t i = 0;
    int same = 0;
    int prev = -1;
    while (i < n) {
        uint8_t b = src[i++];
        buf_push(out, b);
        same = (b == prev) ? same + 1 : 1;
        prev = b;
        if (same == 4) {
            if (i >= n)
                return -1;
            uint8_t extra = src[i++];
            for (unsigned k = 0; k < extra; k++)
                buf_push(out, b);
            same = 0;
            prev = -1;
        }
    }
    return out->oom ? -1 : 0;
}

/* Sort all cyclic rotations of s by prefix doubling with counting sorts. */
static int sort_rotations(const uint8_t *s, int n, int *p)
{
    int alpha = n > 256 ? n : 256;
    int *c = malloc(sizeof(int) * (size_t)n);
    int *pn = malloc(sizeof(int) * (size_t)n);
    int *cn = malloc(sizeof(int) * (size_t)n);
    int *cnt = malloc(sizeof(int) * (size_t)alpha);
    if (!c || !pn || !cn || !cnt) {
        free(c);
        free(pn);
        free(cn);
        free(cnt);
        return -1;
    }
    memset(cnt, 0, sizeof(int) * 256);
    for (int i = 0; i < n; i++)
        cnt[s[i]]++;
    for (int i = 1; i < 256; i++)
        cnt[i] += cnt[i - 1];
    for (int i = n - 1; i >= 0; i--)
        p[--cnt[s[i]]] = i;
    int classes = 1;
    c[p[0]] = 0;
    for (int i = 1; i < n; i++) {
        if (s[p[i]] != s[p[i - 1]])
            classes++;
        c[p[i]] = classes - 1;
    }
    for (int k = 1; k < n && classes < n; k <<= 1) {
        for (int i = 0; i < n; i++) {
            pn[i] = p[i] - k;
            if (pn[i] < 0)
                pn[i] += n;
        }
        memset(cnt, 0, sizeof(int) * (size_t)classes);
        for (int i = 0; i < n; i++)
            cnt[c[pn[i]]]++;
        for (int i = 1; i < classes; i++)
            cnt[i] += cnt[i - 1];
        for (int i = n - 1; i >= 0; i--)
            p[--cnt[c[pn[i]]]] = pn[i];
        cn[p[0]] = 0;
        classes = 1;
        for (int i = 1; i < n; i++) {
            int a1 = c[p[i]], a2 = c[(p[i] + k) % n];
            int b1 = c[p[i - 1]], b2 = c[(p[i - 1] + k) % n];
            if (a1 != b1 || a2 != b2)
                classes++;
            cn[p[i]] = classes - 1;
        }
        int *t = c;
        c = cn;
        cn = t;
    }
    free(c);
    free(pn);
    free(cn);
    free(cnt);
    return 0;
}

static int bwt_forward(const uint8_t *s, int n, uint8_t *last, int *primary)
{
    if (n == 0) {
        *primary = 0;
        return 0;
    }
    int *p = malloc(sizeof(int) * (size_t)n);
    if (!p || sort_rotations(s, n, p) != 0) {
        free(p);
        return -1;
    }
    *primary = -1;
    for (int i = 0; i < n; i++) {
        last[i] = s[(p[i] + n - 1) % n];
        if (p[i] == 0)
            *primary = i;
    }
    free(p);
    return *primary >= 0 ? 0 : -1;
}

static int bwt_inverse(const uint8_t *last, int n, int primary, uint8_t *out)
{
    if (n == 0)
        return 0;
    if (primary < 0 || primary >= n)
        return -1;
    int *lf = malloc(sizeof(int) * (size_t)n);
    if (!lf)
        return -1;
    int count[256] = {0};
    int start[256];
    for (int i = 0; i < n; i++)
        count[last[i]]++;
    int sum = 0;
    for (int c = 0; c < 256; c++) {
        start[c] = sum;
        sum += count[c];
    }
    for (int i = 0; i < n; i++)
        lf[i] = start[last[i]]++;
    int p = primary;
    for (int k = n - 1; k >= 0; k--) {
        out[k] = last[p];
        p = lf[p];
    }
    free(lf);
    return 0;
}

static void mtf_encode(const uint8_t *in, size_t n, uint8_t *out)
{
    uint8_t order[256];
    for (int i = 0; i < 256; i++)
        order[i] = (uint8_t)i;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i];
        int j = 0;
        while (order[j] != b)
            j++;
        out[i] = (uint8_t)j;
        memmove(order + 1, order, (size_t)j);
        order[0] = b;
    }
}

static void mtf_decode(const uint8_t *in, size_t n, uint8_t *out)
{
    uint8_t order[256];
    for (int i = 0; i < 256; i++)
        order[i] = (uint8_t)i;
    for (size_t i = 0; i < n; i++) {
        int j = in[i];
        uint8_t b = order[j];
        out[i] = b;
        memmove(order + 1, order, (size_t)j);
        order[0] = b;
    }
}

/* Zero runs -> bijective base-2 digits RUNA/RUNB; value v>0 -> v+1; EOB at end. */
static size_t zrle_encode(const uint8_t *in, size_t n, uint16_t *out)
{
    size_t o = 0, i = 0;
    while (i < n) {
        if (in[i] == 0) {
            size_t run = 0;
            while (i < n && in[i] == 0) {
                run++;
                i++;
            }
            /* run >= 1: write run in bijective base 2, least significant digit first */
            while (run > 0) {
                if (run & 1u) {
                    out[o++] = ZRLE_RUNA;
                    run = (run - 1) / 2;
                } else {
                    out[o++] = ZRLE_RUNB;
                    run = (run - 2) / 2;
                }
            }
        } else {
            out[o++] = (uint16_t)(in[i] + 1);
            i++;
        }
    }
    out[o++] = ZRLE_EOB;
    return o;
}

static long zrle_decode(const uint16_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t o = 0;
    size_t i = 0;
    while (i < n) {
        if (in[i] == ZRLE_EOB)
            return (long)o;
        if (in[i] == ZRLE_RUNA || in[i] == ZRLE_RUNB) {
            size_t run = 0, weight = 1;
            while (i < n && (in[i] == ZRLE_RUNA || in[i] == ZRLE_RUNB)) {
                run += (in[i] == ZRLE_RUNA ? 1u : 2u) * weight;
                weight <<= 1;
                i++;
                if (weight > cap * 2 + 2)
                    return -1;
            }
            if (o + run > cap)
                return -1;
            memset(out + o, 0, run);
            o += run;
        } else {
            if (o >= cap || in[i] > 256)
                return -1;
            out[o++] = (uint8_t)(in[i] - 1);
            i++;
        }
    }
    return -1; /* missing EOB */
}

/* ===================================================================== */
/* Block compressor: RLE1 -> BWT -> MTF -> ZRLE -> Huffman               */
/* ===================================================================== */

typedef struct {
    size_t rle_len;
    size_t zrle_syms;
    int primary;
    uint64_t payload_bits;
} block_info;

static int block_compress(const uint8_t *src, size_t n, int limit, buf_t *out, block_info *bi)
{
    buf_t rle;
    buf_init(&rle, n + 16);
    rle1_encode(src, n, &rle);
    if (rle.oom) {
        buf_free(&rle);
        return -1;
    }
    size_t m = rle.len;
    uint8_t *last = malloc(m + 1);
    uint8_t *mtf = malloc(m + 1);
    uint16_t *syms = malloc(sizeof(uint16_t) * (m + 2));
    int rc = -1;
    if (!last || !mtf || !syms)
        goto done;
    int primary = 0;
    if (bwt_forward(rle.p, (int)m, last, &primary) != 0)
        goto done;
    mtf_encode(last, m, mtf);
    size_t ns = zrle_encode(mtf, m, syms);

    uint32_t freq[ALPHA_MAX];
    int lens[ALPHA_MAX];
    memset(freq, 0, sizeof(freq));
    for (size_t i = 0; i < ns; i++)
        freq[syms[i]]++;
    if (package_merge(freq, ALPHA_MAX, limit, lens) != 0)
        goto done;
    hcode *h = malloc(sizeof(hcode));
    if (!h)
        goto done;
    if (hcode_build(h, lens, ALPHA_MAX) != 0) {
        free(h);
        goto done;
    }
    bitw_t w;
    bw_init(&w, out);
    bw_put(&w, (uint32_t)(n >> 16), 16);
    bw_put(&w, (uint32_t)(n & 0xFFFFu), 16);
    bw_put(&w, (uint32_t)(m >> 16), 16);
    bw_put(&w, (uint32_t)(m & 0xFFFFu), 16);
    bw_put(&w, (uint32_t)primary >> 16, 16);
    bw_put(&w, (uint32_t)primary & 0xFFFFu, 16);
    write_lengths(&w, lens, ALPHA_MAX);
    uint64_t before = w.total_bits;
    for (size_t i = 0; i < ns; i++)
        hcode_put(&w, h, syms[i]);
    bw_flush(&w);
    free(h);
    bi->rle_len = m;
    bi->zrle_syms = ns;
    bi->primary = primary;
    bi->payload_bits = w.total_bits - before;
    rc = out->oom ? -1 : 0;
done:
    free(last);
    free(mtf);
    free(syms);
    buf_free(&rle);
    return rc;
}

static int block_decompress(const uint8_t *in, size_t len, buf_t *out)
{
    bitr_t r;
    br_init(&r, in, len);
    size_t n = (size_t)br_bits(&r, 16) << 16;
    n |= br_bits(&r, 16);
    size_t m = (size_t)br_bits(&r, 16) << 16;
    m |= br_bits(&r, 16);
    uint32_t primary_u = br_bits(&r, 16) << 16;
    primary_u |= br_bits(&r, 16);
    int lens[ALPHA_MAX];
    if (r.overrun || n > (1u << 24) || m > 2 * n + 16 || (m > 0 && primary_u >= m) ||
        read_lengths(&r, lens, ALPHA_MAX) != ALPHA_MAX)
        return -1;
    int primary = (int)primary_u;
    hcode *h = malloc(sizeof(hcode));
    uint16_t *syms = malloc(sizeof(uint16_t) * (m + 2));
    uint8_t *mtf = malloc(m + 1);
    uint8_t *last = malloc(m + 1);
    uint8_t *rle = malloc(m + 1);
    int rc = -1;
    if (!h || !syms || !mtf || !last || !rle || hcode_build(h, lens, ALPHA_MAX) != 0)
        goto done;
    size_t ns = 0;
    for (;;) {
        int s = hcode_get_fast(&r, h);
        if (s < 0 || r.overrun || ns >= m + 2)
            goto done;
        syms[ns++] = (uint16_t)s;
        if (s == ZRLE_EOB)
            break;
    }
    long mm = zrle_decode(syms, ns, mtf, m);
    if (mm != (long)m)
        goto done;
    mtf_decode(mtf, m, last);
    if (bwt_inverse(last, (int)m, primary, rle) != 0)
        goto done;
    if (rle1_decode(rle, m, out) != 0 || out->len != n)
        goto done;
    rc = 0;
done:
    free(h);
    free(syms);
    free(mtf);
    free(last);
    free(rle);
    return rc;
}

/* ===================================================================== */
/* Text generators                                                       */
/* ===================================================================== */

typedef struct {
    uint64_t s;
} rng_t;

static uint32_t rng_u32(rng_t *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    uint32_t x = (uint32_t)(((r->s >> 18) ^ r->s) >> 27);
    unsigned rot = (unsigned)(r->s >> 59);
    return (x >> rot) | (x << ((32u - rot) & 31u));
}

static uint32_t rng_below(rng_t *r, uint32_t n)
{
    return rng_u32(r) % n;
}

static size_t gen_english(rng_t *r, uint8_t *buf, size_t cap)
{
    static const char *const words[] = {
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with",
        "be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which",
        "but", "have", "an", "had", "they", "you", "were", "their", "one", "all", "we",
        "huffman", "code", "tree", "symbol", "frequency", "length", "canonical", "bits"};
    const int nw = (int)(sizeof(words) / sizeof(words[0]));
    size_t n = 0;
    int sentence_start = 1;
    while (n + 16 < cap) {
        /* Zipf-like choice: square the uniform variate to favour early words */
        uint32_t u = rng_below(r, 1000);
        int idx = (int)((u * u) / (1000u * 1000u / (uint32_t)nw));
        if (idx >= nw)
            idx = nw - 1;
        const char *w = words[idx];
        size_t l = strlen(w);
        memcpy(buf + n, w, l);
        if (sentence_start && buf[n] >= 'a' && buf[n] <= 'z')
            buf[n] = (uint8_t)(buf[n] - 'a' + 'A');
        n += l;
        sentence_start = 0;
        uint32_t p = rng_below(r, 20);
        if (p == 0) {
            buf[n++] = '.';
            buf[n++] = (rng_below(r, 4) == 0) ? '\n' : ' ';
            sentence_start = 1;
        } else if (p == 1) {
            buf[n++] = ',';
            buf[n++] = ' ';
        } else {
            buf[n++] = ' ';
        }
    }
    return n;
}

static size_t gen_fibonacci(rng_t *r, uint8_t *buf, size_t cap)
{
    /* symbol i occurs fib(i) times: forces a deep unlimited Huffman tree */
    /* counts 1, 2, 3, 5, 8, ...; together with the EOB (count 1) the
     * tree degenerates into a chain of depth 18 */
    uint32_t f[18];
    f[0] = 1;
    f[1] = 2;
    for (int i = 2; i < 18; i++)
        f[i] = f[i - 1] + f[i - 2];
    size_t n = 0; /* total = fib(21) - 2 = 10944 symbols */
    for (int i = 0; i < 18 && n < cap; i++)
        for (uint32_t k = 0; k < f[i] && n < cap; k++)
            buf[n++] = (uint8_t)('A' + i);
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = rng_below(r, (uint32_t)(i + 1));
        uint8_t t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
    }
    return n;
}

static size_t gen_dna(rng_t *r, uint8_t *buf, size_t cap)
{
    static const char bases[4] = {'A', 'C', 'G', 'T'};
    size_t n = 0;
    while (n < cap) {
        if (n > 200 && rng_below(r, 3) == 0) {
            /* copy an earlier segment with point mutations */
            size_t len = 20 + rng_below(r, 80);
            size_t from = rng_below(r, (uint32_t)(n - 100));
            for (size_t k = 0; k < len && n < cap; k++) {
                uint8_t b = buf[from + k];
                if (rng_below(r, 50) == 0)
                    b = (uint8_t)bases[rng_below(r, 4)];
                buf[n++] = b;
            }
        } else {
            size_t len = 5 + rng_below(r, 30);
            for (size_t k = 0; k < len && n < cap; k++)
                buf[n++] = (uint8_t)bases[rng_below(r, 4)];
        }
    }
    return n;
}

static size_t gen_source(rng_t *r, uint8_t *buf, size_t cap)
{
    static const char *const templates[] = {
        "    for (int i = 0; i < n; i++) {\n", "        sum += table[i] * weight;\n",
        "    }\n", "    if (count > limit)\n        return -1;\n",
        "static int helper_%u(const uint8_t *p, size_t len)\n{\n", "    return %u;\n}\n\n",
        "    x = (x << %u) | (x >> %u);\n", "    /* update the running state */\n"};
    size_t n = 0;
    while (n + 80 < cap) {
        int t = (int)rng_below(r, 8);
        int w;
        unsigned a = rng_below(r, 32), b = 32 - a;
        switch (t) {
        case 4:
        case 5:
            w = snprintf((char *)buf + n, cap - n, templates[t], a);
            break;
        case 6:
            w = snprintf((char *)buf + n, cap - n, templates[t], a, b);
            break;
        default:
            w = snprintf((char *)buf + n, cap - n, "%s", templates[t]);
            break;
        }
        if (w <= 0 || (size_t)w >= cap - n)
            break;
        n += (size_t)w;
    }
    return n;
}

static size_t gen_runs(rng_t *r, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        uint8_t v = (uint8_t)(rng_below(r, 4) * 60);
        size_t run = rng_below(r, 5) == 0 ? 1 + rng_below(r, 400) : 1 + rng_below(r, 6);
        for (size_t k = 0; k < run && n < cap; k++)
            buf[n++] = v;
    }
    return n;
}

/* ===================================================================== */
/* Driver                                                                */
/* ===================================================================== */

static double entropy_bits(const uint8_t *p, size_t n)
{
    uint32_t freq[256] = {0};
    for (size_t i = 0; i < n; i++)
        freq[p[i]]++;
    double h = 0.0;
    for (int s = 0; s < 256; s++) {
        if (!freq[s])
            continue;
        double q = (double)freq[s] / (double)n;
        h -= q * log2(q);
    }
    return h;
}

static uint32_t fnv_update(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x01000193u;
    return h;
}

/* Compare length-limiting strategies on a frequency table. */
static int check_limits(const uint8_t *text, size_t n, uint32_t *mix)
{
    uint32_t freq[RAW_EOB + 1];
    int base[RAW_EOB + 1], pm[RAW_EOB + 1], he[RAW_EOB + 1];
    memset(freq, 0, sizeof(freq));
    for (size_t i = 0; i < n; i++)
        freq[text[i]]++;
    freq[RAW_EOB] = 1;
    int maxlen = huffman_lengths(freq, RAW_EOB + 1, base);
    uint64_t opt = code_cost(freq, base, RAW_EOB + 1);
    int bad = 0;
    printf("    huffman max=%2d cost=%llu |", maxlen, (unsigned long long)opt);
    static const int limits[4] = {15, 11, 8, 6};
    for (int li = 0; li < 4; li++) {
        int L = limits[li];
        int okp = package_merge(freq, RAW_EOB + 1, L, pm) == 0;
        int okh = heuristic_limit(freq, RAW_EOB + 1, L, he) == 0;
        if (!okp || !okh) {
            printf(" L%d: n/a", L);
            continue;
        }
        uint64_t cp = code_cost(freq, pm, RAW_EOB + 1);
        uint64_t ch = code_cost(freq, he, RAW_EOB + 1);
        int mp = 0;
        for (int s = 0; s <= RAW_EOB; s++)
            if (pm[s] > mp)
                mp = pm[s];
        if (mp > L || kraft_status(pm, RAW_EOB + 1, L) < 0 || kraft_status(he, RAW_EOB + 1, L) < 0)
            bad++;
        if (cp > ch || cp < opt || (L >= maxlen && cp != opt))
            bad++;
        printf(" L%d pm=+%llu heur=+%llu", L, (unsigned long long)(cp - opt),
               (unsigned long long)(ch - opt));
        *mix = (*mix * 31u) ^ (uint32_t)cp ^ (uint32_t)(ch << 4);
    }
    printf("\n");
    return bad;
}

int main(void)
{
    const size_t cap = 16384;
    uint8_t *text = malloc(cap);
    if (!text)
        return 1;
    rng_t rng = {0x853c49e6748fea9bULL};
    static const char *const names[] = {"english", "fibonacci", "dna", "source", "runs"};
    uint32_t checksum = 0xcbf29ce4u;
    int failures = 0;
    for (int t = 0; t < 5; t++) {
        size_t n = 0;
        switch (t) {
        case 0:
            n = gen_english(&rng, text, cap);
            break;
        case 1:
            n = gen_fibonacci(&rng, text, cap);
            break;
        case 2:
            n = gen_dna(&rng, text, 12000);
            break;
        case 3:
            n = gen_source(&rng, text, cap);
            break;
        default:
            n = gen_runs(&rng, text, 12000);
            break;
        }
        printf("%-9s n=%5u H0=%.3f bits/byte\n", names[t], (unsigned)n, entropy_bits(text, n));
        failures += check_limits(text, n, &checksum);

        /* Byte Huffman, several limits and both limiting methods, both decoders. */
        static const struct {
            int limit;
            limit_method method;
        } cfgs[3] = {{15, LIMIT_PACKAGE_MERGE}, {9, LIMIT_PACKAGE_MERGE}, {9, LIMIT_HEURISTIC}};
        size_t sizes[3] = {0, 0, 0};
        for (int c = 0; c < 3; c++) {
            buf_t comp, d1, d2;
            huff_info info;
            buf_init(&comp, n / 2);
            buf_init(&d1, n);
            buf_init(&d2, n);
            int ok = huff_compress(text, n, cfgs[c].limit, cfgs[c].method, &comp, &info) == 0;
            ok = ok && huff_decompress(comp.p, comp.len, 1, &d1) == 0;
            ok = ok && huff_decompress(comp.p, comp.len, 0, &d2) == 0;
            ok = ok && d1.len == n && memcmp(d1.p, text, n) == 0;
            ok = ok && d2.len == n && memcmp(d2.p, text, n) == 0;
            ok = ok && info.payload_bits == info.cost;
            if (!ok)
                failures++;
            sizes[c] = comp.len;
            checksum = fnv_update(checksum, comp.p, comp.len);
            buf_free(&comp);
            buf_free(&d1);
            buf_free(&d2);
        }
        /* BWT pipeline */
        buf_t bcomp, bdec;
        block_info bi;
        memset(&bi, 0, sizeof(bi));
        buf_init(&bcomp, n / 2);
        buf_init(&bdec, n);
        int bok = block_compress(text, n, MAX_CODE_LEN, &bcomp, &bi) == 0;
        bok = bok && block_decompress(bcomp.p, bcomp.len, &bdec) == 0;
        bok = bok && bdec.len == n && memcmp(bdec.p, text, n) == 0;
        if (!bok)
            failures++;
        /* A damaged block must be rejected or at least not reproduce the input silently. */
        if (bcomp.len > 40) {
            buf_t junk;
            buf_init(&junk, 64);
            bcomp.p[bcomp.len / 3] ^= 0x24;
            if (block_decompress(bcomp.p, bcomp.len, &junk) == 0 && junk.len == n &&
                memcmp(junk.p, text, n) == 0)
                failures++;
            bcomp.p[bcomp.len / 3] ^= 0x24;
            buf_free(&junk);
        }
        checksum = fnv_update(checksum, bcomp.p, bcomp.len);
        printf("    huff15=%5u huff9pm=%5u huff9heur=%5u bwt=%5u (rle=%u syms=%u prim=%d) %s\n",
               (unsigned)sizes[0], (unsigned)sizes[1], (unsigned)sizes[2], (unsigned)bcomp.len,
               (unsigned)bi.rle_len, (unsigned)bi.zrle_syms, bi.primary, bok ? "ok" : "FAIL");
        buf_free(&bcomp);
        buf_free(&bdec);
    }
    free(text);
    printf("status: %s\n", failures ? "FAIL" : "PASS");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
