/* cgym-suite: category=image; integer image processing on generated gray/RGB images: blurs, median, Sobel, Canny, equalisation, morphology, labelling, resize, rotation */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define W 128
#define H 128

typedef struct {
    int w;
    int h;
    int ch;      /* 1 = gray, 3 = RGB interleaved */
    uint8_t *px;
} Image;

typedef struct {
    int w;
    int h;
    int32_t *v;
} IntImage;

typedef enum {
    BORDER_CLAMP,
    BORDER_MIRROR,
    BORDER_ZERO
} BorderMode;

typedef enum {
    MORPH_ERODE,
    MORPH_DILATE
} MorphOp;

typedef enum {
    ROT_90,
    ROT_180,
    ROT_270
} Rotation;

/* ====================================================================== */
/* utilities                                                               */
/* ====================================================================== */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static Image img_new(int w, int h, int ch)
{
    Image im;
    im.w = w;
    im.h = h;
    im.ch = ch;
    im.px = (uint8_t *)xmalloc((size_t)w * (size_t)h * (size_t)ch);
    memset(im.px, 0, (size_t)w * (size_t)h * (size_t)ch);
    return im;
}

static void img_free(Image *im)
{
    free(im->px);
    im->px = NULL;
}

static IntImage iimg_new(int w, int h)
{
    IntImage im;
    im.w = w;
    im.h = h;
    im.v = (int32_t *)xmalloc(sizeof(int32_t) * (size_t)w * (size_t)h);
    memset(im.v, 0, sizeof(int32_t) * (size_t)w * (size_t)h);
    return im;
}

static void iimg_free(IntImage *im)
{
    free(im->v);
    im->v = NULL;
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

static uint8_t sat8(int v) { return (uint8_t)clampi(v, 0, 255); }

static int iabs(int v) { return v < 0 ? -v : v; }

static int border_index(int i, int n, BorderMode mode)
{
    switch (mode) {
    case BORDER_CLAMP:
        return clampi(i, 0, n - 1);
    case BORDER_MIRROR:
        if (i < 0)
            i = -i - 1;
        if (i >= n)
            i = 2 * n - i - 1;
        return clampi(i, 0, n - 1);
    case BORDER_ZERO:
    default:
        return (i < 0 || i >= n) ? -1 : i;
    }
}

static int get_gray(const Image *im, int x, int y, BorderMode mode)
{
    if (x >= 0 && y >= 0 && x < im->w && y < im->h)
        return im->px[(size_t)y * (size_t)im->w + (size_t)x]; /* fast path: inside */
    int xx = border_index(x, im->w, mode), yy = border_index(y, im->h, mode);
    if (xx < 0 || yy < 0)
        return 0;
    return im->px[(size_t)yy * (size_t)im->w + (size_t)xx];
}

#define PX(im, x, y) ((im)->px[(size_t)(y) * (size_t)(im)->w + (size_t)(x)])
#define IV(im, x, y) ((im)->v[(size_t)(y) * (size_t)(im)->w + (size_t)(x)])

/* Adler-32 style checksum of an image buffer */
static uint32_t img_checksum(const Image *im)
{
    uint32_t a = 1, b = 0;
    size_t n = (size_t)im->w * (size_t)im->h * (size_t)im->ch;
    for (size_t i = 0; i < n; i++) {
        a = (a + im->px[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    return (b << 16) | a;
}

static uint32_t iimg_checksum(const IntImage *im)
{
    uint32_t h = 2166136261u;
    size_t n = (size_t)im->w * (size_t)im->h;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)im->v[i];
        for (int k = 0; k < 4; k++) {
            h ^= (v >> (8 * k)) & 0xFFu;
            h *= 16777619u;
        }
    }
    return h;
}

static uint32_t g_total = 0;

static void report(const char *name, uint32_t sum, const char *extra)
{
    printf("%-22s 0x%08x%s%s\n", name, (unsigned)sum, extra ? "  " : "", extra ? extra : "");
    g_total = (g_total * 31u) ^ sum;
    g_total = (g_total << 7) | (g_total >> 25);
}

static long img_sum(const Image *im)
{
    long s = 0;
    size_t n = (size_t)im->w * (size_t)im->h * (size_t)im->ch;
    for (size_t i = 0; i < n; i++)
        s += im->px[i];
    return s;
}

static int img_count_nonzero(const Image *im)
{
    int c = 0;
    size_t n = (size_t)im->w * (size_t)im->h * (size_t)im->ch;
    for (size_t i = 0; i < n; i++)
        if (im->px[i])
            c++;
    return c;
}

static int img_equal(const Image *a, const Image *b)
{
    if (a->w != b->w || a->h != b->h || a->ch != b->ch)
        return 0;
    return memcmp(a->px, b->px, (size_t)a->w * (size_t)a->h * (size_t)a->ch) == 0;
}

/* ====================================================================== */
/* synthetic image generation                                              */
/* ====================================================================== */

static uint32_t rng = 0x1234567u;

static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) & 0x7FFFu;
}

static void draw_rect(Image *im, int x0, int y0, int x1, int y1, int v)
{
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
            if (x >= 0 && y >= 0 && x < im->w && y < im->h)
                PX(im, x, y) = (uint8_t)v;
}

static void draw_disc(Image *im, int cx, int cy, int r, int v)
{
    for (int y = cy - r; y <= cy + r; y++)
        for (int x = cx - r; x <= cx + r; x++) {
            int dx = x - cx, dy = y - cy;
            if (dx * dx + dy * dy <= r * r && x >= 0 && y >= 0 && x < im->w && y < im->h)
                PX(im, x, y) = (uint8_t)v;
        }
}

/* Bresenham line */
static void draw_line(Image *im, int x0, int y0, int x1, int y1, int v)
{
    int dx = iabs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    int dy = -iabs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        if (x0 >= 0 && y0 >= 0 && x0 < im->w && y0 < im->h)
            PX(im, x0, y0) = (uint8_t)v;
        if (x0 == x1 && y0 == y1)
            break;
        int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

/* midpoint circle outline */
static void draw_circle(Image *im, int cx, int cy, int r, int v)
{
    int x = r, y = 0, err = 1 - r;
    while (x >= y) {
        int pts[8][2] = { { cx + x, cy + y }, { cx + y, cy + x }, { cx - y, cy + x }, { cx - x, cy + y },
                          { cx - x, cy - y }, { cx - y, cy - x }, { cx + y, cy - x }, { cx + x, cy - y } };
        for (int i = 0; i < 8; i++)
            if (pts[i][0] >= 0 && pts[i][1] >= 0 && pts[i][0] < im->w && pts[i][1] < im->h)
                PX(im, pts[i][0], pts[i][1]) = (uint8_t)v;
        y++;
        if (err < 0) {
            err += 2 * y + 1;
        } else {
            x--;
            err += 2 * (y - x) + 1;
        }
    }
}

static Image make_gray_scene(void)
{
    Image im = img_new(W, H, 1);
    /* diagonal gradient background */
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            PX(&im, x, y) = (uint8_t)(40 + (x + y) / 4);
    draw_rect(&im, 10, 12, 40, 38, 200);
    draw_rect(&im, 70, 80, 118, 100, 170);
    draw_disc(&im, 90, 35, 18, 230);
    draw_disc(&im, 30, 95, 14, 15);
    draw_disc(&im, 58, 60, 6, 250);
    draw_circle(&im, 64, 64, 50, 255);
    draw_line(&im, 0, 127, 127, 70, 220);
    draw_line(&im, 5, 5, 120, 20, 10);
    /* small blobs */
    for (int i = 0; i < 12; i++) {
        int bx = 8 + (int)(rnd() % 112u);
        int by = 8 + (int)(rnd() % 112u);
        int br = 1 + (int)(rnd() % 3u);
        draw_disc(&im, bx, by, br, 240);
    }
    /* noise */
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int n = (int)(rnd() % 17u) - 8;
            PX(&im, x, y) = sat8(PX(&im, x, y) + n);
        }
    /* a few salt and pepper pixels for the median filter */
    for (int i = 0; i < 150; i++) {
        int x = (int)(rnd() % W), y = (int)(rnd() % H);
        PX(&im, x, y) = (rnd() & 1u) ? 255 : 0;
    }
    return im;
}

