/* cgym-suite: category=interpreter; bytecode stack VM with a compiler for a small language, verifier, disassembler and test programs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

/* ========================================================================= */
/* Bytecode definition                                                       */
/* ========================================================================= */

typedef enum {
    OP_HALT,
    OP_NOP,
    OP_PUSH,   /* i32 */
    OP_PUSH0,
    OP_PUSH1,
    OP_POP,
    OP_DUP,
    OP_SWAP,
    OP_LOADL,  /* u8 local slot */
    OP_STOREL, /* u8 */
    OP_LOADG,  /* u16 global */
    OP_STOREG, /* u16 */
    OP_ALOAD,  /* u16 array; pops index */
    OP_ASTORE, /* u16 array; pops value, index */
    OP_ALEN,   /* u16 array */
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_NEG,
    OP_BAND,
    OP_BOR,
    OP_BXOR,
    OP_BNOT,
    OP_SHL,
    OP_SHR,
    OP_LNOT,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_JMP, /* i32 absolute */
    OP_JZ,
    OP_JNZ,
    OP_CALL, /* u16 function */
    OP_RET,
    OP_PRINT,
    OP_INCL, /* u8 slot, i8 delta */
    OP_ADDI, /* i32 */
    OP_COUNT
} Op;

typedef struct {
    const char *name;
    int operand_bytes;
    int pops;   /* -1: depends on callee */
    int pushes;
} OpInfo;

static const OpInfo op_info[OP_COUNT] = {
    [OP_HALT] = {"halt", 0, 0, 0},     [OP_NOP] = {"nop", 0, 0, 0},
    [OP_PUSH] = {"push", 4, 0, 1},     [OP_PUSH0] = {"push0", 0, 0, 1},
    [OP_PUSH1] = {"push1", 0, 0, 1},   [OP_POP] = {"pop", 0, 1, 0},
    [OP_DUP] = {"dup", 0, 1, 2},       [OP_SWAP] = {"swap", 0, 2, 2},
    [OP_LOADL] = {"loadl", 1, 0, 1},   [OP_STOREL] = {"storel", 1, 1, 0},
    [OP_LOADG] = {"loadg", 2, 0, 1},   [OP_STOREG] = {"storeg", 2, 1, 0},
    [OP_ALOAD] = {"aload", 2, 1, 1},   [OP_ASTORE] = {"astore", 2, 2, 0},
    [OP_ALEN] = {"alen", 2, 0, 1},     [OP_ADD] = {"add", 0, 2, 1},
    [OP_SUB] = {"sub", 0, 2, 1},       [OP_MUL] = {"mul", 0, 2, 1},
    [OP_DIV] = {"div", 0, 2, 1},       [OP_MOD] = {"mod", 0, 2, 1},
    [OP_NEG] = {"neg", 0, 1, 1},       [OP_BAND] = {"band", 0, 2, 1},
    [OP_BOR] = {"bor", 0, 2, 1},       [OP_BXOR] = {"bxor", 0, 2, 1},
    [OP_BNOT] = {"bnot", 0, 1, 1},     [OP_SHL] = {"shl", 0, 2, 1},
    [OP_SHR] = {"shr", 0, 2, 1},       [OP_LNOT] = {"lnot", 0, 1, 1},
    [OP_EQ] = {"eq", 0, 2, 1},         [OP_NE] = {"ne", 0, 2, 1},
    [OP_LT] = {"lt", 0, 2, 1},         [OP_LE] = {"le", 0, 2, 1},
    [OP_GT] = {"gt", 0, 2, 1},         [OP_GE] = {"ge", 0, 2, 1},
    [OP_JMP] = {"jmp", 4, 0, 0},       [OP_JZ] = {"jz", 4, 1, 0},
    [OP_JNZ] = {"jnz", 4, 1, 0},       [OP_CALL] = {"call", 2, -1, 1},
    [OP_RET] = {"ret", 0, 1, 0},       [OP_PRINT] = {"print", 0, 1, 0},
    [OP_INCL] = {"incl", 2, 0, 0},     [OP_ADDI] = {"addi", 4, 1, 1},
};

static uint32_t rd_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int32_t rd_i32(const uint8_t *p)
{
    uint32_t v = rd_u32(p);
    if (v >= 0x80000000u)
        return (int32_t)(v - 0x80000000u) - INT32_MAX - 1;
    return (int32_t)v;
}

static int rd_u16(const uint8_t *p)
{
    return (int)p[0] | ((int)p[1] << 8);
}

static int rd_i8(const uint8_t *p)
{
    return p[0] >= 128 ? (int)p[0] - 256 : (int)p[0];
}

/* Two's complement wrapping arithmetic without undefined behaviour. */
static int64_t wrap_u64(uint64_t v)
{
    if (v >= 0x8000000000000000ull)
        return (int64_t)(v - 0x8000000000000000ull) - INT64_MAX - 1;
    return (int64_t)v;
}

static int64_t shr_arith(int64_t a, int s)
{
    if (a >= 0)
        return a >> s;
    return ~((~a) >> s);
}

/* Shared ALU used by the constant folder. Returns 0 for a division by zero. */
static int alu(Op op, int64_t a, int64_t b, int64_t *r)
{
    switch (op) {
    case OP_ADD:
        *r = wrap_u64((uint64_t)a + (uint64_t)b);
        return 1;
    case OP_SUB:
        *r = wrap_u64((uint64_t)a - (uint64_t)b);
        return 1;
    case OP_MUL:
        *r = wrap_u64((uint64_t)a * (uint64_t)b);
        return 1;
    case OP_DIV:
        if (b == 0)
            return 0;
        *r = (b == -1) ? wrap_u64(0u - (uint64_t)a) : a / b;
        return 1;
    case OP_MOD:
        if (b == 0)
            return 0;
        *r = (b == -1) ? 0 : a % b;
        return 1;
    case OP_BAND:
        *r = a & b;
        return 1;
    case OP_BOR:
        *r = a | b;
        return 1;
    case OP_BXOR:
        *r = a ^ b;
        return 1;
    case OP_SHL:
        *r = wrap_u64((uint64_t)a << (b & 63));
        return 1;
    case OP_SHR:
        *r = shr_arith(a, (int)(b & 63));
        return 1;
    case OP_EQ:
        *r = a == b;
        return 1;
    case OP_NE:
        *r = a != b;
        return 1;
    case OP_LT:
        *r = a < b;
        return 1;
    case OP_LE:
        *r = a <= b;
        return 1;
    case OP_GT:
        *r = a > b;
        return 1;
    case OP_GE:
        *r = a >= b;
        return 1;
    default:
        return 0;
    }
}

/* ========================================================================= */
/* Module                                                                    */
/* ========================================================================= */

#define NAME_LEN 24
#define MAX_CODE 16384
#define MAX_GLOBALS 32
#define MAX_ARRAYS 16
#define MAX_FUNCS 32
#define MAX_LOCALS 64

typedef struct {
    char name[NAME_LEN];
    int32_t init;
} Global;

typedef struct {
    char name[NAME_LEN];
    int length;
    int base;
} ArrayDecl;

typedef struct {
    char name[NAME_LEN];
    int addr;
    int end;
    int nparams; /* -1 while unknown */
    int nlocals;
    int defined;
    int max_stack;
} Func;

typedef struct {
    uint8_t code[MAX_CODE];
    int ncode;
    Global globals[MAX_GLOBALS];
    int nglobals;
    ArrayDecl arrays[MAX_ARRAYS];
    int narrays;
    int heap_size;
    Func funcs[MAX_FUNCS];
    int nfuncs;
    int main_func;
    int folds;
    int fused;
} Module;

/* ========================================================================= */
/* Lexer                                                                     */
/* ========================================================================= */

typedef enum {
    TK_EOF,
    TK_NUM,
    TK_IDENT,
    TK_FUNC,
    TK_VAR,
    TK_ARRAY,
    TK_IF,
    TK_ELSE,
    TK_WHILE,
    TK_RETURN,
    TK_PRINT,
    TK_BREAK,
    TK_CONTINUE,
    TK_LEN,
    TK_LPAREN,
    TK_RPAREN,
    TK_LBRACE,
    TK_RBRACE,
    TK_LBRACKET,
    TK_RBRACKET,
    TK_COMMA,
    TK_SEMI,
    TK_ASSIGN,
    TK_EQ,
    TK_NE,
    TK_LT,
    TK_LE,
    TK_GT,
    TK_GE,
    TK_PLUS,
    TK_MINUS,
    TK_STAR,
    TK_SLASH,
    TK_PERCENT,
    TK_AMP,
    TK_PIPE,
    TK_CARET,
    TK_SHL,
    TK_SHR,
    TK_ANDAND,
    TK_OROR,
    TK_BANG,
    TK_TILDE,
    TK_ERROR
} TokType;

typedef struct {
    TokType type;
    int64_t num;
    char text[NAME_LEN];
    int line;
} Token;

typedef struct {
    Token *toks;
    int n, cap;
} TokVec;

static const struct {
    const char *word;
    TokType type;
} keywords[] = {
    {"func", TK_FUNC},     {"var", TK_VAR},       {"array", TK_ARRAY}, {"if", TK_IF},
    {"else", TK_ELSE},     {"while", TK_WHILE},   {"return", TK_RETURN},
    {"print", TK_PRINT},   {"break", TK_BREAK},   {"continue", TK_CONTINUE},
    {"len", TK_LEN},
};

