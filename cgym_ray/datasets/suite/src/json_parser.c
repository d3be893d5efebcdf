/* cgym-suite: category=parser; JSON parser building a DOM, serializer, pretty printer, path queries and round trips */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

/* ------------------------------------------------------------------------- */
/* Dynamic string buffer                                                     */
/* ------------------------------------------------------------------------- */

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} StrBuf;

static void sb_init(StrBuf *sb)
{
    sb->cap = 64;
    sb->len = 0;
    sb->data = (char *)malloc(sb->cap);
    if (!sb->data) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    sb->data[0] = '\0';
}

static void sb_reserve(StrBuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t ncap = sb->cap;
    while (sb->len + extra + 1 > ncap)
        ncap *= 2;
    char *nd = (char *)realloc(sb->data, ncap);
    if (!nd) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    sb->data = nd;
    sb->cap = ncap;
}

static void sb_putc(StrBuf *sb, char c)
{
    sb_reserve(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = '\0';
}

static void sb_append_n(StrBuf *sb, const char *s, size_t n)
{
    sb_reserve(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

static void sb_append(StrBuf *sb, const char *s)
{
    sb_append_n(sb, s, strlen(s));
}

static void sb_indent(StrBuf *sb, int n)
{
    for (int i = 0; i < n; i++)
        sb_putc(sb, ' ');
}

static void sb_clear(StrBuf *sb)
{
    sb->len = 0;
    sb->data[0] = '\0';
}

static void sb_free(StrBuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

static uint32_t fnv1a(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h;
}

/* ------------------------------------------------------------------------- */
/* DOM                                                                       */
/* ------------------------------------------------------------------------- */

typedef enum {
    J_NULL,
    J_FALSE,
    J_TRUE,
    J_INT,
    J_DOUBLE,
    J_STRING,
    J_ARRAY,
    J_OBJECT
} JType;

typedef struct JValue JValue;

typedef struct {
    char *key;
    size_t keylen;
    JValue *val;
} JMember;

struct JValue {
    JType type;
    union {
        int64_t i;
        double d;
        struct {
            char *s;
            size_t len;
        } str;
        struct {
            JValue **items;
            size_t n, cap;
        } arr;
        struct {
            JMember *mem;
            size_t n, cap;
        } obj;
    } u;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static JValue *jv_new(JType t)
{
    JValue *v = (JValue *)xmalloc(sizeof(JValue));
    memset(v, 0, sizeof(*v));
    v->type = t;
    return v;
}

static JValue *jv_new_int(int64_t i)
{
    JValue *v = jv_new(J_INT);
    v->u.i = i;
    return v;
}

static JValue *jv_new_string(const char *s, size_t n)
{
    JValue *v = jv_new(J_STRING);
    v->u.str.s = (char *)xmalloc(n + 1);
    memcpy(v->u.str.s, s, n);
    v->u.str.s[n] = '\0';
    v->u.str.len = n;
    return v;
}

static void jv_array_push(JValue *a, JValue *item)
{
    if (a->u.arr.n == a->u.arr.cap) {
        size_t nc = a->u.arr.cap ? a->u.arr.cap * 2 : 4;
        JValue **ni = (JValue **)realloc(a->u.arr.items, nc * sizeof(JValue *));
        if (!ni) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        a->u.arr.items = ni;
        a->u.arr.cap = nc;
    }
    a->u.arr.items[a->u.arr.n++] = item;
}

static void jv_object_add(JValue *o, char *key, size_t keylen, JValue *val)
{
    if (o->u.obj.n == o->u.obj.cap) {
        size_t nc = o->u.obj.cap ? o->u.obj.cap * 2 : 4;
        JMember *nm = (JMember *)realloc(o->u.obj.mem, nc * sizeof(JMember));
        if (!nm) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        o->u.obj.mem = nm;
        o->u.obj.cap = nc;
    }
    o->u.obj.mem[o->u.obj.n].key = key;
    o->u.obj.mem[o->u.obj.n].keylen = keylen;
    o->u.obj.mem[o->u.obj.n].val = val;
    o->u.obj.n++;
}

static void jv_free(JValue *v)
{
    if (!v)
        return;
    switch (v->type) {
    case J_STRING:
        free(v->u.str.s);
        break;
    case J_ARRAY:
        for (size_t i = 0; i < v->u.arr.n; i++)
            jv_free(v->u.arr.items[i]);
        free(v->u.arr.items);
        break;
    case J_OBJECT:
        for (size_t i = 0; i < v->u.obj.n; i++) {
            free(v->u.obj.mem[i].key);
            jv_free(v->u.obj.mem[i].val);
        }
        free(v->u.obj.mem);
        break;
    default:
        break;
    }
    free(v);
}

static JValue *jv_object_get(const JValue *o, const char *key, size_t keylen)
{
    if (!o || o->type != J_OBJECT)
        return NULL;
    /* last duplicate wins, like most parsers */
    for (size_t i = o->u.obj.n; i > 0; i--) {
        const JMember *m = &o->u.obj.mem[i - 1];
        if (m->keylen == keylen && memcmp(m->key, key, keylen) == 0)
            return m->val;
    }
    return NULL;
}

/* ------------------------------------------------------------------------- */
/* Parser                                                                    */
/* ------------------------------------------------------------------------- */

#define JSON_MAX_DEPTH 64

typedef struct {
    const char *src;
    size_t len;
    size_t pos;
    int line;
    int col;
    int depth;
    int err;
    char errmsg[96];
    size_t errpos;
} Parser;

static void p_error(Parser *p, const char *msg)
{
    if (p->err)
        return;
    p->err = 1;
    p->errpos = p->pos;
    snprintf(p->errmsg, sizeof(p->errmsg), "%s at line %d col %d", msg, p->line, p->col);
}

static int p_peek(const Parser *p)
{
    if (p->pos >= p->len)
        return -1;
    return (unsigned char)p->src[p->pos];
}

static int p_next(Parser *p)
{
    if (p->pos >= p->len)
        return -1;
    int c = (unsigned char)p->src[p->pos++];
    if (c == '\n') {
        p->line++;
        p->col = 1;
    } else {
        p->col++;
    }
    return c;
}

static void p_skip_ws(Parser *p)
{
    for (;;) {
        int c = p_peek(p);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            p_next(p);
        else
            break;
    }
}

static int p_expect_word(Parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->src + p->pos, word, n) != 0) {
        p_error(p, "invalid literal");
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        p_next(p);
    return 1;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int p_read_hex4(Parser *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p_next(p);
        int h = hex_value(c);
        if (h < 0) {
            p_error(p, "bad \\u escape");
            return 0;
        }
        v = (v << 4) | (uint32_t)h;
    }
    *out = v;
    return 1;
}

static void utf8_encode(StrBuf *sb, uint32_t cp)
{
    if (cp < 0x80) {
        sb_putc(sb, (char)cp);
    } else if (cp < 0x800) {
        sb_putc(sb, (char)(0xC0 | (cp >> 6)));
        sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sb_putc(sb, (char)(0xE0 | (cp >> 12)));
        sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    } else {
        sb_putc(sb, (char)(0xF0 | (cp >> 18)));
        sb_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    }
}

/* Validates one UTF-8 sequence starting with lead byte c (already consumed). */
static int p_copy_utf8(Parser *p, StrBuf *sb, int c)
{
    int extra;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        extra = 1;
        cp = (uint32_t)(c & 0x1F);
    } else if (c >= 0xE0 && c <= 0xEF) {
        extra = 2;
        cp = (uint32_t)(c & 0x0F);
    } else if (c >= 0xF0 && c <= 0xF4) {
        extra = 3;
        cp = (uint32_t)(c & 0x07);
    } else {
        p_error(p, "invalid UTF-8 lead byte");
        return 0;
    }
    for (int i = 0; i < extra; i++) {
        int d = p_next(p);
        if (d < 0 || (d & 0xC0) != 0x80) {
            p_error(p, "invalid UTF-8 continuation");
            return 0;
        }
        cp = (cp << 6) | (uint32_t)(d & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        p_error(p, "overlong or invalid UTF-8");
        return 0;
    }
    utf8_encode(sb, cp);
    return 1;
}

/* Parses a string literal (opening quote is current char) into sb. */
static int p_parse_string_raw(Parser *p, StrBuf *sb)
{
    sb_clear(sb);
    if (p_next(p) != '"') {
        p_error(p, "expected string");
        return 0;
    }
    for (;;) {
        int c = p_next(p);
        if (c < 0) {
            p_error(p, "unterminated string");
            return 0;
        }
        if (c == '"')
            return 1;
        if (c < 0x20) {
            p_error(p, "control character in string");
            return 0;
        }
        if (c == '\\') {
            int e = p_next(p);
            switch (e) {
            case '"':
                sb_putc(sb, '"');
                break;
            case '\\':
                sb_putc(sb, '\\');
                break;
            case '/':
                sb_putc(sb, '/');
                break;
            case 'b':
                sb_putc(sb, '\b');
                break;
            case 'f':
                sb_putc(sb, '\f');
                break;
            case 'n':
                sb_putc(sb, '\n');
                break;
            case 'r':
                sb_putc(sb, '\r');
                break;
            case 't':
                sb_putc(sb, '\t');
                break;
            case 'u': {
                uint32_t cp;
                if (!p_read_hex4(p, &cp))
                    return 0;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t lo;
                    if (p_next(p) != '\\' || p_next(p) != 'u') {
                        p_error(p, "lone high surrogate");
                        return 0;
                    }
                    if (!p_read_hex4(p, &lo))
                        return 0;
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        p_error(p, "bad low surrogate");
                        return 0;
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    p_error(p, "lone low surrogate");
                    return 0;
                }
                utf8_encode(sb, cp);
                break;
            }
            default:
                p_error(p, "invalid escape");
                return 0;
            }
        } else if (c >= 0x80) {
            if (!p_copy_utf8(p, sb, c))
                return 0;
        } else {
            sb_putc(sb, (char)c);
        }
    }
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static JValue *p_parse_number(Parser *p)
{
    size_t start = p->pos;
    int neg = 0;
    int is_float = 0;
    if (p_peek(p) == '-') {
        neg = 1;
        p_next(p);
    }
    if (p_peek(p) == '0') {
        p_next(p);
        if (is_digit(p_peek(p))) {
            p_error(p, "leading zero");
            return NULL;
        }
    } else if (is_digit(p_peek(p))) {
        while (is_digit(p_peek(p)))
            p_next(p);
    } else {
        p_error(p, "invalid number");
        return NULL;
    }
    if (p_peek(p) == '.') {
        is_float = 1;
        p_next(p);
        if (!is_digit(p_peek(p))) {
            p_error(p, "digit expected after '.'");
            return NULL;
        }
        while (is_digit(p_peek(p)))
            p_next(p);
    }
    if (p_peek(p) == 'e' || p_peek(p) == 'E') {
        is_float = 1;
        p_next(p);
        if (p_peek(p) == '+' || p_peek(p) == '-')
            p_next(p);
        if (!is_digit(p_peek(p))) {
            p_error(p, "digit expected in exponent");
            return NULL;
        }
        while (is_digit(p_peek(p)))
            p_next(p);
    }
    size_t end = p->pos;
    if (!is_float) {
        /* try exact 64-bit integer; fall back to double on overflow */
        uint64_t mag = 0;
        int overflow = 0;
        size_t i = start + (size_t)neg;
        uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
        for (; i < end; i++) {
            uint64_t d = (uint64_t)(p->src[i] - '0');
            if (mag > (limit - d) / 10u) {
                overflow = 1;
                break;
            }
            mag = mag * 10u + d;
        }
        if (!overflow) {
            int64_t val;
            if (neg) {
                if (mag == (uint64_t)INT64_MAX + 1u)
                    val = INT64_MIN;
                else
                    val = -(int64_t)mag;
            } else {
                val = (int64_t)mag;
            }
            return jv_new_int(val);
        }
    }
    char tmp[64];
    size_t n = end - start;
    if (n >= sizeof(tmp)) {
        p_error(p, "number too long");
        return NULL;
    }
    memcpy(tmp, p->src + start, n);
    tmp[n] = '\0';
    JValue *v = jv_new(J_DOUBLE);
    v->u.d = strtod(tmp, NULL);
    return v;
}

static JValue *p_parse_value(Parser *p, StrBuf *scratch);

static JValue *p_parse_array(Parser *p, StrBuf *scratch)
{
    JValue *a = jv_new(J_ARRAY);
    p_next(p); /* '[' */
    p_skip_ws(p);
    if (p_peek(p) == ']') {
        p_next(p);
        return a;
    }
    for (;;) {
        JValue *item = p_parse_value(p, scratch);
        if (!item) {
            jv_free(a);
            return NULL;
        }
        jv_array_push(a, item);
        p_skip_ws(p);
        int c = p_next(p);
        if (c == ',') {
            p_skip_ws(p);
            continue;
        }
        if (c == ']')
            return a;
        p_error(p, "expected ',' or ']'");
        jv_free(a);
        return NULL;
    }
}

static JValue *p_parse_object(Parser *p, StrBuf *scratch)
{
    JValue *o = jv_new(J_OBJECT);
    p_next(p); /* '{' */
    p_skip_ws(p);
    if (p_peek(p) == '}') {
        p_next(p);
        return o;
    }
    for (;;) {
        if (p_peek(p) != '"') {
            p_error(p, "expected object key");
            jv_free(o);
            return NULL;
        }
        if (!p_parse_string_raw(p, scratch)) {
            jv_free(o);
            return NULL;
        }
        size_t klen = scratch->len;
        char *key = (char *)xmalloc(klen + 1);
        memcpy(key, scratch->data, klen + 1);
        p_skip_ws(p);
        if (p_next(p) != ':') {
            p_error(p, "expected ':'");
            free(key);
            jv_free(o);
            return NULL;
        }
        p_skip_ws(p);
        JValue *val = p_parse_value(p, scratch);
        if (!val) {
            free(key);
            jv_free(o);
            return NULL;
        }
        jv_object_add(o, key, klen, val);
        p_skip_ws(p);
        int c = p_next(p);
        if (c == ',') {
            p_skip_ws(p);
            continue;
        }
        if (c == '}')
            return o;
        p_error(p, "expected ',' or '}'");
        jv_free(o);
        return NULL;
    }
}

static JValue *p_parse_value(Parser *p, StrBuf *scratch)
{
    p_skip_ws(p);
    if (p->depth >= JSON_MAX_DEPTH) {
        p_error(p, "nesting too deep");
        return NULL;
    }
    int c = p_peek(p);
    JValue *v = NULL;
    switch (c) {
    case '{':
        p->depth++;
        v = p_parse_object(p, scratch);
        p->depth--;
        break;
    case '[':
        p->depth++;
        v = p_parse_array(p, scratch);
        p->depth--;
        break;
    case '"':
        if (p_parse_string_raw(p, scratch))
            v = jv_new_string(scratch->data, scratch->len);
        break;
    case 't':
        if (p_expect_word(p, "true"))
            v = jv_new(J_TRUE);
        break;
    case 'f':
        if (p_expect_word(p, "false"))
            v = jv_new(J_FALSE);
        break;
    case 'n':
        if (p_expect_word(p, "null"))
            v = jv_new(J_NULL);
        break;
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
        v = p_parse_number(p);
        break;
    case -1:
        p_error(p, "unexpected end of input");
        break;
    default:
        p_error(p, "unexpected character");
        break;
    }
    return v;
}

static JValue *json_parse(const char *src, size_t len, char *errbuf, size_t errcap)
{
    Parser p;
    StrBuf scratch;
    memset(&p, 0, sizeof(p));
    p.src = src;
    p.len = len;
    p.line = 1;
    p.col = 1;
    sb_init(&scratch);
    JValue *v = p_parse_value(&p, &scratch);
    if (v) {
        p_skip_ws(&p);
        if (p.pos != p.len) {
            p_error(&p, "trailing garbage");
            jv_free(v);
            v = NULL;
        }
    }
    sb_free(&scratch);
    if (!v && errbuf && errcap)
        snprintf(errbuf, errcap, "%s", p.errmsg);
    return v;
}

/* ------------------------------------------------------------------------- */
/* Serializer and pretty printer                                             */
/* ------------------------------------------------------------------------- */

static const char hexdigits[] = "0123456789abcdef";

static void ser_string(StrBuf *sb, const char *s, size_t n, int ascii_only)
{
    sb_putc(sb, '"');
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            sb_append(sb, "\\\"");
            i++;
            continue;
        case '\\':
            sb_append(sb, "\\\\");
            i++;
            continue;
        case '\n':
            sb_append(sb, "\\n");
            i++;
            continue;
        case '\r':
            sb_append(sb, "\\r");
            i++;
            continue;
        case '\t':
            sb_append(sb, "\\t");
            i++;
            continue;
        case '\b':
            sb_append(sb, "\\b");
            i++;
            continue;
        case '\f':
            sb_append(sb, "\\f");
            i++;
            continue;
        default:
            break;
        }
        if (c < 0x20) {
            char esc[7] = {'\\', 'u', '0', '0', hexdigits[c >> 4], hexdigits[c & 15], 0};
            sb_append(sb, esc);
            i++;
        } else if (c < 0x80 || !ascii_only) {
            sb_putc(sb, (char)c);
            i++;
        } else {
            /* decode UTF-8 (already validated) and emit \u escapes */
            uint32_t cp;
            int extra;
            if (c >= 0xF0) {
                cp = c & 0x07u;
                extra = 3;
            } else if (c >= 0xE0) {
                cp = c & 0x0Fu;
                extra = 2;
            } else {
                cp = c & 0x1Fu;
                extra = 1;
            }
            i++;
            for (int k = 0; k < extra && i < n; k++, i++)
                cp = (cp << 6) | ((unsigned char)s[i] & 0x3Fu);
            uint32_t units[2];
            int nu = 0;
            if (cp >= 0x10000) {
                uint32_t v = cp - 0x10000;
                units[nu++] = 0xD800 + (v >> 10);
                units[nu++] = 0xDC00 + (v & 0x3FF);
            } else {
                units[nu++] = cp;
            }
            for (int k = 0; k < nu; k++) {
                char esc[7];
                esc[0] = '\\';
                esc[1] = 'u';
                esc[2] = hexdigits[(units[k] >> 12) & 15];
                esc[3] = hexdigits[(units[k] >> 8) & 15];
                esc[4] = hexdigits[(units[k] >> 4) & 15];
                esc[5] = hexdigits[units[k] & 15];
                esc[6] = 0;
                sb_append(sb, esc);
            }
        }
    }
    sb_putc(sb, '"');
}

static void ser_int(StrBuf *sb, int64_t v)
{
    char buf[24];
    int n = 0;
    uint64_t mag;
    if (v < 0)
        mag = (uint64_t)0 - (uint64_t)v;
    else
        mag = (uint64_t)v;
    do {
        buf[n++] = (char)('0' + (int)(mag % 10u));
        mag /= 10u;
    } while (mag);
    if (v < 0)
        sb_putc(sb, '-');
    while (n > 0)
        sb_putc(sb, buf[--n]);
}

static void ser_double(StrBuf *sb, double d)
{
    char buf[40];
    snprintf(buf, sizeof(buf), "%.17g", d);
    /* make sure it still reads back as a floating-point number */
    if (!strchr(buf, '.') && !strchr(buf, 'e') && !strchr(buf, 'n') && !strchr(buf, 'i'))
        strcat(buf, ".0");
    sb_append(sb, buf);
}

typedef struct {
    int pretty;
    int indent;
    int ascii_only;
    int sort_keys;
} SerOpts;

static int member_cmp(const void *a, const void *b)
{
    const JMember *x = *(const JMember *const *)a;
    const JMember *y = *(const JMember *const *)b;
    size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    if (x->keylen < y->keylen)
        return -1;
    if (x->keylen > y->keylen)
        return 1;
    return 0;
}

static void serialize(StrBuf *sb, const JValue *v, const SerOpts *o, int level)
{
    switch (v->type) {
    case J_NULL:
        sb_append(sb, "null");
        break;
    case J_FALSE:
        sb_append(sb, "false");
        break;
    case J_TRUE:
        sb_append(sb, "true");
        break;
    case J_INT:
        ser_int(sb, v->u.i);
        break;
    case J_DOUBLE:
        ser_double(sb, v->u.d);
        break;
    case J_STRING:
        ser_string(sb, v->u.str.s, v->u.str.len, o->ascii_only);
        break;
    case J_ARRAY:
        if (v->u.arr.n == 0) {
            sb_append(sb, "[]");
            break;
        }
        sb_putc(sb, '[');
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                sb_putc(sb, ',');
            if (o->pretty) {
                sb_putc(sb, '\n');
                sb_indent(sb, (level + 1) * o->indent);
            }
            serialize(sb, v->u.arr.items[i], o, level + 1);
        }
        if (o->pretty) {
            sb_putc(sb, '\n');
            sb_indent(sb, level * o->indent);
        }
        sb_putc(sb, ']');
        break;
    case J_OBJECT: {
        size_t n = v->u.obj.n;
        if (n == 0) {
            sb_append(sb, "{}");
            break;
        }
        const JMember **order = (const JMember **)xmalloc(n * sizeof(JMember *));
        for (size_t i = 0; i < n; i++)
            order[i] = &v->u.obj.mem[i];
        if (o->sort_keys)
            qsort(order, n, sizeof(JMember *), member_cmp);
        sb_putc(sb, '{');
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_putc(sb, ',');
            if (o->pretty) {
                sb_putc(sb, '\n');
                sb_indent(sb, (level + 1) * o->indent);
            }
            ser_string(sb, order[i]->key, order[i]->keylen, o->ascii_only);
            sb_putc(sb, ':');
            if (o->pretty)
                sb_putc(sb, ' ');
            serialize(sb, order[i]->val, o, level + 1);
        }
        free(order);
        if (o->pretty) {
            sb_putc(sb, '\n');
            sb_indent(sb, level * o->indent);
        }
        sb_putc(sb, '}');
        break;
    }
    }
}

