/* cgym-suite: category=signal; windowed-sinc FIR design (Hamming/Blackman/Kaiser), Q15 FIR, RBJ biquad IIR cascades, applied to a generated signal */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

#define PI 3.14159265358979323846
#define FS 8000.0
#define NSAMP 4096
#define MAX_TAPS 129

typedef enum {
    WIN_RECT,
    WIN_HAMMING,
    WIN_BLACKMAN,
    WIN_KAISER
} WindowType;

typedef enum {
    BQ_LOWPASS,
    BQ_HIGHPASS,
    BQ_BANDPASS,
    BQ_NOTCH,
    BQ_PEAK
} BiquadType;

typedef struct {
    int ntaps;
    double h[MAX_TAPS];
} FIR;

typedef struct {
    /* normalised: a0 == 1 */
    double b0, b1, b2, a1, a2;
    /* direct form I state */
    double x1, x2, y1, y2;
    /* transposed direct form II state */
    double s1, s2;
} Biquad;

typedef struct {
    int nstages;
    Biquad st[8];
} Cascade;

/* ------------------------------------------------------------------ */
/* signal generation                                                   */
/* ------------------------------------------------------------------ */

static uint32_t lcg = 20240607u;

static double noise(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return ((double)(lcg >> 8) / 16777216.0) - 0.5;
}

static void make_signal(double *x, int n)
{
    for (int i = 0; i < n; i++) {
        double t = (double)i / FS;
        x[i] = 0.6 * sin(2.0 * PI * 200.0 * t) + 0.3 * sin(2.0 * PI * 1500.0 * t + 0.5) +
               0.2 * sin(2.0 * PI * 3200.0 * t + 1.0) + 0.05 * noise();
    }
}

static void make_tone(double *x, int n, double f)
{
    for (int i = 0; i < n; i++)
        x[i] = sin(2.0 * PI * f * (double)i / FS);
}

/* ------------------------------------------------------------------ */
/* windows and FIR design                                              */
/* ------------------------------------------------------------------ */

static double bessel_i0(double x)
{
    /* power series: sum ((x/2)^k / k!)^2 */
    double sum = 1.0, term = 1.0, hx = 0.5 * x;
    for (int k = 1; k < 60; k++) {
        term *= hx / (double)k;
        double t2 = term * term;
        sum += t2;
        if (t2 < 1e-17 * sum)
            break;
    }
    return sum;
}

static double window_value(WindowType w, int i, int n, double beta)
{
    double m = (double)(n - 1);
    double r = (double)i / m;
    switch (w) {
    case WIN_RECT:
        return 1.0;
    case WIN_HAMMING:
        return 0.54 - 0.46 * cos(2.0 * PI * r);
    case WIN_BLACKMAN:
        return 0.42 - 0.5 * cos(2.0 * PI * r) + 0.08 * cos(4.0 * PI * r);
    case WIN_KAISER: {
        double k = 2.0 * r - 1.0;
        return bessel_i0(beta * sqrt(1.0 - k * k)) / bessel_i0(beta);
    }
    }
    return 1.0;
}

static const char *window_name(WindowType w)
{
    switch (w) {
    case WIN_RECT:
        return "rect";
    case WIN_HAMMING:
        return "hamming";
    case WIN_BLACKMAN:
        return "blackman";
    case WIN_KAISER:
        return "kaiser";
    }
    return "?";
}

static double sinc(double x)
{
    if (x == 0.0)
        return 1.0;
    return sin(PI * x) / (PI * x);
}

/* lowpass with cutoff fc (Hz), odd number of taps, unity DC gain */
static void design_lowpass(FIR *f, int ntaps, double fc, WindowType w, double beta)
{
    f->ntaps = ntaps;
    double wc = 2.0 * fc / FS; /* normalised to Nyquist */
    int mid = (ntaps - 1) / 2;
    double sum = 0.0;
    for (int i = 0; i < ntaps; i++) {
        double v = wc * sinc(wc * (double)(i - mid)) * window_value(w, i, ntaps, beta);
        f->h[i] = v;
        sum += v;
    }
    for (int i = 0; i < ntaps; i++)
        f->h[i] /= sum;
}

