/* cgym-suite: category=signal; iterative radix-2 complex FFT and inverse, real FFT, spectral peaks, FFT convolution checked against direct convolution */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

#define PI 3.14159265358979323846

typedef struct {
    double re;
    double im;
} Cpx;

typedef struct {
    int n;
    int log2n;
    Cpx *twiddle; /* exp(-2 pi i k / n), k < n/2 */
    int *rev;     /* bit reversal permutation */
} FFTPlan;

static Cpx c_add(Cpx a, Cpx b) { Cpx r = { a.re + b.re, a.im + b.im }; return r; }
static Cpx c_sub(Cpx a, Cpx b) { Cpx r = { a.re - b.re, a.im - b.im }; return r; }
static Cpx c_mul(Cpx a, Cpx b)
{
    Cpx r = { a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re };
    return r;
}
static Cpx c_conj(Cpx a) { Cpx r = { a.re, -a.im }; return r; }
static double c_abs2(Cpx a) { return a.re * a.re + a.im * a.im; }

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static int ilog2(int n)
{
    int l = 0;
    while ((1 << l) < n)
        l++;
    return l;
}

static FFTPlan plan_create(int n)
{
    FFTPlan p;
    p.n = n;
    p.log2n = ilog2(n);
    p.twiddle = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)(n / 2 > 0 ? n / 2 : 1));
    p.rev = (int *)xmalloc(sizeof(int) * (size_t)n);
    for (int k = 0; k < n / 2; k++) {
        double ang = -2.0 * PI * (double)k / (double)n;
        p.twiddle[k].re = cos(ang);
        p.twiddle[k].im = sin(ang);
    }
    for (int i = 0; i < n; i++) {
        int r = 0;
        for (int b = 0; b < p.log2n; b++)
            if (i & (1 << b))
                r |= 1 << (p.log2n - 1 - b);
        p.rev[i] = r;
    }
    return p;
}

static void plan_destroy(FFTPlan *p)
{
    free(p->twiddle);
    free(p->rev);
}

/* in-place forward FFT (decimation in time) */
static void fft_forward(const FFTPlan *p, Cpx *x)
{
    int n = p->n;
    for (int i = 0; i < n; i++) {
        int j = p->rev[i];
        if (j > i) {
            Cpx t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
    for (int len = 2; len <= n; len <<= 1) {
        int half = len / 2;
        int step = n / len;
        for (int start = 0; start < n; start += len)
            for (int k = 0; k < half; k++) {
                Cpx w = p->twiddle[k * step];
                Cpx u = x[start + k];
                Cpx v = c_mul(x[start + k + half], w);
                x[start + k] = c_add(u, v);
                x[start + k + half] = c_sub(u, v);
            }
    }
}

/* inverse via conjugation trick, includes 1/n scaling */
static void fft_inverse(const FFTPlan *p, Cpx *x)
{
    int n = p->n;
    for (int i = 0; i < n; i++)
        x[i] = c_conj(x[i]);
    fft_forward(p, x);
    double s = 1.0 / (double)n;
    for (int i = 0; i < n; i++) {
        x[i].re = x[i].re * s;
        x[i].im = -x[i].im * s;
    }
}

/* O(n^2) reference DFT using the plan's twiddles (exact same angles) */
static void dft_naive(const FFTPlan *p, const Cpx *in, Cpx *out)
{
    int n = p->n;
    for (int k = 0; k < n; k++) {
        Cpx s = { 0.0, 0.0 };
        for (int t = 0; t < n; t++) {
            int idx = (int)(((long)k * t) % n);
            Cpx w;
            if (idx < n / 2) {
                w = p->twiddle[idx];
            } else {
                w.re = -p->twiddle[idx - n / 2].re;
                w.im = -p->twiddle[idx - n / 2].im;
            }
            s = c_add(s, c_mul(in[t], w));
        }
        out[k] = s;
    }
}

/* FFT of a real signal of length n using one complex FFT of length n/2.
 * out receives bins 0..n/2 (n/2+1 values). */
static void rfft(const FFTPlan *half_plan, const double *x, Cpx *out)
{
    int h = half_plan->n, n = 2 * h;
    Cpx *z = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)h);
    for (int i = 0; i < h; i++) {
        z[i].re = x[2 * i];
        z[i].im = x[2 * i + 1];
    }
    fft_forward(half_plan, z);
    for (int k = 0; k <= h; k++) {
        Cpx zk = z[k % h];
        Cpx zc = c_conj(z[(h - k) % h]);
        Cpx even = { 0.5 * (zk.re + zc.re), 0.5 * (zk.im + zc.im) };
        Cpx odd = { 0.5 * (zk.im - zc.im), -0.5 * (zk.re - zc.re) };
        double ang = -2.0 * PI * (double)k / (double)n;
        Cpx w = { cos(ang), sin(ang) };
        out[k] = c_add(even, c_mul(w, odd));
    }
    free(z);
}