/* ------------------------------------------------------------------------- */
/* Structural equality and statistics                                        */
/* ------------------------------------------------------------------------- */

static int jv_equal(const JValue *a, const JValue *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case J_NULL:
    case J_TRUE:
    case J_FALSE:
        return 1;
    case J_INT:
        return a->u.i == b->u.i;
    case J_DOUBLE:
        return a->u.d == b->u.d;
    case J_STRING:
        return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
    case J_ARRAY:
        if (a->u.arr.n != b->u.arr.n)
            return 0;
        for (size_t i = 0; i < a->u.arr.n; i++)
            if (!jv_equal(a->u.arr.items[i], b->u.arr.items[i]))
                return 0;
        return 1;
    case J_OBJECT:
        if (a->u.obj.n != b->u.obj.n)
            return 0;
        for (size_t i = 0; i < a->u.obj.n; i++) {
            const JMember *m = &a->u.obj.mem[i];
            const JValue *other = jv_object_get(b, m->key, m->keylen);
            if (!other || !jv_equal(m->val, other))
                return 0;
        }
        return 1;
    }
    return 0;
}

typedef struct {
    long counts[8];
    int max_depth;
    int64_t int_sum;
    double dbl_sum;
    size_t str_bytes;
    uint32_t key_hash;
} JStats;