/* highpass by spectral inversion of a lowpass */
static void design_highpass(FIR *f, int ntaps, double fc, WindowType w, double beta)
{
    design_lowpass(f, ntaps, fc, w, beta);
    for (int i = 0; i < ntaps; i++)
        f->h[i] = -f->h[i];
    f->h[(ntaps - 1) / 2] += 1.0;
}

/* bandpass = lowpass(f2) - lowpass(f1) */
static void design_bandpass(FIR *f, int ntaps, double f1, double f2, WindowType w, double beta)
{
    FIR lo;
    design_lowpass(f, ntaps, f2, w, beta);
    design_lowpass(&lo, ntaps, f1, w, beta);
    for (int i = 0; i < ntaps; i++)
        f->h[i] -= lo.h[i];
}

/* |H(f)| of an FIR by direct DTFT */
static double fir_gain(const FIR *f, double freq)
{
    double w = 2.0 * PI * freq / FS;
    double re = 0.0, im = 0.0;
    for (int i = 0; i < f->ntaps; i++) {
        re += f->h[i] * cos(w * (double)i);
        im -= f->h[i] * sin(w * (double)i);
    }
    return sqrt(re * re + im * im);
}

static double to_db(double g)
{
    if (g < 1e-12)
        return -240.0;
    double db = 20.0 * log10(g);
    /* snap tiny values so that the printed sign is stable */
    return fabs(db) < 5e-4 ? 0.0 : db;
}

/* straightforward convolution: y[n] = sum h[k] x[n-k] */
static void fir_apply_direct(const FIR *f, const double *x, double *y, int n)
{
    for (int i = 0; i < n; i++) {
        double acc = 0.0;
        for (int k = 0; k < f->ntaps; k++)
            if (i - k >= 0)
                acc += f->h[k] * x[i - k];
        y[i] = acc;
    }
}

/* streaming implementation with a circular delay line, sample by sample */
typedef struct {
    const FIR *f;
    double line[MAX_TAPS];
    int pos;
} FIRState;

static void firstate_init(FIRState *s, const FIR *f)
{
    s->f = f;
    memset(s->line, 0, sizeof s->line);
    s->pos = 0;
}

static double firstate_push(FIRState *s, double x)
{
    int n = s->f->ntaps;
    s->line[s->pos] = x;
    double acc = 0.0;
    int idx = s->pos;
    for (int k = 0; k < n; k++) {
        acc += s->f->h[k] * s->line[idx];
        idx = idx == 0 ? n - 1 : idx - 1;
    }
    s->pos = (s->pos + 1) % n;
    return acc;
}

/* Q15 fixed-point FIR */
static int16_t to_q15(double v)
{
    long r = lround(v * 32768.0);
    if (r > 32767)
        r = 32767;
    if (r < -32768)
        r = -32768;
    return (int16_t)r;
}

static void fir_apply_q15(const FIR *f, const int16_t *x, int16_t *y, int n)
{
    int16_t hq[MAX_TAPS];
    for (int k = 0; k < f->ntaps; k++)
        hq[k] = to_q15(f->h[k]);
    for (int i = 0; i < n; i++) {
        int64_t acc = 0;
        for (int k = 0; k < f->ntaps && k <= i; k++)
            acc += (int32_t)hq[k] * (int32_t)x[i - k];
        /* round Q30 -> Q15 (division keeps negative values well defined) */
        int64_t r = acc >= 0 ? (acc + 16384) / 32768 : -((-acc + 16384) / 32768);
        if (r > 32767)
            r = 32767;
        if (r < -32768)
            r = -32768;
        y[i] = (int16_t)r;
    }
}

/* ------------------------------------------------------------------ */
/* biquads (RBJ audio EQ cookbook formulas)                           */
/* ------------------------------------------------------------------ */