static Image make_rgb_scene(void)
{
    Image im = img_new(W, H, 3);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = &im.px[((size_t)y * W + (size_t)x) * 3];
            p[0] = (uint8_t)(x * 2);
            p[1] = (uint8_t)(y * 2);
            p[2] = (uint8_t)(255 - ((x * y) >> 6));
            int dx = x - 80, dy = y - 50;
            if (dx * dx + dy * dy < 600) {
                p[0] = 250;
                p[1] = 40;
                p[2] = 30;
            }
            if (x > 20 && x < 50 && y > 70 && y < 110) {
                p[0] = 20;
                p[1] = 200;
                p[2] = 60;
            }
            int n = (int)(rnd() % 9u) - 4;
            p[0] = sat8(p[0] + n);
            p[1] = sat8(p[1] - n);
        }
    return im;
}

/* ====================================================================== */
/* color conversions                                                       */
/* ====================================================================== */

static Image rgb_to_gray(const Image *rgb)
{
    Image g = img_new(rgb->w, rgb->h, 1);
    for (int i = 0; i < rgb->w * rgb->h; i++) {
        const uint8_t *p = &rgb->px[(size_t)i * 3];
        g.px[i] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
    }
    return g;
}

static void rgb_to_ycbcr_px(const uint8_t *p, uint8_t *out)
{
    int r = p[0], g = p[1], b = p[2];
    int y = (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
    int cb = ((-11059 * r - 21709 * g + 32768 * b + 32768) / 65536) + 128;
    int cr = ((32768 * r - 27439 * g - 5329 * b + 32768) / 65536) + 128;
    out[0] = sat8(y);
    out[1] = sat8(cb);
    out[2] = sat8(cr);
}

static void ycbcr_to_rgb_px(const uint8_t *p, uint8_t *out)
{
    int y = p[0], cb = p[1] - 128, cr = p[2] - 128;
    int r = y + (91881 * cr + 32768) / 65536;
    int g = y - (22554 * cb + 46802 * cr) / 65536;
    int b = y + (116130 * cb + 32768) / 65536;
    out[0] = sat8(r);
    out[1] = sat8(g);
    out[2] = sat8(b);
}

/* integer HSV: h in [0,191] (6 sectors of 32), s,v in [0,255] */
static void rgb_to_hsv_px(const uint8_t *p, uint8_t *out)
{
    int r = p[0], g = p[1], b = p[2];
    int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
    int d = mx - mn;
    int h = 0, s = mx ? (255 * d) / mx : 0;
    if (d) {
        if (mx == r)
            h = (32 * (g - b)) / d + (g < b ? 192 : 0);
        else if (mx == g)
            h = 64 + (32 * (b - r)) / d;
        else
            h = 128 + (32 * (r - g)) / d;
    }
    out[0] = (uint8_t)clampi(h, 0, 191);
    out[1] = (uint8_t)s;
    out[2] = (uint8_t)mx;
}

/* ====================================================================== */
/* convolution filters                                                     */
/* ====================================================================== */

/* separable 5-tap binomial (gaussian) blur, weights 1 4 6 4 1 */
static Image gaussian_blur5(const Image *src, BorderMode mode)
{
    static const int k[5] = { 1, 4, 6, 4, 1 };
    IntImage tmp = iimg_new(src->w, src->h);
    Image dst = img_new(src->w, src->h, 1);
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            int s = 0;
            for (int i = -2; i <= 2; i++)
                s += k[i + 2] * get_gray(src, x + i, y, mode);
            IV(&tmp, x, y) = s;
        }
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            int s = 0;
            for (int i = -2; i <= 2; i++) {
                int yy = border_index(y + i, src->h, mode);
                if (yy >= 0)
                    s += k[i + 2] * IV(&tmp, x, yy);
            }
            PX(&dst, x, y) = (uint8_t)((s + 128) >> 8);
        }
    iimg_free(&tmp);
    return dst;
}

/* generic 2D convolution with an integer kernel, result divided by div */
static Image convolve2d(const Image *src, const int *kern, int ksize, int div, int bias, BorderMode mode)
{
    Image dst = img_new(src->w, src->h, 1);
    int r = ksize / 2;
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            int s = 0;
            for (int j = -r; j <= r; j++)
                for (int i = -r; i <= r; i++)
                    s += kern[(j + r) * ksize + (i + r)] * get_gray(src, x + i, y + j, mode);
            int v = s >= 0 ? (s + div / 2) / div : -((-s + div / 2) / div);
            PX(&dst, x, y) = sat8(v + bias);
        }
    return dst;
}

/* summed area table (with a zero row/column) */
static IntImage integral_image(const Image *src)
{
    IntImage s = iimg_new(src->w + 1, src->h + 1);
    for (int y = 1; y <= src->h; y++) {
        int row = 0;
        for (int x = 1; x <= src->w; x++) {
            row += PX(src, x - 1, y - 1);
            IV(&s, x, y) = IV(&s, x, y - 1) + row;
        }
    }
    return s;
}

/* box blur using the integral image; window clipped at the borders */
static Image box_blur_integral(const Image *src, int r)
{
    IntImage s = integral_image(src);
    Image dst = img_new(src->w, src->h, 1);
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            int x0 = clampi(x - r, 0, src->w), x1 = clampi(x + r + 1, 0, src->w);
            int y0 = clampi(y - r, 0, src->h), y1 = clampi(y + r + 1, 0, src->h);
            int area = (x1 - x0) * (y1 - y0);
            int sum = IV(&s, x1, y1) - IV(&s, x0, y1) - IV(&s, x1, y0) + IV(&s, x0, y0);
            PX(&dst, x, y) = (uint8_t)((sum + area / 2) / area);
        }
    iimg_free(&s);
    return dst;
}

/* same box blur computed directly */
static Image box_blur_direct(const Image *src, int r)
{
    Image dst = img_new(src->w, src->h, 1);
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            int sum = 0, area = 0;
            for (int j = y - r; j <= y + r; j++)
                for (int i = x - r; i <= x + r; i++)
                    if (i >= 0 && j >= 0 && i < src->w && j < src->h) {
                        sum += PX(src, i, j);
                        area++;
                    }
            PX(&dst, x, y) = (uint8_t)((sum + area / 2) / area);
        }
    return dst;
}