static void jv_stats(const JValue *v, JStats *st, int depth)
{
    st->counts[v->type]++;
    if (depth > st->max_depth)
        st->max_depth = depth;
    switch (v->type) {
    case J_INT:
        /* wrap-around free: values are bounded in the test docs, but be safe */
        st->int_sum = (int64_t)((uint64_t)st->int_sum + (uint64_t)v->u.i);
        break;
    case J_DOUBLE:
        st->dbl_sum += v->u.d;
        break;
    case J_STRING:
        st->str_bytes += v->u.str.len;
        break;
    case J_ARRAY:
        for (size_t i = 0; i < v->u.arr.n; i++)
            jv_stats(v->u.arr.items[i], st, depth + 1);
        break;
    case J_OBJECT:
        for (size_t i = 0; i < v->u.obj.n; i++) {
            st->key_hash = fnv1a(st->key_hash, v->u.obj.mem[i].key, v->u.obj.mem[i].keylen);
            jv_stats(v->u.obj.mem[i].val, st, depth + 1);
        }
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------------- */
/* Path queries:  a.b[3].c  or  $.a["weird key"][0]                          */
/* ------------------------------------------------------------------------- */

static const JValue *json_query(const JValue *root, const char *path)
{
    const JValue *cur = root;
    const char *s = path;
    if (*s == '$')
        s++;
    while (*s && cur) {
        if (*s == '.') {
            s++;
            continue;
        }
        if (*s == '[') {
            s++;
            if (*s == '"') {
                const char *k = ++s;
                while (*s && *s != '"')
                    s++;
                size_t kl = (size_t)(s - k);
                if (*s != '"')
                    return NULL;
                s++;
                if (*s != ']')
                    return NULL;
                s++;
                cur = jv_object_get(cur, k, kl);
            } else {
                long idx = 0;
                int neg = 0;
                if (*s == '-') {
                    neg = 1;
                    s++;
                }
                if (!is_digit((unsigned char)*s))
                    return NULL;
                while (is_digit((unsigned char)*s)) {
                    if (idx < 100000000L)
                        idx = idx * 10 + (*s - '0');
                    s++;
                }
                if (*s != ']')
                    return NULL;
                s++;
                if (!cur || cur->type != J_ARRAY)
                    return NULL;
                if (neg)
                    idx = (long)cur->u.arr.n - idx;
                if (idx < 0 || (size_t)idx >= cur->u.arr.n)
                    return NULL;
                cur = cur->u.arr.items[idx];
            }
        } else {
            const char *k = s;
            while (*s && *s != '.' && *s != '[')
                s++;
            cur = jv_object_get(cur, k, (size_t)(s - k));
        }
    }
    return cur;
}

static void describe(StrBuf *sb, const JValue *v)
{
    SerOpts o = {0, 0, 1, 1};
    if (!v) {
        sb_append(sb, "<missing>");
        return;
    }
    serialize(sb, v, &o, 0);
}

/* ------------------------------------------------------------------------- */
/* Deep copy, merge patch (RFC 7396), JSON pointer (RFC 6901), minifier      */
/* ------------------------------------------------------------------------- */

static JValue *jv_clone(const JValue *v)
{
    JValue *c;
    switch (v->type) {
    case J_INT:
        return jv_new_int(v->u.i);
    case J_DOUBLE:
        c = jv_new(J_DOUBLE);
        c->u.d = v->u.d;
        return c;
    case J_STRING:
        return jv_new_string(v->u.str.s, v->u.str.len);
    case J_ARRAY:
        c = jv_new(J_ARRAY);
        for (size_t i = 0; i < v->u.arr.n; i++)
            jv_array_push(c, jv_clone(v->u.arr.items[i]));
        return c;
    case J_OBJECT:
        c = jv_new(J_OBJECT);
        for (size_t i = 0; i < v->u.obj.n; i++) {
            const JMember *m = &v->u.obj.mem[i];
            char *k = (char *)xmalloc(m->keylen + 1);
            memcpy(k, m->key, m->keylen);
            k[m->keylen] = '\0';
            jv_object_add(c, k, m->keylen, jv_clone(m->val));
        }
        return c;
    default:
        return jv_new(v->type);
    }
}

static void jv_object_remove(JValue *o, const char *key, size_t keylen)
{
    size_t w = 0;
    for (size_t i = 0; i < o->u.obj.n; i++) {
        JMember *m = &o->u.obj.mem[i];
        if (m->keylen == keylen && memcmp(m->key, key, keylen) == 0) {
            free(m->key);
            jv_free(m->val);
        } else {
            o->u.obj.mem[w++] = *m;
        }
    }
    o->u.obj.n = w;
}

static JMember *jv_object_find_member(JValue *o, const char *key, size_t keylen)
{
    for (size_t i = 0; i < o->u.obj.n; i++) {
        JMember *m = &o->u.obj.mem[i];
        if (m->keylen == keylen && memcmp(m->key, key, keylen) == 0)
            return m;
    }
    return NULL;
}

/* Applies patch to target (which it consumes) and returns the result. */
static JValue *merge_patch(JValue *target, const JValue *patch)
{
    if (patch->type != J_OBJECT) {
        jv_free(target);
        return jv_clone(patch);
    }
    if (!target || target->type != J_OBJECT) {
        jv_free(target);
        target = jv_new(J_OBJECT);
    }
    for (size_t i = 0; i < patch->u.obj.n; i++) {
        const JMember *pm = &patch->u.obj.mem[i];
        if (pm->val->type == J_NULL) {
            jv_object_remove(target, pm->key, pm->keylen);
            continue;
        }
        JMember *tm = jv_object_find_member(target, pm->key, pm->keylen);
        if (tm) {
            tm->val = merge_patch(tm->val, pm->val);
        } else {
            char *k = (char *)xmalloc(pm->keylen + 1);
            memcpy(k, pm->key, pm->keylen);
            k[pm->keylen] = '\0';
            jv_object_add(target, k, pm->keylen, merge_patch(NULL, pm->val));
        }
    }
    return target;
}

/* RFC 6901 pointer: "/a/b~1c/0". Returns NULL when not found or malformed. */
static const JValue *json_pointer(const JValue *root, const char *ptr)
{
    const JValue *cur = root;
    char tok[128];
    if (*ptr == '\0')
        return root;
    while (*ptr) {
        if (*ptr != '/')
            return NULL;
        ptr++;
        size_t n = 0;
        while (*ptr && *ptr != '/') {
            char c = *ptr++;
            if (c == '~') {
                if (*ptr == '0')
                    c = '~';
                else if (*ptr == '1')
                    c = '/';
                else
                    return NULL;
                ptr++;
            }
            if (n + 1 >= sizeof(tok))
                return NULL;
            tok[n++] = c;
        }
        tok[n] = '\0';
        if (cur->type == J_OBJECT) {
            cur = jv_object_get(cur, tok, n);
        } else if (cur->type == J_ARRAY) {
            size_t idx = 0;
            if (n == 0 || (n > 1 && tok[0] == '0'))
                return NULL;
            for (size_t i = 0; i < n; i++) {
                if (!is_digit((unsigned char)tok[i]) || idx > 100000000u)
                    return NULL;
                idx = idx * 10u + (size_t)(tok[i] - '0');
            }
            if (idx >= cur->u.arr.n)
                return NULL;
            cur = cur->u.arr.items[idx];
        } else {
            return NULL;
        }
        if (!cur)
            return NULL;
    }
    return cur;
}

/* Removes insignificant whitespace from JSON text without building a tree. */
static void minify_text(StrBuf *out, const char *s, size_t n)
{
    int in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            sb_putc(out, c);
            if (c == '\\' && i + 1 < n) {
                sb_putc(out, s[++i]);
            } else if (c == '"') {
                in_str = 0;
            }
        } else if (c == '"') {
            in_str = 1;
            sb_putc(out, c);
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            sb_putc(out, c);
        }
    }
}

