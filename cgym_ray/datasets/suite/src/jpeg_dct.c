/* cgym-suite: category=image; JPEG-style codec core: 8x8 integer DCT/IDCT, quantisation, zigzag, RLE, Huffman size estimate, 4:2:0 chroma, fixed-point PSNR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define IMG_W 128
#define IMG_H 128
#define NBLK_MAX ((IMG_W / 8) * (IMG_H / 8))

/* round(8192 * alpha(u) * cos((2x+1) u pi / 16)), alpha(0) = sqrt(1/8), alpha(u>0) = 1/2 */
static const int32_t dct_coef[8][8] = {
    { 2896, 2896, 2896, 2896, 2896, 2896, 2896, 2896 },
    { 4017, 3406, 2276, 799, -799, -2276, -3406, -4017 },
    { 3784, 1567, -1567, -3784, -3784, -1567, 1567, 3784 },
    { 3406, -799, -4017, -2276, 2276, 4017, 799, -3406 },
    { 2896, -2896, -2896, 2896, 2896, -2896, -2896, 2896 },
    { 2276, -4017, 799, 3406, -3406, -799, 4017, -2276 },
    { 1567, -3784, 3784, -1567, -1567, 3784, -3784, 1567 },
    { 799, -2276, 3406, -4017, 4017, -3406, 2276, -799 },
};

/* example quantisation tables from the JPEG specification (Annex K) */
static const uint8_t std_luma_q[64] = {
    16, 11, 10, 16, 24, 40, 51, 61,
    12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77,
    24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101,
    72, 92, 95, 98, 112, 100, 103, 99,
};

static const uint8_t std_chroma_q[64] = {
    17, 18, 24, 47, 99, 99, 99, 99,
    18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
};

/* zigzag scan: position k in the scan -> raster index */
static const uint8_t zigzag[64] = {
    0, 1, 8, 16, 9, 2, 3, 10,
    17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34,
    27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36,
    29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46,
    53, 60, 61, 54, 47, 55, 62, 63,
};

typedef struct {
    int w, h;
    uint8_t *px;
} Plane;

typedef struct {
    uint8_t run;   /* zeros before this coefficient */
    uint8_t size;  /* magnitude category */
    int16_t value; /* 0 with run 0: EOB; 0 with run 15: ZRL */
} RLESym;

typedef struct {
    RLESym *sym;
    int count;
    int cap;
} RLEStream;

typedef struct {
    uint32_t dc_freq[12];
    uint32_t ac_freq[256];
    uint64_t extra_bits; /* magnitude bits appended after each symbol */
} SymbolStats;

typedef struct {
    int quality;
    uint64_t bits;
    int nonzero;
    int symbols;
    int64_t sse;
    uint32_t crc;
} EncodeResult;

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* round(v / 2^s), halves away from zero, without shifting negative values */
static int64_t descale(int64_t v, int s)
{
    int64_t half = (int64_t)1 << (s - 1);
    if (v >= 0)
        return (v + half) >> s;
    return -((-v + half) >> s);
}

static int clamp255(int64_t v) { return v < 0 ? 0 : (v > 255 ? 255 : (int)v); }

static int div_round(int a, int b)
{
    /* b > 0, round half away from zero */
    return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b);
}