/* ====================================================================== */
/* median filters                                                          */
/* ====================================================================== */

static void sort_swap(uint8_t *a, int i, int j)
{
    if (a[i] > a[j]) {
        uint8_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* median of 9 with a fixed exchange network */
static uint8_t median9_network(uint8_t *p)
{
    sort_swap(p, 1, 2); sort_swap(p, 4, 5); sort_swap(p, 7, 8);
    sort_swap(p, 0, 1); sort_swap(p, 3, 4); sort_swap(p, 6, 7);
    sort_swap(p, 1, 2); sort_swap(p, 4, 5); sort_swap(p, 7, 8);
    sort_swap(p, 0, 3); sort_swap(p, 5, 8); sort_swap(p, 4, 7);
    sort_swap(p, 3, 6); sort_swap(p, 1, 4); sort_swap(p, 2, 5);
    sort_swap(p, 4, 7); sort_swap(p, 4, 2); sort_swap(p, 6, 4);
    sort_swap(p, 4, 2);
    return p[4];
}

static uint8_t median_insertion(uint8_t *p, int n)
{
    for (int i = 1; i < n; i++) {
        uint8_t v = p[i];
        int j = i - 1;
        while (j >= 0 && p[j] > v) {
            p[j + 1] = p[j];
            j--;
        }
        p[j + 1] = v;
    }
    return p[n / 2];
}

static Image median3x3(const Image *src, int use_network)
{
    Image dst = img_new(src->w, src->h, 1);
    uint8_t win[9];
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            int k = 0;
            for (int j = -1; j <= 1; j++)
                for (int i = -1; i <= 1; i++)
                    win[k++] = (uint8_t)get_gray(src, x + i, y + j, BORDER_CLAMP);
            PX(&dst, x, y) = use_network ? median9_network(win) : median_insertion(win, 9);
        }
    return dst;
}

/* histogram-based running median (Huang) for larger windows.
 * The median m is tracked incrementally together with lt = number of window
 * values below m, so each step only moves m by a few histogram bins. */
static Image median_huang(const Image *src, int r)
{
    Image dst = img_new(src->w, src->h, 1);
    int hist[256];
    int n = (2 * r + 1) * (2 * r + 1);
    int half = n / 2;
    for (int y = 0; y < src->h; y++) {
        memset(hist, 0, sizeof hist);
        for (int j = -r; j <= r; j++)
            for (int i = -r; i <= r; i++)
                hist[get_gray(src, i, y + j, BORDER_CLAMP)]++;
        int m = 0, lt = 0;
        while (lt + hist[m] <= half) {
            lt += hist[m];
            m++;
        }
        for (int x = 0; x < src->w; x++) {
            if (x > 0)
                for (int j = -r; j <= r; j++) {
                    int out = get_gray(src, x - r - 1, y + j, BORDER_CLAMP);
                    int in = get_gray(src, x + r, y + j, BORDER_CLAMP);
                    hist[out]--;
                    if (out < m)
                        lt--;
                    hist[in]++;
                    if (in < m)
                        lt++;
                }
            /* restore the invariant lt <= half < lt + hist[m] */
            while (lt > half) {
                m--;
                lt -= hist[m];
            }
            while (lt + hist[m] <= half) {
                lt += hist[m];
                m++;
            }
            PX(&dst, x, y) = (uint8_t)m;
        }
    }
    return dst;
}

/* ====================================================================== */
/* gradients and edges                                                     */
/* ====================================================================== */

typedef struct {
    IntImage mag;
    IntImage dir; /* 0: horizontal edge normal (E-W), 1: 45, 2: vertical, 3: 135 */
    IntImage gx;
    IntImage gy;
} Gradient;

static Gradient sobel(const Image *src)
{
    Gradient g;
    g.mag = iimg_new(src->w, src->h);
    g.dir = iimg_new(src->w, src->h);
    g.gx = iimg_new(src->w, src->h);
    g.gy = iimg_new(src->w, src->h);
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            int p00 = get_gray(src, x - 1, y - 1, BORDER_CLAMP), p10 = get_gray(src, x, y - 1, BORDER_CLAMP);
            int p20 = get_gray(src, x + 1, y - 1, BORDER_CLAMP), p01 = get_gray(src, x - 1, y, BORDER_CLAMP);
            int p21 = get_gray(src, x + 1, y, BORDER_CLAMP), p02 = get_gray(src, x - 1, y + 1, BORDER_CLAMP);
            int p12 = get_gray(src, x, y + 1, BORDER_CLAMP), p22 = get_gray(src, x + 1, y + 1, BORDER_CLAMP);
            int gx = (p20 + 2 * p21 + p22) - (p00 + 2 * p01 + p02);
            int gy = (p02 + 2 * p12 + p22) - (p00 + 2 * p10 + p20);
            IV(&g.gx, x, y) = gx;
            IV(&g.gy, x, y) = gy;
            IV(&g.mag, x, y) = iabs(gx) + iabs(gy);
            /* quantise direction using tan(22.5) ~ 106/256 and tan(67.5) ~ 618/256 */
            int ax = iabs(gx), ay = iabs(gy);
            int d;
            if (ay * 256 <= ax * 106)
                d = 0;
            else if (ay * 256 >= ax * 618)
                d = 2;
            else
                d = ((gx >= 0) == (gy >= 0)) ? 1 : 3;
            IV(&g.dir, x, y) = d;
        }
    return g;
}

static void gradient_free(Gradient *g)
{
    iimg_free(&g->mag);
    iimg_free(&g->dir);
    iimg_free(&g->gx);
    iimg_free(&g->gy);
}

static Image gradient_to_image(const IntImage *mag)
{
    Image out = img_new(mag->w, mag->h, 1);
    for (int i = 0; i < mag->w * mag->h; i++)
        out.px[i] = sat8(mag->v[i] / 4);
    return out;
}

static IntImage non_max_suppression(const Gradient *g)
{
    int w = g->mag.w, h = g->mag.h;
    IntImage out = iimg_new(w, h);
    static const int off[4][2] = { { 1, 0 }, { 1, 1 }, { 0, 1 }, { 1, -1 } };
    for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++) {
            int m = IV(&g->mag, x, y);
            int d = IV(&g->dir, x, y);
            int dx = off[d][0], dy = off[d][1];
            int a = IV(&g->mag, x + dx, y + dy);
            int b = IV(&g->mag, x - dx, y - dy);
            IV(&out, x, y) = (m >= a && m > b) ? m : 0;
        }
    return out;
}

