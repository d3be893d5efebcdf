/* cgym-suite: category=parser; recursive-descent integer expression parser with variables, AST and direct evaluators cross-checked */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

/* ------------------------------------------------------------------------- */
/* Checked 64-bit integer arithmetic                                         */
/* ------------------------------------------------------------------------- */

enum { E_OK = 0, E_OVERFLOW, E_DIVZERO, E_NEGEXP, E_UNDEF, E_ARGS, E_SYNTAX };

static const char *const err_names[] = {"ok",        "overflow",       "division by zero",
                                        "negative exponent", "undefined variable",
                                        "bad arguments", "syntax error"};

static int ck_add(int64_t a, int64_t b, int64_t *r)
{
    if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
        return E_OVERFLOW;
    *r = a + b;
    return E_OK;
}

static int ck_sub(int64_t a, int64_t b, int64_t *r)
{
    if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b))
        return E_OVERFLOW;
    *r = a - b;
    return E_OK;
}

static uint64_t magnitude(int64_t a)
{
    return a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
}

static int ck_mul(int64_t a, int64_t b, int64_t *r)
{
    int neg = (a < 0) != (b < 0);
    uint64_t ua = magnitude(a), ub = magnitude(b);
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    if (ua != 0 && ub > limit / ua)
        return E_OVERFLOW;
    uint64_t p = ua * ub;
    if (neg) {
        if (p == (uint64_t)INT64_MAX + 1u)
            *r = INT64_MIN;
        else
            *r = -(int64_t)p;
    } else {
        *r = (int64_t)p;
    }
    return E_OK;
}

static int ck_div(int64_t a, int64_t b, int64_t *r)
{
    if (b == 0)
        return E_DIVZERO;
    if (a == INT64_MIN && b == -1)
        return E_OVERFLOW;
    *r = a / b;
    return E_OK;
}

static int ck_mod(int64_t a, int64_t b, int64_t *r)
{
    if (b == 0)
        return E_DIVZERO;
    if (b == -1) {
        *r = 0;
        return E_OK;
    }
    *r = a % b;
    return E_OK;
}

static int ck_neg(int64_t a, int64_t *r)
{
    if (a == INT64_MIN)
        return E_OVERFLOW;
    *r = -a;
    return E_OK;
}

static int ck_pow(int64_t base, int64_t e, int64_t *r)
{
    if (e < 0)
        return E_NEGEXP;
    if (base == 0) {
        *r = e == 0 ? 1 : 0;
        return E_OK;
    }
    if (base == 1) {
        *r = 1;
        return E_OK;
    }
    if (base == -1) {
        *r = (e & 1) ? -1 : 1;
        return E_OK;
    }
    if (e > 63)
        return E_OVERFLOW;
    int64_t acc = 1;
    int64_t b = base;
    /* square-and-multiply with checks; only square when more bits remain */
    while (e > 0) {
        if (e & 1) {
            int rc = ck_mul(acc, b, &acc);
            if (rc)
                return rc;
        }
        e >>= 1;
        if (e > 0) {
            int rc = ck_mul(b, b, &b);
            if (rc)
                return rc;
        }
    }
    *r = acc;
    return E_OK;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    uint64_t x = magnitude(a), y = magnitude(b);
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    return (int64_t)x; /* caller guarantees the magnitude fits */
}

/* ------------------------------------------------------------------------- */
/* Lexer                                                                     */
/* ------------------------------------------------------------------------- */

typedef enum {
    T_NUM,
    T_IDENT,
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_PERCENT,
    T_POW,
    T_LPAREN,
    T_RPAREN,
    T_COMMA,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_EQ,
    T_NE,
    T_ANDAND,
    T_OROR,
    T_NOT,
    T_QUESTION,
    T_COLON,
    T_ASSIGN,
    T_END,
    T_BAD
} TokKind;

typedef struct {
    TokKind kind;
    int64_t num;
    char name[16];
    int pos;
} Token;

#define MAX_TOKENS 1024