static void tv_push(TokVec *tv, const Token *t)
{
    if (tv->n == tv->cap) {
        int nc = tv->cap ? tv->cap * 2 : 256;
        Token *nt = (Token *)realloc(tv->toks, (size_t)nc * sizeof(Token));
        if (!nt) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        tv->toks = nt;
        tv->cap = nc;
    }
    tv->toks[tv->n++] = *t;
}

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_dig(char c)
{
    return c >= '0' && c <= '9';
}

static void lex_source(const char *s, TokVec *tv)
{
    int line = 1;
    size_t i = 0;
    tv->n = 0;
    for (;;) {
        Token t;
        memset(&t, 0, sizeof(t));
        char c = s[i];
        if (c == '\n') {
            line++;
            i++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        if (c == '/' && s[i + 1] == '/') {
            while (s[i] && s[i] != '\n')
                i++;
            continue;
        }
        t.line = line;
        if (c == '\0') {
            t.type = TK_EOF;
            tv_push(tv, &t);
            return;
        }
        if (is_dig(c)) {
            int64_t v = 0;
            while (is_dig(s[i])) {
                if (v <= (INT64_MAX - 9) / 10)
                    v = v * 10 + (s[i] - '0');
                else
                    v = INT64_MAX;
                i++;
            }
            t.type = TK_NUM;
            t.num = v;
            tv_push(tv, &t);
            continue;
        }
        if (is_ident_start(c)) {
            int k = 0;
            while (is_ident_start(s[i]) || is_dig(s[i])) {
                if (k < NAME_LEN - 1)
                    t.text[k++] = s[i];
                i++;
            }
            t.text[k] = '\0';
            t.type = TK_IDENT;
            for (size_t w = 0; w < sizeof(keywords) / sizeof(keywords[0]); w++) {
                if (strcmp(keywords[w].word, t.text) == 0) {
                    t.type = keywords[w].type;
                    break;
                }
            }
            tv_push(tv, &t);
            continue;
        }
        char d = s[i + 1];
        int two = 0;
        switch (c) {
        case '(':
            t.type = TK_LPAREN;
            break;
        case ')':
            t.type = TK_RPAREN;
            break;
        case '{':
            t.type = TK_LBRACE;
            break;
        case '}':
            t.type = TK_RBRACE;
            break;
        case '[':
            t.type = TK_LBRACKET;
            break;
        case ']':
            t.type = TK_RBRACKET;
            break;
        case ',':
            t.type = TK_COMMA;
            break;
        case ';':
            t.type = TK_SEMI;
            break;
        case '+':
            t.type = TK_PLUS;
            break;
        case '-':
            t.type = TK_MINUS;
            break;
        case '*':
            t.type = TK_STAR;
            break;
        case '/':
            t.type = TK_SLASH;
            break;
        case '%':
            t.type = TK_PERCENT;
            break;
        case '^':
            t.type = TK_CARET;
            break;
        case '~':
            t.type = TK_TILDE;
            break;
        case '=':
            t.type = d == '=' ? TK_EQ : TK_ASSIGN;
            two = d == '=';
            break;
        case '!':
            t.type = d == '=' ? TK_NE : TK_BANG;
            two = d == '=';
            break;
        case '<':
            if (d == '=') {
                t.type = TK_LE;
                two = 1;
            } else if (d == '<') {
                t.type = TK_SHL;
                two = 1;
            } else {
                t.type = TK_LT;
            }
            break;
        case '>':
            if (d == '=') {
                t.type = TK_GE;
                two = 1;
            } else if (d == '>') {
                t.type = TK_SHR;
                two = 1;
            } else {
                t.type = TK_GT;
            }
            break;
        case '&':
            t.type = d == '&' ? TK_ANDAND : TK_AMP;
            two = d == '&';
            break;
        case '|':
            t.type = d == '|' ? TK_OROR : TK_PIPE;
            two = d == '|';
            break;
        default:
            t.type = TK_ERROR;
            t.text[0] = c;
            t.text[1] = '\0';
            break;
        }
        i += two ? 2 : 1;
        tv_push(tv, &t);
    }
}

/* ========================================================================= */
/* Compiler                                                                  */
/* ========================================================================= */

#define MAX_LOOPS 16
#define MAX_PATCHES 64

typedef struct {
    int start;
    int breaks[MAX_PATCHES];
    int nbreaks;
} LoopCtx;

typedef struct {
    const Token *toks;
    int pos;
    Module *m;
    int cur_func;
    char locals[MAX_LOCALS][NAME_LEN];
    int nlocals;
    LoopCtx loops[MAX_LOOPS];
    int nloops;
    int last_label;
    int hist[2];
    int err;
    char errmsg[160];
} Compiler;

static const Token *cur(const Compiler *c)
{
    return &c->toks[c->pos];
}

static void cerror(Compiler *c, const char *msg)
{
    if (c->err)
        return;
    c->err = 1;
    const Token *t = cur(c);
    if (t->type == TK_IDENT)
        snprintf(c->errmsg, sizeof(c->errmsg), "line %d: %s (near '%s')", t->line, msg, t->text);
    else
        snprintf(c->errmsg, sizeof(c->errmsg), "line %d: %s", t->line, msg);
}

static int check(const Compiler *c, TokType t)
{
    return !c->err && cur(c)->type == t;
}

static int accept(Compiler *c, TokType t)
{
    if (check(c, t)) {
        c->pos++;
        return 1;
    }
    return 0;
}

static void expect(Compiler *c, TokType t, const char *what)
{
    if (!accept(c, t)) {
        char msg[64];
        snprintf(msg, sizeof(msg), "expected %s", what);
        cerror(c, msg);
    }
}

/* --- emission --- */

static void emit_byte(Compiler *c, int b)
{
    if (c->m->ncode >= MAX_CODE) {
        cerror(c, "code too large");
        return;
    }
    c->m->code[c->m->ncode++] = (uint8_t)(b & 0xFF);
}

static void emit_op(Compiler *c, Op op)
{
    c->hist[0] = c->hist[1];
    c->hist[1] = c->m->ncode;
    emit_byte(c, (int)op);
}

static void emit_u16(Compiler *c, int v)
{
    emit_byte(c, v & 0xFF);
    emit_byte(c, (v >> 8) & 0xFF);
}

static void emit_i32(Compiler *c, int32_t v)
{
    uint32_t u = (uint32_t)v;
    emit_byte(c, (int)(u & 0xFFu));
    emit_byte(c, (int)((u >> 8) & 0xFFu));
    emit_byte(c, (int)((u >> 16) & 0xFFu));
    emit_byte(c, (int)((u >> 24) & 0xFFu));
}

static void emit_push(Compiler *c, int64_t v)
{
    if (v == 0) {
        emit_op(c, OP_PUSH0);
    } else if (v == 1) {
        emit_op(c, OP_PUSH1);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        emit_op(c, OP_PUSH);
        emit_i32(c, (int32_t)v);
    } else {
        cerror(c, "constant out of 32-bit range");
    }
}

static int mark_label(Compiler *c)
{
    c->last_label = c->m->ncode;
    return c->m->ncode;
}

static int emit_jump(Compiler *c, Op op, int target)
{
    emit_op(c, op);
    int at = c->m->ncode;
    emit_i32(c, target);
    return at;
}

static void patch_jump(Compiler *c, int at, int target)
{
    if (at + 4 > c->m->ncode)
        return;
    uint32_t u = (uint32_t)target;
    c->m->code[at] = (uint8_t)(u & 0xFFu);
    c->m->code[at + 1] = (uint8_t)((u >> 8) & 0xFFu);
    c->m->code[at + 2] = (uint8_t)((u >> 16) & 0xFFu);
    c->m->code[at + 3] = (uint8_t)((u >> 24) & 0xFFu);
}

static int push_value_at(const Module *m, int pos, int64_t *v)
{
    if (pos < 0 || pos >= m->ncode)
        return 0;
    switch (m->code[pos]) {
    case OP_PUSH0:
        *v = 0;
        return 1;
    case OP_PUSH1:
        *v = 1;
        return 1;
    case OP_PUSH:
        *v = rd_i32(&m->code[pos + 1]);
        return 1;
    default:
        return 0;
    }
}

/* Emits a binary operator, folding constants or fusing an immediate add. */
static void emit_binary(Compiler *c, Op op)
{
    int p1 = c->hist[0], p2 = c->hist[1];
    int64_t a, b, r;
    if (p1 >= 0 && p2 > p1 && p1 >= c->last_label && p2 > c->last_label &&
        push_value_at(c->m, p1, &a) && push_value_at(c->m, p2, &b) && alu(op, a, b, &r) &&
        r >= INT32_MIN && r <= INT32_MAX) {
        c->m->ncode = p1;
        c->hist[0] = c->hist[1] = -1;
        emit_push(c, r);
        c->m->folds++;
        return;
    }
    if ((op == OP_ADD || op == OP_SUB) && p2 >= 0 && p2 > c->last_label &&
        push_value_at(c->m, p2, &b)) {
        if (op == OP_SUB)
            b = -b;
        if (b >= INT32_MIN && b <= INT32_MAX) {
            c->m->ncode = p2;
            c->hist[1] = c->hist[0];
            c->hist[0] = -1;
            emit_op(c, OP_ADDI);
            emit_i32(c, (int32_t)b);
            c->m->fused++;
            return;
        }
    }
    emit_op(c, op);
}

static void emit_unary(Compiler *c, Op op)
{
    int p = c->hist[1];
    int64_t a;
    if (p >= 0 && p >= c->last_label && push_value_at(c->m, p, &a)) {
        int64_t r = op == OP_NEG ? -a : (op == OP_BNOT ? ~a : (int64_t)(a == 0));
        c->m->ncode = p;
        c->hist[1] = c->hist[0];
        c->hist[0] = -1;
        if (r >= INT32_MIN && r <= INT32_MAX) {
            emit_push(c, r);
            c->m->folds++;
            return;
        }
        emit_push(c, a); /* cannot fold: restore */
    }
    emit_op(c, op);
}

/* --- symbols --- */

static int find_local(const Compiler *c, const char *name)
{
    for (int i = 0; i < c->nlocals; i++)
        if (strcmp(c->locals[i], name) == 0)
            return i;
    return -1;
}

static int find_global(const Module *m, const char *name)
{
    for (int i = 0; i < m->nglobals; i++)
        if (strcmp(m->globals[i].name, name) == 0)
            return i;
    return -1;
}

static int find_array(const Module *m, const char *name)
{
    for (int i = 0; i < m->narrays; i++)
        if (strcmp(m->arrays[i].name, name) == 0)
            return i;
    return -1;
}

static int find_func(const Module *m, const char *name)
{
    for (int i = 0; i < m->nfuncs; i++)
        if (strcmp(m->funcs[i].name, name) == 0)
            return i;
    return -1;
}

static int declare_func(Compiler *c, const char *name)
{
    int f = find_func(c->m, name);
    if (f >= 0)
        return f;
    if (c->m->nfuncs >= MAX_FUNCS) {
        cerror(c, "too many functions");
        return 0;
    }
    f = c->m->nfuncs++;
    Func *fn = &c->m->funcs[f];
    memset(fn, 0, sizeof(*fn));
    snprintf(fn->name, sizeof(fn->name), "%s", name);
    fn->nparams = -1;
    return f;
}

static int add_local(Compiler *c, const char *name)
{
    int i = find_local(c, name);
    if (i >= 0)
        return i;
    if (c->nlocals >= MAX_LOCALS) {
        cerror(c, "too many locals");
        return 0;
    }
    snprintf(c->locals[c->nlocals], NAME_LEN, "%s", name);
    return c->nlocals++;
}

/* --- expressions --- */

static void expression(Compiler *c);

static void call_args(Compiler *c, const char *name)
{
    int nargs = 0;
    expect(c, TK_LPAREN, "'('");
    if (!check(c, TK_RPAREN)) {
        do {
            expression(c);
            nargs++;
        } while (accept(c, TK_COMMA));
    }
    expect(c, TK_RPAREN, "')'");
    if (c->err)
        return;
    int f = declare_func(c, name);
    Func *fn = &c->m->funcs[f];
    if (fn->nparams < 0) {
        fn->nparams = nargs;
    } else if (fn->nparams != nargs) {
        cerror(c, "wrong number of arguments");
        return;
    }
    emit_op(c, OP_CALL);
    emit_u16(c, f);
}

static void primary(Compiler *c)
{
    if (c->err)
        return;
    const Token *t = cur(c);
    switch (t->type) {
    case TK_NUM:
        c->pos++;
        if (t->num > INT32_MAX) {
            cerror(c, "constant out of 32-bit range");
            return;
        }
        emit_push(c, t->num);
        return;
    case TK_LPAREN:
        c->pos++;
        expression(c);
        expect(c, TK_RPAREN, "')'");
        return;
    case TK_LEN: {
        c->pos++;
        expect(c, TK_LPAREN, "'('");
        if (!check(c, TK_IDENT)) {
            cerror(c, "array name expected");
            return;
        }
        int a = find_array(c->m, cur(c)->text);
        if (a < 0) {
            cerror(c, "unknown array");
            return;
        }
        c->pos++;
        expect(c, TK_RPAREN, "')'");
        emit_op(c, OP_ALEN);
        emit_u16(c, a);
        return;
    }
    case TK_IDENT: {
        const char *name = t->text;
        c->pos++;
        if (check(c, TK_LPAREN)) {
            call_args(c, name);
            return;
        }
        if (check(c, TK_LBRACKET)) {
            int a = find_array(c->m, name);
            if (a < 0) {
                c->pos--;
                cerror(c, "unknown array");
                return;
            }
            c->pos++;
            expression(c);
            expect(c, TK_RBRACKET, "']'");
            emit_op(c, OP_ALOAD);
            emit_u16(c, a);
            return;
        }
        int l = find_local(c, name);
        if (l >= 0) {
            emit_op(c, OP_LOADL);
            emit_byte(c, l);
            return;
        }
        int g = find_global(c->m, name);
        if (g >= 0) {
            emit_op(c, OP_LOADG);
            emit_u16(c, g);
            return;
        }
        c->pos--;
        cerror(c, "undefined variable");
        return;
    }
    default:
        cerror(c, "expression expected");
        return;
    }
}

static void unary(Compiler *c)
{
    if (accept(c, TK_MINUS)) {
        unary(c);
        emit_unary(c, OP_NEG);
    } else if (accept(c, TK_BANG)) {
        unary(c);
        emit_unary(c, OP_LNOT);
    } else if (accept(c, TK_TILDE)) {
        unary(c);
        emit_unary(c, OP_BNOT);
    } else {
        primary(c);
    }
}

typedef struct {
    TokType tok;
    Op op;
} BinMap;

static const BinMap lvl_mul[] = {{TK_STAR, OP_MUL}, {TK_SLASH, OP_DIV}, {TK_PERCENT, OP_MOD}};
static const BinMap lvl_add[] = {{TK_PLUS, OP_ADD}, {TK_MINUS, OP_SUB}};
static const BinMap lvl_shift[] = {{TK_SHL, OP_SHL}, {TK_SHR, OP_SHR}};
static const BinMap lvl_rel[] = {{TK_LT, OP_LT}, {TK_LE, OP_LE}, {TK_GT, OP_GT}, {TK_GE, OP_GE}};
static const BinMap lvl_eq[] = {{TK_EQ, OP_EQ}, {TK_NE, OP_NE}};
static const BinMap lvl_band[] = {{TK_AMP, OP_BAND}};
static const BinMap lvl_bxor[] = {{TK_CARET, OP_BXOR}};
static const BinMap lvl_bor[] = {{TK_PIPE, OP_BOR}};

static const struct {
    const BinMap *ops;
    int n;
} levels[] = {
    {lvl_bor, 1}, {lvl_bxor, 1}, {lvl_band, 1}, {lvl_eq, 2},
    {lvl_rel, 4}, {lvl_shift, 2}, {lvl_add, 2}, {lvl_mul, 3},
};

#define NUM_LEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static void binary_level(Compiler *c, int level)
{
    if (level >= NUM_LEVELS) {
        unary(c);
        return;
    }
    binary_level(c, level + 1);
    for (;;) {
        if (c->err)
            return;
        Op op = OP_NOP;
        for (int i = 0; i < levels[level].n; i++) {
            if (cur(c)->type == levels[level].ops[i].tok) {
                op = levels[level].ops[i].op;
                break;
            }
        }
        if (op == OP_NOP)
            return;
        c->pos++;
        binary_level(c, level + 1);
        emit_binary(c, op);
    }
}

static void and_expr(Compiler *c)
{
    binary_level(c, 0);
    if (!check(c, TK_ANDAND))
        return;
    int patches[MAX_PATCHES];
    int np = 0;
    while (accept(c, TK_ANDAND)) {
        if (np >= MAX_PATCHES - 1) {
            cerror(c, "condition too long");
            return;
        }
        patches[np++] = emit_jump(c, OP_JZ, 0);
        binary_level(c, 0);
    }
    patches[np++] = emit_jump(c, OP_JZ, 0);
    emit_op(c, OP_PUSH1);
    int jend = emit_jump(c, OP_JMP, 0);
    int lfalse = mark_label(c);
    for (int i = 0; i < np; i++)
        patch_jump(c, patches[i], lfalse);
    emit_op(c, OP_PUSH0);
    patch_jump(c, jend, mark_label(c));
}

static void expression(Compiler *c)
{
    and_expr(c);
    if (!check(c, TK_OROR))
        return;
    int patches[MAX_PATCHES];
    int np = 0;
    while (accept(c, TK_OROR)) {
        if (np >= MAX_PATCHES - 1) {
            cerror(c, "condition too long");
            return;
        }
        patches[np++] = emit_jump(c, OP_JNZ, 0);
        and_expr(c);
    }
    patches[np++] = emit_jump(c, OP_JNZ, 0);
    emit_op(c, OP_PUSH0);
    int jend = emit_jump(c, OP_JMP, 0);
    int ltrue = mark_label(c);
    for (int i = 0; i < np; i++)
        patch_jump(c, patches[i], ltrue);
    emit_op(c, OP_PUSH1);
    patch_jump(c, jend, mark_label(c));
}

/* --- statements --- */

static void statement(Compiler *c);

static void block(Compiler *c)
{
    expect(c, TK_LBRACE, "'{'");
    while (!c->err && !check(c, TK_RBRACE) && !check(c, TK_EOF))
        statement(c);
    expect(c, TK_RBRACE, "'}'");
}

static void store_var(Compiler *c, const char *name)
{
    int l = find_local(c, name);
    if (l >= 0) {
        emit_op(c, OP_STOREL);
        emit_byte(c, l);
        return;
    }
    int g = find_global(c->m, name);
    if (g >= 0) {
        emit_op(c, OP_STOREG);
        emit_u16(c, g);
        return;
    }
    cerror(c, "undefined variable");
}

/* x = x + K  /  x = x - K  on a local with small K becomes INCL */
static int try_increment(Compiler *c)
{
    const Token *t = cur(c);
    if (t[1].type != TK_ASSIGN || t[2].type != TK_IDENT || strcmp(t[0].text, t[2].text) != 0)
        return 0;
    if ((t[3].type != TK_PLUS && t[3].type != TK_MINUS) || t[4].type != TK_NUM ||
        t[5].type != TK_SEMI)
        return 0;
    int l = find_local(c, t[0].text);
    if (l < 0 || t[4].num > 127)
        return 0;
    int delta = (int)t[4].num;
    if (t[3].type == TK_MINUS)
        delta = -delta;
    emit_op(c, OP_INCL);
    emit_byte(c, l);
    emit_byte(c, delta & 0xFF);
    c->pos += 6;
    c->m->fused++;
    return 1;
}

static void if_statement(Compiler *c)
{
    expect(c, TK_LPAREN, "'('");
    expression(c);
    expect(c, TK_RPAREN, "')'");
    int jelse = emit_jump(c, OP_JZ, 0);
    block(c);
    if (accept(c, TK_ELSE)) {
        int jend = emit_jump(c, OP_JMP, 0);
        patch_jump(c, jelse, mark_label(c));
        if (accept(c, TK_IF))
            if_statement(c);
        else
            block(c);
        patch_jump(c, jend, mark_label(c));
    } else {
        patch_jump(c, jelse, mark_label(c));
    }
}

static void while_statement(Compiler *c)
{
    if (c->nloops >= MAX_LOOPS) {
        cerror(c, "loops nested too deeply");
        return;
    }
    LoopCtx *lp = &c->loops[c->nloops++];
    lp->start = mark_label(c);
    lp->nbreaks = 0;
    expect(c, TK_LPAREN, "'('");
    expression(c);
    expect(c, TK_RPAREN, "')'");
    int jexit = emit_jump(c, OP_JZ, 0);
    block(c);
    emit_jump(c, OP_JMP, lp->start);
    int lend = mark_label(c);
    patch_jump(c, jexit, lend);
    for (int i = 0; i < lp->nbreaks; i++)
        patch_jump(c, lp->breaks[i], lend);
    c->nloops--;
}

static void statement(Compiler *c)
{
    if (c->err)
        return;
    const Token *t = cur(c);
    switch (t->type) {
    case TK_VAR: {
        c->pos++;
        if (!check(c, TK_IDENT)) {
            cerror(c, "variable name expected");
            return;
        }
        char name[NAME_LEN];
        snprintf(name, sizeof(name), "%s", cur(c)->text);
        c->pos++;
        if (accept(c, TK_ASSIGN))
            expression(c);
        else
            emit_push(c, 0);
        int l = add_local(c, name);
        emit_op(c, OP_STOREL);
        emit_byte(c, l);
        expect(c, TK_SEMI, "';'");
        return;
    }
    case TK_IF:
        c->pos++;
        if_statement(c);
        return;
    case TK_WHILE:
        c->pos++;
        while_statement(c);
        return;
    case TK_RETURN:
        c->pos++;
        if (accept(c, TK_SEMI)) {
            emit_push(c, 0);
        } else {
            expression(c);
            expect(c, TK_SEMI, "';'");
        }
        emit_op(c, OP_RET);
        return;
    case TK_PRINT:
        c->pos++;
        expect(c, TK_LPAREN, "'('");
        expression(c);
        expect(c, TK_RPAREN, "')'");
        expect(c, TK_SEMI, "';'");
        emit_op(c, OP_PRINT);
        return;
    case TK_BREAK:
    case TK_CONTINUE:
        c->pos++;
        if (c->nloops == 0) {
            cerror(c, "break/continue outside loop");
            return;
        }
        if (t->type == TK_BREAK) {
            LoopCtx *lp = &c->loops[c->nloops - 1];
            if (lp->nbreaks >= MAX_PATCHES) {
                cerror(c, "too many breaks");
                return;
            }
            lp->breaks[lp->nbreaks++] = emit_jump(c, OP_JMP, 0);
        } else {
            emit_jump(c, OP_JMP, c->loops[c->nloops - 1].start);
        }
        expect(c, TK_SEMI, "';'");
        return;
    case TK_LBRACE:
        block(c);
        return;
    case TK_IDENT: {
        if (try_increment(c))
            return;
        char name[NAME_LEN];
        snprintf(name, sizeof(name), "%s", t->text);
        TokType next = t[1].type;
        if (next == TK_ASSIGN) {
            c->pos += 2;
            expression(c);
            store_var(c, name);
            expect(c, TK_SEMI, "';'");
            return;
        }
        if (next == TK_LBRACKET) {
            int a = find_array(c->m, name);
            if (a < 0) {
                cerror(c, "unknown array");
                return;
            }
            c->pos += 2;
            expression(c);
            expect(c, TK_RBRACKET, "']'");
            expect(c, TK_ASSIGN, "'='");
            expression(c);
            emit_op(c, OP_ASTORE);
            emit_u16(c, a);
            expect(c, TK_SEMI, "';'");
            return;
        }
        if (next == TK_LPAREN) {
            c->pos++;
            call_args(c, name);
            emit_op(c, OP_POP);
            expect(c, TK_SEMI, "';'");
            return;
        }
        cerror(c, "statement expected");
        return;
    }
    default:
        cerror(c, "statement expected");
        return;
    }
}

static void function_decl(Compiler *c)
{
    if (!check(c, TK_IDENT)) {
        cerror(c, "function name expected");
        return;
    }
    int f = declare_func(c, cur(c)->text);
    if (c->err)
        return;
    if (c->m->funcs[f].defined) {
        cerror(c, "function redefined");
        return;
    }
    c->pos++;
    c->cur_func = f;
    c->nlocals = 0;
    c->nloops = 0;
    expect(c, TK_LPAREN, "'('");
    int np = 0;
    if (!check(c, TK_RPAREN)) {
        do {
            if (!check(c, TK_IDENT)) {
                cerror(c, "parameter name expected");
                return;
            }
            if (find_local(c, cur(c)->text) >= 0) {
                cerror(c, "duplicate parameter");
                return;
            }
            add_local(c, cur(c)->text);
            c->pos++;
            np++;
        } while (accept(c, TK_COMMA));
    }
    expect(c, TK_RPAREN, "')'");
    Func *fn = &c->m->funcs[f];
    if (fn->nparams >= 0 && fn->nparams != np) {
        cerror(c, "wrong number of arguments");
        return;
    }
    fn->nparams = np;
    fn->addr = mark_label(c);
    c->hist[0] = c->hist[1] = -1;
    block(c);
    emit_push(c, 0); /* implicit return 0 */
    emit_op(c, OP_RET);
    fn->end = c->m->ncode;
    fn->nlocals = c->nlocals;
    fn->defined = 1;
}

static void global_decl(Compiler *c, int is_array)
{
    if (!check(c, TK_IDENT)) {
        cerror(c, "name expected");
        return;
    }
    const char *name = cur(c)->text;
    if (find_global(c->m, name) >= 0 || find_array(c->m, name) >= 0) {
        cerror(c, "duplicate global");
        return;
    }
    c->pos++;
    if (is_array) {
        expect(c, TK_LBRACKET, "'['");
        if (!check(c, TK_NUM) || cur(c)->num <= 0 || cur(c)->num > 100000) {
            cerror(c, "bad array size");
            return;
        }
        int len = (int)cur(c)->num;
        c->pos++;
        expect(c, TK_RBRACKET, "']'");
        if (c->m->narrays >= MAX_ARRAYS) {
            cerror(c, "too many arrays");
            return;
        }
        ArrayDecl *a = &c->m->arrays[c->m->narrays++];
        snprintf(a->name, sizeof(a->name), "%s", name);
        a->length = len;
        a->base = c->m->heap_size;
        c->m->heap_size += len;
    } else {
        int32_t init = 0;
        if (accept(c, TK_ASSIGN)) {
            int neg = accept(c, TK_MINUS);
            if (!check(c, TK_NUM) || cur(c)->num > INT32_MAX) {
                cerror(c, "constant initializer expected");
                return;
            }
            init = (int32_t)cur(c)->num;
            if (neg)
                init = -init;
            c->pos++;
        }
        if (c->m->nglobals >= MAX_GLOBALS) {
            cerror(c, "too many globals");
            return;
        }
        Global *g = &c->m->globals[c->m->nglobals++];
        snprintf(g->name, sizeof(g->name), "%s", name);
        g->init = init;
    }
    expect(c, TK_SEMI, "';'");
}

/* Returns 1 on success; on failure errmsg holds the diagnostic. */
static int compile(const char *src, Module *m, char *errmsg, size_t errcap)
{
    TokVec tv = {NULL, 0, 0};
    Compiler c;
    memset(&c, 0, sizeof(c));
    memset(m, 0, sizeof(*m));
    lex_source(src, &tv);
    /* pad with EOF tokens so fixed lookahead never runs off the end */
    for (int i = 0; i < 6; i++) {
        Token eof;
        memset(&eof, 0, sizeof(eof));
        eof.type = TK_EOF;
        eof.line = tv.n ? tv.toks[tv.n - 1].line : 1;
        tv_push(&tv, &eof);
    }
    c.toks = tv.toks;
    c.m = m;
    c.hist[0] = c.hist[1] = -1;
    m->main_func = -1;
    while (!c.err && !check(&c, TK_EOF)) {
        if (accept(&c, TK_FUNC))
            function_decl(&c);
        else if (accept(&c, TK_VAR))
            global_decl(&c, 0);
        else if (accept(&c, TK_ARRAY))
            global_decl(&c, 1);
        else if (check(&c, TK_ERROR))
            cerror(&c, "invalid character");
        else
            cerror(&c, "declaration expected");
    }
    if (!c.err) {
        for (int i = 0; i < m->nfuncs; i++) {
            if (!m->funcs[i].defined) {
                snprintf(c.errmsg, sizeof(c.errmsg), "undefined function '%s'", m->funcs[i].name);
                c.err = 1;
                break;
            }
        }
    }
    if (!c.err) {
        m->main_func = find_func(m, "main");
        if (m->main_func < 0 || m->funcs[m->main_func].nparams != 0) {
            snprintf(c.errmsg, sizeof(c.errmsg), "missing 'func main()'");
            c.err = 1;
        }
    }
    free(tv.toks);
    if (c.err) {
        snprintf(errmsg, errcap, "%s", c.errmsg);
        return 0;
    }
    return 1;
}

/* ========================================================================= */
/* Verifier: per-function abstract interpretation of stack depth             */
/* ========================================================================= */

static int verify_function(Module *m, int f, char *err, size_t errcap)
{
    Func *fn = &m->funcs[f];
    int start = fn->addr, end = fn->end, len = end - start;
    int ok = 1;
    if (len <= 0) {
        snprintf(err, errcap, "%s: empty function", fn->name);
        return 0;
    }
    int *depth = (int *)malloc((size_t)len * sizeof(int));
    uint8_t *is_start = (uint8_t *)calloc((size_t)len, 1);
    int *work = (int *)malloc((size_t)len * sizeof(int));
    if (!depth || !is_start || !work) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (int i = 0; i < len; i++)
        depth[i] = -1;
    for (int pc = start; pc < end;) {
        int op = m->code[pc];
        if (op >= OP_COUNT) {
            snprintf(err, errcap, "%s: bad opcode at %d", fn->name, pc);
            ok = 0;
            break;
        }
        is_start[pc - start] = 1;
        pc += 1 + op_info[op].operand_bytes;
        if (pc > end) {
            snprintf(err, errcap, "%s: truncated instruction", fn->name);
            ok = 0;
        }
    }
    int nwork = 0;
    int max_depth = 0;
    if (ok) {
        depth[0] = 0;
        work[nwork++] = start;
    }
    while (ok && nwork > 0) {
        int pc = work[--nwork];
        int d = depth[pc - start];
        int op = m->code[pc];
        const uint8_t *operand = &m->code[pc + 1];
        int next = pc + 1 + op_info[op].operand_bytes;
        int pops = op_info[op].pops, pushes = op_info[op].pushes;
        int succ[2], nsucc = 0;
        switch (op) {
        case OP_LOADL:
        case OP_STOREL:
            if (operand[0] >= fn->nlocals)
                ok = 0;
            break;
        case OP_INCL:
            if (operand[0] >= fn->nlocals)
                ok = 0;
            break;
        case OP_LOADG:
        case OP_STOREG:
            if (rd_u16(operand) >= m->nglobals)
                ok = 0;
            break;
        case OP_ALOAD:
        case OP_ASTORE:
        case OP_ALEN:
            if (rd_u16(operand) >= m->narrays)
                ok = 0;
            break;
        case OP_CALL: {
            int callee = rd_u16(operand);
            if (callee >= m->nfuncs)
                ok = 0;
            else
                pops = m->funcs[callee].nparams;
            break;
        }
        case OP_HALT:
            ok = 0;
            break;
        default:
            break;
        }
        if (!ok) {
            snprintf(err, errcap, "%s: bad operand at %d", fn->name, pc);
            break;
        }
        if (d < pops) {
            snprintf(err, errcap, "%s: stack underflow at %d", fn->name, pc);
            ok = 0;
            break;
        }
        int nd = d - pops + pushes;
        if (nd > max_depth)
            max_depth = nd;
        switch (op) {
        case OP_RET:
            break;
        case OP_JMP:
            succ[nsucc++] = rd_i32(operand);
            break;
        case OP_JZ:
        case OP_JNZ:
            succ[nsucc++] = rd_i32(operand);
            succ[nsucc++] = next;
            break;
        default:
            succ[nsucc++] = next;
            break;
        }
        for (int k = 0; k < nsucc && ok; k++) {
            int s = succ[k];
            if (s < start || s >= end || !is_start[s - start]) {
                snprintf(err, errcap, "%s: bad control flow at %d", fn->name, pc);
                ok = 0;
            } else if (depth[s - start] < 0) {
                depth[s - start] = nd;
                work[nwork++] = s;
            } else if (depth[s - start] != nd) {
                snprintf(err, errcap, "%s: inconsistent stack depth at %d", fn->name, s);
                ok = 0;
            }
        }
    }
    fn->max_stack = max_depth;
    free(depth);
    free(is_start);
    free(work);
    return ok;
}

static int verify_module(Module *m, char *err, size_t errcap)
{
    for (int f = 0; f < m->nfuncs; f++)
        if (!verify_function(m, f, err, errcap))
            return 0;
    return 1;
}

/* ========================================================================= */
/* Disassembler                                                              */
/* ========================================================================= */

static int disasm_one(const Module *m, int pc, char *buf, size_t cap)
{
    int op = m->code[pc];
    const uint8_t *o = &m->code[pc + 1];
    const OpInfo *info = &op_info[op];
    switch (op) {
    case OP_PUSH:
    case OP_ADDI:
        snprintf(buf, cap, "%5d  %-7s %ld", pc, info->name, (long)rd_i32(o));
        break;
    case OP_JMP:
    case OP_JZ:
    case OP_JNZ:
        snprintf(buf, cap, "%5d  %-7s -> %ld", pc, info->name, (long)rd_i32(o));
        break;
    case OP_LOADL:
    case OP_STOREL:
        snprintf(buf, cap, "%5d  %-7s L%d", pc, info->name, o[0]);
        break;
    case OP_INCL:
        snprintf(buf, cap, "%5d  %-7s L%d, %d", pc, info->name, o[0], rd_i8(o + 1));
        break;
    case OP_LOADG:
    case OP_STOREG:
        snprintf(buf, cap, "%5d  %-7s %s", pc, info->name, m->globals[rd_u16(o)].name);
        break;
    case OP_ALOAD:
    case OP_ASTORE:
    case OP_ALEN:
        snprintf(buf, cap, "%5d  %-7s %s", pc, info->name, m->arrays[rd_u16(o)].name);
        break;
    case OP_CALL:
        snprintf(buf, cap, "%5d  %-7s %s/%d", pc, info->name, m->funcs[rd_u16(o)].name,
                 m->funcs[rd_u16(o)].nparams);
        break;
    default:
        snprintf(buf, cap, "%5d  %s", pc, info->name);
        break;
    }
    return pc + 1 + info->operand_bytes;
}

static uint32_t disasm_hash(const Module *m, int print_func)
{
    uint32_t h = 2166136261u;
    char line[96];
    for (int f = 0; f < m->nfuncs; f++) {
        const Func *fn = &m->funcs[f];
        if (f == print_func)
            printf("  func %s(params=%d, locals=%d, max_stack=%d):\n", fn->name, fn->nparams,
                   fn->nlocals, fn->max_stack);
        for (int pc = fn->addr; pc < fn->end;) {
            pc = disasm_one(m, pc, line, sizeof(line));
            if (f == print_func)
                printf("  %s\n", line);
            for (const char *p = line; *p; p++) {
                h ^= (uint8_t)*p;
                h *= 16777619u;
            }
        }
    }
    return h;
}

/* ========================================================================= */
/* Virtual machine                                                           */
/* ========================================================================= */

#define STACK_MAX 4096
#define MAX_FRAMES 200
#define MAX_OUT 64
#define STEP_LIMIT 5000000L

enum { TRAP_NONE, TRAP_DIVZERO, TRAP_BOUNDS, TRAP_STACK, TRAP_DEPTH, TRAP_STEPS, TRAP_BADOP };

static const char *const trap_names[] = {"none",          "division by zero", "array index out of bounds",
                                         "stack overflow", "call depth exceeded", "step limit",
                                         "bad opcode"};

typedef struct {
    int ret_pc;
    int bp;
    int func;
} Frame;

typedef struct {
    const Module *m;
    int64_t stack[STACK_MAX];
    int sp;
    Frame frames[MAX_FRAMES];
    int nframes;
    int64_t globals[MAX_GLOBALS];
    int64_t *heap;
    int64_t out[MAX_OUT];
    int nout;
    long steps;
    long step_limit;
    long calls;
    int trap;
    int trap_pc;
    int64_t result;
} VM;

static int vm_enter(VM *vm, int f, int ret_pc)
{
    const Func *fn = &vm->m->funcs[f];
    int bp = vm->sp - fn->nparams;
    if (vm->nframes >= MAX_FRAMES)
        return TRAP_DEPTH;
    if (bp + fn->nlocals + fn->max_stack + 1 > STACK_MAX)
        return TRAP_STACK;
    for (int i = fn->nparams; i < fn->nlocals; i++)
        vm->stack[bp + i] = 0;
    vm->sp = bp + fn->nlocals;
    Frame *fr = &vm->frames[vm->nframes++];
    fr->ret_pc = ret_pc;
    fr->bp = bp;
    fr->func = f;
    vm->calls++;
    return TRAP_NONE;
}

static int vm_run(VM *vm)
{
    const Module *m = vm->m;
    const uint8_t *code = m->code;
    int64_t *st = vm->stack;
    vm->sp = 0;
    vm->nframes = 0;
    vm->nout = 0;
    vm->steps = 0;
    vm->calls = 0;
    vm->trap = TRAP_NONE;
    for (int i = 0; i < m->nglobals; i++)
        vm->globals[i] = m->globals[i].init;
    for (int i = 0; i < m->heap_size; i++)
        vm->heap[i] = 0;
    int trap = vm_enter(vm, m->main_func, -1);
    int pc = m->funcs[m->main_func].addr;
    int bp = 0;
    int sp = vm->sp;
    int64_t a, b;
    while (trap == TRAP_NONE) {
        if (++vm->steps > vm->step_limit) {
            trap = TRAP_STEPS;
            break;
        }
        int op = code[pc];
        const uint8_t *o = &code[pc + 1];
        int ipc = pc;
        pc += 1 + op_info[op < OP_COUNT ? op : 0].operand_bytes;
        switch (op) {
        case OP_NOP:
            break;
        case OP_PUSH:
            st[sp++] = rd_i32(o);
            break;
        case OP_PUSH0:
            st[sp++] = 0;
            break;
        case OP_PUSH1:
            st[sp++] = 1;
            break;
        case OP_POP:
            sp--;
            break;
        case OP_DUP:
            st[sp] = st[sp - 1];
            sp++;
            break;
        case OP_SWAP:
            a = st[sp - 1];
            st[sp - 1] = st[sp - 2];
            st[sp - 2] = a;
            break;
        case OP_LOADL:
            st[sp++] = st[bp + o[0]];
            break;
        case OP_STOREL:
            st[bp + o[0]] = st[--sp];
            break;
        case OP_INCL:
            st[bp + o[0]] = wrap_u64((uint64_t)st[bp + o[0]] + (uint64_t)(int64_t)rd_i8(o + 1));
            break;
        case OP_LOADG:
            st[sp++] = vm->globals[rd_u16(o)];
            break;
        case OP_STOREG:
            vm->globals[rd_u16(o)] = st[--sp];
            break;
        case OP_ALOAD: {
            const ArrayDecl *ad = &m->arrays[rd_u16(o)];
            a = st[sp - 1];
            if (a < 0 || a >= ad->length) {
                trap = TRAP_BOUNDS;
                break;
            }
            st[sp - 1] = vm->heap[ad->base + a];
            break;
        }
        case OP_ASTORE: {
            const ArrayDecl *ad = &m->arrays[rd_u16(o)];
            b = st[--sp];
            a = st[--sp];
            if (a < 0 || a >= ad->length) {
                trap = TRAP_BOUNDS;
                break;
            }
            vm->heap[ad->base + a] = b;
            break;
        }
        case OP_ALEN:
            st[sp++] = m->arrays[rd_u16(o)].length;
            break;
        case OP_ADD:
            b = st[--sp];
            st[sp - 1] = wrap_u64((uint64_t)st[sp - 1] + (uint64_t)b);
            break;
        case OP_ADDI:
            st[sp - 1] = wrap_u64((uint64_t)st[sp - 1] + (uint64_t)(int64_t)rd_i32(o));
            break;
        case OP_SUB:
            b = st[--sp];
            st[sp - 1] = wrap_u64((uint64_t)st[sp - 1] - (uint64_t)b);
            break;
        case OP_MUL:
            b = st[--sp];
            st[sp - 1] = wrap_u64((uint64_t)st[sp - 1] * (uint64_t)b);
            break;
        case OP_DIV:
        case OP_MOD:
            b = st[--sp];
            a = st[sp - 1];
            if (b == 0) {
                trap = TRAP_DIVZERO;
                break;
            }
            if (b == -1)
                st[sp - 1] = op == OP_DIV ? wrap_u64(0u - (uint64_t)a) : 0;
            else
                st[sp - 1] = op == OP_DIV ? a / b : a % b;
            break;
        case OP_NEG:
            st[sp - 1] = wrap_u64(0u - (uint64_t)st[sp - 1]);
            break;
        case OP_BAND:
            b = st[--sp];
            st[sp - 1] &= b;
            break;
        case OP_BOR:
            b = st[--sp];
            st[sp - 1] |= b;
            break;
        case OP_BXOR:
            b = st[--sp];
            st[sp - 1] ^= b;
            break;
        case OP_BNOT:
            st[sp - 1] = ~st[sp - 1];
            break;
        case OP_SHL:
            b = st[--sp];
            st[sp - 1] = wrap_u64((uint64_t)st[sp - 1] << (b & 63));
            break;
        case OP_SHR:
            b = st[--sp];
            st[sp - 1] = shr_arith(st[sp - 1], (int)(b & 63));
            break;
        case OP_LNOT:
            st[sp - 1] = st[sp - 1] == 0;
            break;
        case OP_EQ:
            b = st[--sp];
            st[sp - 1] = st[sp - 1] == b;
            break;
        case OP_NE:
            b = st[--sp];
            st[sp - 1] = st[sp - 1] != b;
            break;
        case OP_LT:
            b = st[--sp];
            st[sp - 1] = st[sp - 1] < b;
            break;
        case OP_LE:
            b = st[--sp];
            st[sp - 1] = st[sp - 1] <= b;
            break;
        case OP_GT:
            b = st[--sp];
            st[sp - 1] = st[sp - 1] > b;
            break;
        case OP_GE:
            b = st[--sp];
            st[sp - 1] = st[sp - 1] >= b;
            break;
        case OP_JMP:
            pc = rd_i32(o);
            break;
        case OP_JZ:
            if (st[--sp] == 0)
                pc = rd_i32(o);
            break;
        case OP_JNZ:
            if (st[--sp] != 0)
                pc = rd_i32(o);
            break;
        case OP_CALL: {
            int f = rd_u16(o);
            vm->sp = sp;
            trap = vm_enter(vm, f, pc);
            if (trap)
                break;
            sp = vm->sp;
            bp = vm->frames[vm->nframes - 1].bp;
            pc = m->funcs[f].addr;
            break;
        }
        case OP_RET: {
            int64_t v = st[--sp];
            Frame fr = vm->frames[--vm->nframes];
            sp = fr.bp;
            if (vm->nframes == 0) {
                vm->result = v;
                vm->sp = sp;
                return TRAP_NONE;
            }
            bp = vm->frames[vm->nframes - 1].bp;
            st[sp++] = v;
            pc = fr.ret_pc;
            break;
        }
        case OP_PRINT:
            a = st[--sp];
            if (vm->nout < MAX_OUT)
                vm->out[vm->nout++] = a;
            break;
        default:
            trap = TRAP_BADOP;
            break;
        }
        if (trap)
            vm->trap_pc = ipc;
    }
    vm->sp = sp;
    return trap;
}

/* ========================================================================= */
/* Programs                                                                  */
/* ========================================================================= */

static const char prog_primes[] =
    "// sieve of Eratosthenes cross-checked with trial division\n"
    "array sieve[2000];\n"
    "var limit = 2000;\n"
    "func is_prime(n) {\n"
    "  if (n < 2) { return 0; }\n"
    "  if (n % 2 == 0) { return n == 2; }\n"
    "  var d = 3;\n"
    "  while (d * d <= n) {\n"
    "    if (n % d == 0) { return 0; }\n"
    "    d = d + 2;\n"
    "  }\n"
    "  return 1;\n"
    "}\n"
    "func main() {\n"
    "  var i = 2;\n"
    "  while (i < limit) { sieve[i] = 1; i = i + 1; }\n"
    "  i = 2;\n"
    "  while (i * i < limit) {\n"
    "    if (sieve[i]) {\n"
    "      var j = i * i;\n"
    "      while (j < limit) { sieve[j] = 0; j = j + i; }\n"
    "    }\n"
    "    i = i + 1;\n"
    "  }\n"
    "  var count = 0; var sum = 0; var agree = 0;\n"
    "  i = 0;\n"
    "  while (i < limit) {\n"
    "    if (sieve[i]) { count = count + 1; sum = sum + i; }\n"
    "    if (sieve[i] == is_prime(i)) { agree = agree + 1; }\n"
    "    i = i + 1;\n"
    "  }\n"
    "  print(count); print(sum); print(agree);\n"
    "  var twins = 0;\n"
    "  i = 3;\n"
    "  while (i + 2 < limit) {\n"
    "    if (sieve[i] && sieve[i + 2]) { twins = twins + 1; }\n"
    "    i = i + 2;\n"
    "  }\n"
    "  print(twins);\n"
    "  return count;\n"
    "}\n";

static const char prog_fib[] =
    "array memo[91];\n"
    "func fib(n) { if (n < 2) { return n; } return fib(n - 1) + fib(n - 2); }\n"
    "func fib_iter(n) {\n"
    "  var a = 0; var b = 1;\n"
    "  while (n > 0) { var t = a + b; a = b; b = t; n = n - 1; }\n"
    "  return a;\n"
    "}\n"
    "func fib_memo(n) {\n"
    "  if (n < 2) { return n; }\n"
    "  if (memo[n]) { return memo[n]; }\n"
    "  var v = fib_memo(n - 1) + fib_memo(n - 2);\n"
    "  memo[n] = v;\n"
    "  return v;\n"
    "}\n"
    "func main() {\n"
    "  print(fib(18));\n"
    "  var i = 0; var ok = 0;\n"
    "  while (i <= 16) { if (fib(i) == fib_iter(i)) { ok = ok + 1; } i = i + 1; }\n"
    "  print(ok);\n"
    "  print(fib_iter(90));\n"
    "  print(fib_memo(90));\n"
    "  var a = 0; var b = 1; i = 0;\n"
    "  while (i < 1000) { var t = (a + b) % 1000000007; a = b; b = t; i = i + 1; }\n"
    "  print(a);\n"
    "  return fib_iter(40);\n"
    "}\n";

static const char prog_gcd[] =
    "var pairs = 0;\n"
    "func gcd_rec(a, b) { if (b == 0) { return a; } return gcd_rec(b, a % b); }\n"
    "func gcd_iter(a, b) { while (b != 0) { var t = a % b; a = b; b = t; } return a; }\n"
    "func gcd_bin(a, b) {\n"
    "  if (a == 0) { return b; }\n"
    "  if (b == 0) { return a; }\n"
    "  var shift = 0;\n"
    "  while (((a | b) & 1) == 0) { a = a >> 1; b = b >> 1; shift = shift + 1; }\n"
    "  while ((a & 1) == 0) { a = a >> 1; }\n"
    "  while (b != 0) {\n"
    "    while ((b & 1) == 0) { b = b >> 1; }\n"
    "    if (a > b) { var t = a; a = b; b = t; }\n"
    "    b = b - a;\n"
    "  }\n"
    "  return a << shift;\n"
    "}\n"
    "func main() {\n"
    "  var s1 = 0; var s2 = 0; var s3 = 0; var lcm = 0; var coprime = 0;\n"
    "  var i = 1;\n"
    "  while (i <= 30) {\n"
    "    var j = 1;\n"
    "    while (j <= 30) {\n"
    "      var x = i * 37 + 11; var y = j * 23 + 5;\n"
    "      var g = gcd_rec(x, y);\n"
    "      s1 = s1 + g;\n"
    "      s2 = s2 + gcd_iter(x, y);\n"
    "      s3 = s3 + gcd_bin(x, y);\n"
    "      lcm = (lcm + x / g * y) % 1000003;\n"
    "      if (g == 1) { coprime = coprime + 1; }\n"
    "      pairs = pairs + 1;\n"
    "      j = j + 1;\n"
    "    }\n"
    "    i = i + 1;\n"
    "  }\n"
    "  print(s1); print(s1 == s2 && s2 == s3); print(lcm); print(coprime); print(pairs);\n"
    "  print(gcd_bin(1 << 20, 3 << 12));\n"
    "  return s1;\n"
    "}\n";

static const char prog_sort[] =
    "array a[160]; array b[160]; array c[160];\n"
    "var seed = 12345;\n"
    "func next_random() { seed = (seed * 1103515245 + 12345) & 2147483647; return seed >> 8; }\n"
    "func insertion_sort(n) {\n"
    "  var i = 1;\n"
    "  while (i < n) {\n"
    "    var key = a[i]; var j = i - 1;\n"
    "    while (j >= 0 && a[j] > key) { a[j + 1] = a[j]; j = j - 1; }\n"
    "    a[j + 1] = key;\n"
    "    i = i + 1;\n"
    "  }\n"
    "}\n"
    "func quicksort(lo, hi) {\n"
    "  if (lo >= hi) { return; }\n"
    "  var pivot = b[(lo + hi) / 2]; var i = lo; var j = hi;\n"
    "  while (i <= j) {\n"
    "    while (b[i] < pivot) { i = i + 1; }\n"
    "    while (b[j] > pivot) { j = j - 1; }\n"
    "    if (i <= j) { var t = b[i]; b[i] = b[j]; b[j] = t; i = i + 1; j = j - 1; }\n"
    "  }\n"
    "  quicksort(lo, j);\n"
    "  quicksort(i, hi);\n"
    "}\n"
    "func sift(start, n) {\n"
    "  var root = start;\n"
    "  while (root * 2 + 1 < n) {\n"
    "    var child = root * 2 + 1;\n"
    "    if (child + 1 < n && c[child] < c[child + 1]) { child = child + 1; }\n"
    "    if (c[root] >= c[child]) { return; }\n"
    "    var t = c[root]; c[root] = c[child]; c[child] = t;\n"
    "    root = child;\n"
    "  }\n"
    "}\n"
    "func heapsort(n) {\n"
    "  var s = n / 2 - 1;\n"
    "  while (s >= 0) { sift(s, n); s = s - 1; }\n"
    "  var e = n - 1;\n"
    "  while (e > 0) { var t = c[0]; c[0] = c[e]; c[e] = t; sift(0, e); e = e - 1; }\n"
    "}\n"
    "func main() {\n"
    "  var n = len(a); var i = 0;\n"
    "  while (i < n) { var v = next_random() % 10000; a[i] = v; b[i] = v; c[i] = v; i = i + 1; }\n"
    "  insertion_sort(n); quicksort(0, n - 1); heapsort(n);\n"
    "  var sorted = 1; var same = 1; var check = 0;\n"
    "  i = 0;\n"
    "  while (i < n) {\n"
    "    if (i > 0 && a[i - 1] > a[i]) { sorted = 0; }\n"
    "    if (a[i] != b[i] || b[i] != c[i]) { same = 0; }\n"
    "    check = (check * 31 + a[i]) & 16777215;\n"
    "    i = i + 1;\n"
    "  }\n"
    "  print(sorted); print(same); print(a[0]); print(a[n / 2]); print(a[n - 1]); print(check);\n"
    "  return check;\n"
    "}\n";

static const char prog_misc[] =
    "var calls = 0;\n"
    "func touch(v) { calls = calls + 1; return v; }\n"
    "func popcount(x) { var n = 0; while (x != 0) { n = n + (x & 1); x = x >> 1; } return n; }\n"
    "func collatz(n) {\n"
    "  var steps = 0;\n"
    "  while (n != 1) { if (n % 2 == 0) { n = n / 2; } else { n = 3 * n + 1; } steps = steps + 1; }\n"
    "  return steps;\n"
    "}\n"
    "func classify(n) {\n"
    "  if (n % 15 == 0) { return 3; } else if (n % 5 == 0) { return 2; }\n"
    "  else if (n % 3 == 0) { return 1; } else { return 0; }\n"
    "}\n"
    "func main() {\n"
    "  var best = 0; var best_n = 0; var n = 1;\n"
    "  while (n < 250) { var s = collatz(n); if (s > best) { best = s; best_n = n; } n = n + 1; }\n"
    "  print(best); print(best_n);\n"
    "  var counts = 0; var i = 1;\n"
    "  while (i <= 100) { counts = (counts * 4 + classify(i)) & 1048575; i = i + 1; }\n"
    "  print(counts);\n"
    "  var total = 0; i = 0;\n"
    "  while (1) {\n"
    "    i = i + 1;\n"
    "    if (i > 200) { break; }\n"
    "    if (i % 7 == 0) { continue; }\n"
    "    total = total + popcount(i);\n"
    "  }\n"
    "  print(total);\n"
    "  var t = 0; i = 0;\n"
    "  while (i < 50) {\n"
    "    if (touch(i % 3 == 0) && touch(i % 5 == 0)) { t = t + 1; }\n"
    "    if (touch(i % 2 == 0) || touch(i % 7 == 0)) { t = t + 100; }\n"
    "    i = i + 1;\n"
    "  }\n"
    "  print(t); print(calls);\n"
    "  print(-17 / 5); print(-17 % 5); print((-17) >> 2); print(~5 & 255);\n"
    "  print(1 << 40); print(-(3 - 10) * 6); print(2 * 3 + 4 * 5 - (7 ^ 2));\n"
    "  var big = 1; i = 0;\n"
    "  while (i < 70) { big = big * 3; i = i + 1; }\n"
    "  print(big);\n"
    "  return best;\n"
    "}\n";

static const char *const trap_progs[] = {
    "func main() { var z = 0; var k = 10; while (k > 0) { k = k - 1; } return 10 / z; }\n",
    "array a[4];\nfunc main() { var i = 0; while (i <= 4) { a[i] = i; i = i + 1; } return 0; }\n",
    "func r(n) { return r(n + 1) + 1; }\nfunc main() { return r(0); }\n",
    "func main() { var i = 0; while (1) { i = i + 1; } return i; }\n",
};

static const char *const bad_progs[] = {
    "func main() { x = 1; }",
    "func main() { return f(1); }\nfunc f(a, b) { return a + b; }",
    "func main() { var a = ; }",
    "func helper() { return 1; }",
    "func main() { break; }",
    "func main() { return g(2); }",
    "var x = 1;\nvar x = 2;\nfunc main() { return x; }",
    "func main() { return 5000000000; }",
    "func main() { var a = 1 $ 2; }",
    "array q[0];\nfunc main() { return 0; }",
    "func main(a) { return a; }",
    "func f(a, a) { return a; }\nfunc main() { return f(1, 2); }",
};

/* ========================================================================= */
/* Reference implementations in C for verification                           */
/* ========================================================================= */

static int ref_is_prime(int n)
{
    if (n < 2)
        return 0;
    if (n % 2 == 0)
        return n == 2;
    for (int d = 3; d * d <= n; d += 2)
        if (n % d == 0)
            return 0;
    return 1;
}

static int ref_primes(int64_t *out)
{
    int64_t count = 0, sum = 0, twins = 0;
    for (int i = 0; i < 2000; i++)
        if (ref_is_prime(i)) {
            count++;
            sum += i;
        }
    for (int i = 3; i + 2 < 2000; i += 2)
        if (ref_is_prime(i) && ref_is_prime(i + 2))
            twins++;
    out[0] = count;
    out[1] = sum;
    out[2] = 2000;
    out[3] = twins;
    return 4;
}

static int64_t ref_fib_iter(int n)
{
    uint64_t a = 0, b = 1;
    while (n-- > 0) {
        uint64_t t = a + b;
        a = b;
        b = t;
    }
    return (int64_t)a;
}

static int ref_fib(int64_t *out)
{
    out[0] = ref_fib_iter(18);
    out[1] = 17;
    out[2] = ref_fib_iter(90);
    out[3] = ref_fib_iter(90);
    int64_t a = 0, b = 1;
    for (int i = 0; i < 1000; i++) {
        int64_t t = (a + b) % 1000000007;
        a = b;
        b = t;
    }
    out[4] = a;
    return 5;
}

static int64_t ref_gcd(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static int ref_gcd_prog(int64_t *out)
{
    int64_t s1 = 0, lcm = 0, coprime = 0;
    for (int i = 1; i <= 30; i++)
        for (int j = 1; j <= 30; j++) {
            int64_t x = i * 37 + 11, y = j * 23 + 5;
            int64_t g = ref_gcd(x, y);
            s1 += g;
            lcm = (lcm + x / g * y) % 1000003;
            if (g == 1)
                coprime++;
        }
    out[0] = s1;
    out[1] = 1;
    out[2] = lcm;
    out[3] = coprime;
    out[4] = 900;
    out[5] = ref_gcd((int64_t)1 << 20, (int64_t)3 << 12);
    return 6;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

static int ref_sort(int64_t *out)
{
    int64_t v[160];
    int64_t seed = 12345;
    for (int i = 0; i < 160; i++) {
        seed = (int64_t)(((uint64_t)seed * 1103515245u + 12345u) & 2147483647u);
        v[i] = (seed >> 8) % 10000;
    }
    qsort(v, 160, sizeof(v[0]), cmp_i64);
    int64_t check = 0;
    for (int i = 0; i < 160; i++)
        check = (check * 31 + v[i]) & 16777215;
    out[0] = 1;
    out[1] = 1;
    out[2] = v[0];
    out[3] = v[80];
    out[4] = v[159];
    out[5] = check;
    return 6;
}

static int ref_misc(int64_t *out)
{
    int64_t best = 0, best_n = 0;
    for (int64_t n = 1; n < 250; n++) {
        int64_t x = n, s = 0;
        while (x != 1) {
            x = (x % 2 == 0) ? x / 2 : 3 * x + 1;
            s++;
        }
        if (s > best) {
            best = s;
            best_n = n;
        }
    }
    int64_t counts = 0;
    for (int i = 1; i <= 100; i++) {
        int cl = i % 15 == 0 ? 3 : i % 5 == 0 ? 2 : i % 3 == 0 ? 1 : 0;
        counts = (counts * 4 + cl) & 1048575;
    }
    int64_t total = 0;
    for (int i = 1; i <= 200; i++) {
        if (i % 7 == 0)
            continue;
        for (int x = i; x; x >>= 1)
            total += x & 1;
    }
    int64_t t = 0, calls = 0;
    for (int i = 0; i < 50; i++) {
        calls++;
        if (i % 3 == 0) {
            calls++;
            if (i % 5 == 0)
                t += 1;
        }
        calls++;
        if (i % 2 == 0) {
            t += 100;
        } else {
            calls++;
            if (i % 7 == 0)
                t += 100;
        }
    }
    uint64_t big = 1;
    for (int i = 0; i < 70; i++)
        big *= 3u;
    int k = 0;
    out[k++] = best;
    out[k++] = best_n;
    out[k++] = counts;
    out[k++] = total;
    out[k++] = t;
    out[k++] = calls;
    out[k++] = -17 / 5;
    out[k++] = -17 % 5;
    out[k++] = -5; /* arithmetic shift of -17 by 2 */
    out[k++] = ~5 & 255;
    out[k++] = (int64_t)1 << 40;
    out[k++] = 42;
    out[k++] = 2 * 3 + 4 * 5 - (7 ^ 2);
    out[k++] = wrap_u64(big);
    return k;
}

/* ========================================================================= */
/* Driver                                                                    */
/* ========================================================================= */

typedef struct {
    const char *name;
    const char *src;
    int (*ref)(int64_t *out);
    const char *show_func;
} TestProg;

static const TestProg programs[] = {
    {"primes", prog_primes, ref_primes, NULL},
    {"fib", prog_fib, ref_fib, "fib"},
    {"gcd", prog_gcd, ref_gcd_prog, "gcd_iter"},
    {"sort", prog_sort, ref_sort, NULL},
    {"misc", prog_misc, ref_misc, NULL},
};

static uint32_t mix(uint32_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (uint32_t)(v & 0xFFu);
        h *= 16777619u;
        v >>= 8;
    }
    return h;
}

int main(void)
{
    Module *m = (Module *)malloc(sizeof(Module));
    VM *vm = (VM *)malloc(sizeof(VM));
    if (!m || !vm) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    uint32_t h = 2166136261u;
    int failures = 0;
    char err[192];
    size_t nprog = sizeof(programs) / sizeof(programs[0]);

    for (size_t p = 0; p < nprog; p++) {
        const TestProg *tp = &programs[p];
        if (!compile(tp->src, m, err, sizeof(err))) {
            printf("%s: compile error: %s\n", tp->name, err);
            failures++;
            continue;
        }
        if (!verify_module(m, err, sizeof(err))) {
            printf("%s: verify error: %s\n", tp->name, err);
            failures++;
            continue;
        }
        int show = tp->show_func ? find_func(m, tp->show_func) : -1;
        h ^= disasm_hash(m, show);
        vm->m = m;
        vm->step_limit = STEP_LIMIT;
        vm->heap = (int64_t *)calloc((size_t)(m->heap_size ? m->heap_size : 1), sizeof(int64_t));
        int trap = vm_run(vm);
        int64_t expect[MAX_OUT];
        int nexp = tp->ref(expect);
        int match = trap == TRAP_NONE && nexp == vm->nout;
        for (int i = 0; match && i < nexp; i++)
            if (expect[i] != vm->out[i])
                match = 0;
        if (!match)
            failures++;
        printf("%-7s code=%5d bytes funcs=%d folds=%d fused=%d steps=%ld calls=%ld result=%lld %s\n",
               tp->name, m->ncode, m->nfuncs, m->folds, m->fused, vm->steps, vm->calls,
               (long long)vm->result, match ? "OK" : "MISMATCH");
        printf("        out:");
        for (int i = 0; i < vm->nout; i++) {
            printf(" %lld", (long long)vm->out[i]);
            h = mix(h, (uint64_t)vm->out[i]);
        }
        printf("\n");
        if (trap)
            printf("        trap: %s\n", trap_names[trap]);
        h = mix(h, (uint64_t)vm->steps);
        h = mix(h, (uint64_t)vm->result);
        free(vm->heap);
        vm->heap = NULL;
    }

    for (size_t i = 0; i < sizeof(trap_progs) / sizeof(trap_progs[0]); i++) {
        if (!compile(trap_progs[i], m, err, sizeof(err)) || !verify_module(m, err, sizeof(err))) {
            printf("trap program %zu: %s\n", i, err);
            failures++;
            continue;
        }
        vm->m = m;
        vm->step_limit = 20000;
        vm->heap = (int64_t *)calloc((size_t)(m->heap_size ? m->heap_size : 1), sizeof(int64_t));
        int trap = vm_run(vm);
        printf("trap program %zu: %s at pc %d after %ld steps (frames %d)\n", i, trap_names[trap],
               vm->trap_pc, vm->steps, vm->nframes);
        if (trap == TRAP_NONE)
            failures++;
        h = mix(h, (uint64_t)trap * 1000003u + (uint64_t)vm->steps);
        free(vm->heap);
        vm->heap = NULL;
    }

    for (size_t i = 0; i < sizeof(bad_progs) / sizeof(bad_progs[0]); i++) {
        int ok = compile(bad_progs[i], m, err, sizeof(err));
        if (ok) {
            printf("bad program %zu compiled unexpectedly\n", i);
            failures++;
        } else {
            printf("bad program %zu: %s\n", i, err);
            for (const char *q = err; *q; q++) {
                h ^= (uint8_t)*q;
                h *= 16777619u;
            }
        }
    }

    printf("failures: %d\n", failures);
    printf("checksum: 0x%08x\n", (unsigned)h);
    free(m);
    free(vm);
    return 0;
}
