/* cgym-suite: category=numeric; arbitrary precision unsigned integers: add, sub, mul, Knuth division, factorials, Fibonacci, powers, pi and sqrt(2) digits */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

/* little-endian base 2^32 magnitude; len == 0 means zero */
typedef struct {
    uint32_t *d;
    int len;
    int cap;
} Big;

static uint32_t g_hash = 2166136261u;

static void hash_bytes(const char *s)
{
    for (; *s; s++) {
        g_hash ^= (uint8_t)*s;
        g_hash *= 16777619u;
    }
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return q;
}

static void big_init(Big *a)
{
    a->d = NULL;
    a->len = 0;
    a->cap = 0;
}

static void big_free(Big *a)
{
    free(a->d);
    big_init(a);
}

static void big_reserve(Big *a, int n)
{
    if (n > a->cap) {
        int nc = a->cap ? a->cap : 4;
        while (nc < n)
            nc *= 2;
        a->d = (uint32_t *)xrealloc(a->d, sizeof(uint32_t) * (size_t)nc);
        a->cap = nc;
    }
}

static void big_trim(Big *a)
{
    while (a->len > 0 && a->d[a->len - 1] == 0)
        a->len--;
}

static void big_set_u64(Big *a, uint64_t v)
{
    big_reserve(a, 2);
    a->d[0] = (uint32_t)v;
    a->d[1] = (uint32_t)(v >> 32);
    a->len = 2;
    big_trim(a);
}

static void big_copy(Big *dst, const Big *src)
{
    if (dst == src)
        return;
    big_reserve(dst, src->len);
    if (src->len)
        memcpy(dst->d, src->d, sizeof(uint32_t) * (size_t)src->len);
    dst->len = src->len;
}

static void big_swap(Big *a, Big *b)
{
    Big t = *a;
    *a = *b;
    *b = t;
}

static int big_is_zero(const Big *a) { return a->len == 0; }

static int big_cmp(const Big *a, const Big *b)
{
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    for (int i = a->len - 1; i >= 0; i--)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

static int big_bit_length(const Big *a)
{
    if (a->len == 0)
        return 0;
    uint32_t top = a->d[a->len - 1];
    int bits = 0;
    while (top) {
        bits++;
        top >>= 1;
    }
    return (a->len - 1) * 32 + bits;
}

/* r = a + b (r may alias a or b) */
static void big_add(Big *r, const Big *a, const Big *b)
{
    if (a->len < b->len) {
        const Big *t = a;
        a = b;
        b = t;
    }
    int alen = a->len, blen = b->len;
    big_reserve(r, alen + 1);
    uint64_t carry = 0;
    for (int i = 0; i < alen; i++) {
        uint64_t s = (uint64_t)a->d[i] + (i < blen ? b->d[i] : 0) + carry;
        r->d[i] = (uint32_t)s;
        carry = s >> 32;
    }
    r->d[alen] = (uint32_t)carry;
    r->len = alen + 1;
    big_trim(r);
}

/* r = a - b, requires a >= b */
static void big_sub(Big *r, const Big *a, const Big *b)
{
    int alen = a->len, blen = b->len;
    big_reserve(r, alen);
    uint32_t borrow = 0;
    for (int i = 0; i < alen; i++) {
        uint64_t sub = (uint64_t)(i < blen ? b->d[i] : 0) + borrow;
        uint64_t av = a->d[i];
        if (av >= sub) {
            r->d[i] = (uint32_t)(av - sub);
            borrow = 0;
        } else {
            r->d[i] = (uint32_t)((av + (UINT64_C(1) << 32)) - sub);
            borrow = 1;
        }
    }
    r->len = alen;
    big_trim(r);
}

static void big_mul_small(Big *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->len; i++) {
        uint64_t p = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)p;
        carry = p >> 32;
    }
    if (carry) {
        big_reserve(a, a->len + 1);
        a->d[a->len++] = (uint32_t)carry;
    }
    if (m == 0)
        a->len = 0;
}