typedef struct {
    Token tok[MAX_TOKENS];
    int n;
    int err_pos;
} TokenList;

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int lex(const char *s, TokenList *tl)
{
    int i = 0;
    tl->n = 0;
    tl->err_pos = -1;
    for (;;) {
        while (s[i] == ' ' || s[i] == '\t')
            i++;
        if (tl->n >= MAX_TOKENS - 1) {
            tl->err_pos = i;
            return 0;
        }
        Token *t = &tl->tok[tl->n];
        t->pos = i;
        t->num = 0;
        t->name[0] = '\0';
        char c = s[i];
        if (c == '\0') {
            t->kind = T_END;
            tl->n++;
            return 1;
        }
        if (is_digit(c)) {
            uint64_t v = 0;
            while (is_digit(s[i])) {
                uint64_t d = (uint64_t)(s[i] - '0');
                if (v > ((uint64_t)INT64_MAX - d) / 10u) {
                    tl->err_pos = t->pos;
                    return 0;
                }
                v = v * 10u + d;
                i++;
            }
            t->kind = T_NUM;
            t->num = (int64_t)v;
            tl->n++;
            continue;
        }
        if (is_alpha(c)) {
            int k = 0;
            while (is_alpha(s[i]) || is_digit(s[i])) {
                if (k < 15)
                    t->name[k++] = s[i];
                i++;
            }
            t->name[k] = '\0';
            t->kind = T_IDENT;
            tl->n++;
            continue;
        }
        char d = s[i + 1];
        int len = 1;
        switch (c) {
        case '+':
            t->kind = T_PLUS;
            break;
        case '-':
            t->kind = T_MINUS;
            break;
        case '*':
            if (d == '*') {
                t->kind = T_POW;
                len = 2;
            } else {
                t->kind = T_STAR;
            }
            break;
        case '/':
            t->kind = T_SLASH;
            break;
        case '%':
            t->kind = T_PERCENT;
            break;
        case '(':
            t->kind = T_LPAREN;
            break;
        case ')':
            t->kind = T_RPAREN;
            break;
        case ',':
            t->kind = T_COMMA;
            break;
        case '?':
            t->kind = T_QUESTION;
            break;
        case ':':
            t->kind = T_COLON;
            break;
        case '<':
            if (d == '=') {
                t->kind = T_LE;
                len = 2;
            } else {
                t->kind = T_LT;
            }
            break;
        case '>':
            if (d == '=') {
                t->kind = T_GE;
                len = 2;
            } else {
                t->kind = T_GT;
            }
            break;
        case '=':
            if (d == '=') {
                t->kind = T_EQ;
                len = 2;
            } else {
                t->kind = T_ASSIGN;
            }
            break;
        case '!':
            if (d == '=') {
                t->kind = T_NE;
                len = 2;
            } else {
                t->kind = T_NOT;
            }
            break;
        case '&':
            if (d != '&') {
                tl->err_pos = i;
                return 0;
            }
            t->kind = T_ANDAND;
            len = 2;
            break;
        case '|':
            if (d != '|') {
                tl->err_pos = i;
                return 0;
            }
            t->kind = T_OROR;
            len = 2;
            break;
        default:
            tl->err_pos = i;
            return 0;
        }
        i += len;
        tl->n++;
    }
}

/* ------------------------------------------------------------------------- */
/* Environment                                                               */
/* ------------------------------------------------------------------------- */

#define MAX_VARS 32

typedef struct {
    char name[MAX_VARS][16];
    int64_t val[MAX_VARS];
    int n;
} Env;

static int env_find(const Env *e, const char *name)
{
    for (int i = 0; i < e->n; i++)
        if (strcmp(e->name[i], name) == 0)
            return i;
    return -1;
}

static void env_set(Env *e, const char *name, int64_t v)
{
    int i = env_find(e, name);
    if (i < 0) {
        if (e->n >= MAX_VARS)
            return;
        i = e->n++;
        snprintf(e->name[i], sizeof(e->name[i]), "%s", name);
    }
    e->val[i] = v;
}

/* ------------------------------------------------------------------------- */
/* AST                                                                       */
/* ------------------------------------------------------------------------- */

typedef enum { N_NUM, N_VAR, N_UNARY, N_BINARY, N_TERNARY, N_CALL } NodeKind;

enum { F_MIN, F_MAX, F_ABS, F_GCD, F_CLAMP, F_COUNT };
static const char *const fn_names[F_COUNT] = {"min", "max", "abs", "gcd", "clamp"};
static const int fn_arity[F_COUNT] = {2, 2, 1, 2, 3};

typedef struct {
    NodeKind kind;
    TokKind op;
    int64_t num;
    char name[16];
    int child[3];
    int nchild;
} Node;

#define MAX_NODES 2048

typedef struct {
    Node nodes[MAX_NODES];
    int n;
    const TokenList *tl;
    int pos;
    int err;
    int err_pos;
} AstParser;

static int ast_new(AstParser *p, NodeKind k)
{
    if (p->n >= MAX_NODES) {
        p->err = 1;
        return 0;
    }
    Node *nd = &p->nodes[p->n];
    memset(nd, 0, sizeof(*nd));
    nd->kind = k;
    return p->n++;
}

static const Token *ap_peek(const AstParser *p)
{
    return &p->tl->tok[p->pos];
}

static void ap_fail(AstParser *p)
{
    if (!p->err) {
        p->err = 1;
        p->err_pos = ap_peek(p)->pos;
    }
}

static int ap_accept(AstParser *p, TokKind k)
{
    if (p->err)
        return 0;
    if (ap_peek(p)->kind == k) {
        p->pos++;
        return 1;
    }
    return 0;
}

static int ap_expr(AstParser *p);
static int ap_unary(AstParser *p);

static int ap_binary(AstParser *p, TokKind op, int l, int r)
{
    int n = ast_new(p, N_BINARY);
    p->nodes[n].op = op;
    p->nodes[n].child[0] = l;
    p->nodes[n].child[1] = r;
    p->nodes[n].nchild = 2;
    return n;
}

static int lookup_fn(const char *name)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(fn_names[i], name) == 0)
            return i;
    return -1;
}