static void biquad_design(Biquad *b, BiquadType type, double f0, double q, double gain_db)
{
    double w0 = 2.0 * PI * f0 / FS;
    double cw = cos(w0), sw = sin(w0);
    double alpha = sw / (2.0 * q);
    double a = pow(10.0, gain_db / 40.0);
    double b0, b1, b2, a0, a1, a2;
    switch (type) {
    case BQ_LOWPASS:
        b0 = (1.0 - cw) / 2.0;
        b1 = 1.0 - cw;
        b2 = (1.0 - cw) / 2.0;
        a0 = 1.0 + alpha;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha;
        break;
    case BQ_HIGHPASS:
        b0 = (1.0 + cw) / 2.0;
        b1 = -(1.0 + cw);
        b2 = (1.0 + cw) / 2.0;
        a0 = 1.0 + alpha;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha;
        break;
    case BQ_BANDPASS:
        b0 = alpha;
        b1 = 0.0;
        b2 = -alpha;
        a0 = 1.0 + alpha;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha;
        break;
    case BQ_NOTCH:
        b0 = 1.0;
        b1 = -2.0 * cw;
        b2 = 1.0;
        a0 = 1.0 + alpha;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha;
        break;
    case BQ_PEAK:
    default:
        b0 = 1.0 + alpha * a;
        b1 = -2.0 * cw;
        b2 = 1.0 - alpha * a;
        a0 = 1.0 + alpha / a;
        a1 = -2.0 * cw;
        a2 = 1.0 - alpha / a;
        break;
    }
    b->b0 = b0 / a0;
    b->b1 = b1 / a0;
    b->b2 = b2 / a0;
    b->a1 = a1 / a0;
    b->a2 = a2 / a0;
    b->x1 = b->x2 = b->y1 = b->y2 = 0.0;
    b->s1 = b->s2 = 0.0;
}

static double biquad_df1(Biquad *b, double x)
{
    double y = b->b0 * x + b->b1 * b->x1 + b->b2 * b->x2 - b->a1 * b->y1 - b->a2 * b->y2;
    b->x2 = b->x1;
    b->x1 = x;
    b->y2 = b->y1;
    b->y1 = y;
    return y;
}

static double biquad_tdf2(Biquad *b, double x)
{
    double y = b->b0 * x + b->s1;
    b->s1 = b->b1 * x - b->a1 * y + b->s2;
    b->s2 = b->b2 * x - b->a2 * y;
    return y;
}

static double biquad_gain(const Biquad *b, double freq)
{
    /* |B(e^jw)| / |A(e^jw)| */
    double w = 2.0 * PI * freq / FS;
    double c1 = cos(w), s1 = sin(w), c2 = cos(2.0 * w), s2 = sin(2.0 * w);
    double nr = b->b0 + b->b1 * c1 + b->b2 * c2, ni = -(b->b1 * s1 + b->b2 * s2);
    double dr = 1.0 + b->a1 * c1 + b->a2 * c2, di = -(b->a1 * s1 + b->a2 * s2);
    return sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
}

static int biquad_stable(const Biquad *b)
{
    /* stability triangle for z^2 + a1 z + a2 */
    return fabs(b->a2) < 1.0 && fabs(b->a1) < 1.0 + b->a2;
}

static void cascade_reset(Cascade *c)
{
    for (int i = 0; i < c->nstages; i++) {
        Biquad *b = &c->st[i];
        b->x1 = b->x2 = b->y1 = b->y2 = b->s1 = b->s2 = 0.0;
    }
}

static void cascade_run(Cascade *c, const double *x, double *y, int n, int use_tdf2)
{
    cascade_reset(c);
    for (int i = 0; i < n; i++) {
        double v = x[i];
        for (int s = 0; s < c->nstages; s++)
            v = use_tdf2 ? biquad_tdf2(&c->st[s], v) : biquad_df1(&c->st[s], v);
        y[i] = v;
    }
}

static double cascade_gain(const Cascade *c, double f)
{
    double g = 1.0;
    for (int s = 0; s < c->nstages; s++)
        g *= biquad_gain(&c->st[s], f);
    return g;
}