static int magnitude_category(int v)
{
    int a = v < 0 ? -v : v;
    int c = 0;
    while (a) {
        c++;
        a >>= 1;
    }
    return c;
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *buf, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= buf[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static Plane plane_new(int w, int h)
{
    Plane p;
    p.w = w;
    p.h = h;
    p.px = (uint8_t *)xmalloc((size_t)w * (size_t)h);
    memset(p.px, 0, (size_t)w * (size_t)h);
    return p;
}

static void plane_free(Plane *p)
{
    free(p->px);
    p->px = NULL;
}

/* ------------------------------------------------------------------ */
/* DCT                                                                 */
/* ------------------------------------------------------------------ */

static void fdct8x8(const int in[64], int out[64])
{
    int32_t t[64];
    for (int y = 0; y < 8; y++)
        for (int u = 0; u < 8; u++) {
            int32_t s = 0;
            for (int x = 0; x < 8; x++)
                s += dct_coef[u][x] * in[y * 8 + x];
            t[y * 8 + u] = s; /* Q13 */
        }
    for (int v = 0; v < 8; v++)
        for (int u = 0; u < 8; u++) {
            int64_t s = 0;
            for (int y = 0; y < 8; y++)
                s += (int64_t)dct_coef[v][y] * t[y * 8 + u];
            out[v * 8 + u] = (int)descale(s, 26);
        }
}

static void idct8x8(const int in[64], int out[64])
{
    int32_t t[64];
    for (int v = 0; v < 8; v++)
        for (int x = 0; x < 8; x++) {
            int32_t s = 0;
            for (int u = 0; u < 8; u++)
                s += dct_coef[u][x] * in[v * 8 + u];
            t[v * 8 + x] = s;
        }
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            int64_t s = 0;
            for (int v = 0; v < 8; v++)
                s += (int64_t)dct_coef[v][y] * t[v * 8 + x];
            out[y * 8 + x] = (int)descale(s, 26);
        }
}

/* ------------------------------------------------------------------ */
/* quantisation                                                        */
/* ------------------------------------------------------------------ */

/* IJG quality scaling */
static void scale_qtable(const uint8_t *base, int quality, int *out)
{
    if (quality < 1)
        quality = 1;
    if (quality > 100)
        quality = 100;
    int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
    for (int i = 0; i < 64; i++) {
        int q = (base[i] * scale + 50) / 100;
        out[i] = q < 1 ? 1 : (q > 255 ? 255 : q);
    }
}

static void quantize(const int coef[64], const int *qt, int out[64])
{
    for (int i = 0; i < 64; i++)
        out[i] = div_round(coef[i], qt[i]);
}

static void dequantize(const int q[64], const int *qt, int out[64])
{
    for (int i = 0; i < 64; i++)
        out[i] = q[i] * qt[i];
}

/* ------------------------------------------------------------------ */
/* run-length coding                                                   */
/* ------------------------------------------------------------------ */

static void rle_init(RLEStream *s)
{
    s->cap = 1024;
    s->count = 0;
    s->sym = (RLESym *)xmalloc(sizeof(RLESym) * (size_t)s->cap);
}

static void rle_free(RLEStream *s)
{
    free(s->sym);
    s->sym = NULL;
}

static void rle_push(RLEStream *s, int run, int value)
{
    if (s->count == s->cap) {
        s->cap *= 2;
        RLESym *n = (RLESym *)realloc(s->sym, sizeof(RLESym) * (size_t)s->cap);
        if (!n) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        s->sym = n;
    }
    RLESym *e = &s->sym[s->count++];
    e->run = (uint8_t)run;
    e->value = (int16_t)value;
    e->size = (uint8_t)magnitude_category(value);
}

/* encode one block: DC difference first (run 0), then AC run/value pairs */
static void rle_encode_block(RLEStream *s, const int q[64], int *prev_dc, SymbolStats *st)
{
    int diff = q[0] - *prev_dc;
    *prev_dc = q[0];
    rle_push(s, 0, diff);
    int dcat = magnitude_category(diff);
    st->dc_freq[dcat]++;
    st->extra_bits += (uint64_t)dcat;

    int run = 0;
    int last_nz = 0;
    for (int k = 63; k >= 1; k--)
        if (q[zigzag[k]] != 0) {
            last_nz = k;
            break;
        }
    for (int k = 1; k <= last_nz; k++) {
        int v = q[zigzag[k]];
        if (v == 0) {
            run++;
            continue;
        }
        while (run > 15) {
            rle_push(s, 15, 0); /* ZRL */
            st->ac_freq[0xF0]++;
            run -= 16;
        }
        rle_push(s, run, v);
        int cat = magnitude_category(v);
        st->ac_freq[(run << 4) | cat]++;
        st->extra_bits += (uint64_t)cat;
        run = 0;
    }
    if (last_nz < 63) {
        rle_push(s, 0, 0); /* EOB */
        st->ac_freq[0x00]++;
    }
}

/* decode one block starting at symbol index *pos */
static int rle_decode_block(const RLEStream *s, int *pos, int *prev_dc, int q[64])
{
    memset(q, 0, sizeof(int) * 64);
    if (*pos >= s->count)
        return 0;
    *prev_dc += s->sym[(*pos)++].value;
    q[0] = *prev_dc;
    int k = 1;
    while (k < 64 && *pos < s->count) {
        const RLESym *e = &s->sym[(*pos)++];
        if (e->value == 0 && e->run == 0)
            break; /* EOB */
        if (e->value == 0 && e->run == 15) {
            k += 16;
            continue;
        }
        k += e->run;
        if (k > 63)
            return 0;
        q[zigzag[k]] = e->value;
        k++;
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Huffman code lengths from symbol frequencies                        */
/* ------------------------------------------------------------------ */

typedef struct {
    uint64_t weight;
    int node;
} HeapItem;

static void heap_push(HeapItem *h, int *n, HeapItem it)
{
    int i = (*n)++;
    h[i] = it;
    while (i > 0) {
        int p = (i - 1) / 2;
        /* ties broken by node index for determinism */
        if (h[p].weight < h[i].weight || (h[p].weight == h[i].weight && h[p].node < h[i].node))
            break;
        HeapItem t = h[p];
        h[p] = h[i];
        h[i] = t;
        i = p;
    }
}

static HeapItem heap_pop(HeapItem *h, int *n)
{
    HeapItem top = h[0];
    h[0] = h[--(*n)];
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && (h[l].weight < h[m].weight || (h[l].weight == h[m].weight && h[l].node < h[m].node)))
            m = l;
        if (r < *n && (h[r].weight < h[m].weight || (h[r].weight == h[m].weight && h[r].node < h[m].node)))
            m = r;
        if (m == i)
            break;
        HeapItem t = h[m];
        h[m] = h[i];
        h[i] = t;
        i = m;
    }
    return top;
}

/* computes code lengths for nsym symbols; returns max length */
static int huffman_lengths(const uint32_t *freq, int nsym, int *len)
{
    int total_nodes = 2 * nsym;
    int *parent = (int *)xmalloc(sizeof(int) * (size_t)total_nodes);
    HeapItem *heap = (HeapItem *)xmalloc(sizeof(HeapItem) * (size_t)total_nodes);
    int hn = 0, next = nsym, used = 0;
    for (int i = 0; i < total_nodes; i++)
        parent[i] = -1;
    for (int i = 0; i < nsym; i++) {
        len[i] = 0;
        if (freq[i]) {
            HeapItem it = { freq[i], i };
            heap_push(heap, &hn, it);
            used++;
        }
    }
    if (used == 1) {
        for (int i = 0; i < nsym; i++)
            if (freq[i])
                len[i] = 1;
        free(parent);
        free(heap);
        return 1;
    }
    while (hn > 1) {
        HeapItem a = heap_pop(heap, &hn), b = heap_pop(heap, &hn);
        parent[a.node] = next;
        parent[b.node] = next;
        HeapItem c = { a.weight + b.weight, next };
        heap_push(heap, &hn, c);
        next++;
    }
    int maxlen = 0;
    for (int i = 0; i < nsym; i++) {
        if (!freq[i])
            continue;
        int d = 0;
        for (int p = parent[i]; p >= 0; p = parent[p])
            d++;
        len[i] = d;
        if (d > maxlen)
            maxlen = d;
    }
    free(parent);
    free(heap);
    return maxlen;
}

static uint64_t estimate_bits(const SymbolStats *st, int *max_dc_len, int *max_ac_len)
{
    int dl[12], al[256];
    *max_dc_len = huffman_lengths(st->dc_freq, 12, dl);
    *max_ac_len = huffman_lengths(st->ac_freq, 256, al);
    uint64_t bits = st->extra_bits;
    for (int i = 0; i < 12; i++)
        bits += (uint64_t)st->dc_freq[i] * (uint64_t)dl[i];
    for (int i = 0; i < 256; i++)
        bits += (uint64_t)st->ac_freq[i] * (uint64_t)al[i];
    return bits;
}

/* ------------------------------------------------------------------ */
/* fixed-point PSNR                                                    */
/* ------------------------------------------------------------------ */

/* log2 of a Q16 value, result in Q16 (x > 0) */
static int64_t log2_q16(uint64_t x)
{
    int64_t ip = 0;
    /* normalise x to [1, 2) in Q16 */
    while (x >= ((uint64_t)2 << 16)) {
        x >>= 1;
        ip++;
    }
    while (x < ((uint64_t)1 << 16)) {
        x <<= 1;
        ip--;
    }
    int64_t frac = 0;
    /* bit-by-bit: square and check for >= 2 */
    uint64_t z = x << 14; /* Q30 */
    for (int b = 15; b >= 0; b--) {
        z = (z * z) >> 30;
        if (z >= ((uint64_t)2 << 30)) {
            z >>= 1;
            frac |= (int64_t)1 << b;
        }
    }
    return ip * 65536 + frac;
}

/* PSNR in 1/100 dB; returns -1 for identical images */
static int64_t psnr_x100(int64_t sse, int64_t npix)
{
    if (sse == 0)
        return -1;
    /* mse in Q16 */
    uint64_t mse_q16 = (uint64_t)((sse * 65536 + npix / 2) / npix);
    int64_t l_peak = log2_q16((uint64_t)65025 << 16);
    int64_t l_mse = log2_q16(mse_q16);
    int64_t diff = l_peak - l_mse;      /* log2 ratio, Q16 */
    int64_t db_q16 = diff * 197283 / 65536; /* 10*log10(2) = 3.01030 -> 197283 in Q16 */
    return (db_q16 * 100 + 32768) / 65536;
}

/* ------------------------------------------------------------------ */
/* test images                                                         */
/* ------------------------------------------------------------------ */

static uint32_t seed = 2463534242u;

static uint32_t xorshift(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static int tri_wave(int t, int period, int amp)
{
    int p = t % period;
    if (p < 0)
        p += period;
    int half = period / 2;
    int v = p < half ? p : period - p;
    return (v * 2 * amp) / half - amp;
}

static void make_rgb(uint8_t *rgb, int w, int h)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int dx = x - 64, dy = y - 60;
            int r2 = dx * dx + dy * dy;
            int base = 60 + (x + 2 * y) / 3;
            int tex = tri_wave(x * 3 + y, 22, 18) + tri_wave(y * 5 - x, 37, 12);
            int r = base + tex, g = base + tex / 2, b = 200 - base / 2;
            if (r2 < 900) {
                r = 230 - r2 / 20;
                g = 120;
                b = 40;
            }
            if (x >= 16 && x < 48 && y >= 80 && y < 112) {
                r = 30;
                g = 160 + ((x ^ y) & 7) * 4;
                b = 220;
            }
            if ((x / 4 + y / 4) % 2 == 0 && x >= 88 && y >= 88 && x < 120 && y < 120) {
                r = g = b = 245;
            }
            int n = (int)(xorshift() % 7u) - 3;
            uint8_t *p = &rgb[((size_t)y * (size_t)w + (size_t)x) * 3];
            p[0] = (uint8_t)clamp255(r + n);
            p[1] = (uint8_t)clamp255(g + n);
            p[2] = (uint8_t)clamp255(b - n);
        }
}