static int ap_primary(AstParser *p)
{
    if (p->err)
        return 0;
    const Token *t = ap_peek(p);
    if (t->kind == T_NUM) {
        int n = ast_new(p, N_NUM);
        p->nodes[n].num = t->num;
        p->pos++;
        return n;
    }
    if (t->kind == T_IDENT) {
        p->pos++;
        if (ap_peek(p)->kind == T_LPAREN) {
            int f = lookup_fn(t->name);
            if (f < 0) {
                p->pos--;
                ap_fail(p);
                return 0;
            }
            p->pos++;
            int n = ast_new(p, N_CALL);
            p->nodes[n].num = f;
            int k = 0;
            if (ap_peek(p)->kind != T_RPAREN) {
                do {
                    int a = ap_expr(p);
                    if (p->err)
                        return 0;
                    if (k >= 3) {
                        ap_fail(p);
                        return 0;
                    }
                    p->nodes[n].child[k++] = a;
                } while (ap_accept(p, T_COMMA));
            }
            if (!ap_accept(p, T_RPAREN)) {
                ap_fail(p);
                return 0;
            }
            if (k != fn_arity[f]) {
                p->pos--;
                ap_fail(p);
                return 0;
            }
            p->nodes[n].nchild = k;
            return n;
        }
        int n = ast_new(p, N_VAR);
        snprintf(p->nodes[n].name, sizeof(p->nodes[n].name), "%s", t->name);
        return n;
    }
    if (ap_accept(p, T_LPAREN)) {
        int e = ap_expr(p);
        if (!ap_accept(p, T_RPAREN))
            ap_fail(p);
        return e;
    }
    ap_fail(p);
    return 0;
}

static int ap_power(AstParser *p)
{
    int base = ap_primary(p);
    if (ap_accept(p, T_POW)) {
        int ex = ap_unary(p); /* right associative, allows 2**-x */
        return ap_binary(p, T_POW, base, ex);
    }
    return base;
}

static int ap_unary(AstParser *p)
{
    if (p->err)
        return 0;
    TokKind k = ap_peek(p)->kind;
    if (k == T_MINUS || k == T_NOT || k == T_PLUS) {
        p->pos++;
        int operand = ap_unary(p);
        if (k == T_PLUS)
            return operand;
        int n = ast_new(p, N_UNARY);
        p->nodes[n].op = k;
        p->nodes[n].child[0] = operand;
        p->nodes[n].nchild = 1;
        return n;
    }
    return ap_power(p);
}

static int ap_mul(AstParser *p)
{
    int l = ap_unary(p);
    for (;;) {
        TokKind k = ap_peek(p)->kind;
        if (p->err || (k != T_STAR && k != T_SLASH && k != T_PERCENT))
            return l;
        p->pos++;
        l = ap_binary(p, k, l, ap_unary(p));
    }
}

static int ap_add(AstParser *p)
{
    int l = ap_mul(p);
    for (;;) {
        TokKind k = ap_peek(p)->kind;
        if (p->err || (k != T_PLUS && k != T_MINUS))
            return l;
        p->pos++;
        l = ap_binary(p, k, l, ap_mul(p));
    }
}

static int ap_rel(AstParser *p)
{
    int l = ap_add(p);
    for (;;) {
        TokKind k = ap_peek(p)->kind;
        if (p->err || (k != T_LT && k != T_LE && k != T_GT && k != T_GE))
            return l;
        p->pos++;
        l = ap_binary(p, k, l, ap_add(p));
    }
}

static int ap_eq(AstParser *p)
{
    int l = ap_rel(p);
    for (;;) {
        TokKind k = ap_peek(p)->kind;
        if (p->err || (k != T_EQ && k != T_NE))
            return l;
        p->pos++;
        l = ap_binary(p, k, l, ap_rel(p));
    }
}

static int ap_and(AstParser *p)
{
    int l = ap_eq(p);
    while (ap_accept(p, T_ANDAND))
        l = ap_binary(p, T_ANDAND, l, ap_eq(p));
    return l;
}

static int ap_or(AstParser *p)
{
    int l = ap_and(p);
    while (ap_accept(p, T_OROR))
        l = ap_binary(p, T_OROR, l, ap_and(p));
    return l;
}

static int ap_expr(AstParser *p)
{
    int c = ap_or(p);
    if (ap_accept(p, T_QUESTION)) {
        int a = ap_expr(p);
        if (!ap_accept(p, T_COLON)) {
            ap_fail(p);
            return 0;
        }
        int b = ap_expr(p);
        int n = ast_new(p, N_TERNARY);
        p->nodes[n].child[0] = c;
        p->nodes[n].child[1] = a;
        p->nodes[n].child[2] = b;
        p->nodes[n].nchild = 3;
        return n;
    }
    return c;
}

/* statement := [ident '='] expr END.  Returns root, *assign_to gets the target. */
static int ast_parse_stmt(AstParser *p, const TokenList *tl, char *assign_to)
{
    p->n = 0;
    p->tl = tl;
    p->pos = 0;
    p->err = 0;
    p->err_pos = -1;
    assign_to[0] = '\0';
    if (tl->n >= 3 && tl->tok[0].kind == T_IDENT && tl->tok[1].kind == T_ASSIGN) {
        snprintf(assign_to, 16, "%s", tl->tok[0].name);
        p->pos = 2;
    }
    int root = ap_expr(p);
    if (!p->err && ap_peek(p)->kind != T_END)
        ap_fail(p);
    return root;
}