/* Butterworth lowpass of even order as a cascade of biquads */
static void butterworth_lowpass(Cascade *c, int order, double fc)
{
    c->nstages = order / 2;
    for (int k = 0; k < order / 2; k++) {
        double q = 1.0 / (2.0 * cos(PI * (2.0 * k + 1.0) / (2.0 * order)));
        biquad_design(&c->st[k], BQ_LOWPASS, fc, q, 0.0);
    }
}

/* fixed-point biquad: Q2.14 coefficients, Q15 samples, DF1 with 64-bit accumulator */
typedef struct {
    int32_t b0, b1, b2, a1, a2;
    int32_t x1, x2, y1, y2;
} BiquadQ;

static int32_t q14(double v) { return (int32_t)lround(v * 16384.0); }

static void biquadq_from(BiquadQ *q, const Biquad *b)
{
    q->b0 = q14(b->b0);
    q->b1 = q14(b->b1);
    q->b2 = q14(b->b2);
    q->a1 = q14(b->a1);
    q->a2 = q14(b->a2);
    q->x1 = q->x2 = q->y1 = q->y2 = 0;
}

static int32_t biquadq_step(BiquadQ *q, int32_t x)
{
    int64_t acc = (int64_t)q->b0 * x + (int64_t)q->b1 * q->x1 + (int64_t)q->b2 * q->x2 - (int64_t)q->a1 * q->y1 -
                  (int64_t)q->a2 * q->y2;
    int64_t y = acc >= 0 ? (acc + 8192) / 16384 : -((-acc + 8192) / 16384);
    if (y > 1000000)
        y = 1000000;
    if (y < -1000000)
        y = -1000000;
    q->x2 = q->x1;
    q->x1 = x;
    q->y2 = q->y1;
    q->y1 = (int32_t)y;
    return (int32_t)y;
}

/* ------------------------------------------------------------------ */
/* measurements                                                        */
/* ------------------------------------------------------------------ */

static double rms(const double *x, int from, int to)
{
    double s = 0.0;
    for (int i = from; i < to; i++)
        s += x[i] * x[i];
    return sqrt(s / (double)(to - from));
}

static uint32_t g_hash = 0x811C9DC5u;

static void hash_i32(int32_t v)
{
    uint32_t u = (uint32_t)v;
    for (int i = 0; i < 4; i++) {
        g_hash ^= (u >> (8 * i)) & 0xFFu;
        g_hash *= 16777619u;
    }
}

static void hash_signal(const double *y, int n, double scale)
{
    for (int i = 0; i < n; i += 3)
        hash_i32((int32_t)lround(y[i] * scale));
}