static double max_err(const Cpx *a, const Cpx *b, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; i++) {
        double d = fabs(a[i].re - b[i].re) + fabs(a[i].im - b[i].im);
        if (d > m)
            m = d;
    }
    return m;
}

/* ---------------------------------------------------------------- */

static uint32_t rng = 0xC0FFEEu;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static double rnd_unit(void) { return (double)(rnd() % 2000001u) / 1000000.0 - 1.0; }

static uint32_t g_hash = 0x811C9DC5u;

static void hash_i64(int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++) {
        g_hash ^= (uint32_t)((u >> (8 * i)) & 0xFFu);
        g_hash *= 16777619u;
    }
}

static void convolve_direct(const int64_t *a, int na, const int64_t *b, int nb, int64_t *out)
{
    for (int i = 0; i < na + nb - 1; i++)
        out[i] = 0;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            out[i + j] += a[i] * b[j];
}

static int next_pow2(int n)
{
    int p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

/* integer convolution through the FFT, rounded to nearest integers */
static void convolve_fft(const int64_t *a, int na, const int64_t *b, int nb, int64_t *out)
{
    int n = next_pow2(na + nb - 1);
    FFTPlan p = plan_create(n);
    Cpx *fa = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)n);
    Cpx *fb = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)n);
    for (int i = 0; i < n; i++) {
        fa[i].re = i < na ? (double)a[i] : 0.0;
        fa[i].im = 0.0;
        fb[i].re = i < nb ? (double)b[i] : 0.0;
        fb[i].im = 0.0;
    }
    fft_forward(&p, fa);
    fft_forward(&p, fb);
    for (int i = 0; i < n; i++)
        fa[i] = c_mul(fa[i], fb[i]);
    fft_inverse(&p, fa);
    for (int i = 0; i < na + nb - 1; i++)
        out[i] = (int64_t)llround(fa[i].re);
    free(fa);
    free(fb);
    plan_destroy(&p);
}

/* multiply two decimal numbers (little-endian digit arrays) via FFT convolution */
static int bignum_mul_fft(const int64_t *x, int nx, const int64_t *y, int ny, int64_t *digits)
{
    int n = nx + ny;
    int64_t *conv = (int64_t *)xmalloc(sizeof(int64_t) * (size_t)n);
    convolve_fft(x, nx, y, ny, conv);
    conv[n - 1] = 0;
    int64_t carry = 0;
    for (int i = 0; i < n; i++) {
        int64_t v = conv[i] + carry;
        digits[i] = v % 10;
        carry = v / 10;
    }
    free(conv);
    while (n > 1 && digits[n - 1] == 0)
        n--;
    return n;
}

static int bignum_mul_school(const int64_t *x, int nx, const int64_t *y, int ny, int64_t *digits)
{
    int n = nx + ny;
    for (int i = 0; i < n; i++)
        digits[i] = 0;
    for (int i = 0; i < nx; i++) {
        int64_t carry = 0;
        for (int j = 0; j < ny; j++) {
            int64_t v = digits[i + j] + x[i] * y[j] + carry;
            digits[i + j] = v % 10;
            carry = v / 10;
        }
        int k = i + ny;
        while (carry) {
            int64_t v = digits[k] + carry;
            digits[k] = v % 10;
            carry = v / 10;
            k++;
        }
    }
    while (n > 1 && digits[n - 1] == 0)
        n--;
    return n;
}