typedef struct {
    int64_t v;
    int err;
} Val;

static Val mkval(int64_t v, int err)
{
    Val r;
    r.v = v;
    r.err = err;
    return r;
}

static Val apply_binary(TokKind op, int64_t a, int64_t b)
{
    int64_t r = 0;
    int e = E_OK;
    switch (op) {
    case T_PLUS:
        e = ck_add(a, b, &r);
        break;
    case T_MINUS:
        e = ck_sub(a, b, &r);
        break;
    case T_STAR:
        e = ck_mul(a, b, &r);
        break;
    case T_SLASH:
        e = ck_div(a, b, &r);
        break;
    case T_PERCENT:
        e = ck_mod(a, b, &r);
        break;
    case T_POW:
        e = ck_pow(a, b, &r);
        break;
    case T_LT:
        r = a < b;
        break;
    case T_LE:
        r = a <= b;
        break;
    case T_GT:
        r = a > b;
        break;
    case T_GE:
        r = a >= b;
        break;
    case T_EQ:
        r = a == b;
        break;
    case T_NE:
        r = a != b;
        break;
    default:
        e = E_SYNTAX;
        break;
    }
    return mkval(r, e);
}

static Val apply_call(int f, const int64_t *args)
{
    int64_t r = 0;
    switch (f) {
    case F_MIN:
        r = args[0] < args[1] ? args[0] : args[1];
        break;
    case F_MAX:
        r = args[0] > args[1] ? args[0] : args[1];
        break;
    case F_ABS:
        if (args[0] == INT64_MIN)
            return mkval(0, E_OVERFLOW);
        r = args[0] < 0 ? -args[0] : args[0];
        break;
    case F_GCD:
        if (args[0] == INT64_MIN || args[1] == INT64_MIN)
            return mkval(0, E_OVERFLOW);
        r = gcd64(args[0], args[1]);
        break;
    case F_CLAMP:
        if (args[1] > args[2])
            return mkval(0, E_ARGS);
        r = args[0] < args[1] ? args[1] : (args[0] > args[2] ? args[2] : args[0]);
        break;
    default:
        return mkval(0, E_SYNTAX);
    }
    return mkval(r, E_OK);
}

static Val ast_eval(const AstParser *p, int idx, const Env *env)
{
    const Node *n = &p->nodes[idx];
    Val a, b;
    switch (n->kind) {
    case N_NUM:
        return mkval(n->num, E_OK);
    case N_VAR: {
        int i = env_find(env, n->name);
        if (i < 0)
            return mkval(0, E_UNDEF);
        return mkval(env->val[i], E_OK);
    }
    case N_UNARY:
        a = ast_eval(p, n->child[0], env);
        if (a.err)
            return a;
        if (n->op == T_NOT)
            return mkval(a.v == 0, E_OK);
        {
            int64_t r = 0;
            int e = ck_neg(a.v, &r);
            return mkval(r, e);
        }
    case N_BINARY:
        a = ast_eval(p, n->child[0], env);
        if (a.err)
            return a;
        if (n->op == T_ANDAND) {
            if (a.v == 0)
                return mkval(0, E_OK);
            b = ast_eval(p, n->child[1], env);
            if (b.err)
                return b;
            return mkval(b.v != 0, E_OK);
        }
        if (n->op == T_OROR) {
            if (a.v != 0)
                return mkval(1, E_OK);
            b = ast_eval(p, n->child[1], env);
            if (b.err)
                return b;
            return mkval(b.v != 0, E_OK);
        }
        b = ast_eval(p, n->child[1], env);
        if (b.err)
            return b;
        return apply_binary(n->op, a.v, b.v);
    case N_TERNARY:
        a = ast_eval(p, n->child[0], env);
        if (a.err)
            return a;
        return ast_eval(p, n->child[a.v != 0 ? 1 : 2], env);
    case N_CALL: {
        int64_t args[3] = {0, 0, 0};
        for (int i = 0; i < n->nchild; i++) {
            a = ast_eval(p, n->child[i], env);
            if (a.err)
                return a;
            args[i] = a.v;
        }
        return apply_call((int)n->num, args);
    }
    }
    return mkval(0, E_SYNTAX);
}

/* ------------------------------------------------------------------------- */
/* Printer with minimal parentheses                                          */
/* ------------------------------------------------------------------------- */

enum { P_TERN = 1, P_OR, P_AND, P_EQ, P_REL, P_ADD, P_MUL, P_UNARY, P_POW, P_PRIMARY };

static int op_prec(TokKind op)
{
    switch (op) {
    case T_OROR:
        return P_OR;
    case T_ANDAND:
        return P_AND;
    case T_EQ:
    case T_NE:
        return P_EQ;
    case T_LT:
    case T_LE:
    case T_GT:
    case T_GE:
        return P_REL;
    case T_PLUS:
    case T_MINUS:
        return P_ADD;
    case T_STAR:
    case T_SLASH:
    case T_PERCENT:
        return P_MUL;
    case T_POW:
        return P_POW;
    default:
        return P_PRIMARY;
    }
}