static void section_fir(const double *x, double *y, double *y2)
{
    static const double probe[5] = { 200.0, 800.0, 1000.0, 1500.0, 3200.0 };
    WindowType wins[4] = { WIN_RECT, WIN_HAMMING, WIN_BLACKMAN, WIN_KAISER };
    FIR f;
    printf("FIR lowpass 1000 Hz, 63 taps, gain in dB at 200/800/1000/1500/3200 Hz:\n");
    for (int w = 0; w < 4; w++) {
        design_lowpass(&f, 63, 1000.0, wins[w], 6.0);
        printf("  %-8s", window_name(wins[w]));
        for (int p = 0; p < 5; p++) {
            double db = to_db(fir_gain(&f, probe[p]));
            printf(" %8.2f", db);
            hash_i32((int32_t)lround(db * 10.0));
        }
        printf("\n");
    }

    /* apply the Blackman design two ways */
    design_lowpass(&f, 63, 1000.0, WIN_BLACKMAN, 0.0);
    fir_apply_direct(&f, x, y, NSAMP);
    FIRState st;
    firstate_init(&st, &f);
    double maxd = 0.0;
    for (int i = 0; i < NSAMP; i++) {
        y2[i] = firstate_push(&st, x[i]);
        double d = fabs(y2[i] - y[i]);
        if (d > maxd)
            maxd = d;
    }
    printf("lowpass output rms=%.5f (input rms=%.5f); circular == direct (<1e-12): %s\n", rms(y, 100, NSAMP),
           rms(x, 100, NSAMP), maxd < 1e-12 ? "yes" : "no");
    hash_signal(y, NSAMP, 1e4);

    /* Q15 version */
    int16_t *xq = (int16_t *)malloc(sizeof(int16_t) * NSAMP);
    int16_t *yq = (int16_t *)malloc(sizeof(int16_t) * NSAMP);
    if (!xq || !yq)
        exit(1);
    for (int i = 0; i < NSAMP; i++)
        xq[i] = to_q15(x[i] * 0.5);
    fir_apply_q15(&f, xq, yq, NSAMP);
    int32_t worst = 0;
    int64_t qsum = 0;
    for (int i = 0; i < NSAMP; i++) {
        int32_t ref = (int32_t)lround(y[i] * 0.5 * 32768.0);
        int32_t d = yq[i] - ref;
        if (d < 0)
            d = -d;
        if (d > worst)
            worst = d;
        qsum += yq[i];
        hash_i32(yq[i]);
    }
    printf("Q15 FIR: max deviation from float <= 8 lsb: %s, sample sum=%lld\n", worst <= 8 ? "yes" : "no",
           (long long)qsum);
    free(xq);
    free(yq);

    /* highpass and bandpass designs isolate the other tones */
    FIR hp, bp;
    design_highpass(&hp, 95, 2500.0, WIN_KAISER, 8.0);
    design_bandpass(&bp, 127, 1200.0, 1800.0, WIN_HAMMING, 0.0);
    fir_apply_direct(&hp, x, y, NSAMP);
    fir_apply_direct(&bp, x, y2, NSAMP);
    double rh = rms(y, 200, NSAMP), rb = rms(y2, 200, NSAMP);
    printf("highpass 2500 Hz rms=%.4f (3200 Hz tone alone: %.4f)  bandpass 1200-1800 rms=%.4f (1500 Hz tone: %.4f)\n",
           rh, 0.2 / sqrt(2.0), rb, 0.3 / sqrt(2.0));
    printf("  hp gain @3200=%.3f dB @200=%.1f dB  bp gain @1500=%.3f dB @200=%.1f dB\n", to_db(fir_gain(&hp, 3200.0)),
           to_db(fir_gain(&hp, 200.0)), to_db(fir_gain(&bp, 1500.0)), to_db(fir_gain(&bp, 200.0)));
    hash_i32((int32_t)lround(rh * 1e5));
    hash_i32((int32_t)lround(rb * 1e5));
    hash_signal(y, NSAMP, 1e4);
    hash_signal(y2, NSAMP, 1e4);
}

