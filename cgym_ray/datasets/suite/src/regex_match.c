/* cgym-suite: category=string; regex engine (literals, ., *, +, ?, |, groups, classes, anchors) via Thompson NFA simulation, checked against memoized backtracking */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

/* ------------------------------------------------------------------------- */
/* Parser: pattern -> AST                                                    */
/* ------------------------------------------------------------------------- */

typedef enum { A_LIT, A_ANY, A_CLASS, A_BOL, A_EOL, A_EMPTY, A_CAT, A_ALT, A_STAR, A_PLUS, A_QUEST } AstKind;

#define MAX_AST 512
#define MAX_CLASSES 32

typedef struct {
    AstKind kind;
    int ch;    /* literal char or class index */
    int l, r;  /* children */
} Ast;

typedef struct {
    const char *pat;
    int pos;
    Ast nodes[MAX_AST];
    int n;
    uint32_t classes[MAX_CLASSES][8];
    int nclasses;
    int err;
    char errmsg[64];
} Parser;

static void perr(Parser *p, const char *msg)
{
    if (!p->err) {
        p->err = 1;
        snprintf(p->errmsg, sizeof(p->errmsg), "%s at %d", msg, p->pos);
    }
}

static int new_node(Parser *p, AstKind k, int ch, int l, int r)
{
    if (p->n >= MAX_AST) {
        perr(p, "pattern too complex");
        return 0;
    }
    p->nodes[p->n].kind = k;
    p->nodes[p->n].ch = ch;
    p->nodes[p->n].l = l;
    p->nodes[p->n].r = r;
    return p->n++;
}

static void class_set(uint32_t *bits, int c)
{
    bits[(unsigned)c >> 5] |= 1u << ((unsigned)c & 31u);
}

static int class_has(const uint32_t *bits, int c)
{
    return (bits[(unsigned)c >> 5] >> ((unsigned)c & 31u)) & 1u;
}

static void class_add_range(uint32_t *bits, int lo, int hi)
{
    for (int c = lo; c <= hi; c++)
        class_set(bits, c);
}

/* \d \w \s and their class meaning; returns 0 if not a class escape */
static int class_escape(uint32_t *bits, char e)
{
    switch (e) {
    case 'd':
        class_add_range(bits, '0', '9');
        return 1;
    case 'w':
        class_add_range(bits, 'a', 'z');
        class_add_range(bits, 'A', 'Z');
        class_add_range(bits, '0', '9');
        class_set(bits, '_');
        return 1;
    case 's':
        class_set(bits, ' ');
        class_set(bits, '\t');
        class_set(bits, '\n');
        class_set(bits, '\r');
        return 1;
    default:
        return 0;
    }
}

static int new_class(Parser *p)
{
    if (p->nclasses >= MAX_CLASSES) {
        perr(p, "too many classes");
        return 0;
    }
    memset(p->classes[p->nclasses], 0, sizeof(p->classes[0]));
    return p->nclasses++;
}

static int parse_class(Parser *p)
{
    /* current char is just after '[' */
    int ci = new_class(p);
    if (p->err)
        return 0;
    uint32_t *bits = p->classes[ci];
    int negate = 0;
    if (p->pat[p->pos] == '^') {
        negate = 1;
        p->pos++;
    }
    int first = 1;
    for (;;) {
        char c = p->pat[p->pos];
        if (c == '\0') {
            perr(p, "unterminated class");
            return 0;
        }
        if (c == ']' && !first) {
            p->pos++;
            break;
        }
        first = 0;
        int lo;
        if (c == '\\') {
            char e = p->pat[p->pos + 1];
            if (e == '\0') {
                perr(p, "trailing backslash");
                return 0;
            }
            p->pos += 2;
            if (class_escape(bits, e))
                continue;
            lo = (unsigned char)e;
        } else {
            lo = (unsigned char)c;
            p->pos++;
        }
        if (p->pat[p->pos] == '-' && p->pat[p->pos + 1] != ']' && p->pat[p->pos + 1] != '\0') {
            int hi = (unsigned char)p->pat[p->pos + 1];
            if (hi == '\\') {
                hi = (unsigned char)p->pat[p->pos + 2];
                p->pos++;
            }
            p->pos += 2;
            if (hi < lo) {
                perr(p, "bad range");
                return 0;
            }
            class_add_range(bits, lo, hi);
        } else {
            class_set(bits, lo);
        }
    }
    if (negate)
        for (int i = 0; i < 8; i++)
            bits[i] = ~bits[i];
    return new_node(p, A_CLASS, ci, -1, -1);
}