static const char *op_text(TokKind op)
{
    switch (op) {
    case T_PLUS:
        return "+";
    case T_MINUS:
        return "-";
    case T_STAR:
        return "*";
    case T_SLASH:
        return "/";
    case T_PERCENT:
        return "%";
    case T_POW:
        return "**";
    case T_LT:
        return "<";
    case T_LE:
        return "<=";
    case T_GT:
        return ">";
    case T_GE:
        return ">=";
    case T_EQ:
        return "==";
    case T_NE:
        return "!=";
    case T_ANDAND:
        return "&&";
    case T_OROR:
        return "||";
    case T_NOT:
        return "!";
    default:
        return "?";
    }
}

static int node_prec(const Node *n)
{
    switch (n->kind) {
    case N_TERNARY:
        return P_TERN;
    case N_BINARY:
        return op_prec(n->op);
    case N_UNARY:
        return P_UNARY;
    default:
        return P_PRIMARY;
    }
}

typedef struct {
    char *buf;
    size_t len, cap;
} Out;

static void out_str(Out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->len + n + 1 > o->cap)
        n = o->cap - o->len - 1;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void print_node(const AstParser *p, int idx, Out *o);

static void print_child(const AstParser *p, int idx, int need_parens, Out *o)
{
    if (need_parens)
        out_str(o, "(");
    print_node(p, idx, o);
    if (need_parens)
        out_str(o, ")");
}

static void print_node(const AstParser *p, int idx, Out *o)
{
    const Node *n = &p->nodes[idx];
    char tmp[32];
    switch (n->kind) {
    case N_NUM:
        snprintf(tmp, sizeof(tmp), "%lld", (long long)n->num);
        out_str(o, tmp);
        break;
    case N_VAR:
        out_str(o, n->name);
        break;
    case N_UNARY:
        out_str(o, op_text(n->op));
        print_child(p, n->child[0], node_prec(&p->nodes[n->child[0]]) < P_UNARY, o);
        break;
    case N_BINARY: {
        int pr = op_prec(n->op);
        int lp = node_prec(&p->nodes[n->child[0]]);
        int rp = node_prec(&p->nodes[n->child[1]]);
        if (n->op == T_POW) {
            print_child(p, n->child[0], lp < P_PRIMARY, o);
            out_str(o, "**");
            print_child(p, n->child[1], rp < P_UNARY, o);
        } else {
            print_child(p, n->child[0], lp < pr, o);
            out_str(o, " ");
            out_str(o, op_text(n->op));
            out_str(o, " ");
            print_child(p, n->child[1], rp <= pr, o);
        }
        break;
    }
    case N_TERNARY:
        print_child(p, n->child[0], node_prec(&p->nodes[n->child[0]]) <= P_TERN, o);
        out_str(o, " ? ");
        print_node(p, n->child[1], o);
        out_str(o, " : ");
        print_node(p, n->child[2], o);
        break;
    case N_CALL:
        out_str(o, fn_names[n->num]);
        out_str(o, "(");
        for (int i = 0; i < n->nchild; i++) {
            if (i)
                out_str(o, ", ");
            print_node(p, n->child[i], o);
        }
        out_str(o, ")");
        break;
    }
}

/* ------------------------------------------------------------------------- */
/* Direct (single pass) evaluator on the token stream                        */
/* ------------------------------------------------------------------------- */

typedef struct {
    const TokenList *tl;
    int pos;
    const Env *env;
    int syntax_err;
    int eval_err; /* first evaluation error */
} DirectEval;

static TokKind de_peek(const DirectEval *d)
{
    return d->tl->tok[d->pos].kind;
}

static void de_syntax(DirectEval *d)
{
    d->syntax_err = 1;
}

static int64_t de_expr(DirectEval *d, int live);
static int64_t de_unary(DirectEval *d, int live);

/* live == 0 means: parse only, do not evaluate (skipped branch or after an error) */
static int64_t de_fail(DirectEval *d, int live, int err)
{
    if (live && !d->eval_err)
        d->eval_err = err;
    return 0;
}

static int de_live(const DirectEval *d, int live)
{
    return live && !d->eval_err && !d->syntax_err;
}

static int64_t de_primary(DirectEval *d, int live)
{
    if (d->syntax_err)
        return 0;
    const Token *t = &d->tl->tok[d->pos];
    if (t->kind == T_NUM) {
        d->pos++;
        return t->num;
    }
    if (t->kind == T_IDENT) {
        d->pos++;
        if (de_peek(d) == T_LPAREN) {
            int f = lookup_fn(t->name);
            if (f < 0) {
                de_syntax(d);
                return 0;
            }
            d->pos++;
            int64_t args[3] = {0, 0, 0};
            int k = 0;
            if (de_peek(d) != T_RPAREN) {
                for (;;) {
                    int64_t v = de_expr(d, live);
                    if (d->syntax_err)
                        return 0;
                    if (k >= 3) {
                        de_syntax(d);
                        return 0;
                    }
                    args[k++] = v;
                    if (de_peek(d) != T_COMMA)
                        break;
                    d->pos++;
                }
            }
            if (de_peek(d) != T_RPAREN || k != fn_arity[f]) {
                de_syntax(d);
                return 0;
            }
            d->pos++;
            if (!de_live(d, live))
                return 0;
            Val r = apply_call(f, args);
            if (r.err)
                return de_fail(d, live, r.err);
            return r.v;
        }
        if (!de_live(d, live))
            return 0;
        int i = env_find(d->env, t->name);
        if (i < 0)
            return de_fail(d, live, E_UNDEF);
        return d->env->val[i];
    }
    if (t->kind == T_LPAREN) {
        d->pos++;
        int64_t v = de_expr(d, live);
        if (de_peek(d) != T_RPAREN) {
            de_syntax(d);
            return 0;
        }
        d->pos++;
        return v;
    }
    de_syntax(d);
    return 0;
}