static void rgb_to_ycc(const uint8_t *rgb, Plane *yp, Plane *cb_full, Plane *cr_full)
{
    for (int i = 0; i < yp->w * yp->h; i++) {
        int r = rgb[i * 3], g = rgb[i * 3 + 1], b = rgb[i * 3 + 2];
        yp->px[i] = (uint8_t)clamp255(descale(19595 * r + 38470 * g + 7471 * b, 16));
        cb_full->px[i] = (uint8_t)clamp255(descale(-11059 * r - 21709 * g + 32768 * b, 16) + 128);
        cr_full->px[i] = (uint8_t)clamp255(descale(32768 * r - 27439 * g - 5329 * b, 16) + 128);
    }
}

static void ycc_to_rgb(const Plane *yp, const Plane *cb, const Plane *cr, uint8_t *rgb)
{
    for (int i = 0; i < yp->w * yp->h; i++) {
        int y = yp->px[i], u = cb->px[i] - 128, v = cr->px[i] - 128;
        rgb[i * 3] = (uint8_t)clamp255(y + descale(91881 * v, 16));
        rgb[i * 3 + 1] = (uint8_t)clamp255(y - descale(22554 * u + 46802 * v, 16));
        rgb[i * 3 + 2] = (uint8_t)clamp255(y + descale(116130 * u, 16));
    }
}