/* double threshold + hysteresis using an explicit stack */
static Image hysteresis(const IntImage *nms, int lo, int hi)
{
    int w = nms->w, h = nms->h;
    Image out = img_new(w, h, 1);
    int *stack = (int *)xmalloc(sizeof(int) * (size_t)w * (size_t)h);
    int sp = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (IV(nms, x, y) >= hi && !PX(&out, x, y)) {
                PX(&out, x, y) = 255;
                stack[sp++] = y * w + x;
                while (sp > 0) {
                    int p = stack[--sp];
                    int px = p % w, py = p / w;
                    for (int j = -1; j <= 1; j++)
                        for (int i = -1; i <= 1; i++) {
                            int nx = px + i, ny = py + j;
                            if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                                continue;
                            if (!PX(&out, nx, ny) && IV(nms, nx, ny) >= lo) {
                                PX(&out, nx, ny) = 255;
                                stack[sp++] = ny * w + nx;
                            }
                        }
                }
            }
    free(stack);
    return out;
}

static Image canny(const Image *src, int lo, int hi, int *strong_count)
{
    Image blurred = gaussian_blur5(src, BORDER_CLAMP);
    Gradient g = sobel(&blurred);
    IntImage nms = non_max_suppression(&g);
    int strong = 0;
    for (int i = 0; i < nms.w * nms.h; i++)
        if (nms.v[i] >= hi)
            strong++;
    *strong_count = strong;
    Image edges = hysteresis(&nms, lo, hi);
    iimg_free(&nms);
    gradient_free(&g);
    img_free(&blurred);
    return edges;
}

/* ====================================================================== */
/* histogram operations and thresholding                                   */
/* ====================================================================== */

static void histogram(const Image *im, int hist[256])
{
    memset(hist, 0, sizeof(int) * 256);
    for (int i = 0; i < im->w * im->h; i++)
        hist[im->px[i]]++;
}

static Image equalize(const Image *src)
{
    int hist[256], cdf[256];
    histogram(src, hist);
    int acc = 0, cdf_min = -1;
    for (int i = 0; i < 256; i++) {
        acc += hist[i];
        cdf[i] = acc;
        if (cdf_min < 0 && hist[i])
            cdf_min = acc;
    }
    int total = src->w * src->h;
    uint8_t lut[256];
    for (int i = 0; i < 256; i++) {
        if (total == cdf_min) {
            lut[i] = (uint8_t)i;
        } else {
            int num = (cdf[i] - cdf_min) * 255;
            int v = cdf[i] < cdf_min ? 0 : (num + (total - cdf_min) / 2) / (total - cdf_min);
            lut[i] = sat8(v);
        }
    }
    Image dst = img_new(src->w, src->h, 1);
    for (int i = 0; i < total; i++)
        dst.px[i] = lut[src->px[i]];
    return dst;
}

/* Otsu's method using integer between-class variance (64-bit) */
static int otsu_threshold(const Image *im)
{
    int hist[256];
    histogram(im, hist);
    int64_t total = (int64_t)im->w * im->h;
    int64_t sum_all = 0;
    for (int i = 0; i < 256; i++)
        sum_all += (int64_t)i * hist[i];
    int64_t wb = 0, sum_b = 0;
    int best_t = 0;
    /* between-class variance is proportional to (sum_b*wf - sum_f*wb)^2 / (wb*wf);
       the squared term exceeds 64 bits, so the ratio is compared in double precision */
    double best = -1.0;
    for (int t = 0; t < 256; t++) {
        wb += hist[t];
        sum_b += (int64_t)t * hist[t];
        int64_t wf = total - wb;
        if (wb == 0 || wf == 0)
            continue;
        int64_t sum_f = sum_all - sum_b;
        int64_t diff = sum_b * wf - sum_f * wb; /* |diff| < 2^40 for 128x128 images */
        double score = ((double)diff * (double)diff) / ((double)wb * (double)wf);
        if (score > best) {
            best = score;
            best_t = t;
        }
    }
    return best_t;
}

static Image threshold(const Image *src, int t)
{
    Image dst = img_new(src->w, src->h, 1);
    for (int i = 0; i < src->w * src->h; i++)
        dst.px[i] = src->px[i] > t ? 255 : 0;
    return dst;
}

/* ====================================================================== */
/* morphology                                                              */
/* ====================================================================== */

static Image morph(const Image *src, MorphOp op, int r)
{
    Image dst = img_new(src->w, src->h, 1);
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            int v = op == MORPH_ERODE ? 255 : 0;
            for (int j = -r; j <= r; j++)
                for (int i = -r; i <= r; i++) {
                    int p = get_gray(src, x + i, y + j, BORDER_CLAMP);
                    if (op == MORPH_ERODE) {
                        if (p < v)
                            v = p;
                    } else {
                        if (p > v)
                            v = p;
                    }
                }
            PX(&dst, x, y) = (uint8_t)v;
        }
    return dst;
}

static Image morph_open(const Image *src, int r)
{
    Image e = morph(src, MORPH_ERODE, r);
    Image d = morph(&e, MORPH_DILATE, r);
    img_free(&e);
    return d;
}

static Image morph_close(const Image *src, int r)
{
    Image d = morph(src, MORPH_DILATE, r);
    Image e = morph(&d, MORPH_ERODE, r);
    img_free(&d);
    return e;
}

static Image morph_gradient(const Image *src)
{
    Image d = morph(src, MORPH_DILATE, 1);
    Image e = morph(src, MORPH_ERODE, 1);
    Image g = img_new(src->w, src->h, 1);
    for (int i = 0; i < src->w * src->h; i++)
        g.px[i] = (uint8_t)(d.px[i] - e.px[i]);
    img_free(&d);
    img_free(&e);
    return g;
}

/* two-pass chamfer (3-4) distance transform of the background to the foreground */
static IntImage distance_transform(const Image *bin)
{
    int w = bin->w, h = bin->h;
    const int inf = 1 << 20;
    IntImage d = iimg_new(w, h);
    for (int i = 0; i < w * h; i++)
        d.v[i] = bin->px[i] ? 0 : inf;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v = IV(&d, x, y);
            if (x > 0 && IV(&d, x - 1, y) + 3 < v)
                v = IV(&d, x - 1, y) + 3;
            if (y > 0) {
                if (IV(&d, x, y - 1) + 3 < v)
                    v = IV(&d, x, y - 1) + 3;
                if (x > 0 && IV(&d, x - 1, y - 1) + 4 < v)
                    v = IV(&d, x - 1, y - 1) + 4;
                if (x < w - 1 && IV(&d, x + 1, y - 1) + 4 < v)
                    v = IV(&d, x + 1, y - 1) + 4;
            }
            IV(&d, x, y) = v;
        }
    for (int y = h - 1; y >= 0; y--)
        for (int x = w - 1; x >= 0; x--) {
            int v = IV(&d, x, y);
            if (x < w - 1 && IV(&d, x + 1, y) + 3 < v)
                v = IV(&d, x + 1, y) + 3;
            if (y < h - 1) {
                if (IV(&d, x, y + 1) + 3 < v)
                    v = IV(&d, x, y + 1) + 3;
                if (x < w - 1 && IV(&d, x + 1, y + 1) + 4 < v)
                    v = IV(&d, x + 1, y + 1) + 4;
                if (x > 0 && IV(&d, x - 1, y + 1) + 4 < v)
                    v = IV(&d, x - 1, y + 1) + 4;
            }
            IV(&d, x, y) = v;
        }
    return d;
}

