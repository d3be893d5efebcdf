/* cgym-suite: category=compression; LZ77 sliding-window compressor (hash chains, lazy matching, flag-byte token stream) and decompressor with round trips on generated data */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_BITS 12
#define WINDOW_SIZE (1u << WINDOW_BITS) /* 4096-byte window */
#define MIN_MATCH 3
#define MAX_MATCH 18 /* length fits in 4 bits: len - MIN_MATCH in 0..15 */
#define HASH_BITS 12
#define HASH_SIZE (1u << HASH_BITS)
#define NIL UINT32_MAX

typedef struct {
    uint32_t head[HASH_SIZE];
    uint32_t *prev; /* prev[pos % WINDOW_SIZE] */
    int max_chain;
    int lazy;
} lz_matcher;

typedef struct {
    uint32_t length;
    uint32_t distance;
} lz_match;

typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
} bytebuf;

typedef struct {
    size_t literals;
    size_t matches;
    size_t match_bytes;
    size_t chain_steps;
} lz_stats;

static int bb_init(bytebuf *b, size_t cap)
{
    b->data = malloc(cap ? cap : 1);
    b->len = 0;
    b->cap = cap ? cap : 1;
    return b->data != NULL;
}

static int bb_push(bytebuf *b, uint8_t v)
{
    if (b->len == b->cap) {
        size_t nc = b->cap * 2;
        uint8_t *nd = realloc(b->data, nc);
        if (!nd)
            return 0;
        b->data = nd;
        b->cap = nc;
    }
    b->data[b->len++] = v;
    return 1;
}