static void test_roundtrip(void)
{
    int n = 1024;
    FFTPlan p = plan_create(n);
    Cpx *x = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)n);
    Cpx *y = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)n);
    for (int i = 0; i < n; i++) {
        x[i].re = rnd_unit();
        x[i].im = rnd_unit();
    }
    memcpy(y, x, sizeof(Cpx) * (size_t)n);
    double e_time = 0.0, e_freq = 0.0;
    for (int i = 0; i < n; i++)
        e_time += c_abs2(x[i]);
    fft_forward(&p, y);
    for (int i = 0; i < n; i++)
        e_freq += c_abs2(y[i]);
    printf("N=%d parseval: |sum|x|^2*N - sum|X|^2| / sum|X|^2 < 1e-12: %s  energy=%.6f\n", n,
           fabs(e_time * n - e_freq) / e_freq < 1e-12 ? "yes" : "no", e_time);
    hash_i64(llround(e_time * 1e6));
    printf("X[0]=(%.6f, %.6f) X[1]=(%.6f, %.6f)\n", y[0].re, y[0].im, y[1].re, y[1].im);
    hash_i64(llround(y[0].re * 1e6));
    hash_i64(llround(y[1].im * 1e6));
    fft_inverse(&p, y);
    printf("inverse(forward(x)) == x (err < 1e-12): %s\n", max_err(x, y, n) < 1e-12 ? "yes" : "no");
    free(x);
    free(y);
    plan_destroy(&p);
}

static void test_against_dft(void)
{
    int n = 256;
    FFTPlan p = plan_create(n);
    Cpx *x = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)n);
    Cpx *f1 = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)n);
    Cpx *f2 = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)n);
    for (int i = 0; i < n; i++) {
        x[i].re = rnd_unit();
        x[i].im = 0.0;
    }
    memcpy(f1, x, sizeof(Cpx) * (size_t)n);
    fft_forward(&p, f1);
    dft_naive(&p, x, f2);
    printf("FFT vs naive DFT (N=%d) err < 1e-10: %s\n", n, max_err(f1, f2, n) < 1e-10 ? "yes" : "no");

    /* real FFT via half-length complex FFT */
    FFTPlan hp = plan_create(n / 2);
    double *rx = (double *)xmalloc(sizeof(double) * (size_t)n);
    Cpx *rf = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)(n / 2 + 1));
    for (int i = 0; i < n; i++)
        rx[i] = x[i].re;
    rfft(&hp, rx, rf);
    printf("real FFT matches complex FFT: %s\n", max_err(rf, f1, n / 2 + 1) < 1e-10 ? "yes" : "no");
    /* Hermitian symmetry of real-input spectrum */
    double herm = 0.0;
    for (int k = 1; k < n; k++) {
        double d = fabs(f1[k].re - f1[n - k].re) + fabs(f1[k].im + f1[n - k].im);
        if (d > herm)
            herm = d;
    }
    printf("hermitian symmetry err < 1e-12: %s\n", herm < 1e-12 ? "yes" : "no");
    free(rx);
    free(rf);
    plan_destroy(&hp);
    free(x);
    free(f1);
    free(f2);
    plan_destroy(&p);
}