/* 2x2 box downsample and nearest/bilinear-ish upsample */
static Plane downsample2(const Plane *p)
{
    Plane d = plane_new(p->w / 2, p->h / 2);
    for (int y = 0; y < d.h; y++)
        for (int x = 0; x < d.w; x++) {
            int s = p->px[(2 * y) * p->w + 2 * x] + p->px[(2 * y) * p->w + 2 * x + 1] +
                    p->px[(2 * y + 1) * p->w + 2 * x] + p->px[(2 * y + 1) * p->w + 2 * x + 1];
            d.px[y * d.w + x] = (uint8_t)((s + 2) / 4);
        }
    return d;
}

static Plane upsample2(const Plane *p)
{
    /* "fancy" triangle upsampling: 3/4 nearest + 1/4 next sample in each direction */
    Plane u = plane_new(p->w * 2, p->h * 2);
    for (int y = 0; y < u.h; y++)
        for (int x = 0; x < u.w; x++) {
            int sx = x / 2, sy = y / 2;
            int nx = (x & 1) ? (sx + 1 < p->w ? sx + 1 : sx) : (sx > 0 ? sx - 1 : sx);
            int ny = (y & 1) ? (sy + 1 < p->h ? sy + 1 : sy) : (sy > 0 ? sy - 1 : sy);
            int v = 9 * p->px[sy * p->w + sx] + 3 * p->px[sy * p->w + nx] + 3 * p->px[ny * p->w + sx] +
                    p->px[ny * p->w + nx];
            u.px[y * u.w + x] = (uint8_t)((v + 8) / 16);
        }
    return u;
}