static int parse_alt(Parser *p);

static int parse_atom(Parser *p)
{
    char c = p->pat[p->pos];
    switch (c) {
    case '(': {
        p->pos++;
        int inner = parse_alt(p);
        if (p->pat[p->pos] != ')') {
            perr(p, "missing )");
            return 0;
        }
        p->pos++;
        return inner;
    }
    case '[':
        p->pos++;
        return parse_class(p);
    case '.':
        p->pos++;
        return new_node(p, A_ANY, 0, -1, -1);
    case '^':
        p->pos++;
        return new_node(p, A_BOL, 0, -1, -1);
    case '$':
        p->pos++;
        return new_node(p, A_EOL, 0, -1, -1);
    case '\\': {
        char e = p->pat[p->pos + 1];
        if (e == '\0') {
            perr(p, "trailing backslash");
            return 0;
        }
        p->pos += 2;
        uint32_t tmp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        if (class_escape(tmp, e)) {
            int ci = new_class(p);
            if (p->err)
                return 0;
            memcpy(p->classes[ci], tmp, sizeof(tmp));
            return new_node(p, A_CLASS, ci, -1, -1);
        }
        if (e == 'n')
            return new_node(p, A_LIT, '\n', -1, -1);
        if (e == 't')
            return new_node(p, A_LIT, '\t', -1, -1);
        return new_node(p, A_LIT, (unsigned char)e, -1, -1);
    }
    case '*':
    case '+':
    case '?':
        perr(p, "dangling quantifier");
        return 0;
    default:
        p->pos++;
        return new_node(p, A_LIT, (unsigned char)c, -1, -1);
    }
}

static int parse_repeat(Parser *p)
{
    int e = parse_atom(p);
    for (;;) {
        if (p->err)
            return 0;
        char c = p->pat[p->pos];
        AstKind k;
        if (c == '*')
            k = A_STAR;
        else if (c == '+')
            k = A_PLUS;
        else if (c == '?')
            k = A_QUEST;
        else
            return e;
        p->pos++;
        e = new_node(p, k, 0, e, -1);
    }
}

static int parse_concat(Parser *p)
{
    int e = -1;
    for (;;) {
        if (p->err)
            return 0;
        char c = p->pat[p->pos];
        if (c == '\0' || c == '|' || c == ')')
            break;
        int r = parse_repeat(p);
        e = e < 0 ? r : new_node(p, A_CAT, 0, e, r);
    }
    return e < 0 ? new_node(p, A_EMPTY, 0, -1, -1) : e;
}

static int parse_alt(Parser *p)
{
    int e = parse_concat(p);
    while (!p->err && p->pat[p->pos] == '|') {
        p->pos++;
        int r = parse_concat(p);
        e = new_node(p, A_ALT, 0, e, r);
    }
    return e;
}

/* ------------------------------------------------------------------------- */
/* Code generation: AST -> Thompson/Pike instructions                         */
/* ------------------------------------------------------------------------- */

typedef enum { I_CHAR, I_ANY, I_CLASS, I_SPLIT, I_JMP, I_MATCH, I_BOL, I_EOL } IOp;

typedef struct {
    IOp op;
    int c;
    int x, y;
} Inst;

#define MAX_INST 1024

typedef struct {
    Inst code[MAX_INST];
    int n;
    uint32_t classes[MAX_CLASSES][8];
    int nclasses;
} Prog;

static int emit(Prog *pg, IOp op, int c, int x, int y)
{
    if (pg->n >= MAX_INST)
        return -1;
    pg->code[pg->n].op = op;
    pg->code[pg->n].c = c;
    pg->code[pg->n].x = x;
    pg->code[pg->n].y = y;
    return pg->n++;
}