/* ====================================================================== */
/* connected components                                                    */
/* ====================================================================== */

typedef struct {
    int *parent;
    int *rank;
    int n;
} UnionFind;

static UnionFind uf_new(int n)
{
    UnionFind u;
    u.n = n;
    u.parent = (int *)xmalloc(sizeof(int) * (size_t)n);
    u.rank = (int *)xmalloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        u.parent[i] = i;
        u.rank[i] = 0;
    }
    return u;
}

static void uf_free(UnionFind *u)
{
    free(u->parent);
    free(u->rank);
}

static int uf_find(UnionFind *u, int x)
{
    int root = x;
    while (u->parent[root] != root)
        root = u->parent[root];
    while (u->parent[x] != root) {
        int next = u->parent[x];
        u->parent[x] = root;
        x = next;
    }
    return root;
}

static void uf_union(UnionFind *u, int a, int b)
{
    int ra = uf_find(u, a), rb = uf_find(u, b);
    if (ra == rb)
        return;
    if (u->rank[ra] < u->rank[rb]) {
        int t = ra;
        ra = rb;
        rb = t;
    }
    u->parent[rb] = ra;
    if (u->rank[ra] == u->rank[rb])
        u->rank[ra]++;
}

typedef struct {
    int area;
    int minx, miny, maxx, maxy;
    long sumx, sumy;
} Blob;

/* two-pass labelling with 8-connectivity; returns number of components.
 * labels are renumbered 1..n in raster order of first appearance. */
static int label_two_pass(const Image *bin, IntImage *labels)
{
    int w = bin->w, h = bin->h;
    UnionFind uf = uf_new(w * h + 1);
    int next = 1;
    for (int i = 0; i < w * h; i++)
        labels->v[i] = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (!PX(bin, x, y))
                continue;
            int nb[4], cnt = 0;
            if (x > 0 && IV(labels, x - 1, y))
                nb[cnt++] = IV(labels, x - 1, y);
            if (y > 0) {
                if (x > 0 && IV(labels, x - 1, y - 1))
                    nb[cnt++] = IV(labels, x - 1, y - 1);
                if (IV(labels, x, y - 1))
                    nb[cnt++] = IV(labels, x, y - 1);
                if (x < w - 1 && IV(labels, x + 1, y - 1))
                    nb[cnt++] = IV(labels, x + 1, y - 1);
            }
            if (cnt == 0) {
                IV(labels, x, y) = next++;
            } else {
                int m = nb[0];
                for (int k = 1; k < cnt; k++)
                    if (nb[k] < m)
                        m = nb[k];
                IV(labels, x, y) = m;
                for (int k = 0; k < cnt; k++)
                    uf_union(&uf, m, nb[k]);
            }
        }
    int *remap = (int *)xmalloc(sizeof(int) * (size_t)(next + 1));
    for (int i = 0; i <= next; i++)
        remap[i] = 0;
    int count = 0;
    for (int i = 0; i < w * h; i++)
        if (labels->v[i]) {
            int root = uf_find(&uf, labels->v[i]);
            if (!remap[root])
                remap[root] = ++count;
            labels->v[i] = remap[root];
        }
    free(remap);
    uf_free(&uf);
    return count;
}

/* flood fill labelling with an explicit queue; same raster-order numbering */
static int label_flood(const Image *bin, IntImage *labels)
{
    int w = bin->w, h = bin->h;
    int *queue = (int *)xmalloc(sizeof(int) * (size_t)w * (size_t)h);
    for (int i = 0; i < w * h; i++)
        labels->v[i] = 0;
    int count = 0;
    for (int start = 0; start < w * h; start++) {
        if (!bin->px[start] || labels->v[start])
            continue;
        count++;
        int head = 0, tail = 0;
        queue[tail++] = start;
        labels->v[start] = count;
        while (head < tail) {
            int p = queue[head++];
            int px = p % w, py = p / w;
            for (int j = -1; j <= 1; j++)
                for (int i = -1; i <= 1; i++) {
                    int nx = px + i, ny = py + j;
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                        continue;
                    int q = ny * w + nx;
                    if (bin->px[q] && !labels->v[q]) {
                        labels->v[q] = count;
                        queue[tail++] = q;
                    }
                }
        }
    }
    free(queue);
    return count;
}

static Blob *blob_stats(const IntImage *labels, int n)
{
    Blob *b = (Blob *)xmalloc(sizeof(Blob) * (size_t)(n + 1));
    for (int i = 0; i <= n; i++) {
        b[i].area = 0;
        b[i].minx = b[i].miny = 1 << 30;
        b[i].maxx = b[i].maxy = -1;
        b[i].sumx = b[i].sumy = 0;
    }
    for (int y = 0; y < labels->h; y++)
        for (int x = 0; x < labels->w; x++) {
            int l = IV(labels, x, y);
            if (!l)
                continue;
            Blob *p = &b[l];
            p->area++;
            p->sumx += x;
            p->sumy += y;
            if (x < p->minx)
                p->minx = x;
            if (x > p->maxx)
                p->maxx = x;
            if (y < p->miny)
                p->miny = y;
            if (y > p->maxy)
                p->maxy = y;
        }
    return b;
}

/* ====================================================================== */
/* geometry: resize, rotate, flip                                          */
/* ====================================================================== */

/* bilinear resize with 16.16 fixed-point coordinates (pixel-center aligned) */
static Image resize_bilinear(const Image *src, int nw, int nh)
{
    Image dst = img_new(nw, nh, src->ch);
    int64_t sx = ((int64_t)src->w << 16) / nw;
    int64_t sy = ((int64_t)src->h << 16) / nh;
    for (int y = 0; y < nh; y++) {
        int64_t fy = (int64_t)y * sy + sy / 2 - 32768;
        if (fy < 0)
            fy = 0;
        int y0 = (int)(fy >> 16);
        int wy = (int)(fy & 0xFFFF) >> 8; /* 0..255 */
        int y1 = y0 + 1 < src->h ? y0 + 1 : y0;
        if (y0 >= src->h) {
            y0 = src->h - 1;
            y1 = y0;
        }
        for (int x = 0; x < nw; x++) {
            int64_t fx = (int64_t)x * sx + sx / 2 - 32768;
            if (fx < 0)
                fx = 0;
            int x0 = (int)(fx >> 16);
            int wx = (int)(fx & 0xFFFF) >> 8;
            int x1 = x0 + 1 < src->w ? x0 + 1 : x0;
            if (x0 >= src->w) {
                x0 = src->w - 1;
                x1 = x0;
            }
            for (int c = 0; c < src->ch; c++) {
                int p00 = src->px[((size_t)y0 * (size_t)src->w + (size_t)x0) * (size_t)src->ch + (size_t)c];
                int p10 = src->px[((size_t)y0 * (size_t)src->w + (size_t)x1) * (size_t)src->ch + (size_t)c];
                int p01 = src->px[((size_t)y1 * (size_t)src->w + (size_t)x0) * (size_t)src->ch + (size_t)c];
                int p11 = src->px[((size_t)y1 * (size_t)src->w + (size_t)x1) * (size_t)src->ch + (size_t)c];
                int top = p00 * (256 - wx) + p10 * wx;
                int bot = p01 * (256 - wx) + p11 * wx;
                int v = (top * (256 - wy) + bot * wy + 32768) >> 16;
                dst.px[((size_t)y * (size_t)nw + (size_t)x) * (size_t)src->ch + (size_t)c] = (uint8_t)v;
            }
        }
    }
    return dst;
}