/* Token-level scanner used as an independent validator: counts tokens by kind. */
typedef struct {
    long punct, strings, numbers, literals;
} TokCounts;

static int scan_tokens(const char *s, size_t n, TokCounts *tc)
{
    size_t i = 0;
    memset(tc, 0, sizeof(*tc));
    while (i < n) {
        char c = s[i];
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            i++;
            break;
        case '{':
        case '}':
        case '[':
        case ']':
        case ':':
        case ',':
            tc->punct++;
            i++;
            break;
        case '"':
            i++;
            while (i < n && s[i] != '"') {
                if (s[i] == '\\')
                    i++;
                i++;
            }
            if (i >= n)
                return 0;
            i++;
            tc->strings++;
            break;
        case 't':
        case 'f':
        case 'n':
            while (i < n && s[i] >= 'a' && s[i] <= 'z')
                i++;
            tc->literals++;
            break;
        default:
            if (c == '-' || is_digit((unsigned char)c)) {
                while (i < n && (is_digit((unsigned char)s[i]) || s[i] == '-' || s[i] == '+' ||
                                 s[i] == '.' || s[i] == 'e' || s[i] == 'E'))
                    i++;
                tc->numbers++;
            } else {
                return 0;
            }
            break;
        }
    }
    return 1;
}