static int gen(Prog *pg, const Parser *p, int node)
{
    const Ast *a = &p->nodes[node];
    int s, j, ok = 1;
    switch (a->kind) {
    case A_LIT:
        return emit(pg, I_CHAR, a->ch, 0, 0) >= 0;
    case A_ANY:
        return emit(pg, I_ANY, 0, 0, 0) >= 0;
    case A_CLASS:
        return emit(pg, I_CLASS, a->ch, 0, 0) >= 0;
    case A_BOL:
        return emit(pg, I_BOL, 0, 0, 0) >= 0;
    case A_EOL:
        return emit(pg, I_EOL, 0, 0, 0) >= 0;
    case A_EMPTY:
        return 1;
    case A_CAT:
        return gen(pg, p, a->l) && gen(pg, p, a->r);
    case A_ALT:
        s = emit(pg, I_SPLIT, 0, 0, 0);
        if (s < 0)
            return 0;
        pg->code[s].x = pg->n;
        ok = gen(pg, p, a->l);
        j = emit(pg, I_JMP, 0, 0, 0);
        if (!ok || j < 0)
            return 0;
        pg->code[s].y = pg->n;
        ok = gen(pg, p, a->r);
        pg->code[j].x = pg->n;
        return ok;
    case A_QUEST:
        s = emit(pg, I_SPLIT, 0, 0, 0);
        if (s < 0)
            return 0;
        pg->code[s].x = pg->n;
        ok = gen(pg, p, a->l);
        pg->code[s].y = pg->n;
        return ok;
    case A_STAR:
        s = emit(pg, I_SPLIT, 0, 0, 0);
        if (s < 0)
            return 0;
        pg->code[s].x = pg->n;
        ok = gen(pg, p, a->l);
        if (!ok || emit(pg, I_JMP, 0, s, 0) < 0)
            return 0;
        pg->code[s].y = pg->n;
        return 1;
    case A_PLUS: {
        int start = pg->n;
        ok = gen(pg, p, a->l);
        s = emit(pg, I_SPLIT, 0, start, 0);
        if (!ok || s < 0)
            return 0;
        pg->code[s].y = pg->n;
        return 1;
    }
    }
    return 0;
}

static Parser parser;

static int compile(const char *pattern, Prog *pg, char *err, size_t errcap)
{
    Parser *p = &parser;
    memset(p, 0, sizeof(*p));
    p->pat = pattern;
    int root = parse_alt(p);
    if (!p->err && p->pat[p->pos] != '\0')
        perr(p, p->pat[p->pos] == ')' ? "unmatched )" : "unexpected character");
    if (p->err) {
        snprintf(err, errcap, "%s", p->errmsg);
        return 0;
    }
    pg->n = 0;
    if (!gen(pg, p, root) || emit(pg, I_MATCH, 0, 0, 0) < 0) {
        snprintf(err, errcap, "program too large");
        return 0;
    }
    pg->nclasses = p->nclasses;
    memcpy(pg->classes, p->classes, sizeof(p->classes));
    return 1;
}

/* ------------------------------------------------------------------------- */
/* Thompson NFA simulation (breadth-first over state sets)                    */
/* ------------------------------------------------------------------------- */

typedef struct {
    int pcs[MAX_INST];
    int n;
} StateList;

static int marks[MAX_INST];
static int generation;
static long nfa_steps;

static void add_thread(const Prog *pg, StateList *l, int pc, int pos, int len)
{
    if (marks[pc] == generation)
        return;
    marks[pc] = generation;
    const Inst *in = &pg->code[pc];
    switch (in->op) {
    case I_JMP:
        add_thread(pg, l, in->x, pos, len);
        break;
    case I_SPLIT:
        add_thread(pg, l, in->x, pos, len);
        add_thread(pg, l, in->y, pos, len);
        break;
    case I_BOL:
        if (pos == 0)
            add_thread(pg, l, pc + 1, pos, len);
        break;
    case I_EOL:
        if (pos == len)
            add_thread(pg, l, pc + 1, pos, len);
        break;
    default:
        l->pcs[l->n++] = pc;
        break;
    }
}

static int inst_accepts(const Prog *pg, const Inst *in, unsigned char c)
{
    switch (in->op) {
    case I_CHAR:
        return in->c == c;
    case I_ANY:
        return c != '\n';
    case I_CLASS:
        return class_has(pg->classes[in->c], c);
    default:
        return 0;
    }
}