static Image resize_nearest(const Image *src, int nw, int nh)
{
    Image dst = img_new(nw, nh, src->ch);
    for (int y = 0; y < nh; y++) {
        int sy = (int)(((int64_t)y * src->h + src->h / 2) / nh);
        if (sy >= src->h)
            sy = src->h - 1;
        for (int x = 0; x < nw; x++) {
            int sx = (int)(((int64_t)x * src->w + src->w / 2) / nw);
            if (sx >= src->w)
                sx = src->w - 1;
            for (int c = 0; c < src->ch; c++)
                dst.px[((size_t)y * (size_t)nw + (size_t)x) * (size_t)src->ch + (size_t)c] =
                    src->px[((size_t)sy * (size_t)src->w + (size_t)sx) * (size_t)src->ch + (size_t)c];
        }
    }
    return dst;
}

static Image rotate(const Image *src, Rotation r)
{
    int nw = (r == ROT_180) ? src->w : src->h;
    int nh = (r == ROT_180) ? src->h : src->w;
    Image dst = img_new(nw, nh, src->ch);
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++) {
            int dx, dy;
            switch (r) {
            case ROT_90: /* clockwise */
                dx = src->h - 1 - y;
                dy = x;
                break;
            case ROT_180:
                dx = src->w - 1 - x;
                dy = src->h - 1 - y;
                break;
            case ROT_270:
            default:
                dx = y;
                dy = src->w - 1 - x;
                break;
            }
            for (int c = 0; c < src->ch; c++)
                dst.px[((size_t)dy * (size_t)nw + (size_t)dx) * (size_t)src->ch + (size_t)c] =
                    src->px[((size_t)y * (size_t)src->w + (size_t)x) * (size_t)src->ch + (size_t)c];
        }
    return dst;
}

static Image flip_horizontal(const Image *src)
{
    Image dst = img_new(src->w, src->h, src->ch);
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++)
            for (int c = 0; c < src->ch; c++)
                dst.px[((size_t)y * (size_t)src->w + (size_t)(src->w - 1 - x)) * (size_t)src->ch + (size_t)c] =
                    src->px[((size_t)y * (size_t)src->w + (size_t)x) * (size_t)src->ch + (size_t)c];
    return dst;
}

static Image flip_vertical(const Image *src)
{
    Image dst = img_new(src->w, src->h, src->ch);
    size_t row = (size_t)src->w * (size_t)src->ch;
    for (int y = 0; y < src->h; y++)
        memcpy(&dst.px[(size_t)(src->h - 1 - y) * row], &src->px[(size_t)y * row], row);
    return dst;
}

/* ====================================================================== */
/* misc analysis                                                           */
/* ====================================================================== */

/* sum of absolute differences template search; returns best score */
static int template_match(const Image *img, const Image *tpl, int *bx, int *by)
{
    int best = 1 << 30;
    *bx = *by = -1;
    for (int y = 0; y + tpl->h <= img->h; y++)
        for (int x = 0; x + tpl->w <= img->w; x++) {
            int sad = 0;
            for (int j = 0; j < tpl->h && sad < best; j++)
                for (int i = 0; i < tpl->w; i++)
                    sad += iabs(PX(img, x + i, y + j) - PX(tpl, i, j));
            if (sad < best) {
                best = sad;
                *bx = x;
                *by = y;
            }
        }
    return best;
}

static Image crop(const Image *src, int x0, int y0, int w, int h)
{
    Image dst = img_new(w, h, 1);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            PX(&dst, x, y) = PX(src, x0 + x, y0 + y);
    return dst;
}

static void image_stats(const Image *im, int *mn, int *mx, int *mean_x100, int64_t *var_x100)
{
    int64_t n = (int64_t)im->w * im->h * im->ch, s = 0, s2 = 0;
    *mn = 255;
    *mx = 0;
    for (int64_t i = 0; i < n; i++) {
        int v = im->px[i];
        s += v;
        s2 += (int64_t)v * v;
        if (v < *mn)
            *mn = v;
        if (v > *mx)
            *mx = v;
    }
    *mean_x100 = (int)((s * 100 + n / 2) / n);
    *var_x100 = (s2 * 100 - (s * s * 100) / n) / n;
}

/* unsharp mask: out = src + amount/16 * (src - blur) */
static Image unsharp(const Image *src, int amount)
{
    Image b = gaussian_blur5(src, BORDER_MIRROR);
    Image out = img_new(src->w, src->h, 1);
    for (int i = 0; i < src->w * src->h; i++) {
        int d = (int)src->px[i] - (int)b.px[i];
        int v = (int)src->px[i] + (d * amount) / 16;
        out.px[i] = sat8(v);
    }
    img_free(&b);
    return out;
}

/* ====================================================================== */
/* main                                                                    */
/* ====================================================================== */

static void section_basic(const Image *gray, const Image *rgb)
{
    char buf[128];
    int mn, mx, mean;
    int64_t var;
    image_stats(gray, &mn, &mx, &mean, &var);
    snprintf(buf, sizeof buf, "min=%d max=%d mean=%d.%02d var=%lld.%02lld", mn, mx, mean / 100, mean % 100,
             (long long)(var / 100), (long long)(var % 100));
    report("gray source", img_checksum(gray), buf);
    report("rgb source", img_checksum(rgb), NULL);

    Image g2 = rgb_to_gray(rgb);
    image_stats(&g2, &mn, &mx, &mean, &var);
    snprintf(buf, sizeof buf, "mean=%d.%02d", mean / 100, mean % 100);
    report("rgb->gray", img_checksum(&g2), buf);

    /* YCbCr round trip error and HSV histogram */
    Image ycc = img_new(rgb->w, rgb->h, 3), back = img_new(rgb->w, rgb->h, 3), hsv = img_new(rgb->w, rgb->h, 3);
    int maxerr = 0;
    for (int i = 0; i < rgb->w * rgb->h; i++) {
        rgb_to_ycbcr_px(&rgb->px[(size_t)i * 3], &ycc.px[(size_t)i * 3]);
        ycbcr_to_rgb_px(&ycc.px[(size_t)i * 3], &back.px[(size_t)i * 3]);
        rgb_to_hsv_px(&rgb->px[(size_t)i * 3], &hsv.px[(size_t)i * 3]);
        for (int c = 0; c < 3; c++) {
            int d = iabs((int)back.px[(size_t)i * 3 + (size_t)c] - (int)rgb->px[(size_t)i * 3 + (size_t)c]);
            if (d > maxerr)
                maxerr = d;
        }
    }
    int sectors[6] = { 0, 0, 0, 0, 0, 0 };
    for (int i = 0; i < rgb->w * rgb->h; i++)
        sectors[hsv.px[(size_t)i * 3] / 32]++;
    snprintf(buf, sizeof buf, "roundtrip max err=%d", maxerr);
    report("ycbcr", img_checksum(&ycc), buf);
    snprintf(buf, sizeof buf, "hue sectors %d %d %d %d %d %d", sectors[0], sectors[1], sectors[2], sectors[3],
             sectors[4], sectors[5]);
    report("hsv", img_checksum(&hsv), buf);
    img_free(&ycc);
    img_free(&back);
    img_free(&hsv);
    img_free(&g2);
}