static int64_t de_binop(DirectEval *d, int live, TokKind op, int64_t a, int64_t b)
{
    if (!de_live(d, live))
        return 0;
    Val r = apply_binary(op, a, b);
    if (r.err)
        return de_fail(d, live, r.err);
    return r.v;
}

static int64_t de_power(DirectEval *d, int live)
{
    int64_t base = de_primary(d, live);
    if (!d->syntax_err && de_peek(d) == T_POW) {
        d->pos++;
        int64_t e = de_unary(d, live);
        return de_binop(d, live, T_POW, base, e);
    }
    return base;
}

static int64_t de_unary(DirectEval *d, int live)
{
    if (d->syntax_err)
        return 0;
    TokKind k = de_peek(d);
    if (k == T_MINUS || k == T_NOT || k == T_PLUS) {
        d->pos++;
        int64_t v = de_unary(d, live);
        if (!de_live(d, live))
            return 0;
        if (k == T_PLUS)
            return v;
        if (k == T_NOT)
            return v == 0;
        int64_t r = 0;
        int e = ck_neg(v, &r);
        if (e)
            return de_fail(d, live, e);
        return r;
    }
    return de_power(d, live);
}

static int64_t de_level(DirectEval *d, int live, int level);

static int level_has(int level, TokKind k)
{
    switch (level) {
    case P_MUL:
        return k == T_STAR || k == T_SLASH || k == T_PERCENT;
    case P_ADD:
        return k == T_PLUS || k == T_MINUS;
    case P_REL:
        return k == T_LT || k == T_LE || k == T_GT || k == T_GE;
    case P_EQ:
        return k == T_EQ || k == T_NE;
    default:
        return 0;
    }
}

/* generic precedence climbing for the left-associative, non short-circuit levels */
static int64_t de_level(DirectEval *d, int live, int level)
{
    int64_t l = level == P_MUL ? de_unary(d, live) : de_level(d, live, level + 1);
    while (!d->syntax_err && level_has(level, de_peek(d))) {
        TokKind k = de_peek(d);
        d->pos++;
        int64_t r = level == P_MUL ? de_unary(d, live) : de_level(d, live, level + 1);
        l = de_binop(d, live, k, l, r);
    }
    return l;
}

static int64_t de_and(DirectEval *d, int live)
{
    int64_t l = de_level(d, live, P_EQ);
    while (!d->syntax_err && de_peek(d) == T_ANDAND) {
        d->pos++;
        int take = de_live(d, live) && l != 0;
        int64_t r = de_level(d, take, P_EQ);
        if (de_live(d, live))
            l = take ? (r != 0) : 0;
    }
    return l;
}

static int64_t de_or(DirectEval *d, int live)
{
    int64_t l = de_and(d, live);
    while (!d->syntax_err && de_peek(d) == T_OROR) {
        d->pos++;
        int take = de_live(d, live) && l == 0;
        int64_t r = de_and(d, take);
        if (de_live(d, live))
            l = take ? (r != 0) : 1;
    }
    return l;
}

static int64_t de_expr(DirectEval *d, int live)
{
    int64_t c = de_or(d, live);
    if (!d->syntax_err && de_peek(d) == T_QUESTION) {
        d->pos++;
        int cl = de_live(d, live);
        int64_t a = de_expr(d, cl && c != 0);
        if (de_peek(d) != T_COLON) {
            de_syntax(d);
            return 0;
        }
        d->pos++;
        int64_t b = de_expr(d, cl && c == 0);
        if (!de_live(d, live))
            return 0;
        return c != 0 ? a : b;
    }
    return c;
}