/* mode 0: anchored at start, returns the longest match end or -1.
   mode 1: unanchored search, returns 1 as soon as any match is found. */
static int nfa_run(const Prog *pg, const char *text, int len, int start, int mode)
{
    static StateList a, b;
    StateList *clist = &a, *nlist = &b;
    int best = -1;
    clist->n = 0;
    generation++;
    add_thread(pg, clist, 0, start, len);
    for (int pos = start;; pos++) {
        if (mode == 1 && pos > start)
            add_thread(pg, clist, 0, pos, len); /* same generation as clist */
        if (clist->n == 0 && mode == 0)
            break;
        nlist->n = 0;
        generation++;
        for (int i = 0; i < clist->n; i++) {
            const Inst *in = &pg->code[clist->pcs[i]];
            nfa_steps++;
            if (in->op == I_MATCH) {
                if (mode == 1)
                    return 1;
                best = pos;
                continue;
            }
            if (pos < len && inst_accepts(pg, in, (unsigned char)text[pos]))
                add_thread(pg, nlist, clist->pcs[i] + 1, pos + 1, len);
        }
        StateList *t = clist;
        clist = nlist;
        nlist = t;
        if (pos >= len)
            break;
    }
    return mode == 1 ? 0 : best;
}

static int nfa_search(const Prog *pg, const char *text)
{
    return nfa_run(pg, text, (int)strlen(text), 0, 1);
}

static int nfa_fullmatch(const Prog *pg, const char *text)
{
    int len = (int)strlen(text);
    return nfa_run(pg, text, len, 0, 0) == len;
}

