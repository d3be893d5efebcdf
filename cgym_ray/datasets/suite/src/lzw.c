/* cgym-suite: category=compression; LZW with variable code width (9..max bits), clear/end codes, LSB-first bit packing, hashed dictionary encoder and stack decoder, round trips */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_CLEAR 256u
#define CODE_END 257u
#define FIRST_FREE 258u
#define MIN_WIDTH 9u

/* ---------------- bit I/O ---------------- */

typedef struct {
    uint8_t *buf;
    size_t len, cap;
    uint32_t acc;
    unsigned nbits;
    int ok;
} bit_writer;

static void bw_init(bit_writer *w, size_t cap)
{
    w->buf = malloc(cap);
    w->cap = w->buf ? cap : 0;
    w->len = 0;
    w->acc = 0;
    w->nbits = 0;
    w->ok = w->buf != NULL;
}

static void bw_byte(bit_writer *w, uint8_t b)
{
    if (!w->ok)
        return;
    if (w->len == w->cap) {
        size_t nc = w->cap * 2 + 16;
        uint8_t *nb = realloc(w->buf, nc);
        if (!nb) {
            w->ok = 0;
            return;
        }
        w->buf = nb;
        w->cap = nc;
    }
    w->buf[w->len++] = b;
}

static void bw_put(bit_writer *w, uint32_t code, unsigned width)
{
    w->acc |= code << w->nbits;
    w->nbits += width;
    while (w->nbits >= 8) {
        bw_byte(w, (uint8_t)w->acc);
        w->acc >>= 8;
        w->nbits -= 8;
    }
}

static void bw_flush(bit_writer *w)
{
    if (w->nbits > 0)
        bw_byte(w, (uint8_t)w->acc);
    w->acc = 0;
    w->nbits = 0;
}

typedef struct {
    const uint8_t *buf;
    size_t len, pos;
    uint32_t acc;
    unsigned nbits;
} bit_reader;

/* Returns 0 at end of input. */
static int br_get(bit_reader *r, unsigned width, uint32_t *code)
{
    while (r->nbits < width) {
        if (r->pos >= r->len)
            return 0;
        r->acc |= (uint32_t)r->buf[r->pos++] << r->nbits;
        r->nbits += 8;
    }
    *code = r->acc & ((1u << width) - 1u);
    r->acc >>= width;
    r->nbits -= width;
    return 1;
}

/* ---------------- encoder dictionary (open addressing) ---------------- */

typedef struct {
    uint32_t *keys;  /* (prefix << 8 | byte) + 1, 0 = empty */
    uint16_t *codes;
    uint32_t cap;
} lzw_hash;

static int hash_init(lzw_hash *h, uint32_t cap)
{
    h->keys = calloc(cap, sizeof(uint32_t));
    h->codes = calloc(cap, sizeof(uint16_t));
    h->cap = cap;
    return h->keys && h->codes;
}

static void hash_clear(lzw_hash *h)
{
    memset(h->keys, 0, sizeof(uint32_t) * h->cap);
}

static void hash_free(lzw_hash *h)
{
    free(h->keys);
    free(h->codes);
}

static uint32_t hash_slot(const lzw_hash *h, uint32_t key)
{
    uint32_t i = (key * 2654435761u) % h->cap;
    while (h->keys[i] != 0 && h->keys[i] != key)
        i = i + 1 == h->cap ? 0 : i + 1;
    return i;
}

/* ---------------- encoder ---------------- */

typedef struct {
    size_t codes_emitted;
    size_t clears;
    unsigned max_width_seen;
} lzw_stats;