/* ------------------------------------------------------------------------- */
/* Random expression generator                                               */
/* ------------------------------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 33) % n;
}

static const char *const var_names[] = {"x", "y", "z", "n", "acc", "tmp", "k1", "k2"};

static void gen_expr(Out *o, int depth);

static void gen_atom(Out *o, int depth)
{
    char tmp[32];
    uint32_t r = rnd(depth > 3 ? 3 : 7);
    switch (r) {
    case 0:
        snprintf(tmp, sizeof(tmp), "%u", rnd(20));
        out_str(o, tmp);
        break;
    case 1:
        if (rnd(16) == 0)
            snprintf(tmp, sizeof(tmp), "%llu", 4000000000000000000ull + rnd(1000));
        else
            snprintf(tmp, sizeof(tmp), "%u", rnd(100000));
        out_str(o, tmp);
        break;
    case 2:
        out_str(o, var_names[rnd(8)]);
        break;
    case 3:
    case 4:
        out_str(o, "(");
        gen_expr(o, depth + 1);
        out_str(o, ")");
        break;
    case 5: {
        int f = (int)rnd(F_COUNT);
        out_str(o, fn_names[f]);
        out_str(o, "(");
        for (int i = 0; i < fn_arity[f]; i++) {
            if (i)
                out_str(o, rnd(2) ? ", " : ",");
            gen_expr(o, depth + 1);
        }
        out_str(o, ")");
        break;
    }
    default:
        out_str(o, rnd(3) ? "-" : (rnd(2) ? "!" : "+"));
        gen_atom(o, depth + 1);
        break;
    }
}

static const char *const bin_ops[] = {"+", "-", "*", "/", "%", "**", "<", "<=", ">",
                                      ">=", "==", "!=", "&&", "||", "+", "-", "*"};

static void gen_expr(Out *o, int depth)
{
    int terms = 1 + (int)rnd(depth > 2 ? 2 : 4);
    gen_atom(o, depth);
    for (int i = 1; i < terms; i++) {
        const char *op = bin_ops[rnd(sizeof(bin_ops) / sizeof(bin_ops[0]))];
        if (rnd(2))
            out_str(o, " ");
        out_str(o, op);
        if (rnd(2))
            out_str(o, " ");
        gen_atom(o, depth);
    }
    if (depth < 3 && rnd(8) == 0) {
        out_str(o, " ? ");
        gen_expr(o, depth + 1);
        out_str(o, " : ");
        gen_expr(o, depth + 1);
    }
}

/* ------------------------------------------------------------------------- */
/* Driver                                                                    */
/* ------------------------------------------------------------------------- */

typedef struct {
    const char *src;
    int64_t expect;
    int err;
} FixedCase;

static const FixedCase fixed[] = {
    {"1 + 2 * 3", 7, E_OK},
    {"(1 + 2) * 3", 9, E_OK},
    {"2 ** 3 ** 2", 512, E_OK},
    {"-2 ** 2", -4, E_OK},
    {"(-2) ** 2", 4, E_OK},
    {"2 ** -1", 0, E_NEGEXP},
    {"7 / -2", -3, E_OK},
    {"-7 % 3", -1, E_OK},
    {"7 % -3", 1, E_OK},
    {"10 - 4 - 3", 3, E_OK},
    {"100 / 10 / 5", 2, E_OK},
    {"1 < 2 == 1", 1, E_OK},
    {"0 || 1 && 0", 0, E_OK},
    {"1 ? 2 : 0 ? 3 : 4", 2, E_OK},
    {"0 ? 2 : 0 ? 3 : 4", 4, E_OK},
    {"gcd(48, 18) + min(3, -4) * max(2, 9)", -30, E_OK},
    {"clamp(150, 0, 100) + abs(-7)", 107, E_OK},
    {"clamp(1, 5, 0)", 0, E_ARGS},
    {"9223372036854775807 + 1", 0, E_OVERFLOW},
    {"-9223372036854775807 - 1", INT64_MIN, E_OK},
    {"(-9223372036854775807 - 1) / -1", 0, E_OVERFLOW},
    {"(-9223372036854775807 - 1) % -1", 0, E_OK},
    {"3037000500 * 3037000500", 0, E_OVERFLOW},
    {"3037000499 * 3037000499", 9223372030926249001LL, E_OK},
    {"2 ** 62 + (2 ** 62 - 1)", INT64_MAX, E_OK},
    {"2 ** 63", 0, E_OVERFLOW},
    {"(-2) ** 63", INT64_MIN, E_OK},
    {"1 / 0", 0, E_DIVZERO},
    {"0 && 1 / 0", 0, E_OK},
    {"1 || 1 / 0", 1, E_OK},
    {"1 ? 5 : 1 / 0", 5, E_OK},
    {"x * y - z", 40 * 7 - 3, E_OK},
    {"unknown + 1", 0, E_UNDEF},
    {"!0 + !5 + !!9", 2, E_OK},
    {"--5", 5, E_OK},
    {"1 +", 0, E_SYNTAX},
    {"(1 + 2", 0, E_SYNTAX},
    {"min(1)", 0, E_SYNTAX},
    {"foo(1, 2)", 0, E_SYNTAX},
    {"1 2", 0, E_SYNTAX},
    {"3 & 4", 0, E_SYNTAX},
    {"99999999999999999999", 0, E_SYNTAX},
};

static void env_reset(Env *e)
{
    e->n = 0;
    env_set(e, "x", 40);
    env_set(e, "y", 7);
    env_set(e, "z", 3);
    env_set(e, "n", 12);
    env_set(e, "acc", 0);
    env_set(e, "tmp", -5);
    env_set(e, "k1", 1000003);
    env_set(e, "k2", -77);
}

typedef struct {
    int err;
    int64_t v;
    int roundtrip_ok;
    char printed[2048];
} RunResult;

static AstParser ap;
static AstParser ap2;
static TokenList toks;
static TokenList toks2;