/* leftmost start, longest end */
static int nfa_first_match(const Prog *pg, const char *text, int *mstart, int *mend)
{
    int len = (int)strlen(text);
    for (int s = 0; s <= len; s++) {
        int e = nfa_run(pg, text, len, s, 0);
        if (e >= 0) {
            *mstart = s;
            *mend = e;
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Memoized backtracking over the same program                                */
/* ------------------------------------------------------------------------- */

static uint8_t *visited;
static long bt_steps;

static int bt(const Prog *pg, const char *t, int len, int pc, int pos, int target)
{
    size_t idx = (size_t)pc * (size_t)(len + 1) + (size_t)pos;
    if (visited[idx])
        return 0;
    visited[idx] = 1;
    bt_steps++;
    const Inst *in = &pg->code[pc];
    switch (in->op) {
    case I_CHAR:
    case I_ANY:
    case I_CLASS:
        return pos < len && inst_accepts(pg, in, (unsigned char)t[pos]) &&
               bt(pg, t, len, pc + 1, pos + 1, target);
    case I_SPLIT:
        return bt(pg, t, len, in->x, pos, target) || bt(pg, t, len, in->y, pos, target);
    case I_JMP:
        return bt(pg, t, len, in->x, pos, target);
    case I_BOL:
        return pos == 0 && bt(pg, t, len, pc + 1, pos, target);
    case I_EOL:
        return pos == len && bt(pg, t, len, pc + 1, pos, target);
    case I_MATCH:
        return target < 0 || pos == target;
    }
    return 0;
}

static int bt_from(const Prog *pg, const char *t, int len, int start, int target)
{
    memset(visited, 0, (size_t)pg->n * (size_t)(len + 1));
    return bt(pg, t, len, 0, start, target);
}

static int bt_search(const Prog *pg, const char *t)
{
    int len = (int)strlen(t);
    for (int s = 0; s <= len; s++)
        if (bt_from(pg, t, len, s, -1))
            return 1;
    return 0;
}

/* verifies that (s, e) is the leftmost-longest match */
static int bt_verify_first(const Prog *pg, const char *t, int s, int e)
{
    int len = (int)strlen(t);
    if (!bt_from(pg, t, len, s, e))
        return 0;
    for (int s2 = 0; s2 < s; s2++)
        if (bt_from(pg, t, len, s2, -1))
            return 0;
    for (int e2 = e + 1; e2 <= len; e2++)
        if (bt_from(pg, t, len, s, e2))
            return 0;
    return 1;
}

/* ------------------------------------------------------------------------- */
/* Tests                                                                     */
/* ------------------------------------------------------------------------- */

typedef struct {
    const char *pattern;
    const char *text;
    int expect;
} Case;

static const Case cases[] = {
    {"abc", "xxabcxx", 1},
    {"^abc", "abcdef", 1},
    {"^abc", "xabc", 0},
    {"abc$", "xxabc", 1},
    {"abc$", "abcx", 0},
    {"a.c", "abc", 1},
    {"a.c", "ac", 0},
    {"ab*c", "ac", 1},
    {"ab*c", "abbbbc", 1},
    {"ab+c", "ac", 0},
    {"ab+c", "abbc", 1},
    {"colou?r", "color", 1},
    {"colou?r", "colour", 1},
    {"colou?r", "colouur", 0},
    {"[a-z]+@[a-z]+\\.com", "mail bob@example.com now", 1},
    {"[a-z]+@[a-z]+\\.com", "mail bob@example.org now", 0},
    {"[^0-9]+$", "abc123", 0},
    {"^[0-9]+$", "123456", 1},
    {"^[0-9]+$", "12a456", 0},
    {"\\d\\d:\\d\\d", "at 12:45pm", 1},
    {"\\d\\d:\\d\\d", "at 1:45pm", 0},
    {"(ab)+", "xxababab", 1},
    {"^(ab)+$", "ababa", 0},
    {"(a|b)*abb", "babaabb", 1},
    {"(cat|dog)s?", "hotdogs", 1},
    {"^(a|ab)(c|bcd)(d*)$", "abcd", 1},
    {"x*", "", 1},
    {"^$", "", 1},
    {"^$", "a", 0},
    {"a**b", "aaab", 1},
    {"(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", 0},
    {"(a|aa)*c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 0},
    {"\\w+\\s\\w+", "hello world", 1},
    {"[a\\]]+", "]]a", 1},
    {"[-a]", "-", 1},
    {"a\\*b", "a*b", 1},
    {"a\\*b", "aab", 0},
    {"h.*o w.*d", "hello world", 1},
    {"^.*$", "anything goes", 1},
    {"[A-Fa-f0-9]+$", "0xDEADbeef", 1},
    {"a|b|c|d", "zzzd", 1},
    {"a|b|c|d", "zzz", 0},
    {"(x|y)?z$", "z", 1},
    {"((a))", "a", 1},
    {"a.b", "a\nb", 0},
    {"()", "", 1},
    {"a|", "zzz", 1},
    {"^(\\d+\\.){3}\\d+$", "10.0.0.1", 0}, /* no {n} support: '{' is a literal */
    {"^\\d+\\.\\d+\\.\\d+\\.\\d+$", "10.0.0.1", 1},
    {"[^aeiou\\s]+", "aei ou", 0},
    {"[^aeiou\\s]+", "aei xou", 1},
};

static const char *const bad_patterns[] = {"(ab", "ab)", "*a", "[abc", "a\\", "a|*", "[z-a]", "(*)"};

static void print_escaped(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            printf("\\n");
        else
            putchar(*s);
    }
}

static uint32_t rng = 0x1234567u;

static uint32_t rnd(uint32_t n)
{
    rng = rng * 1664525u + 1013904223u;
    return (rng >> 8) % n;
}

static void gen_pattern(char *out, int *len, int cap, int depth)
{
    int items = 1 + (int)rnd(3);
    for (int i = 0; i < items && *len < cap - 12; i++) {
        uint32_t r = rnd(depth < 2 ? 12 : 8);
        switch (r) {
        case 0:
        case 1:
        case 2:
        case 3:
            out[(*len)++] = (char)('a' + rnd(3));
            break;
        case 4:
            out[(*len)++] = '.';
            break;
        case 5:
            memcpy(out + *len, rnd(2) ? "[ab]" : "[^c]", 4);
            *len += 4;
            break;
        case 6:
            if (*len == 0 && rnd(2))
                out[(*len)++] = '^';
            else
                out[(*len)++] = 'b';
            break;
        case 7:
            out[(*len)++] = 'c';
            break;
        default:
            out[(*len)++] = '(';
            gen_pattern(out, len, cap, depth + 1);
            if (rnd(3) == 0 && *len < cap - 12) {
                out[(*len)++] = '|';
                gen_pattern(out, len, cap, depth + 1);
            }
            out[(*len)++] = ')';
            break;
        }
        uint32_t q = rnd(7);
        if (q == 0)
            out[(*len)++] = '*';
        else if (q == 1)
            out[(*len)++] = '+';
        else if (q == 2)
            out[(*len)++] = '?';
    }
    out[*len] = '\0';
}

int main(void)
{
    static Prog pg;
    char err[80];
    uint32_t h = 2166136261u;
    int failures = 0;
    visited = (uint8_t *)malloc((size_t)MAX_INST * 256);
    if (!visited)
        return 1;

    size_t ncases = sizeof(cases) / sizeof(cases[0]);
    for (size_t i = 0; i < ncases; i++) {
        if (!compile(cases[i].pattern, &pg, err, sizeof(err))) {
            printf("compile failed: %s: %s\n", cases[i].pattern, err);
            failures++;
            continue;
        }
        int r1 = nfa_search(&pg, cases[i].text);
        int r2 = bt_search(&pg, cases[i].text);
        int s = -1, e = -1;
        int has = nfa_first_match(&pg, cases[i].text, &s, &e);
        int ok = r1 == cases[i].expect && r2 == r1 && has == r1;
        if (has && !bt_verify_first(&pg, cases[i].text, s, e))
            ok = 0;
        if (!ok)
            failures++;
        if (i % 3 == 0 || !ok) {
            printf("%-4s /%s/ on \"", ok ? "ok" : "FAIL", cases[i].pattern);
            print_escaped(cases[i].text);
            printf("\": %s", r1 ? "match" : "no match");
            if (has)
                printf(" [%d,%d)", s, e);
            printf(" (%d insts)\n", pg.n);
        }
        h = (h ^ (uint32_t)(r1 + 2 * s + 1000 * e)) * 16777619u;
    }

    int rejected = 0;
    for (size_t i = 0; i < sizeof(bad_patterns) / sizeof(bad_patterns[0]); i++) {
        if (compile(bad_patterns[i], &pg, err, sizeof(err))) {
            failures++;
        } else {
            rejected++;
            for (const char *q = err; *q; q++)
                h = (h ^ (uint8_t)*q) * 16777619u;
        }
    }
    printf("invalid patterns rejected: %d\n", rejected);

    /* random patterns over {a,b,c} against random texts */
    int n_rand = 0, n_match = 0, n_full = 0, disagree = 0;
    char pat[160];
    char text[48];
    for (int k = 0; k < 600; k++) {
        int plen = 0;
        gen_pattern(pat, &plen, (int)sizeof(pat), 0);
        if (!compile(pat, &pg, err, sizeof(err))) {
            failures++;
            continue;
        }
        for (int t = 0; t < 3; t++) {
            int tl = (int)rnd(44);
            for (int i = 0; i < tl; i++)
                text[i] = (char)('a' + rnd(3));
            text[tl] = '\0';
            int r1 = nfa_search(&pg, text);
            int r2 = bt_search(&pg, text);
            int f1 = nfa_fullmatch(&pg, text);
            int f2 = bt_from(&pg, text, tl, 0, tl);
            int s = -1, e = -1;
            int has = nfa_first_match(&pg, text, &s, &e);
            if (r1 != r2 || f1 != f2 || has != r1 || (has && !bt_verify_first(&pg, text, s, e)))
                disagree++;
            n_rand++;
            n_match += r1;
            n_full += f1;
            h = (h ^ (uint32_t)(r1 | (f1 << 1) | ((s + 1) << 2) | ((e + 1) << 10))) * 16777619u;
        }
        if (k < 4)
            printf("random /%s/ (%d insts)\n", pat, pg.n);
    }
    failures += disagree;
    printf("random pairs: %d, search matches: %d, full matches: %d, disagreements: %d\n", n_rand,
           n_match, n_full, disagree);
    printf("nfa steps: %ld, backtracking steps: %ld\n", nfa_steps, bt_steps);
    printf("failures: %d\n", failures);
    h ^= (uint32_t)nfa_steps;
    h *= 16777619u;
    printf("checksum: 0x%08x\n", (unsigned)h);
    free(visited);
    return 0;
}