static long tree_token_count(const JValue *v)
{
    long n = 0;
    switch (v->type) {
    case J_ARRAY:
        n = 2 + (v->u.arr.n ? (long)v->u.arr.n - 1 : 0);
        for (size_t i = 0; i < v->u.arr.n; i++)
            n += tree_token_count(v->u.arr.items[i]);
        return n;
    case J_OBJECT:
        n = 2 + (v->u.obj.n ? (long)v->u.obj.n - 1 : 0);
        for (size_t i = 0; i < v->u.obj.n; i++)
            n += 2 + tree_token_count(v->u.obj.mem[i].val);
        return n;
    default:
        return 1;
    }
}

/* ------------------------------------------------------------------------- */
/* Test documents                                                            */
/* ------------------------------------------------------------------------- */

static const char *const docs[] = {
    "{\"store\":{\"book\":[{\"category\":\"reference\",\"author\":\"Nigel Rees\","
    "\"title\":\"Sayings of the Century\",\"price\":8.95},"
    "{\"category\":\"fiction\",\"author\":\"Evelyn Waugh\",\"title\":\"Sword of Honour\","
    "\"price\":12.99},{\"category\":\"fiction\",\"author\":\"Herman Melville\","
    "\"title\":\"Moby Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},"
    "{\"category\":\"fiction\",\"author\":\"J. R. R. Tolkien\",\"title\":"
    "\"The Lord of the Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}],"
    "\"bicycle\":{\"color\":\"red\",\"price\":19.95}},\"expensive\":10}",

    "  [ 1, -2, 3.5e2, -0.125, 1E-3, 0, -0, 9223372036854775807, -9223372036854775808,\n"
    "    18446744073709551616, true, false, null, [], {}, [[[]]], \"\" ]  ",

    "{\"escapes\": \"quote\\\" backslash\\\\ slash\\/ \\b\\f\\n\\r\\t end\","
    " \"unicode\": \"caf\\u00e9 \\u4e2d\\u6587 \\ud83d\\ude00 \\u0001\","
    " \"raw\": \"na\xc3\xafve \xe2\x82\xac 5\","
    " \"weird key\": {\"a.b\": [10, 20, 30]}}",

    "{\"menu\": {\n  \"id\": \"file\",\n  \"value\": \"File\",\n  \"popup\": {\n"
    "    \"menuitem\": [\n      {\"value\": \"New\", \"onclick\": \"CreateNewDoc()\"},\n"
    "      {\"value\": \"Open\", \"onclick\": \"OpenDoc()\"},\n"
    "      {\"value\": \"Close\", \"onclick\": \"CloseDoc()\"}\n    ]\n  }\n}}\n",

    "{\"widget\":{\"debug\":\"on\",\"window\":{\"title\":\"Sample Widget\",\"name\":"
    "\"main_window\",\"width\":500,\"height\":500},\"image\":{\"src\":\"Images/Sun.png\","
    "\"hOffset\":250,\"vOffset\":250,\"alignment\":\"center\"},\"text\":{\"data\":"
    "\"Click Here\",\"size\":36,\"style\":\"bold\",\"vOffset\":100,\"alignment\":\"center\","
    "\"onMouseUp\":\"sun1.opacity = (sun1.opacity / 100) * 90;\"}}}",
};