static void big_add_small(Big *a, uint32_t v)
{
    uint64_t carry = v;
    for (int i = 0; i < a->len && carry; i++) {
        uint64_t s = (uint64_t)a->d[i] + carry;
        a->d[i] = (uint32_t)s;
        carry = s >> 32;
    }
    if (carry) {
        big_reserve(a, a->len + 1);
        a->d[a->len++] = (uint32_t)carry;
    }
}

/* a /= d, returns remainder */
static uint32_t big_divmod_small(Big *a, uint32_t d)
{
    uint64_t rem = 0;
    for (int i = a->len - 1; i >= 0; i--) {
        uint64_t cur = (rem << 32) | a->d[i];
        a->d[i] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    big_trim(a);
    return (uint32_t)rem;
}

/* schoolbook multiplication, r must not alias a or b */
static void big_mul_school(Big *r, const Big *a, const Big *b)
{
    if (a->len == 0 || b->len == 0) {
        r->len = 0;
        return;
    }
    int n = a->len + b->len;
    big_reserve(r, n);
    memset(r->d, 0, sizeof(uint32_t) * (size_t)n);
    for (int i = 0; i < a->len; i++) {
        uint64_t carry = 0;
        uint64_t ai = a->d[i];
        for (int j = 0; j < b->len; j++) {
            uint64_t t = ai * b->d[j] + r->d[i + j] + carry;
            r->d[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
        r->d[i + b->len] = (uint32_t)carry;
    }
    r->len = n;
    big_trim(r);
}

static void big_shift_limbs(Big *r, const Big *a, int k)
{
    if (a->len == 0) {
        r->len = 0;
        return;
    }
    big_reserve(r, a->len + k);
    memmove(r->d + k, a->d, sizeof(uint32_t) * (size_t)a->len);
    memset(r->d, 0, sizeof(uint32_t) * (size_t)k);
    r->len = a->len + k;
}

static void big_low_limbs(Big *r, const Big *a, int k)
{
    int n = a->len < k ? a->len : k;
    big_reserve(r, n);
    if (n)
        memcpy(r->d, a->d, sizeof(uint32_t) * (size_t)n);
    r->len = n;
    big_trim(r);
}

static void big_high_limbs(Big *r, const Big *a, int k)
{
    int n = a->len > k ? a->len - k : 0;
    big_reserve(r, n);
    if (n)
        memcpy(r->d, a->d + k, sizeof(uint32_t) * (size_t)n);
    r->len = n;
}

#define KARATSUBA_CUTOFF 24

/* Karatsuba multiplication, r must not alias a or b */
static void big_mul(Big *r, const Big *a, const Big *b)
{
    int n = a->len > b->len ? a->len : b->len;
    int m = a->len < b->len ? a->len : b->len;
    if (m < KARATSUBA_CUTOFF || m * 2 < n) {
        big_mul_school(r, a, b);
        return;
    }
    int h = n / 2;
    Big a0, a1, b0, b1, z0, z1, z2, sa, sb, t;
    big_init(&a0); big_init(&a1); big_init(&b0); big_init(&b1);
    big_init(&z0); big_init(&z1); big_init(&z2); big_init(&sa); big_init(&sb); big_init(&t);
    big_low_limbs(&a0, a, h);
    big_high_limbs(&a1, a, h);
    big_low_limbs(&b0, b, h);
    big_high_limbs(&b1, b, h);
    big_mul(&z0, &a0, &b0);
    big_mul(&z2, &a1, &b1);
    big_add(&sa, &a0, &a1);
    big_add(&sb, &b0, &b1);
    big_mul(&z1, &sa, &sb);
    big_sub(&z1, &z1, &z0);
    big_sub(&z1, &z1, &z2);
    /* r = z2 * B^(2h) + z1 * B^h + z0 */
    big_shift_limbs(&t, &z2, 2 * h);
    big_copy(r, &t);
    big_shift_limbs(&t, &z1, h);
    big_add(r, r, &t);
    big_add(r, r, &z0);
    big_free(&a0); big_free(&a1); big_free(&b0); big_free(&b1);
    big_free(&z0); big_free(&z1); big_free(&z2); big_free(&sa); big_free(&sb); big_free(&t);
}

static void big_shl_bits(Big *a, int bits)
{
    if (a->len == 0 || bits == 0)
        return;
    int limbs = bits / 32, s = bits % 32;
    big_reserve(a, a->len + limbs + 1);
    a->d[a->len] = 0;
    if (s) {
        for (int i = a->len; i > 0; i--)
            a->d[i] = (a->d[i] << s) | (a->d[i - 1] >> (32 - s));
        a->d[0] <<= s;
    }
    int n = a->len + 1;
    memmove(a->d + limbs, a->d, sizeof(uint32_t) * (size_t)n);
    memset(a->d, 0, sizeof(uint32_t) * (size_t)limbs);
    a->len = n + limbs;
    big_trim(a);
}

/* Knuth algorithm D: q = a / b, r = a % b; b must be nonzero */
static void big_divmod(Big *q, Big *r, const Big *a, const Big *b)
{
    if (big_cmp(a, b) < 0) {
        big_copy(r, a);
        q->len = 0;
        return;
    }
    if (b->len == 1) {
        big_copy(q, a);
        uint32_t rem = big_divmod_small(q, b->d[0]);
        big_set_u64(r, rem);
        return;
    }
    int n = b->len, m = a->len - b->len;
    int s = 0;
    uint32_t top = b->d[n - 1];
    while (!(top & 0x80000000u)) {
        top <<= 1;
        s++;
    }
    /* normalised copies */
    uint32_t *vn = (uint32_t *)malloc(sizeof(uint32_t) * (size_t)n);
    uint32_t *un = (uint32_t *)malloc(sizeof(uint32_t) * (size_t)(a->len + 1));
    if (!vn || !un) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (int i = n - 1; i > 0; i--)
        vn[i] = s ? (b->d[i] << s) | (b->d[i - 1] >> (32 - s)) : b->d[i];
    vn[0] = b->d[0] << s;
    un[a->len] = s ? a->d[a->len - 1] >> (32 - s) : 0;
    for (int i = a->len - 1; i > 0; i--)
        un[i] = s ? (a->d[i] << s) | (a->d[i - 1] >> (32 - s)) : a->d[i];
    un[0] = a->d[0] << s;

    big_reserve(q, m + 1);
    q->len = m + 1;
    const uint64_t base = UINT64_C(1) << 32;
    for (int j = m; j >= 0; j--) {
        uint64_t num = ((uint64_t)un[j + n] << 32) | un[j + n - 1];
        uint64_t qhat = num / vn[n - 1];
        uint64_t rhat = num % vn[n - 1];
        while (qhat >= base || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if (rhat >= base)
                break;
        }
        /* multiply and subtract */
        int64_t borrow = 0;
        uint64_t carry = 0;
        for (int i = 0; i < n; i++) {
            uint64_t p = qhat * vn[i] + carry;
            carry = p >> 32;
            int64_t t = (int64_t)un[i + j] - (int64_t)(p & 0xFFFFFFFFu) + borrow;
            un[i + j] = (uint32_t)((uint64_t)t & 0xFFFFFFFFu);
            borrow = t < 0 ? -1 : 0;
        }
        int64_t t = (int64_t)un[j + n] - (int64_t)carry + borrow;
        un[j + n] = (uint32_t)((uint64_t)t & 0xFFFFFFFFu);
        if (t < 0) {
            /* add back */
            qhat--;
            uint64_t c = 0;
            for (int i = 0; i < n; i++) {
                uint64_t sum = (uint64_t)un[i + j] + vn[i] + c;
                un[i + j] = (uint32_t)sum;
                c = sum >> 32;
            }
            un[j + n] = (uint32_t)((uint64_t)un[j + n] + c);
        }
        q->d[j] = (uint32_t)qhat;
    }
    big_trim(q);
    /* unnormalise remainder */
    big_reserve(r, n);
    for (int i = 0; i < n; i++)
        r->d[i] = s ? (un[i] >> s) | (un[i + 1] << (32 - s)) : un[i];
    r->len = n;
    big_trim(r);
    free(vn);
    free(un);
}

/* decimal conversion by repeated division by 10^9; returns malloc'd string */
static char *big_to_dec(const Big *a)
{
    if (a->len == 0) {
        char *z = (char *)malloc(2);
        if (!z)
            exit(1);
        z[0] = '0';
        z[1] = '\0';
        return z;
    }
    Big t;
    big_init(&t);
    big_copy(&t, a);
    int cap = a->len * 10 + 16;
    uint32_t *chunks = (uint32_t *)malloc(sizeof(uint32_t) * (size_t)cap);
    if (!chunks)
        exit(1);
    int nch = 0;
    do {
        chunks[nch++] = big_divmod_small(&t, 1000000000u);
    } while (!big_is_zero(&t) && nch < cap);
    char *s = (char *)malloc((size_t)nch * 9 + 2);
    if (!s)
        exit(1);
    int pos = sprintf(s, "%u", (unsigned)chunks[nch - 1]);
    for (int i = nch - 2; i >= 0; i--)
        pos += sprintf(s + pos, "%09u", (unsigned)chunks[i]);
    free(chunks);
    big_free(&t);
    return s;
}

static void big_from_dec(Big *a, const char *s)
{
    a->len = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            continue;
        big_mul_small(a, 10);
        big_add_small(a, (uint32_t)(*s - '0'));
    }
}

static void big_pow_u32(Big *r, uint32_t base, uint32_t e)
{
    Big b, t;
    big_init(&b);
    big_init(&t);
    big_set_u64(&b, base);
    big_set_u64(r, 1);
    while (e) {
        if (e & 1u) {
            big_mul(&t, r, &b);
            big_swap(&t, r);
        }
        e >>= 1;
        if (e) {
            big_mul(&t, &b, &b);
            big_swap(&t, &b);
        }
    }
    big_free(&b);
    big_free(&t);
}

/* r = b^e mod m */
static void big_modpow(Big *r, const Big *b, const Big *e, const Big *m)
{
    Big base, t, q, rem;
    big_init(&base); big_init(&t); big_init(&q); big_init(&rem);
    big_divmod(&q, &base, b, m);
    big_set_u64(r, 1);
    int bits = big_bit_length(e);
    for (int i = bits - 1; i >= 0; i--) {
        big_mul(&t, r, r);
        big_divmod(&q, r, &t, m);
        if ((e->d[i / 32] >> (i % 32)) & 1u) {
            big_mul(&t, r, &base);
            big_divmod(&q, r, &t, m);
        }
    }
    big_free(&base); big_free(&t); big_free(&q); big_free(&rem);
}

static void big_gcd(Big *g, const Big *a, const Big *b)
{
    Big x, y, q, r;
    big_init(&x); big_init(&y); big_init(&q); big_init(&r);
    big_copy(&x, a);
    big_copy(&y, b);
    while (!big_is_zero(&y)) {
        big_divmod(&q, &r, &x, &y);
        big_swap(&x, &y);
        big_swap(&y, &r);
    }
    big_copy(g, &x);
    big_free(&x); big_free(&y); big_free(&q); big_free(&r);
}

/* floor(sqrt(a)) by Newton iteration */
static void big_isqrt(Big *r, const Big *a)
{
    if (big_is_zero(a)) {
        r->len = 0;
        return;
    }
    Big x, y, q, rem;
    big_init(&x); big_init(&y); big_init(&q); big_init(&rem);
    /* start above the root: 2^(ceil(bits/2)) */
    big_set_u64(&x, 1);
    big_shl_bits(&x, (big_bit_length(a) + 1) / 2);
    for (;;) {
        big_divmod(&q, &rem, a, &x);
        big_add(&y, &x, &q);
        big_divmod_small(&y, 2);
        if (big_cmp(&y, &x) >= 0)
            break;
        big_swap(&x, &y);
    }
    big_copy(r, &x);
    big_free(&x); big_free(&y); big_free(&q); big_free(&rem);
}

static void big_factorial(Big *r, uint32_t n)
{
    big_set_u64(r, 1);
    for (uint32_t i = 2; i <= n; i++)
        big_mul_small(r, i);
}

static void big_fib(Big *r, int n)
{
    Big a, b, t;
    big_init(&a); big_init(&b); big_init(&t);
    big_set_u64(&a, 0);
    big_set_u64(&b, 1);
    for (int i = 0; i < n; i++) {
        big_add(&t, &a, &b);
        big_swap(&a, &b);
        big_swap(&b, &t);
    }
    big_copy(r, &a);
    big_free(&a); big_free(&b); big_free(&t);
}

/* arctan(1/x) * scale, by the alternating series on fixed point big integers */
static void big_arctan_inv(Big *r, uint32_t x, const Big *scale)
{
    Big term, sum_pos, sum_neg, tq;
    big_init(&term); big_init(&sum_pos); big_init(&sum_neg); big_init(&tq);
    big_copy(&term, scale);
    big_divmod_small(&term, x); /* scale / x */
    uint64_t x2 = (uint64_t)x * x;
    for (uint32_t k = 0; !big_is_zero(&term); k++) {
        big_copy(&tq, &term);
        big_divmod_small(&tq, 2 * k + 1);
        if (k % 2 == 0)
            big_add(&sum_pos, &sum_pos, &tq);
        else
            big_add(&sum_neg, &sum_neg, &tq);
        if (x2 <= 0xFFFFFFFFu) {
            big_divmod_small(&term, (uint32_t)x2);
        } else {
            big_divmod_small(&term, x);
            big_divmod_small(&term, x);
        }
    }
    big_sub(r, &sum_pos, &sum_neg);
    big_free(&term); big_free(&sum_pos); big_free(&sum_neg); big_free(&tq);
}

static void print_big(const char *label, const Big *a, int max_digits)
{
    char *s = big_to_dec(a);
    size_t n = strlen(s);
    hash_bytes(s);
    if (max_digits > 0 && n > (size_t)max_digits)
        printf("%s = %.*s...%s (%zu digits)\n", label, max_digits / 2, s, s + n - (size_t)max_digits / 2, n);
    else
        printf("%s = %s\n", label, s);
    free(s);
}

static int digit_sum(const char *s)
{
    int t = 0;
    for (; *s; s++)
        t += *s - '0';
    return t;
}

static int is_probable_prime(const Big *n)
{
    static const uint32_t bases[] = { 2, 3, 5, 7, 11, 13 };
    Big one, nm1, d, a, x, q, r;
    big_init(&one); big_init(&nm1); big_init(&d); big_init(&a); big_init(&x); big_init(&q); big_init(&r);
    big_set_u64(&one, 1);
    big_sub(&nm1, n, &one);
    big_copy(&d, &nm1);
    int s = 0;
    while (!big_is_zero(&d) && (d.d[0] & 1u) == 0) {
        big_divmod_small(&d, 2);
        s++;
    }
    int prime = 1;
    for (size_t i = 0; i < sizeof bases / sizeof bases[0] && prime; i++) {
        big_set_u64(&a, bases[i]);
        big_modpow(&x, &a, &d, n);
        if (big_cmp(&x, &one) == 0 || big_cmp(&x, &nm1) == 0)
            continue;
        int found = 0;
        for (int k = 1; k < s; k++) {
            big_mul(&r, &x, &x);
            big_divmod(&q, &x, &r, n);
            if (big_cmp(&x, &nm1) == 0) {
                found = 1;
                break;
            }
        }
        if (!found)
            prime = 0;
    }
    big_free(&one); big_free(&nm1); big_free(&d); big_free(&a); big_free(&x); big_free(&q); big_free(&r);
    return prime;
}

int main(void)
{
    Big a, b, c, q, r, t;
    big_init(&a); big_init(&b); big_init(&c); big_init(&q); big_init(&r); big_init(&t);

    /* factorials */
    big_factorial(&a, 100);
    print_big("100!", &a, 0);
    big_factorial(&b, 1000);
    char *s = big_to_dec(&b);
    printf("1000!: %zu digits, digit sum %d, bits %d\n", strlen(s), digit_sum(s), big_bit_length(&b));
    hash_bytes(s);
    free(s);

    /* 1000! / 100! must be divisible, and 1000!/(100! * (1000!/100!)) == 1 */
    big_divmod(&q, &r, &b, &a);
    printf("1000! mod 100! is zero: %s\n", big_is_zero(&r) ? "yes" : "no");
    big_mul(&t, &q, &a);
    printf("(1000!/100!) * 100! == 1000!: %s\n", big_cmp(&t, &b) == 0 ? "yes" : "no");

    /* Fibonacci and the gcd identity gcd(F(m), F(n)) = F(gcd(m, n)) */
    big_fib(&a, 500);
    print_big("F(500)", &a, 0);
    big_fib(&b, 480);
    big_fib(&c, 360);
    big_gcd(&t, &b, &c);
    big_fib(&q, 120);
    printf("gcd(F(480), F(360)) == F(120): %s\n", big_cmp(&t, &q) == 0 ? "yes" : "no");
    print_big("F(120)", &q, 0);

    /* powers */
    big_pow_u32(&a, 2, 256);
    print_big("2^256", &a, 0);
    big_pow_u32(&b, 3, 1000);
    print_big("3^1000", &b, 40);
    big_pow_u32(&c, 7, 333);
    /* division with remainder identity: a = q*c + r, r < c */
    big_divmod(&q, &r, &b, &c);
    big_mul(&t, &q, &c);
    big_add(&t, &t, &r);
    printf("3^1000 = q*7^333 + r check: %s, r < 7^333: %s\n", big_cmp(&t, &b) == 0 ? "yes" : "no",
           big_cmp(&r, &c) < 0 ? "yes" : "no");
    print_big("3^1000 mod 7^333", &r, 30);

    /* karatsuba vs schoolbook on large operands */
    big_factorial(&a, 700);
    big_pow_u32(&b, 13, 1500);
    big_mul(&c, &a, &b);
    big_mul_school(&t, &a, &b);
    printf("karatsuba == schoolbook (%d x %d limbs): %s\n", a.len, b.len, big_cmp(&c, &t) == 0 ? "yes" : "no");
    big_divmod(&q, &r, &c, &b);
    printf("(700! * 13^1500) / 13^1500 == 700!: %s, remainder zero: %s\n", big_cmp(&q, &a) == 0 ? "yes" : "no",
           big_is_zero(&r) ? "yes" : "no");

    /* decimal round trip */
    s = big_to_dec(&c);
    big_from_dec(&t, s);
    printf("decimal round trip of %zu digits: %s\n", strlen(s), big_cmp(&t, &c) == 0 ? "yes" : "no");
    free(s);

    /* sqrt(2) to 60 digits */
    big_pow_u32(&a, 10, 120);
    big_mul_small(&a, 2);
    big_isqrt(&b, &a);
    print_big("isqrt(2*10^120)", &b, 0);
    big_mul(&t, &b, &b);
    printf("root^2 <= n: %s\n", big_cmp(&t, &a) <= 0 ? "yes" : "no");

    /* pi to 150 digits by Machin: pi = 16 atan(1/5) - 4 atan(1/239), with 10 guard digits */
    big_pow_u32(&a, 10, 160);
    big_arctan_inv(&b, 5, &a);
    big_arctan_inv(&c, 239, &a);
    big_mul_small(&b, 16);
    big_mul_small(&c, 4);
    big_sub(&t, &b, &c);
    for (int i = 0; i < 10; i++)
        big_divmod_small(&t, 10);
    print_big("pi*10^150", &t, 0);

    /* primality of Mersenne numbers */
    static const int exps[] = { 61, 67, 89, 101, 107, 127 };
    for (size_t i = 0; i < sizeof exps / sizeof exps[0]; i++) {
        big_pow_u32(&a, 2, (uint32_t)exps[i]);
        big_set_u64(&b, 1);
        big_sub(&a, &a, &b);
        int p = is_probable_prime(&a);
        printf("2^%d-1 is %s\n", exps[i], p ? "prime" : "composite");
        g_hash ^= (uint32_t)(p + 2 * exps[i]);
        g_hash *= 16777619u;
    }

    big_free(&a); big_free(&b); big_free(&c); big_free(&q); big_free(&r); big_free(&t);
    printf("checksum: 0x%08x\n", (unsigned)g_hash);
    return 0;
}