/* ------------------------------------------------------------------ */
/* codec                                                               */
/* ------------------------------------------------------------------ */

static void load_block(const Plane *p, int bx, int by, int blk[64])
{
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            blk[y * 8 + x] = (int)p->px[(by * 8 + y) * p->w + bx * 8 + x] - 128;
}

static void store_block(Plane *p, int bx, int by, const int blk[64])
{
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            p->px[(by * 8 + y) * p->w + bx * 8 + x] = (uint8_t)clamp255(blk[y * 8 + x] + 128);
}

/* encode + decode a plane; returns statistics, reconstructed plane in out */
static void code_plane(const Plane *src, const int *qt, Plane *out, RLEStream *rle, SymbolStats *st, int *nonzero,
                       int *decode_ok)
{
    int bw = src->w / 8, bh = src->h / 8;
    int prev_dc = 0;
    int blk[64], coef[64], q[64];
    int (*qstore)[64] = (int (*)[64])xmalloc(sizeof(int) * 64 * (size_t)(bw * bh));
    int nz = 0;
    for (int by = 0; by < bh; by++)
        for (int bx = 0; bx < bw; bx++) {
            load_block(src, bx, by, blk);
            fdct8x8(blk, coef);
            quantize(coef, qt, q);
            for (int i = 0; i < 64; i++)
                nz += q[i] != 0;
            memcpy(qstore[by * bw + bx], q, sizeof q);
            rle_encode_block(rle, q, &prev_dc, st);
        }
    /* decode from the RLE stream only */
    int pos = 0, dc = 0, ok = 1;
    for (int b = 0; b < bw * bh; b++) {
        if (!rle_decode_block(rle, &pos, &dc, q) || memcmp(q, qstore[b], sizeof q) != 0)
            ok = 0;
        dequantize(q, qt, coef);
        idct8x8(coef, blk);
        store_block(out, b % bw, b / bw, blk);
    }
    if (pos != rle->count)
        ok = 0;
    free(qstore);
    *nonzero = nz;
    *decode_ok = ok;
}