static const char *const bad_docs[] = {
    "{\"a\": 1,}",
    "[1, 2",
    "{\"a\" 1}",
    "\"unterminated",
    "[01]",
    "[1.]",
    "[1e]",
    "tru",
    "{\"x\": \"\\q\"}",
    "[\"\\ud800\"]",
    "[\"\\udc00\"]",
    "[\"bad \xc0\xaf utf8\"]",
    "[\"ctl \x01 char\"]",
    "{} extra",
    "",
    "[-]",
    "{1: 2}",
    "[\"\\u12g4\"]",
};

static const char *const queries[][2] = {
    {"0", "store.book[0].author"},
    {"0", "store.book[2].isbn"},
    {"0", "store.book[-1].title"},
    {"0", "$.store.bicycle"},
    {"0", "store.book[7]"},
    {"0", "expensive"},
    {"1", "[7]"},
    {"1", "[9]"},
    {"1", "[15]"},
    {"2", "unicode"},
    {"2", "[\"weird key\"][\"a.b\"][1]"},
    {"3", "menu.popup.menuitem[1].onclick"},
    {"4", "widget.text.onMouseUp"},
    {"4", "widget.window"},
};

/* ------------------------------------------------------------------------- */
/* Generated document                                                        */
/* ------------------------------------------------------------------------- */

static uint32_t rng_state = 0x2545F491u;

static uint32_t rng_next(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

static const char *const words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta",
                                    "eta", "theta", "iota", "kappa", "lambda", "mu"};