/* Runs one statement through both evaluators; returns 0 on disagreement. */
static int run_stmt(const char *src, Env *env, RunResult *res)
{
    char target[16];
    res->printed[0] = '\0';
    res->roundtrip_ok = 1;
    res->v = 0;
    if (!lex(src, &toks)) {
        res->err = E_SYNTAX;
        return 1;
    }
    int root = ast_parse_stmt(&ap, &toks, target);
    /* direct evaluator on the same tokens */
    DirectEval d;
    memset(&d, 0, sizeof(d));
    d.tl = &toks;
    d.env = env;
    d.pos = target[0] ? 2 : 0;
    int64_t dv = de_expr(&d, 1);
    if (!d.syntax_err && de_peek(&d) != T_END)
        d.syntax_err = 1;
    if (ap.err || d.syntax_err) {
        res->err = E_SYNTAX;
        return ap.err && d.syntax_err;
    }
    Val v = ast_eval(&ap, root, env);
    res->err = v.err;
    res->v = v.err ? 0 : v.v;
    int agree = (v.err == d.eval_err) && (v.err || v.v == dv);

    /* print, reparse, and check the printed form is a fixed point */
    Out o;
    o.buf = res->printed;
    o.len = 0;
    o.cap = sizeof(res->printed);
    o.buf[0] = '\0';
    print_node(&ap, root, &o);
    char target2[16];
    if (!lex(res->printed, &toks2)) {
        res->roundtrip_ok = 0;
    } else {
        int root2 = ast_parse_stmt(&ap2, &toks2, target2);
        if (ap2.err) {
            res->roundtrip_ok = 0;
        } else {
            char again[2048];
            Out o2;
            o2.buf = again;
            o2.len = 0;
            o2.cap = sizeof(again);
            again[0] = '\0';
            print_node(&ap2, root2, &o2);
            Val v2 = ast_eval(&ap2, root2, env);
            if (strcmp(again, res->printed) != 0 || v2.err != v.err || (!v.err && v2.v != v.v))
                res->roundtrip_ok = 0;
        }
    }
    if (target[0] && !v.err)
        env_set(env, target, v.v);
    return agree;
}

int main(void)
{
    Env env;
    RunResult res;
    uint64_t h = 1469598103934665603ull;
    int mismatches = 0, fixed_fail = 0, rt_fail = 0;

    env_reset(&env);
    size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
    for (size_t i = 0; i < nfixed; i++) {
        if (!run_stmt(fixed[i].src, &env, &res))
            mismatches++;
        if (!res.roundtrip_ok)
            rt_fail++;
        int ok = res.err == fixed[i].err && (res.err || res.v == fixed[i].expect);
        if (!ok) {
            fixed_fail++;
            printf("FAIL %-40s got %lld (%s)\n", fixed[i].src, (long long)res.v,
                   err_names[res.err]);
        }
        if (i % 6 == 0)
            printf("%-40s => %s%s%lld\n", fixed[i].src, res.err ? err_names[res.err] : "",
                   res.err ? " " : "", (long long)res.v);
        h = (h ^ (uint64_t)res.v ^ ((uint64_t)res.err << 60)) * 1099511628211ull;
    }
    printf("fixed cases: %zu, failed: %d\n", nfixed, fixed_fail);

    /* generated programs: each is a sequence of assignments ending with an expression */
    int err_hist[7] = {0, 0, 0, 0, 0, 0, 0};
    long nstmts = 0;
    char src[2048];
    for (int prog = 0; prog < 60; prog++) {
        env_reset(&env);
        for (int s = 0; s < 25; s++) {
            Out o;
            o.buf = src;
            o.len = 0;
            o.cap = sizeof(src);
            src[0] = '\0';
            if (s < 24) {
                out_str(&o, var_names[rnd(8)]);
                out_str(&o, " = ");
            }
            gen_expr(&o, 0);
            if (!run_stmt(src, &env, &res))
                mismatches++;
            if (!res.roundtrip_ok)
                rt_fail++;
            err_hist[res.err]++;
            nstmts++;
            h = (h ^ (uint64_t)res.v) * 1099511628211ull;
            h = (h ^ (uint64_t)res.err) * 1099511628211ull;
            for (size_t k = 0; res.printed[k]; k++)
                h = (h ^ (uint8_t)res.printed[k]) * 1099511628211ull;
            if (prog < 2 && s >= 22) {
                printf("  %s\n    => %s %lld\n", res.printed, err_names[res.err],
                       (long long)res.v);
            }
        }
        for (int i = 0; i < env.n; i++)
            h = (h ^ (uint64_t)env.val[i]) * 1099511628211ull;
    }
    printf("generated statements: %ld\n", nstmts);
    printf("results: ok=%d overflow=%d divzero=%d negexp=%d undef=%d args=%d syntax=%d\n",
           err_hist[0], err_hist[1], err_hist[2], err_hist[3], err_hist[4], err_hist[5],
           err_hist[6]);
    printf("evaluator mismatches: %d, roundtrip failures: %d\n", mismatches, rt_fail);
    printf("checksum: 0x%08x\n", (unsigned)(h ^ (h >> 32)));
    return 0;
}