static int lzw_encode(const uint8_t *src, size_t n, unsigned max_width, bit_writer *w,
                      lzw_stats *st)
{
    lzw_hash h;
    uint32_t max_code = 1u << max_width;
    if (!hash_init(&h, max_code * 2u + 1u)) {
        hash_free(&h);
        return 0;
    }
    memset(st, 0, sizeof(*st));
    st->max_width_seen = MIN_WIDTH;
    unsigned width = MIN_WIDTH;
    uint32_t next = FIRST_FREE;
    bw_put(w, CODE_CLEAR, width);
    st->codes_emitted++;
    if (n > 0) {
        uint32_t cur = src[0];
        for (size_t i = 1; i < n; i++) {
            uint8_t c = src[i];
            uint32_t key = ((cur << 8) | c) + 1u;
            uint32_t slot = hash_slot(&h, key);
            if (h.keys[slot] == key) {
                cur = h.codes[slot];
                continue;
            }
            bw_put(w, cur, width);
            st->codes_emitted++;
            if (next < max_code) {
                h.keys[slot] = key;
                h.codes[slot] = (uint16_t)next;
                next++;
                /* grow when the next code to be assigned no longer fits */
                if (next == (1u << width) && width < max_width)
                    width++;
            } else {
                /* dictionary full: emit clear and restart */
                bw_put(w, CODE_CLEAR, width);
                st->codes_emitted++;
                st->clears++;
                hash_clear(&h);
                next = FIRST_FREE;
                width = MIN_WIDTH;
            }
            if (width > st->max_width_seen)
                st->max_width_seen = width;
            cur = c;
        }
        bw_put(w, cur, width);
        st->codes_emitted++;
    }
    bw_put(w, CODE_END, width);
    st->codes_emitted++;
    bw_flush(w);
    hash_free(&h);
    return w->ok;
}

/* ---------------- decoder ---------------- */

typedef struct {
    uint16_t *prefix;
    uint8_t *suffix;
    uint8_t *first; /* first byte of each string */
    uint8_t *stack;
    uint32_t size;
} lzw_table;

static int table_init(lzw_table *t, unsigned max_width)
{
    t->size = 1u << max_width;
    t->prefix = malloc(sizeof(uint16_t) * t->size);
    t->suffix = malloc(t->size);
    t->first = malloc(t->size);
    t->stack = malloc(t->size);
    if (!t->prefix || !t->suffix || !t->first || !t->stack)
        return 0;
    for (uint32_t i = 0; i < 256; i++) {
        t->prefix[i] = 0;
        t->suffix[i] = (uint8_t)i;
        t->first[i] = (uint8_t)i;
    }
    return 1;
}

static void table_free(lzw_table *t)
{
    free(t->prefix);
    free(t->suffix);
    free(t->first);
    free(t->stack);
}

/* Emit string for code into out (via the stack). Returns 0 on overflow. */
static int emit_string(lzw_table *t, uint32_t code, uint8_t *out, size_t *outlen, size_t cap)
{
    uint32_t sp = 0;
    while (code >= 256) {
        if (sp >= t->size)
            return 0;
        t->stack[sp++] = t->suffix[code];
        code = t->prefix[code];
    }
    if (sp >= t->size)
        return 0;
    t->stack[sp++] = (uint8_t)code;
    if (*outlen + sp > cap)
        return 0;
    while (sp > 0)
        out[(*outlen)++] = t->stack[--sp];
    return 1;
}

/* Returns decoded length, or -1 on a malformed stream. */
static long lzw_decode(const uint8_t *in, size_t n, unsigned max_width, uint8_t *out, size_t cap)
{
    lzw_table t;
    if (!table_init(&t, max_width)) {
        table_free(&t);
        return -1;
    }
    bit_reader r = {in, n, 0, 0, 0};
    unsigned width = MIN_WIDTH;
    uint32_t next = FIRST_FREE;
    uint32_t prev = UINT32_MAX;
    size_t outlen = 0;
    long result = -1;
    uint32_t max_code = 1u << max_width;
    for (;;) {
        uint32_t code;
        if (!br_get(&r, width, &code))
            break; /* truncated */
        if (code == CODE_END) {
            result = (long)outlen;
            break;
        }
        if (code == CODE_CLEAR) {
            next = FIRST_FREE;
            width = MIN_WIDTH;
            prev = UINT32_MAX;
            continue;
        }
        if (prev == UINT32_MAX) {
            if (code > 255 || outlen >= cap)
                break;
            out[outlen++] = (uint8_t)code;
            prev = code;
            continue;
        }
        uint8_t firstc;
        if (code < next) {
            if (!emit_string(&t, code, out, &outlen, cap))
                break;
            firstc = t.first[code];
        } else if (code == next) {
            /* KwKwK case: string = prev + first(prev) */
            firstc = t.first[prev];
            if (!emit_string(&t, prev, out, &outlen, cap) || outlen >= cap)
                break;
            out[outlen++] = firstc;
        } else {
            break; /* invalid code */
        }
        if (next < max_code) {
            t.prefix[next] = (uint16_t)prev;
            t.suffix[next] = firstc;
            t.first[next] = t.first[prev];
            next++;
            /* the decoder's table lags the encoder's by one entry, so it widens one code early */
            if (next + 1u == (1u << width) && width < max_width)
                width++;
        } else {
            /* encoder would have sent CLEAR; tolerate by not adding */
        }
        prev = code;
    }
    table_free(&t);
    return result;
}