static void test_tones(void)
{
    int n = 2048;
    double fs = 8000.0;
    static const double freqs[3] = { 250.0, 1000.0, 2812.5 }; /* exactly on bins 64, 256, 720 */
    static const double amps[3] = { 1.0, 0.5, 0.25 };
    FFTPlan p = plan_create(n);
    Cpx *x = (Cpx *)xmalloc(sizeof(Cpx) * (size_t)n);
    for (int i = 0; i < n; i++) {
        double t = (double)i / fs;
        double v = 0.0;
        for (int k = 0; k < 3; k++)
            v += amps[k] * sin(2.0 * PI * freqs[k] * t);
        v += 0.01 * rnd_unit();
        x[i].re = v;
        x[i].im = 0.0;
    }
    fft_forward(&p, x);
    /* find the three largest peaks in the lower half */
    int peak[3] = { -1, -1, -1 };
    for (int j = 0; j < 3; j++) {
        double best = -1.0;
        for (int k = 1; k < n / 2; k++) {
            int used = 0;
            for (int q = 0; q < j; q++)
                if (abs(peak[q] - k) < 3)
                    used = 1;
            if (used)
                continue;
            double m = c_abs2(x[k]);
            if (m > best) {
                best = m;
                peak[j] = k;
            }
        }
    }
    for (int j = 0; j < 3; j++) {
        double amp = 2.0 * sqrt(c_abs2(x[peak[j]])) / (double)n;
        printf("peak %d: bin %d (%.1f Hz) amplitude %.3f\n", j, peak[j], (double)peak[j] * fs / (double)n, amp);
        hash_i64(peak[j]);
        hash_i64(llround(amp * 1000.0));
    }
    /* quantised magnitude spectrum checksum */
    int64_t acc = 0;
    for (int k = 0; k < n / 2; k++)
        acc += llround(sqrt(c_abs2(x[k])) * 10.0) * (k + 1);
    printf("weighted magnitude sum: %lld\n", (long long)acc);
    hash_i64(acc);
    free(x);
    plan_destroy(&p);
}

static void test_convolution(void)
{
    int na = 600, nb = 345;
    int64_t *a = (int64_t *)xmalloc(sizeof(int64_t) * (size_t)na);
    int64_t *b = (int64_t *)xmalloc(sizeof(int64_t) * (size_t)nb);
    int64_t *c1 = (int64_t *)xmalloc(sizeof(int64_t) * (size_t)(na + nb - 1));
    int64_t *c2 = (int64_t *)xmalloc(sizeof(int64_t) * (size_t)(na + nb - 1));
    for (int i = 0; i < na; i++)
        a[i] = (int64_t)(rnd() % 256u);
    for (int i = 0; i < nb; i++)
        b[i] = (int64_t)(rnd() % 256u) - 128;
    convolve_direct(a, na, b, nb, c1);
    convolve_fft(a, na, b, nb, c2);
    int same = memcmp(c1, c2, sizeof(int64_t) * (size_t)(na + nb - 1)) == 0;
    int64_t sum = 0;
    for (int i = 0; i < na + nb - 1; i++) {
        sum += c1[i];
        hash_i64(c1[i]);
    }
    printf("convolution %d*%d: fft == direct: %s  sum=%lld  c[100]=%lld\n", na, nb, same ? "yes" : "no",
           (long long)sum, (long long)c1[100]);

    /* big decimal multiplication */
    int nd = 300;
    int64_t *x = (int64_t *)xmalloc(sizeof(int64_t) * (size_t)nd);
    int64_t *y = (int64_t *)xmalloc(sizeof(int64_t) * (size_t)nd);
    int64_t *p1 = (int64_t *)xmalloc(sizeof(int64_t) * (size_t)(2 * nd));
    int64_t *p2 = (int64_t *)xmalloc(sizeof(int64_t) * (size_t)(2 * nd));
    for (int i = 0; i < nd; i++) {
        x[i] = (int64_t)(rnd() % 10u);
        y[i] = (int64_t)(rnd() % 10u);
    }
    x[nd - 1] = 7;
    y[nd - 1] = 3;
    int l1 = bignum_mul_fft(x, nd, y, nd, p1);
    int l2 = bignum_mul_school(x, nd, y, nd, p2);
    int eq = l1 == l2 && memcmp(p1, p2, sizeof(int64_t) * (size_t)l1) == 0;
    printf("%d-digit product via FFT == schoolbook: %s (%d digits), leading digits ", nd, eq ? "yes" : "no", l1);
    for (int i = l1 - 1; i >= l1 - 20; i--)
        printf("%d", (int)p1[i]);
    printf("\n");
    for (int i = 0; i < l1; i++)
        hash_i64(p1[i]);
    free(x);
    free(y);
    free(p1);
    free(p2);
    free(a);
    free(b);
    free(c1);
    free(c2);
}

int main(void)
{
    test_roundtrip();
    test_against_dft();
    test_tones();
    test_convolution();
    printf("checksum: 0x%08x\n", (unsigned)g_hash);
    return 0;
}