static void section_filters(const Image *gray)
{
    char buf[128];
    Image gb = gaussian_blur5(gray, BORDER_CLAMP);
    report("gaussian5 clamp", img_checksum(&gb), NULL);
    Image gm = gaussian_blur5(gray, BORDER_MIRROR);
    report("gaussian5 mirror", img_checksum(&gm), NULL);
    /* same blur via generic 2D convolution with the outer-product kernel */
    static const int k1[5] = { 1, 4, 6, 4, 1 };
    int k2[25];
    for (int j = 0; j < 5; j++)
        for (int i = 0; i < 5; i++)
            k2[j * 5 + i] = k1[j] * k1[i];
    Image gc = convolve2d(gray, k2, 5, 256, 0, BORDER_CLAMP);
    int diff = 0;
    for (int i = 0; i < W * H; i++)
        if (iabs((int)gc.px[i] - (int)gb.px[i]) > 0)
            diff++;
    snprintf(buf, sizeof buf, "separable==2d: %s", diff == 0 ? "yes" : "no");
    report("gaussian5 2d", img_checksum(&gc), buf);

    Image b1 = box_blur_integral(gray, 2), b2 = box_blur_direct(gray, 2);
    snprintf(buf, sizeof buf, "integral==direct: %s", img_equal(&b1, &b2) ? "yes" : "no");
    report("box blur r=2", img_checksum(&b1), buf);
    Image b3 = box_blur_integral(gray, 4), b4 = box_blur_direct(gray, 4);
    snprintf(buf, sizeof buf, "integral==direct: %s", img_equal(&b3, &b4) ? "yes" : "no");
    report("box blur r=4", img_checksum(&b3), buf);

    Image m1 = median3x3(gray, 1), m2 = median3x3(gray, 0), m3 = median_huang(gray, 1);
    int salt_before = 0, salt_after = 0;
    for (int i = 0; i < W * H; i++) {
        if (gray->px[i] == 0 || gray->px[i] == 255)
            salt_before++;
        if (m1.px[i] == 0 || m1.px[i] == 255)
            salt_after++;
    }
    snprintf(buf, sizeof buf, "network==sort==huang: %s, extremes %d -> %d",
             (img_equal(&m1, &m2) && img_equal(&m1, &m3)) ? "yes" : "no", salt_before, salt_after);
    report("median 3x3", img_checksum(&m1), buf);
    Image m5 = median_huang(gray, 2);
    report("median 5x5 (huang)", img_checksum(&m5), NULL);

    static const int lap[9] = { 0, 1, 0, 1, -4, 1, 0, 1, 0 };
    Image lp = convolve2d(&m1, lap, 3, 1, 128, BORDER_CLAMP);
    report("laplacian", img_checksum(&lp), NULL);
    static const int emboss[9] = { -2, -1, 0, -1, 1, 1, 0, 1, 2 };
    Image em = convolve2d(&m1, emboss, 3, 1, 0, BORDER_MIRROR);
    report("emboss", img_checksum(&em), NULL);
    Image us = unsharp(&m1, 24);
    report("unsharp", img_checksum(&us), NULL);

    img_free(&gb); img_free(&gm); img_free(&gc);
    img_free(&b1); img_free(&b2); img_free(&b3); img_free(&b4);
    img_free(&m1); img_free(&m2); img_free(&m3); img_free(&m5);
    img_free(&lp); img_free(&em); img_free(&us);
}

static void section_edges(const Image *gray)
{
    char buf[128];
    Image med = median3x3(gray, 1);
    Gradient g = sobel(&med);
    long gsum = 0;
    int dirhist[4] = { 0, 0, 0, 0 };
    for (int i = 0; i < W * H; i++) {
        gsum += g.mag.v[i];
        dirhist[g.dir.v[i]]++;
    }
    Image gi = gradient_to_image(&g.mag);
    snprintf(buf, sizeof buf, "sum|g|=%ld dirs %d/%d/%d/%d", gsum, dirhist[0], dirhist[1], dirhist[2], dirhist[3]);
    report("sobel magnitude", img_checksum(&gi), buf);
    report("sobel gx", iimg_checksum(&g.gx), NULL);

    int strong = 0;
    Image e = canny(&med, 60, 140, &strong);
    snprintf(buf, sizeof buf, "strong=%d edge pixels=%d", strong, img_count_nonzero(&e));
    report("canny", img_checksum(&e), buf);
    Image e2 = canny(&med, 200, 400, &strong);
    snprintf(buf, sizeof buf, "strong=%d edge pixels=%d", strong, img_count_nonzero(&e2));
    report("canny strict", img_checksum(&e2), buf);

    Image mg = morph_gradient(&med);
    report("morph gradient", img_checksum(&mg), NULL);

    img_free(&mg);
    img_free(&e2);
    img_free(&e);
    img_free(&gi);
    gradient_free(&g);
    img_free(&med);
}

static void section_histogram(const Image *gray)
{
    char buf[160];
    Image eq = equalize(gray);
    int h0[256], h1[256];
    histogram(gray, h0);
    histogram(&eq, h1);
    int used0 = 0, used1 = 0, mono = 1;
    for (int i = 0; i < 256; i++) {
        used0 += h0[i] != 0;
        used1 += h1[i] != 0;
    }
    /* equalisation must be monotone: sort by source value, output must not decrease */
    int lut[256];
    for (int i = 0; i < 256; i++)
        lut[i] = -1;
    for (int i = 0; i < W * H; i++)
        lut[gray->px[i]] = eq.px[i];
    int prev = -1;
    for (int i = 0; i < 256; i++)
        if (lut[i] >= 0) {
            if (lut[i] < prev)
                mono = 0;
            prev = lut[i];
        }
    int mn, mx, mean;
    int64_t var;
    image_stats(&eq, &mn, &mx, &mean, &var);
    snprintf(buf, sizeof buf, "levels %d->%d monotone=%s range %d..%d mean=%d.%02d", used0, used1,
             mono ? "yes" : "no", mn, mx, mean / 100, mean % 100);
    report("equalize", img_checksum(&eq), buf);

    int t = otsu_threshold(gray);
    Image bin = threshold(gray, t);
    snprintf(buf, sizeof buf, "otsu t=%d foreground=%d", t, img_count_nonzero(&bin));
    report("threshold", img_checksum(&bin), buf);
    img_free(&bin);
    img_free(&eq);
}