/* ---------------- test data ---------------- */

static uint32_t rng_state = 0xACE1u;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static size_t make_input(int kind, uint8_t *buf, size_t cap)
{
    static const char *const phrases[] = {"TOBEORNOTTOBE", "ORTOBEORNOT", "#", "LZW ",
                                          "compression ", "dictionary ", "code ", "width "};
    size_t n = 0;
    switch (kind) {
    case 0: /* classic phrase soup */
        while (n + 16 < cap) {
            const char *p = phrases[rnd() % 8u];
            size_t l = strlen(p);
            memcpy(buf + n, p, l);
            n += l;
        }
        break;
    case 1: /* KwKwK-heavy: long runs of one byte */
        while (n < cap) {
            uint8_t b = (uint8_t)(rnd() % 3u);
            size_t run = 1 + rnd() % 200u;
            while (run-- && n < cap)
                buf[n++] = b;
        }
        break;
    case 2: /* random bytes: forces dictionary resets */
        for (; n < cap; n++)
            buf[n] = (uint8_t)(rnd() >> 7);
        break;
    case 3: /* smooth "image" rows */
        for (size_t y = 0; n < cap; y++)
            for (size_t x = 0; x < 128 && n < cap; x++)
                buf[n++] = (uint8_t)((x * 3 + y * 5 + ((x * y) >> 6)) & 0xF0u);
        break;
    default:
        n = 0;
        break;
    }
    return n;
}

int main(void)
{
    const size_t cap = 30000;
    uint8_t *input = malloc(cap);
    uint8_t *output = malloc(cap);
    if (!input || !output) {
        free(input);
        free(output);
        return 1;
    }
    static const char *const names[] = {"phrases", "runs", "random", "image", "empty"};
    static const unsigned widths[] = {10, 12, 14};
    uint32_t checksum = 0x9747b28cu;
    int failures = 0;
    for (int kind = 0; kind < 5; kind++) {
        size_t n = make_input(kind, input, kind == 2 ? 9000 : cap);
        for (int wi = 0; wi < 3; wi++) {
            bit_writer w;
            lzw_stats st;
            bw_init(&w, 1024);
            int ok = lzw_encode(input, n, widths[wi], &w, &st);
            long dn = ok ? lzw_decode(w.buf, w.len, widths[wi], output, cap) : -1;
            ok = ok && dn == (long)n && memcmp(output, input, n) == 0;
            if (!ok)
                failures++;
            /* A truncated stream must be rejected without crashing. */
            if (w.len > 4 && lzw_decode(w.buf, w.len / 2, widths[wi], output, cap) >= 0)
                failures++;
            uint32_t h = 0x811c9dc5u;
            for (size_t i = 0; i < w.len; i++)
                h = (h ^ w.buf[i]) * 0x01000193u;
            printf("%-7s max=%2u in=%5u out=%5u codes=%5u clears=%2u width<=%2u %s\n", names[kind],
                   widths[wi], (unsigned)n, (unsigned)w.len, (unsigned)st.codes_emitted,
                   (unsigned)st.clears, st.max_width_seen, ok ? "ok" : "FAIL");
            checksum = (checksum ^ h) * 0x9E3779B1u + (uint32_t)w.len;
            free(w.buf);
        }
    }
    /* The classic TOBEORNOT example with 9-bit codes only (max width 9). */
    const char *tob = "TOBEORNOTTOBEORTOBEORNOT";
    bit_writer w;
    lzw_stats st;
    bw_init(&w, 64);
    lzw_encode((const uint8_t *)tob, strlen(tob), 9, &w, &st);
    long dn = lzw_decode(w.buf, w.len, 9, output, cap);
    int tob_ok = dn == (long)strlen(tob) && memcmp(output, tob, strlen(tob)) == 0;
    printf("TOBEORNOT: %u codes, %u bytes, %s\n", (unsigned)st.codes_emitted, (unsigned)w.len,
           tob_ok ? "ok" : "FAIL");
    if (!tob_ok || st.codes_emitted != 18)
        failures++;
    free(w.buf);
    free(input);
    free(output);
    printf("status: %s\n", failures ? "FAIL" : "PASS");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