static void section_iir(const double *x, double *y, double *y2)
{
    Cascade bw;
    butterworth_lowpass(&bw, 4, 1000.0);
    printf("Butterworth order 4, fc=1000 Hz: stages stable: %s %s\n", biquad_stable(&bw.st[0]) ? "yes" : "no",
           biquad_stable(&bw.st[1]) ? "yes" : "no");
    printf("  gain dB: 200Hz=%.3f 1000Hz=%.3f 2000Hz=%.3f 3200Hz=%.3f\n", to_db(cascade_gain(&bw, 200.0)),
           to_db(cascade_gain(&bw, 1000.0)), to_db(cascade_gain(&bw, 2000.0)), to_db(cascade_gain(&bw, 3200.0)));
    cascade_run(&bw, x, y, NSAMP, 0);
    cascade_run(&bw, x, y2, NSAMP, 1);
    double maxd = 0.0;
    for (int i = 0; i < NSAMP; i++)
        if (fabs(y[i] - y2[i]) > maxd)
            maxd = fabs(y[i] - y2[i]);
    printf("  DF1 == TDF2 (<1e-10): %s  output rms=%.5f  y[1000]=%.5f y[3000]=%.5f\n", maxd < 1e-10 ? "yes" : "no",
           rms(y, 200, NSAMP), y[1000], y[3000]);
    hash_signal(y, NSAMP, 1e4);

    /* measured steady-state gain of single tones vs analytic response */
    static const double tones[4] = { 300.0, 900.0, 1400.0, 2600.0 };
    double *t = (double *)malloc(sizeof(double) * NSAMP);
    if (!t)
        exit(1);
    int all_ok = 1;
    for (int k = 0; k < 4; k++) {
        make_tone(t, NSAMP, tones[k]);
        cascade_run(&bw, t, y, NSAMP, 1);
        double measured = rms(y, 1024, NSAMP) * sqrt(2.0);
        double expected = cascade_gain(&bw, tones[k]);
        if (fabs(measured - expected) > 2e-3)
            all_ok = 0;
        printf("  tone %6.1f Hz: measured gain %.4f expected %.4f\n", tones[k], measured, expected);
        hash_i32((int32_t)lround(measured * 1e4));
    }
    printf("  measured gains match analytic response: %s\n", all_ok ? "yes" : "no");

    /* EQ chain: notch out 1500 Hz and boost 200 Hz */
    Cascade eq;
    eq.nstages = 3;
    biquad_design(&eq.st[0], BQ_NOTCH, 1500.0, 4.0, 0.0);
    biquad_design(&eq.st[1], BQ_PEAK, 200.0, 1.0, 6.0);
    biquad_design(&eq.st[2], BQ_HIGHPASS, 60.0, 0.707, 0.0);
    cascade_run(&eq, x, y, NSAMP, 1);
    printf("EQ chain (notch 1500, +6dB @200, hp 60): gain @1500 < -100 dB: %s @200=%.3f dB; output rms=%.5f\n",
           to_db(cascade_gain(&eq, 1500.0)) < -100.0 ? "yes" : "no", to_db(cascade_gain(&eq, 200.0)),
           rms(y, 200, NSAMP));
    hash_signal(y, NSAMP, 1e4);

    /* resonant bandpass */
    Biquad bp;
    biquad_design(&bp, BQ_BANDPASS, 3200.0, 8.0, 0.0);
    for (int i = 0; i < NSAMP; i++)
        y2[i] = biquad_df1(&bp, x[i]);
    printf("bandpass 3200 Hz Q=8: output rms=%.5f peak gain=%.4f\n", rms(y2, 500, NSAMP), biquad_gain(&bp, 3200.0));
    hash_signal(y2, NSAMP, 1e4);

    /* fixed-point version of the Butterworth cascade */
    BiquadQ q0, q1;
    biquadq_from(&q0, &bw.st[0]);
    biquadq_from(&q1, &bw.st[1]);
    cascade_run(&bw, x, y, NSAMP, 0);
    int64_t err_sum = 0;
    int32_t worst = 0;
    for (int i = 0; i < NSAMP; i++) {
        int32_t in = (int32_t)lround(x[i] * 16384.0);
        int32_t out = biquadq_step(&q1, biquadq_step(&q0, in));
        int32_t ref = (int32_t)lround(y[i] * 16384.0);
        int32_t d = out - ref;
        if (d < 0)
            d = -d;
        if (d > worst)
            worst = d;
        err_sum += d;
        hash_i32(out);
    }
    printf("fixed-point Butterworth: max error vs float < 2%% of full scale: %s, mean abs error=%lld lsb\n",
           worst < 328 ? "yes" : "no", (long long)(err_sum / NSAMP));
    free(t);
}

int main(void)
{
    double *x = (double *)malloc(sizeof(double) * NSAMP);
    double *y = (double *)malloc(sizeof(double) * NSAMP);
    double *y2 = (double *)malloc(sizeof(double) * NSAMP);
    if (!x || !y || !y2)
        return 1;
    make_signal(x, NSAMP);
    printf("signal: %d samples at %.0f Hz, rms=%.5f\n", NSAMP, FS, rms(x, 0, NSAMP));
    hash_signal(x, NSAMP, 1e4);
    section_fir(x, y, y2);
    section_iir(x, y, y2);
    free(x);
    free(y);
    free(y2);
    printf("checksum: 0x%08x\n", (unsigned)g_hash);
    return 0;
}