static void section_morphology(const Image *gray)
{
    char buf[160];
    Image med = median3x3(gray, 1);
    Image bin = threshold(&med, 180);
    Image er = morph(&bin, MORPH_ERODE, 1);
    Image di = morph(&bin, MORPH_DILATE, 1);
    Image op = morph_open(&bin, 1);
    Image cl = morph_close(&bin, 1);
    int cb = img_count_nonzero(&bin), ce = img_count_nonzero(&er), cd = img_count_nonzero(&di);
    int co = img_count_nonzero(&op), cc = img_count_nonzero(&cl);
    snprintf(buf, sizeof buf, "pixels bin=%d erode=%d dilate=%d open=%d close=%d", cb, ce, cd, co, cc);
    report("binary", img_checksum(&bin), buf);
    snprintf(buf, sizeof buf, "ordering erode<=open<=bin<=close<=dilate: %s",
             (ce <= co && co <= cb && cb <= cc && cc <= cd) ? "yes" : "no");
    report("erode", img_checksum(&er), buf);
    report("dilate", img_checksum(&di), NULL);
    report("open", img_checksum(&op), NULL);
    report("close", img_checksum(&cl), NULL);
    /* idempotence of opening */
    Image op2 = morph_open(&op, 1);
    snprintf(buf, sizeof buf, "open(open(x))==open(x): %s", img_equal(&op, &op2) ? "yes" : "no");
    report("open twice", img_checksum(&op2), buf);

    /* gray-level morphology */
    Image ge = morph(gray, MORPH_ERODE, 2);
    Image gd = morph(gray, MORPH_DILATE, 2);
    report("gray erode r=2", img_checksum(&ge), NULL);
    report("gray dilate r=2", img_checksum(&gd), NULL);

    /* connected components */
    IntImage l1 = iimg_new(W, H), l2 = iimg_new(W, H);
    int n1 = label_two_pass(&op, &l1);
    int n2 = label_flood(&op, &l2);
    int same = memcmp(l1.v, l2.v, sizeof(int32_t) * W * H) == 0;
    Blob *bl = blob_stats(&l1, n1);
    int largest = 1, small = 0;
    for (int i = 1; i <= n1; i++) {
        if (bl[i].area > bl[largest].area)
            largest = i;
        if (bl[i].area < 20)
            small++;
    }
    snprintf(buf, sizeof buf, "components=%d flood=%d identical=%s small(<20)=%d", n1, n2, same ? "yes" : "no",
             small);
    report("labels", iimg_checksum(&l1), buf);
    if (n1 > 0) {
        Blob *b = &bl[largest];
        printf("  largest blob #%d: area=%d bbox=(%d,%d)-(%d,%d) centroid=(%ld,%ld)\n", largest, b->area, b->minx,
               b->miny, b->maxx, b->maxy, b->sumx / b->area, b->sumy / b->area);
        g_total ^= (uint32_t)(b->area * 131 + b->minx * 7 + b->maxy);
    }
    for (int i = 1; i <= n1 && i <= 6; i++)
        printf("  blob %d: area=%d bbox=(%d,%d)-(%d,%d)\n", i, bl[i].area, bl[i].minx, bl[i].miny, bl[i].maxx,
               bl[i].maxy);

    /* distance transform of the opened binary image */
    IntImage dt = distance_transform(&op);
    int maxd = 0;
    for (int i = 0; i < W * H; i++)
        if (dt.v[i] > maxd)
            maxd = dt.v[i];
    snprintf(buf, sizeof buf, "max chamfer distance=%d (%d.%d px)", maxd, maxd / 3, (maxd % 3) * 10 / 3);
    report("distance transform", iimg_checksum(&dt), buf);

    iimg_free(&dt);
    free(bl);
    iimg_free(&l1);
    iimg_free(&l2);
    img_free(&ge); img_free(&gd);
    img_free(&op2);
    img_free(&med); img_free(&bin); img_free(&er); img_free(&di); img_free(&op); img_free(&cl);
}

static void section_geometry(const Image *gray, const Image *rgb)
{
    char buf[160];
    Image r90 = rotate(gray, ROT_90), r180 = rotate(gray, ROT_180), r270 = rotate(gray, ROT_270);
    Image r90b = rotate(&r90, ROT_90);
    Image r360 = rotate(&r270, ROT_90);
    Image fh = flip_horizontal(gray), fv = flip_vertical(gray);
    Image fhv = flip_vertical(&fh);
    snprintf(buf, sizeof buf, "rot90^2==rot180: %s rot270*rot90==id: %s flipH*flipV==rot180: %s",
             img_equal(&r90b, &r180) ? "yes" : "no", img_equal(&r360, gray) ? "yes" : "no",
             img_equal(&fhv, &r180) ? "yes" : "no");
    report("rotate 90", img_checksum(&r90), buf);
    report("rotate 180", img_checksum(&r180), NULL);
    report("rotate 270", img_checksum(&r270), NULL);
    report("flip h", img_checksum(&fh), NULL);

    Image rr = rotate(rgb, ROT_90);
    report("rgb rotate 90", img_checksum(&rr), NULL);

    Image d1 = resize_bilinear(gray, 96, 80);
    Image u1 = resize_bilinear(gray, 200, 150);
    Image same = resize_bilinear(gray, W, H);
    snprintf(buf, sizeof buf, "identity resize exact: %s sum=%ld", img_equal(&same, gray) ? "yes" : "no",
             img_sum(&d1));
    report("bilinear 96x80", img_checksum(&d1), buf);
    report("bilinear 200x150", img_checksum(&u1), NULL);
    Image half = resize_bilinear(rgb, 64, 64);
    report("rgb bilinear 64x64", img_checksum(&half), NULL);
    Image nn = resize_nearest(gray, 50, 70);
    report("nearest 50x70", img_checksum(&nn), NULL);
    /* downscale then upscale: mean absolute error */
    Image back = resize_bilinear(&d1, W, H);
    long mae = 0;
    for (int i = 0; i < W * H; i++)
        mae += iabs((int)back.px[i] - (int)gray->px[i]);
    snprintf(buf, sizeof buf, "mean abs error x100=%ld", mae * 100 / (W * H));
    report("down-up roundtrip", img_checksum(&back), buf);

    /* template matching: find a crop of the blurred image */
    Image blur = gaussian_blur5(gray, BORDER_CLAMP);
    Image tpl = crop(&blur, 77, 22, 16, 12);
    int bx, by;
    int score = template_match(&blur, &tpl, &bx, &by);
    snprintf(buf, sizeof buf, "found at (%d,%d) sad=%d", bx, by, score);
    report("template match", img_checksum(&tpl), buf);

    img_free(&blur); img_free(&tpl);
    img_free(&back); img_free(&nn); img_free(&half);
    img_free(&d1); img_free(&u1); img_free(&same); img_free(&rr);
    img_free(&r90); img_free(&r180); img_free(&r270); img_free(&r90b); img_free(&r360);
    img_free(&fh); img_free(&fv); img_free(&fhv);
}

int main(void)
{
    Image gray = make_gray_scene();
    Image rgb = make_rgb_scene();
    section_basic(&gray, &rgb);
    section_filters(&gray);
    section_edges(&gray);
    section_histogram(&gray);
    section_morphology(&gray);
    section_geometry(&gray, &rgb);
    img_free(&gray);
    img_free(&rgb);
    printf("checksum: 0x%08x\n", (unsigned)g_total);
    return 0;
}