static int64_t plane_sse(const Plane *a, const Plane *b)
{
    int64_t s = 0;
    for (int i = 0; i < a->w * a->h; i++) {
        int d = (int)a->px[i] - (int)b->px[i];
        s += d * d;
    }
    return s;
}

static void print_psnr(const char *label, int64_t p)
{
    if (p < 0)
        printf("%s=inf", label);
    else
        printf("%s=%lld.%02lld dB", label, (long long)(p / 100), (long long)(p % 100));
}

static uint32_t g_hash = 0;

static void test_transform(void)
{
    /* DCT of a constant block: only DC = 8 * value */
    int blk[64], coef[64], back[64];
    for (int i = 0; i < 64; i++)
        blk[i] = 50;
    fdct8x8(blk, coef);
    int others = 0;
    for (int i = 1; i < 64; i++)
        others += coef[i] != 0;
    printf("constant block: DC=%d, nonzero AC=%d\n", coef[0], others);

    /* round trip on random blocks: max error and error histogram */
    int maxerr = 0, exact = 0, total = 0;
    for (int t = 0; t < 200; t++) {
        for (int i = 0; i < 64; i++)
            blk[i] = (int)(xorshift() % 256u) - 128;
        fdct8x8(blk, coef);
        idct8x8(coef, back);
        for (int i = 0; i < 64; i++) {
            int e = back[i] - blk[i];
            if (e < 0)
                e = -e;
            if (e > maxerr)
                maxerr = e;
            exact += e == 0;
            total++;
        }
        g_hash = crc32_update(g_hash, (const uint8_t *)coef, sizeof coef);
    }
    printf("fdct->idct round trip on 200 random blocks: max error %d, exact %d/%d\n", maxerr, exact, total);

    /* energy preservation (orthonormal transform): sum x^2 ~ sum X^2 */
    int64_t e_sp = 0, e_fr = 0;
    for (int i = 0; i < 64; i++)
        blk[i] = ((i * 37) % 97) - 48;
    fdct8x8(blk, coef);
    for (int i = 0; i < 64; i++) {
        e_sp += blk[i] * blk[i];
        e_fr += coef[i] * coef[i];
    }
    printf("energy spatial=%lld frequency=%lld\n", (long long)e_sp, (long long)e_fr);
}