static void gen_string(StrBuf *sb)
{
    int nw = 1 + (int)(rng_next() % 4u);
    sb_putc(sb, '"');
    for (int i = 0; i < nw; i++) {
        if (i)
            sb_putc(sb, ' ');
        sb_append(sb, words[rng_next() % 12u]);
    }
    switch (rng_next() % 6u) {
    case 0:
        sb_append(sb, "\\n");
        break;
    case 1:
        sb_append(sb, "\\u00e9");
        break;
    case 2:
        sb_append(sb, "\\\"q\\\"");
        break;
    case 3:
        sb_append(sb, "\\ud834\\udd1e");
        break;
    default:
        break;
    }
    sb_putc(sb, '"');
}

static void gen_value(StrBuf *sb, int depth)
{
    uint32_t r = rng_next() % 10u;
    if (depth >= 5 && r >= 7)
        r = r % 7u;
    char num[32];
    switch (r) {
    case 0:
    case 1:
        snprintf(num, sizeof(num), "%ld", (long)(rng_next() % 200001u) - 100000L);
        sb_append(sb, num);
        break;
    case 2:
        {
            unsigned ip = rng_next() % 1000u;
            unsigned fp = rng_next() % 1000u;
            snprintf(num, sizeof(num), "%u.%03u", ip, fp);
        }
        sb_append(sb, num);
        break;
    case 3:
    case 4:
        gen_string(sb);
        break;
    case 5:
        sb_append(sb, (rng_next() & 1u) ? "true" : "false");
        break;
    case 6:
        sb_append(sb, "null");
        break;
    case 7:
    case 8: {
        int n = (int)(rng_next() % 6u);
        sb_putc(sb, '[');
        for (int i = 0; i < n; i++) {
            if (i)
                sb_append(sb, ", ");
            gen_value(sb, depth + 1);
        }
        sb_putc(sb, ']');
        break;
    }
    default: {
        int n = (int)(rng_next() % 6u);
        sb_putc(sb, '{');
        for (int i = 0; i < n; i++) {
            if (i)
                sb_putc(sb, ',');
            snprintf(num, sizeof(num), "\"%s_%d\": ", words[rng_next() % 12u], i);
            sb_append(sb, num);
            gen_value(sb, depth + 1);
        }
        sb_putc(sb, '}');
        break;
    }
    }
}

static void gen_document(StrBuf *sb, int records)
{
    sb_append(sb, "{\"records\": [\n");
    for (int i = 0; i < records; i++) {
        char head[64];
        if (i)
            sb_append(sb, ",\n");
        snprintf(head, sizeof(head), "{\"id\": %d, \"payload\": ", i);
        sb_append(sb, head);
        gen_value(sb, 1);
        sb_append(sb, ", \"tag\": ");
        gen_string(sb);
        sb_putc(sb, '}');
    }
    sb_append(sb, "\n], \"count\": ");
    ser_int(sb, records);
    sb_append(sb, "}");
}

/* ------------------------------------------------------------------------- */
/* Driver                                                                    */
/* ------------------------------------------------------------------------- */

static int round_trip(const char *src, size_t len, uint32_t *h, JStats *st, int verbose)
{
    char err[128];
    JValue *v = json_parse(src, len, err, sizeof(err));
    if (!v) {
        printf("parse error: %s\n", err);
        return 0;
    }
    SerOpts compact = {0, 0, 0, 0};
    SerOpts ascii = {0, 0, 1, 1};
    SerOpts pretty = {1, 2, 0, 1};
    SerOpts canon = {0, 0, 0, 1};
    StrBuf s1, s2, s3, sc;
    sb_init(&s1);
    sb_init(&s2);
    sb_init(&s3);
    sb_init(&sc);
    serialize(&sc, v, &canon, 0);
    serialize(&s1, v, &compact, 0);
    serialize(&s2, v, &ascii, 0);
    serialize(&s3, v, &pretty, 0);
    int ok = 1;
    /* every rendering must parse back to an equal tree */
    const StrBuf *forms[3] = {&s1, &s2, &s3};
    for (int k = 0; k < 3; k++) {
        JValue *w = json_parse(forms[k]->data, forms[k]->len, err, sizeof(err));
        if (!w || !jv_equal(v, w)) {
            ok = 0;
        } else {
            StrBuf again;
            sb_init(&again);
            serialize(&again, w, &canon, 0);
            if (again.len != sc.len || memcmp(again.data, sc.data, sc.len) != 0)
                ok = 0;
            sb_free(&again);
        }
        jv_free(w);
    }
    *h = fnv1a(*h, s1.data, s1.len);
    *h = fnv1a(*h, s2.data, s2.len);
    *h = fnv1a(*h, s3.data, s3.len);
    jv_stats(v, st, 0);
    if (verbose)
        printf("  compact=%zu ascii=%zu pretty=%zu roundtrip=%s\n", s1.len, s2.len, s3.len,
               ok ? "ok" : "FAIL");
    sb_free(&s1);
    sb_free(&s2);
    sb_free(&s3);
    sb_free(&sc);
    jv_free(v);
    return ok;
}