static void bb_free(bytebuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static uint32_t hash3(const uint8_t *p)
{
    uint32_t v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static int matcher_init(lz_matcher *m, int max_chain, int lazy)
{
    for (uint32_t i = 0; i < HASH_SIZE; i++)
        m->head[i] = NIL;
    m->prev = malloc(sizeof(uint32_t) * WINDOW_SIZE);
    if (!m->prev)
        return 0;
    for (uint32_t i = 0; i < WINDOW_SIZE; i++)
        m->prev[i] = NIL;
    m->max_chain = max_chain;
    m->lazy = lazy;
    return 1;
}

static void matcher_free(lz_matcher *m)
{
    free(m->prev);
    m->prev = NULL;
}

static void matcher_insert(lz_matcher *m, const uint8_t *src, size_t n, size_t pos)
{
    if (pos + MIN_MATCH > n)
        return;
    uint32_t h = hash3(src + pos);
    m->prev[pos % WINDOW_SIZE] = m->head[h];
    m->head[h] = (uint32_t)pos;
}

static lz_match find_longest(const lz_matcher *m, const uint8_t *src, size_t n, size_t pos,
                             lz_stats *st)
{
    lz_match best = {0, 0};
    if (pos + MIN_MATCH > n)
        return best;
    size_t max_len = n - pos < MAX_MATCH ? n - pos : MAX_MATCH;
    uint32_t cand = m->head[hash3(src + pos)];
    int chain = m->max_chain;
    while (cand != NIL && chain-- > 0) {
        size_t dist = pos - cand;
        if (dist == 0 || dist > WINDOW_SIZE)
            break;
        st->chain_steps++;
        if (src[cand + best.length] == src[pos + best.length] || best.length == 0) {
            size_t l = 0;
            while (l < max_len && src[cand + l] == src[pos + l])
                l++;
            if (l >= MIN_MATCH && l > best.length) {
                best.length = (uint32_t)l;
                best.distance = (uint32_t)dist;
                if (l == max_len)
                    break;
            }
        }
        uint32_t nxt = m->prev[cand % WINDOW_SIZE];
        if (nxt != NIL && nxt >= cand)
            break; /* slot was overwritten by a newer position */
        cand = nxt;
    }
    return best;
}

/*
 * Token stream: groups of 8 items preceded by a flag byte; bit i set = match.
 * Literal: 1 byte.  Match: 2 bytes: [dist-1 high 4 bits | len-3 (4 bits)] [dist-1 low 8 bits]
 * Header: 4-byte little-endian original length.
 */
typedef struct {
    bytebuf *out;
    size_t flag_pos;
    int nitems;
    int ok;
} token_writer;

static void tw_begin_item(token_writer *w, int is_match)
{
    if (w->nitems == 0) {
        w->flag_pos = w->out->len;
        w->ok &= bb_push(w->out, 0);
    }
    if (is_match && w->ok)
        w->out->data[w->flag_pos] |= (uint8_t)(1u << w->nitems);
    w->nitems = (w->nitems + 1) & 7;
}

static void tw_literal(token_writer *w, uint8_t b)
{
    tw_begin_item(w, 0);
    w->ok &= bb_push(w->out, b);
}

static void tw_match(token_writer *w, uint32_t len, uint32_t dist)
{
    uint32_t d = dist - 1;
    uint32_t l = len - MIN_MATCH;
    tw_begin_item(w, 1);
    w->ok &= bb_push(w->out, (uint8_t)(((d >> 8) << 4) | l));
    w->ok &= bb_push(w->out, (uint8_t)(d & 0xFFu));
}

static int lz_compress(const uint8_t *src, size_t n, bytebuf *out, int max_chain, int lazy,
                       lz_stats *st)
{
    lz_matcher m;
    if (!matcher_init(&m, max_chain, lazy))
        return 0;
    memset(st, 0, sizeof(*st));
    token_writer w = {out, 0, 0, 1};
    for (int i = 0; i < 4; i++)
        w.ok &= bb_push(out, (uint8_t)(n >> (8 * i)));
    size_t pos = 0;
    while (pos < n && w.ok) {
        lz_match cur = find_longest(&m, src, n, pos, st);
        if (cur.length >= MIN_MATCH && m.lazy && pos + 1 < n) {
            /* lazy evaluation: prefer a longer match starting one byte later */
            matcher_insert(&m, src, n, pos);
            size_t first_uninserted = pos + 1;
            lz_match next = find_longest(&m, src, n, pos + 1, st);
            if (next.length > cur.length + 1) {
                tw_literal(&w, src[pos]);
                st->literals++;
                pos++;
                cur = next;
            }
            tw_match(&w, cur.length, cur.distance);
            st->matches++;
            st->match_bytes += cur.length;
            for (size_t q = first_uninserted; q < pos + cur.length; q++)
                matcher_insert(&m, src, n, q);
            pos += cur.length;
            continue;
        }
        if (cur.length >= MIN_MATCH) {
            tw_match(&w, cur.length, cur.distance);
            st->matches++;
            st->match_bytes += cur.length;
            for (size_t k = 0; k < cur.length; k++)
                matcher_insert(&m, src, n, pos + k);
            pos += cur.length;
        } else {
            tw_literal(&w, src[pos]);
            st->literals++;
            matcher_insert(&m, src, n, pos);
            pos++;
        }
    }
    matcher_free(&m);
    return w.ok;
}

/* Returns 0 on malformed input. */
static int lz_decompress(const uint8_t *in, size_t n, bytebuf *out)
{
    if (n < 4)
        return 0;
    size_t orig = (size_t)in[0] | ((size_t)in[1] << 8) | ((size_t)in[2] << 16) |
                  ((size_t)in[3] << 24);
    size_t ip = 4;
    uint8_t flags = 0;
    int bit = 8;
    while (out->len < orig) {
        if (bit == 8) {
            if (ip >= n)
                return 0;
            flags = in[ip++];
            bit = 0;
        }
        int is_match = (flags >> bit) & 1;
        bit++;
        if (!is_match) {
            if (ip >= n || !bb_push(out, in[ip++]))
                return 0;
            continue;
        }
        if (ip + 2 > n)
            return 0;
        uint32_t b0 = in[ip], b1 = in[ip + 1];
        ip += 2;
        uint32_t len = (b0 & 15u) + MIN_MATCH;
        size_t dist = (size_t)(((b0 >> 4) << 8) | b1) + 1;
        if (dist > out->len || out->len + len > orig)
            return 0;
        for (uint32_t k = 0; k < len; k++) {
            /* byte-by-byte copy handles overlapping matches */
            if (!bb_push(out, out->data[out->len - dist]))
                return 0;
        }
    }
    return ip == n;
}

/* ---------------- input generators ---------------- */

typedef struct {
    uint32_t s;
} rng32;

static uint32_t rng_next(rng32 *r)
{
    r->s = r->s * 1664525u + 1013904223u;
    return r->s >> 8;
}

static size_t gen_text(uint8_t *buf, size_t cap, rng32 *r)
{
    static const char *const words[] = {
        "the",   "quick",  "brown",   "fox",     "jumps",  "over", "lazy", "dog",
        "data",  "window", "compress", "stream", "token",  "match", "literal", "sliding",
        "buffer", "hash",  "chain",   "length",  "distance", "of", "and", "a"};
    size_t n = 0;
    while (n + 12 < cap) {
        const char *w = words[rng_next(r) % 24u];
        size_t l = strlen(w);
        memcpy(buf + n, w, l);
        n += l;
        uint32_t p = rng_next(r) % 16u;
        buf[n++] = (uint8_t)(p == 0 ? '.' : (p == 1 ? ',' : ' '));
        if (p == 0)
            buf[n++] = '\n';
    }
    return n;
}

static size_t gen_random(uint8_t *buf, size_t cap, rng32 *r)
{
    for (size_t i = 0; i < cap; i++)
        buf[i] = (uint8_t)rng_next(r);
    return cap;
}

static size_t gen_runs(uint8_t *buf, size_t cap, rng32 *r)
{
    size_t n = 0;
    while (n < cap) {
        uint8_t v = (uint8_t)('A' + rng_next(r) % 4u);
        size_t run = 1 + rng_next(r) % 60u;
        for (size_t k = 0; k < run && n < cap; k++)
            buf[n++] = v;
    }
    return n;
}

static size_t gen_structured(uint8_t *buf, size_t cap, rng32 *r)
{
    /* records like "id=00123;val=4567;tag=xyz\n" */
    size_t n = 0;
    uint32_t id = 0;
    while (n + 40 < cap) {
        unsigned val = (unsigned)(rng_next(r) % 10000u);
        int tag0 = 'a' + (int)(rng_next(r) % 3u);
        int tag1 = 'x' + (int)(id % 3u);
        int w = snprintf((char *)buf + n, cap - n, "id=%05u;val=%04u;tag=%c%cq\n", (unsigned)id,
                         val, tag0, tag1);
        if (w <= 0)
            break;
        n += (size_t)w;
        id += 1 + rng_next(r) % 3u;
    }
    return n;
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x01000193u;
    return h;
}

int main(void)
{
    const size_t cap = 20000;
    uint8_t *input = malloc(cap);
    if (!input)
        return 1;
    rng32 r = {12345u};
    static const char *const names[] = {"text", "random", "runs", "records", "tiny"};
    uint32_t checksum = 0;
    int failures = 0;
    for (int kind = 0; kind < 5; kind++) {
        size_t n;
        switch (kind) {
        case 0:
            n = gen_text(input, cap, &r);
            break;
        case 1:
            n = gen_random(input, 4000, &r);
            break;
        case 2:
            n = gen_runs(input, cap, &r);
            break;
        case 3:
            n = gen_structured(input, cap, &r);
            break;
        default:
            memcpy(input, "abababababab", 12);
            n = 12;
            break;
        }
        for (int lazy = 0; lazy < 2; lazy++) {
            bytebuf comp, decomp;
            lz_stats st;
            if (!bb_init(&comp, 256) || !bb_init(&decomp, 256)) {
                bb_free(&comp);
                bb_free(&decomp);
                free(input);
                return 1;
            }
            int ok = lz_compress(input, n, &comp, lazy ? 64 : 16, lazy, &st);
            ok = ok && lz_decompress(comp.data, comp.len, &decomp);
            ok = ok && decomp.len == n && memcmp(decomp.data, input, n) == 0;
            if (!ok)
                failures++;
            /* Corrupted stream must not crash the decoder. */
            if (comp.len > 8) {
                bytebuf junk;
                if (bb_init(&junk, 64)) {
                    comp.data[comp.len / 2] ^= 0xFF;
                    (void)lz_decompress(comp.data, comp.len, &junk);
                    bb_free(&junk);
                    comp.data[comp.len / 2] ^= 0xFF;
                }
            }
            uint32_t h = fnv1a(comp.data, comp.len);
            printf("%-8s %s in=%5u out=%5u ratio=%3u%% lit=%u match=%u steps=%u %s\n", names[kind],
                   lazy ? "lazy  " : "greedy", (unsigned)n, (unsigned)comp.len,
                   (unsigned)(n ? comp.len * 100u / n : 0), (unsigned)st.literals,
                   (unsigned)st.matches, (unsigned)st.chain_steps, ok ? "ok" : "FAIL");
            checksum = (checksum * 31u) ^ h ^ (uint32_t)comp.len;
            bb_free(&comp);
            bb_free(&decomp);
        }
    }
    free(input);
    printf("status: %s\n", failures ? "FAIL" : "PASS");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