static EncodeResult run_quality(const uint8_t *rgb, int quality, int verbose)
{
    EncodeResult res;
    memset(&res, 0, sizeof res);
    res.quality = quality;

    int qy[64], qc[64];
    scale_qtable(std_luma_q, quality, qy);
    scale_qtable(std_chroma_q, quality, qc);

    Plane yp = plane_new(IMG_W, IMG_H), cbf = plane_new(IMG_W, IMG_H), crf = plane_new(IMG_W, IMG_H);
    rgb_to_ycc(rgb, &yp, &cbf, &crf);
    Plane cb = downsample2(&cbf), cr = downsample2(&crf);

    Plane yr = plane_new(IMG_W, IMG_H), cbr = plane_new(IMG_W / 2, IMG_H / 2), crr = plane_new(IMG_W / 2, IMG_H / 2);
    RLEStream sy, scb, scr;
    rle_init(&sy);
    rle_init(&scb);
    rle_init(&scr);
    SymbolStats sty, stc;
    memset(&sty, 0, sizeof sty);
    memset(&stc, 0, sizeof stc);
    int nz1, nz2, nz3, ok1, ok2, ok3;
    code_plane(&yp, qy, &yr, &sy, &sty, &nz1, &ok1);
    /* the two chroma planes have separate streams but share one set of Huffman statistics */
    code_plane(&cb, qc, &cbr, &scb, &stc, &nz2, &ok2);
    code_plane(&cr, qc, &crr, &scr, &stc, &nz3, &ok3);
    int mdl, mal, mdc, mac;
    uint64_t bits_y = estimate_bits(&sty, &mdl, &mal);
    uint64_t bits_c = estimate_bits(&stc, &mdc, &mac);
    res.bits = bits_y + bits_c;
    res.nonzero = nz1 + nz2 + nz3;
    res.symbols = sy.count + scb.count + scr.count;

    Plane cbu = upsample2(&cbr), cru = upsample2(&crr);
    uint8_t *out = (uint8_t *)xmalloc((size_t)IMG_W * IMG_H * 3);
    ycc_to_rgb(&yr, &cbu, &cru, out);
    int64_t sse_rgb = 0;
    for (int i = 0; i < IMG_W * IMG_H * 3; i++) {
        int d = (int)out[i] - (int)rgb[i];
        sse_rgb += d * d;
    }
    res.sse = plane_sse(&yp, &yr);
    res.crc = crc32_update(0, yr.px, (size_t)IMG_W * IMG_H);
    res.crc = crc32_update(res.crc, out, (size_t)IMG_W * IMG_H * 3);

    int64_t bpp1000 = (int64_t)(res.bits * 1000 / (IMG_W * IMG_H));
    printf("quality %3d: luma nz=%d chroma nz=%d symbols=%d bits=%llu (%lld.%03lld bpp) huff max len %d/%d/%d/%d\n",
           quality, nz1, nz2 + nz3, res.symbols, (unsigned long long)res.bits, (long long)(bpp1000 / 1000),
           (long long)(bpp1000 % 1000), mdl, mal, mdc, mac);
    printf("             rle decode exact: %s  ", ok1 && ok2 && ok3 ? "yes" : "no");
    print_psnr("PSNR(Y)", psnr_x100(res.sse, IMG_W * IMG_H));
    printf("  ");
    print_psnr("PSNR(RGB)", psnr_x100(sse_rgb, IMG_W * IMG_H * 3));
    printf("  crc=%08x\n", (unsigned)res.crc);

    if (verbose) {
        /* first luma block, quantised, in zigzag order */
        int blk[64], coef[64], q[64];
        load_block(&yp, 5, 7, blk);
        fdct8x8(blk, coef);
        quantize(coef, qy, q);
        printf("             block(5,7) zigzag:");
        int last = 0;
        for (int k = 0; k < 64; k++)
            if (q[zigzag[k]])
                last = k;
        for (int k = 0; k <= last; k++)
            printf(" %d", q[zigzag[k]]);
        printf(" EOB\n");
    }

    g_hash = crc32_update(g_hash, (const uint8_t *)&res.crc, sizeof res.crc);
    uint8_t tmp[16];
    for (int i = 0; i < 8; i++) {
        tmp[i] = (uint8_t)(res.bits >> (8 * i));
        tmp[8 + i] = (uint8_t)((uint64_t)res.sse >> (8 * i));
    }
    g_hash = crc32_update(g_hash, tmp, sizeof tmp);

    free(out);
    plane_free(&cbu);
    plane_free(&cru);
    rle_free(&sy);
    rle_free(&scb);
    rle_free(&scr);
    plane_free(&yr);
    plane_free(&cbr);
    plane_free(&crr);
    plane_free(&cb);
    plane_free(&cr);
    plane_free(&yp);
    plane_free(&cbf);
    plane_free(&crf);
    return res;
}

int main(void)
{
    test_transform();
    uint8_t *rgb = (uint8_t *)xmalloc((size_t)IMG_W * IMG_H * 3);
    make_rgb(rgb, IMG_W, IMG_H);
    printf("image %dx%d rgb crc=%08x\n", IMG_W, IMG_H, (unsigned)crc32_update(0, rgb, (size_t)IMG_W * IMG_H * 3));
    static const int qualities[5] = { 10, 25, 50, 75, 95 };
    EncodeResult prev;
    int monotone = 1;
    for (int i = 0; i < 5; i++) {
        EncodeResult r = run_quality(rgb, qualities[i], qualities[i] == 50);
        if (i > 0 && (r.bits < prev.bits || r.sse > prev.sse))
            monotone = 0;
        prev = r;
    }
    printf("higher quality => more bits and lower error: %s\n", monotone ? "yes" : "no");
    free(rgb);
    printf("checksum: 0x%08x\n", (unsigned)g_hash);
    return 0;
}