int main(void)
{
    uint32_t h = 2166136261u;
    int failures = 0;
    size_t ndocs = sizeof(docs) / sizeof(docs[0]);
    JStats st;
    memset(&st, 0, sizeof(st));
    st.key_hash = 2166136261u;

    printf("embedded documents: %zu\n", ndocs);
    for (size_t i = 0; i < ndocs; i++) {
        printf("doc %zu:", i);
        if (!round_trip(docs[i], strlen(docs[i]), &h, &st, 1))
            failures++;
    }

    /* pretty print of a small document */
    {
        char err[128];
        JValue *v = json_parse(docs[3], strlen(docs[3]), err, sizeof(err));
        if (v) {
            StrBuf sb;
            SerOpts pretty = {1, 2, 0, 0};
            sb_init(&sb);
            serialize(&sb, v, &pretty, 0);
            printf("%s\n", sb.data);
            sb_free(&sb);
            jv_free(v);
        } else {
            failures++;
        }
    }

    /* path queries */
    JValue *parsed[5];
    for (size_t i = 0; i < ndocs; i++)
        parsed[i] = json_parse(docs[i], strlen(docs[i]), NULL, 0);
    size_t nq = sizeof(queries) / sizeof(queries[0]);
    for (size_t i = 0; i < nq; i++) {
        int d = queries[i][0][0] - '0';
        const JValue *r = json_query(parsed[d], queries[i][1]);
        StrBuf sb;
        sb_init(&sb);
        describe(&sb, r);
        printf("query doc%d %-36s -> %s\n", d, queries[i][1], sb.data);
        h = fnv1a(h, sb.data, sb.len);
        sb_free(&sb);
    }
    for (size_t i = 0; i < ndocs; i++)
        jv_free(parsed[i]);

    /* error handling */
    size_t nbad = sizeof(bad_docs) / sizeof(bad_docs[0]);
    int rejected = 0;
    for (size_t i = 0; i < nbad; i++) {
        char err[128];
        JValue *v = json_parse(bad_docs[i], strlen(bad_docs[i]), err, sizeof(err));
        if (v) {
            printf("bad doc %zu unexpectedly accepted\n", i);
            jv_free(v);
            failures++;
        } else {
            rejected++;
            h = fnv1a(h, err, strlen(err));
            if (i < 6)
                printf("bad doc %zu: %s\n", i, err);
        }
    }
    printf("rejected %d/%zu invalid documents\n", rejected, nbad);

    /* deep nesting limit */
    {
        StrBuf sb;
        sb_init(&sb);
        for (int i = 0; i < 80; i++)
            sb_putc(&sb, '[');
        for (int i = 0; i < 80; i++)
            sb_putc(&sb, ']');
        char err[128];
        JValue *v = json_parse(sb.data, sb.len, err, sizeof(err));
        printf("depth 80: %s\n", v ? "accepted" : err);
        jv_free(v);
        sb_free(&sb);
    }

    /* generated documents */
    for (int round = 0; round < 3; round++) {
        StrBuf gen;
        sb_init(&gen);
        gen_document(&gen, 60 + round * 40);
        JStats gst;
        memset(&gst, 0, sizeof(gst));
        gst.key_hash = 2166136261u;
        uint32_t gh = 2166136261u;
        if (!round_trip(gen.data, gen.len, &gh, &gst, 0))
            failures++;
        printf("generated %d: %zu bytes, nodes n/f/t/i/d/s/a/o = %ld/%ld/%ld/%ld/%ld/%ld/%ld/%ld, "
               "depth %d, intsum %lld, dblsum %.3f, keys %08x\n",
               round, gen.len, gst.counts[0], gst.counts[1], gst.counts[2], gst.counts[3],
               gst.counts[4], gst.counts[5], gst.counts[6], gst.counts[7], gst.max_depth,
               (long long)gst.int_sum, gst.dbl_sum, (unsigned)gst.key_hash);
        h ^= gh;
        h *= 16777619u;
        h ^= gst.key_hash;
        h *= 16777619u;
        sb_free(&gen);
    }

    /* JSON pointers, merge patches, minifier and token scan */
    {
        static const char *const ptrs[] = {"/store/book/1/author", "/store/bicycle/color",
                                           "/store/book/01", "/weird key/a.b/2",
                                           "/escapes", "/menu/popup/menuitem/2/value",
                                           "/store/book/4", ""};
        static const int ptr_doc[] = {0, 0, 0, 2, 2, 3, 0, 4};
        for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
            JValue *v = json_parse(docs[ptr_doc[i]], strlen(docs[ptr_doc[i]]), NULL, 0);
            StrBuf sb;
            sb_init(&sb);
            describe(&sb, v ? json_pointer(v, ptrs[i]) : NULL);
            h = fnv1a(h, sb.data, sb.len);
            if (sb.len > 60)
                printf("pointer %-28s -> (%zu bytes)\n", ptrs[i], sb.len);
            else
                printf("pointer %-28s -> %s\n", ptrs[i], sb.data);
            sb_free(&sb);
            jv_free(v);
        }
        static const char *const patches[] = {
            ("{\"store\":{\"bicycle\":{\"color\":\"blue\",\"gears\":21},\"book\":null},"
             "\"expensive\":null,\"owner\":{\"name\":\"Ann\"}}"),
            "{\"widget\":{\"debug\":null,\"window\":{\"width\":640,\"height\":null}}}",
            "[1,2,3]",
        };
        static const int patch_doc[] = {0, 4, 3};
        for (size_t i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
            JValue *t = json_parse(docs[patch_doc[i]], strlen(docs[patch_doc[i]]), NULL, 0);
            JValue *pt = json_parse(patches[i], strlen(patches[i]), NULL, 0);
            if (!t || !pt) {
                failures++;
                jv_free(t);
                jv_free(pt);
                continue;
            }
            JValue *orig = jv_clone(t);
            if (!jv_equal(orig, t))
                failures++;
            t = merge_patch(t, pt);
            /* applying the same patch twice must be idempotent */
            JValue *t2 = merge_patch(jv_clone(t), pt);
            if (!jv_equal(t, t2))
                failures++;
            StrBuf sb;
            SerOpts canon = {0, 0, 1, 1};
            sb_init(&sb);
            serialize(&sb, t, &canon, 0);
            h = fnv1a(h, sb.data, sb.len);
            if (sb.len > 100)
                printf("patch %zu -> %zu bytes, changed=%d\n", i, sb.len, !jv_equal(orig, t));
            else
                printf("patch %zu -> %s\n", i, sb.data);
            sb_free(&sb);
            jv_free(t);
            jv_free(t2);
            jv_free(pt);
            jv_free(orig);
        }
        long ptotal = 0;
        for (size_t i = 0; i < ndocs; i++) {
            StrBuf m;
            TokCounts tc;
            sb_init(&m);
            minify_text(&m, docs[i], strlen(docs[i]));
            JValue *v = json_parse(m.data, m.len, NULL, 0);
            if (!v || !scan_tokens(m.data, m.len, &tc)) {
                failures++;
            } else {
                long tt = tc.punct + tc.strings + tc.numbers + tc.literals;
                if (tt != tree_token_count(v))
                    failures++;
                ptotal += tt;
            }
            h = fnv1a(h, m.data, m.len);
            jv_free(v);
            sb_free(&m);
        }
        printf("minified tokens total: %ld\n", ptotal);
    }

    printf("embedded stats: nodes=%ld depth=%d intsum=%lld strbytes=%zu\n",
           st.counts[0] + st.counts[1] + st.counts[2] + st.counts[3] + st.counts[4] +
               st.counts[5] + st.counts[6] + st.counts[7],
           st.max_depth, (long long)st.int_sum, st.str_bytes);
    printf("failures: %d\n", failures);
    printf("checksum: 0x%08x\n", (unsigned)h);
    return 0;
}
