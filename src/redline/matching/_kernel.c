/*
 * Word similarity of every query unit with every candidate unit, cell by cell in C.
 *
 * The rules are those of redline/matching/similarity.py (unit_similarity), which stays
 * the reference: tests/matching/test_kernel.py holds the two to the same results, bit
 * for bit. Screening a query costs a few thousand cells; in numpy each rule is a
 * whole-matrix operation whose fixed cost dominates at that size, here each cell is a
 * handful of bit-parallel edit distances over short ASCII keys.
 *
 * Edit distance is optimal string alignment (a transposition of two adjacent letters is
 * one edit), computed with Hyyrö's bit-vector method when the query-side string has at
 * most 64 letters and both are one byte per letter, and by the textbook recurrence
 * otherwise.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Columns of UnitTable.ints and UnitTable.flags (redline/names/units.py). */
enum {
    NUMBER, CONCEPT, FIRST, LENGTH, TEXT_LEN, START, END, SKEL_LEN, BARE_LEN, ROMAN, LATIN,
    N_INTS
};
enum { SPECIAL, MULTI, ABJAD, NATIVE, ALTS, BARE, SYLLABIC, N_FLAGS };

/* Constants of redline/matching/similarity.py, passed in by the caller. */
typedef struct {
    double cliff_factor, vowel_only, same_concept, same_reading, initial, cross_bonus;
    double skeleton_equal[5];
    double min_pair;
} Rules;

typedef struct {
    const void *data;
    int32_t len;  /* names are cut to 400 characters before analysis (MAX_NAME_CHARS) */
    int32_t kind; /* bytes per character, as PyUnicode_KIND */
    uint64_t letters; /* one bit per letter (code mod 64), for one-byte strings */
} Str;

static uint64_t letters_of(const void *data, Py_ssize_t len, int kind) {
    uint64_t mask = 0;
    if (kind != PyUnicode_1BYTE_KIND) return 0;
    const Py_UCS1 *s = (const Py_UCS1 *)data;
    for (Py_ssize_t k = 0; k < len; k++) mask |= UINT64_C(1) << (s[k] & 63);
    return mask;
}

/* A lower bound on the edit distance of two one-byte strings: the length difference,
 * and the letters of either that the other lacks (each costs an edit of its own, since
 * a transposition brings no new letter). Different letters may share a bit, which only
 * makes the bound lower. */
static int64_t distance_at_least(const Str *a, const Str *b) {
    int64_t bound = a->len > b->len ? a->len - b->len : b->len - a->len;
    int64_t only_a = __builtin_popcountll(a->letters & ~b->letters);
    int64_t only_b = __builtin_popcountll(b->letters & ~a->letters);
    if (only_a > bound) bound = only_a;
    if (only_b > bound) bound = only_b;
    return bound;
}

typedef struct {
    Py_ssize_t n, readings;
    const int64_t *ints;
    const uint8_t *flags;
    /* Strings by unit (keys … bare) and by reading; a column given as a Strings object
     * is that object's array, read through uidx / ridx (positions in it), not owned. */
    Str *keys, *vowels, *skels, *bare, *rkeys, *rskels;
    int owned[6];
    const int64_t *uidx, *ridx;
    const int64_t *rcounts, *rlens;
    Py_ssize_t *rstart;
    Py_buffer views[6]; /* ints, flags, reading_counts, reading_lens, unit / reading index */
    int held[6];
} Side;

static int cliff(int64_t length) {
    if (length > 1023) length = 1023;
    return length <= 3 ? 0 : length <= 5 ? 1 : length <= 9 ? 2 : 3;
}

/* ---- edit distance ------------------------------------------------------------- */

typedef struct {
    int ok; /* one byte per letter and 1..64 letters; -1: not built yet */
    uint64_t pm[256];
} Pattern;

static void pattern_of(const Str *s, Pattern *p) {
    p->ok = s->kind == PyUnicode_1BYTE_KIND && s->len >= 1 && s->len <= 64;
    if (!p->ok) return;
    memset(p->pm, 0, sizeof(p->pm));
    const Py_UCS1 *a = (const Py_UCS1 *)s->data;
    for (Py_ssize_t i = 0; i < s->len; i++) p->pm[a[i]] |= UINT64_C(1) << i;
}

static int64_t osa_dp(const Str *a, const Str *b) {
    Py_ssize_t n = a->len, m = b->len;
    if (n == 0) return m;
    if (m == 0) return n;
    int64_t stack[3 * 129];
    int64_t *buf = stack;
    if (m + 1 > 129) {
        buf = (int64_t *)PyMem_Malloc(sizeof(int64_t) * 3 * (size_t)(m + 1));
        if (buf == NULL) return -1;
    }
    int64_t *prev2 = buf, *prev = buf + (m + 1), *cur = buf + 2 * (m + 1);
    for (Py_ssize_t j = 0; j <= m; j++) prev[j] = j;
    for (Py_ssize_t i = 1; i <= n; i++) {
        cur[0] = i;
        Py_UCS4 ca = PyUnicode_READ(a->kind, a->data, i - 1);
        for (Py_ssize_t j = 1; j <= m; j++) {
            Py_UCS4 cb = PyUnicode_READ(b->kind, b->data, j - 1);
            int64_t cost = ca == cb ? 0 : 1;
            int64_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best) best = prev[j - 1] + cost;
            if (i > 1 && j > 1 && ca == PyUnicode_READ(b->kind, b->data, j - 2) &&
                PyUnicode_READ(a->kind, a->data, i - 2) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        int64_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    int64_t out = prev[m];
    if (buf != stack) PyMem_Free(buf);
    return out;
}

/* The pattern of query string ``s``, built at its first use: most cells are decided by
 * bounds before any edit distance, and a pattern costs a 2 KB clear. */
static const Pattern *pattern_at(Pattern *patterns, Py_ssize_t k, const Str *s) {
    if (patterns[k].ok < 0) pattern_of(s, &patterns[k]);
    return &patterns[k];
}

/* Hyyrö (2003), the OSA variant: distance of the pattern's string and ``b``. */
static int64_t osa(const Pattern *p, const Str *a, const Str *b) {
    if (!p->ok || b->kind != PyUnicode_1BYTE_KIND) return osa_dp(a, b);
    if (b->len == 0) return a->len;
    uint64_t vp = ~UINT64_C(0), vn = 0, d0 = 0, pm_old = 0;
    uint64_t mask = UINT64_C(1) << (a->len - 1);
    int64_t dist = a->len;
    const Py_UCS1 *s = (const Py_UCS1 *)b->data;
    for (Py_ssize_t j = 0; j < b->len; j++) {
        uint64_t pm = p->pm[s[j]];
        uint64_t tr = (((~d0) & pm) << 1) & pm_old;
        d0 = (((pm & vp) + vp) ^ vp) | pm | vn;
        d0 |= tr;
        uint64_t hp = vn | ~(d0 | vp);
        uint64_t hn = d0 & vp;
        dist += (hp & mask) != 0;
        dist -= (hn & mask) != 0;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        pm_old = pm;
    }
    return dist;
}

/* ---- the rules ------------------------------------------------------------------ */

/* edit_similarity and skeleton_similarity never rise as the distance grows, so at a lower
 * bound of the distance they give an upper bound of the similarity. */
static double edit_similarity(const Rules *r, int64_t distance, int64_t longest) {
    if (longest < 1) longest = 1;
    double sim = 1.0 - (double)distance / (double)longest;
    return distance > cliff(longest) ? sim * r->cliff_factor : sim;
}

/* ``exact``: a joined run is on one side, and only equal skeletons count (see
 * similarity.py, skeleton_similarity_matrix). */
static double skeleton_similarity(const Rules *r, int64_t distance, int64_t la, int64_t lb,
                                  int exact) {
    int64_t longest = la > lb ? la : lb;
    if ((la < lb ? la : lb) == 0) return 0.0;
    if (distance == 0) return r->skeleton_equal[longest < 4 ? longest : 4];
    if (!exact && longest > 3 && distance <= longest / 4)
        return r->skeleton_equal[4] - 0.07 * distance;
    return 0.0;
}

static double dmax(double a, double b) { return a >= b ? a : b; }

/* A skeleton letter as syllabic readings are compared: d is t (similarity.py,
 * _SYLLABLE_LETTERS). */
static Py_UCS4 syllable_letter(const Str *s, Py_ssize_t k) {
    Py_UCS4 c = PyUnicode_READ(s->kind, s->data, k);
    return c == 'd' ? 't' : c;
}

/* Whether two skeletons have the same consonants, as similarity.py's same_syllables:
 * d read as t, and a run of one letter as one letter. */
static int same_syllables(const Str *a, const Str *b) {
    Py_ssize_t i = 0, j = 0;
    Py_UCS4 last_a = (Py_UCS4)-1, last_b = (Py_UCS4)-1;
    for (;;) {
        while (i < a->len && syllable_letter(a, i) == last_a) i++;
        while (j < b->len && syllable_letter(b, j) == last_b) j++;
        if (i == a->len || j == b->len) return i == a->len && j == b->len;
        last_a = syllable_letter(a, i);
        last_b = syllable_letter(b, j);
        if (last_a != last_b) return 0;
        i++;
        j++;
    }
}


typedef struct {
    Pattern *keys, *vowels, *skels, *bare, *rkeys, *rskels;
} QueryPatterns;

/* Over every pair of readings of two units: the best reading similarity and the
 * cross-script similarity (similarity.py, _readings). With a floor, a pair whose bounds
 * leave both under it is skipped: it could only change a cell that ends under the floor,
 * which is 0 either way. */
static void readings(const Rules *r, const Side *q, QueryPatterns *qp, Py_ssize_t i,
                     const Side *c, Py_ssize_t j, int abjad, int alts, int cross, int exact,
                     int syllabic, double *by_reading, double *across) {
    double by = -1.0, mixed_best = -1.0;
    for (Py_ssize_t a = q->rstart[i]; a < q->rstart[i] + q->rcounts[i]; a++) {
        for (Py_ssize_t b = c->rstart[j]; b < c->rstart[j] + c->rcounts[j]; b++) {
            int64_t la = q->rlens[2 * a], lb = c->rlens[2 * b];
            int64_t longest = la > lb ? la : lb;
            if (longest < 1) longest = 1;
            Py_ssize_t cb = c->ridx ? c->ridx[b] : b;
            const Str *ka = &q->rkeys[a], *kb = &c->rkeys[cb];
            const Str *sa = &q->rskels[a], *sb = &c->rskels[cb];
            if (r->min_pair > 0 && ka->kind == 1 && kb->kind == 1 && sa->kind == 1 &&
                sb->kind == 1) {
                int64_t low = distance_at_least(ka, kb);
                double consonants = skeleton_similarity(r, distance_at_least(sa, sb),
                                                     q->rlens[2 * a + 1], c->rlens[2 * b + 1],
                                                     exact);
                double reading = low == 0 ? 1.0 : edit_similarity(r, low, longest);
                if (abjad) reading = dmax(reading, consonants);
                double mixed = 0.0;
                if (low <= cliff(longest) + 1)
                    mixed = 0.5 * (1.0 - (double)low / (double)longest) + 0.5 * consonants;
                if ((!alts || reading < r->min_pair) &&
                    (!cross || mixed + r->cross_bonus < r->min_pair))
                    continue;
            }
            int64_t distance = osa(pattern_at(qp->rkeys, a, ka), ka, kb);
            double letters = edit_similarity(r, distance, longest);
            double consonants = skeleton_similarity(r, osa(pattern_at(qp->rskels, a, sa), sa, sb),
                                                    q->rlens[2 * a + 1], c->rlens[2 * b + 1],
                                                    exact);
            /* A Hangul or Han reading against another word: a consonant edit is
             * another syllable (similarity.py, _readings). */
            if (syllabic && !same_syllables(sa, sb)) letters = 0.0;
            double reading = distance == 0 ? r->same_reading : letters;
            if (abjad) reading = dmax(reading, consonants);
            double mixed = 0.0;
            if (distance <= cliff(longest) + 1)
                mixed = 0.5 * (1.0 - (double)distance / (double)longest) + 0.5 * consonants;
            by = dmax(by, reading);
            mixed_best = dmax(mixed_best, mixed);
        }
    }
    *by_reading = by;
    *across = mixed_best > 0 ? (mixed_best + r->cross_bonus < 0.97 ? mixed_best + r->cross_bonus
                                                                    : 0.97)
                             : 0.0;
}

/* The skeleton similarity of two units, as similarity.py's _skeletons. */
static double skeletons(const Rules *r, const Side *q, QueryPatterns *qp, Py_ssize_t i,
                        const Side *c, Py_ssize_t cu, const int64_t *qi, const int64_t *ci,
                        const uint8_t *qf, const uint8_t *cf) {
    int exact = qf[MULTI] || cf[MULTI];
    double best = skeleton_similarity(r, osa(pattern_at(qp->skels, i, &q->skels[i]), &q->skels[i], &c->skels[cu]),
                                      qi[SKEL_LEN], ci[SKEL_LEN], exact);
    if (qf[BARE] && !cf[ABJAD])
        best = dmax(best, skeleton_similarity(r, osa(pattern_at(qp->bare, i, &q->bare[i]), &q->bare[i], &c->skels[cu]),
                                              qi[BARE_LEN], ci[SKEL_LEN], exact));
    if (cf[BARE] && !qf[ABJAD])
        best = dmax(best, skeleton_similarity(r, osa(pattern_at(qp->skels, i, &q->skels[i]), &q->skels[i], &c->bare[cu]),
                                              qi[SKEL_LEN], ci[BARE_LEN], exact));
    return best;
}

/* Whether, by lower bounds on the edit distances alone, the skeleton similarity of two
 * units is under the floor (one-byte strings only; else it must be computed). */
static int skeletons_under(const Rules *r, const Side *q, Py_ssize_t i, const Side *c,
                           Py_ssize_t cu, const int64_t *qi, const int64_t *ci,
                           const uint8_t *qf, const uint8_t *cf) {
    const Str *qs = &q->skels[i], *cs = &c->skels[cu], *qb = &q->bare[i], *cb = &c->bare[cu];
    if (qs->kind != 1 || cs->kind != 1 || qb->kind != 1 || cb->kind != 1) return 0;
    int exact = qf[MULTI] || cf[MULTI];
    if (skeleton_similarity(r, distance_at_least(qs, cs), qi[SKEL_LEN], ci[SKEL_LEN], exact) >=
        r->min_pair)
        return 0;
    if (qf[BARE] && !cf[ABJAD] &&
        skeleton_similarity(r, distance_at_least(qb, cs), qi[BARE_LEN], ci[SKEL_LEN], exact) >=
            r->min_pair)
        return 0;
    if (cf[BARE] && !qf[ABJAD] &&
        skeleton_similarity(r, distance_at_least(qs, cb), qi[SKEL_LEN], ci[BARE_LEN], exact) >=
            r->min_pair)
        return 0;
    return 1;
}

/* One cell. With a floor (min_pair > 0), a part of the rules whose lower-bounded edit
 * distances leave it under the floor is not computed: it could only decide a cell that
 * ends under the floor, and such a cell is 0 either way (the parts are combined by max,
 * and an initial's 0.8 and equal numbers' 1.0 do not depend on them). */
static double cell(const Rules *r, const Side *q, QueryPatterns *qp, Py_ssize_t i,
                   const Side *c, Py_ssize_t j) {
    const int64_t *qi = q->ints + i * N_INTS, *ci = c->ints + j * N_INTS;
    const uint8_t *qf = q->flags + i * N_FLAGS, *cf = c->flags + j * N_FLAGS;
    if (qf[MULTI] && cf[MULTI]) return 0.0; /* two joined runs are never aligned */
    int special = qf[SPECIAL] || cf[SPECIAL];
    if (special && (qi[NUMBER] >= 0 || ci[NUMBER] >= 0)) {
        double value = qi[NUMBER] == ci[NUMBER] ? 1.0 : 0.0;
        return value >= r->min_pair ? value : 0.0;
    }
    /* An initial is one letter, never a Hangul or Han syllable (이, read "i", is a word). */
    int q_initial = qi[TEXT_LEN] == 1 && !qf[SYLLABIC];
    int c_initial = ci[TEXT_LEN] == 1 && !cf[SYLLABIC];
    int single = special && (q_initial || c_initial);
    int begins = single && qi[FIRST] == ci[FIRST] && !qf[MULTI] && !cf[MULTI];
    int both_single = single && q_initial && c_initial;
    /* One Chinese word in pinyin (or Han) and Wade-Giles: equal spellings only
     * (units.py, same_romanisation). "I", Wade-Giles for yi, is a word, not an initial. */
    int roman = (qi[ROMAN] >= 0 && (qi[ROMAN] == ci[ROMAN] || qi[ROMAN] == ci[LATIN])) ||
                (ci[ROMAN] >= 0 && ci[ROMAN] == qi[LATIN]);
    if (single && !begins && !both_single)
        return roman && r->same_reading >= r->min_pair ? r->same_reading : 0.0;
    int64_t longest = qi[LENGTH] > ci[LENGTH] ? qi[LENGTH] : ci[LENGTH];
    Py_ssize_t cu = c->uidx ? c->uidx[j] : j;
    const Str *qk = &q->keys[i], *ck = &c->keys[cu], *qv = &q->vowels[i], *cv = &c->vowels[cu];
    int skip_base = r->min_pair > 0 && qk->kind == 1 && ck->kind == 1 && qv->kind == 1 &&
                    cv->kind == 1 &&
                    edit_similarity(r, distance_at_least(qk, ck), longest) < r->min_pair &&
                    edit_similarity(r, distance_at_least(qv, cv), longest) * r->vowel_only <
                        r->min_pair;
    double base = 0.0;
    if (!skip_base) {
        base = edit_similarity(r, osa(pattern_at(qp->keys, i, qk), qk, ck), longest);
        if (base < r->vowel_only) /* else the vowel-folded keys, at most 1.0 x 0.92, lose */
            base = dmax(base, edit_similarity(r, osa(pattern_at(qp->vowels, i, qv), qv, cv), longest) *
                                  r->vowel_only);
    }
    double value = base;
    if (single) {
        value = begins ? dmax(base, r->initial) : base;
        if (roman) value = dmax(value, r->same_reading);
    } else if (special) {
        /* A Hangul or Han word and another: letters count only when the consonants
         * are the same (similarity.py, _special). */
        int syllabic = qf[SYLLABIC] != cf[SYLLABIC];
        if (syllabic && !same_syllables(&q->skels[i], &c->skels[cu])) value = 0.0;
        if (qi[CONCEPT] >= 0 && qi[CONCEPT] == ci[CONCEPT]) value = dmax(value, r->same_concept);
        if (roman) value = dmax(value, r->same_reading);
        int alts = qf[ALTS] || cf[ALTS] || syllabic;
        int abjad = qf[ABJAD] || cf[ABJAD];
        /* A Hangul or Han word meets Latin ones by its exact readings alone. */
        int cross = qf[NATIVE] != cf[NATIVE] && !qf[SYLLABIC] && !cf[SYLLABIC];
        if (alts || cross) {
            double by_reading, across;
            readings(r, q, qp, i, c, j, abjad, alts, cross, qf[MULTI] || cf[MULTI], syllabic,
                     &by_reading, &across);
            if (alts) value = dmax(value, by_reading);
            if (cross) value = dmax(value, across);
        }
        if (abjad && !(r->min_pair > 0 && skeletons_under(r, q, i, c, cu, qi, ci, qf, cf)))
            value = dmax(value, skeletons(r, q, qp, i, c, cu, qi, ci, qf, cf));
    }
    return value >= r->min_pair ? value : 0.0;
}

/* ---- arguments ------------------------------------------------------------------ */

static Str *strings(PyObject *list, Py_ssize_t expected, const char *what) {
    if (!PyList_Check(list) || PyList_GET_SIZE(list) != expected) {
        PyErr_Format(PyExc_ValueError, "%s: a list of %zd strings is expected", what, expected);
        return NULL;
    }
    Str *out = (Str *)PyMem_Malloc(sizeof(Str) * (size_t)(expected ? expected : 1));
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < expected; k++) {
        PyObject *item = PyList_GET_ITEM(list, k);
        if (!PyUnicode_Check(item)) {
            PyMem_Free(out);
            PyErr_Format(PyExc_TypeError, "%s: item %zd is not a string", what, k);
            return NULL;
        }
        out[k].data = PyUnicode_DATA(item);
        if (PyUnicode_GET_LENGTH(item) > INT32_MAX) {
            PyMem_Free(out);
            PyErr_Format(PyExc_ValueError, "%s: item %zd is too long", what, k);
            return NULL;
        }
        out[k].len = (int32_t)PyUnicode_GET_LENGTH(item);
        out[k].kind = PyUnicode_KIND(item);
        out[k].letters = letters_of(out[k].data, out[k].len, out[k].kind);
    }
    return out;
}

static int buffer(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, Py_ssize_t items,
                  int writable, const char *what) {
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) return -1;
    if (view->itemsize != itemsize || view->len != itemsize * items) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_ValueError, "%s: %zd items of %zd bytes are expected", what, items,
                     itemsize);
        return -1;
    }
    return 0;
}

static void side_free(Side *s) {
    for (int k = 0; k < 6; k++)
        if (s->held[k]) PyBuffer_Release(&s->views[k]);
    Str **columns[6] = {&s->keys, &s->vowels, &s->skels, &s->bare, &s->rkeys, &s->rskels};
    for (int k = 0; k < 6; k++)
        if (s->owned[k]) PyMem_Free(*columns[k]);
    PyMem_Free(s->rstart);
}

/* ---- Strings: a column of many names' strings, prepared once -------------------- */

typedef struct {
    PyObject_HEAD
    PyObject *items; /* a tuple: keeps the strings alive and unchanged */
    Py_ssize_t n;
    Str *strs;
} StringsObject;

static PyObject *strings_type = NULL;

static PyObject *strings_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    (void)kwargs;
    PyObject *list;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &list)) return NULL;
    StringsObject *self = (StringsObject *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->items = PyList_AsTuple(list);
    if (self->items == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    self->n = PyTuple_GET_SIZE(self->items);
    PyObject *copy = PySequence_List(self->items);
    if (copy == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    self->strs = strings(copy, self->n, "Strings");
    Py_DECREF(copy); /* the tuple holds the same string objects */
    if (self->strs == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static void strings_dealloc(StringsObject *self) {
    PyMem_Free(self->strs);
    Py_XDECREF(self->items);
    PyTypeObject *type = Py_TYPE(self);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

static Py_ssize_t strings_len(StringsObject *self) { return self->n; }

static PyType_Slot strings_slots[] = {
    {Py_tp_new, strings_new},
    {Py_tp_dealloc, strings_dealloc},
    {Py_sq_length, strings_len},
    {Py_tp_doc, "Strings(list): a column of strings prepared once for unit_similarity, "
                "which reads the units it is given positions of."},
    {0, NULL},
};

static PyType_Spec strings_spec = {"redline.matching._kernel.Strings", sizeof(StringsObject), 0,
                                   Py_TPFLAGS_DEFAULT, strings_slots};

/* A string column: a list of exactly ``expected`` strings (copied out, owned), or a
 * Strings object whose positions ``index`` (``count`` of them) must all be inside it. */
static int column(PyObject *obj, Py_ssize_t expected, const int64_t *index, Py_ssize_t count,
                  const char *what, Str **out, int *owned) {
    if (index != NULL) {
        if (!PyObject_TypeCheck(obj, (PyTypeObject *)strings_type)) {
            PyErr_Format(PyExc_TypeError, "%s: a Strings column is expected", what);
            return -1;
        }
        StringsObject *strs = (StringsObject *)obj;
        for (Py_ssize_t k = 0; k < count; k++) {
            if (index[k] < 0 || index[k] >= strs->n) {
                PyErr_Format(PyExc_IndexError, "%s: position %lld is outside the column", what,
                             (long long)index[k]);
                return -1;
            }
        }
        *out = strs->strs;
        *owned = 0;
        return 0;
    }
    *out = strings(obj, expected, what);
    *owned = *out != NULL;
    return *out == NULL ? -1 : 0;
}

/* A side is the tuple (ints, flags, keys, vowels, skels, bare, reading_keys,
 * reading_skels, reading_counts, reading_lens[, unit_index, reading_index]) of one
 * UnitTable. Its strings are lists, or, with the two indexes, Strings columns of a
 * larger table and the positions of this table's units and readings in them. */
static int side_of(PyObject *tuple, Side *s) {
    memset(s, 0, sizeof(*s));
    PyObject *ints, *flags, *keys, *vowels, *skels, *bare, *rkeys, *rskels, *rcounts, *rlens;
    PyObject *uidx = Py_None, *ridx = Py_None;
    if (!PyArg_ParseTuple(tuple, "OOOOOOOOOO|OO", &ints, &flags, &keys, &vowels, &skels, &bare,
                          &rkeys, &rskels, &rcounts, &rlens, &uidx, &ridx))
        return -1;
    if ((uidx == Py_None) != (ridx == Py_None)) {
        PyErr_SetString(PyExc_ValueError, "unit and reading indexes come together");
        return -1;
    }
    if (uidx != Py_None) {
        if (PyObject_GetBuffer(uidx, &s->views[4], PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
            return -1;
        s->held[4] = 1;
        if (PyObject_GetBuffer(ridx, &s->views[5], PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
            return -1;
        s->held[5] = 1;
        if (s->views[4].itemsize != 8 || s->views[5].itemsize != 8 ||
            (strcmp(s->views[4].format, "q") != 0 && strcmp(s->views[4].format, "l") != 0) ||
            (strcmp(s->views[5].format, "q") != 0 && strcmp(s->views[5].format, "l") != 0)) {
            PyErr_SetString(PyExc_ValueError, "indexes must be int64 arrays");
            return -1;
        }
        s->n = s->views[4].len / 8;
        s->readings = s->views[5].len / 8;
        s->uidx = (const int64_t *)s->views[4].buf;
        s->ridx = (const int64_t *)s->views[5].buf;
    } else {
        if (!PyList_Check(keys) || !PyList_Check(rkeys)) {
            PyErr_SetString(PyExc_TypeError, "keys and reading keys must be lists");
            return -1;
        }
        s->n = PyList_GET_SIZE(keys);
        s->readings = PyList_GET_SIZE(rkeys);
    }
    PyObject *arrays[4] = {ints, flags, rcounts, rlens};
    Py_ssize_t sizes[4] = {8, 1, 8, 8};
    Py_ssize_t counts[4] = {s->n * N_INTS, s->n * N_FLAGS, s->n, s->readings * 2};
    const char *names[4] = {"ints", "flags", "reading_counts", "reading_lens"};
    for (int k = 0; k < 4; k++) {
        if (buffer(arrays[k], &s->views[k], sizes[k], counts[k], 0, names[k]) < 0) return -1;
        s->held[k] = 1;
    }
    s->ints = (const int64_t *)s->views[0].buf;
    s->flags = (const uint8_t *)s->views[1].buf;
    s->rcounts = (const int64_t *)s->views[2].buf;
    s->rlens = (const int64_t *)s->views[3].buf;
    if (column(keys, s->n, s->uidx, s->n, "keys", &s->keys, &s->owned[0]) < 0 ||
        column(vowels, s->n, s->uidx, s->n, "vowels", &s->vowels, &s->owned[1]) < 0 ||
        column(skels, s->n, s->uidx, s->n, "skels", &s->skels, &s->owned[2]) < 0 ||
        column(bare, s->n, s->uidx, s->n, "bare", &s->bare, &s->owned[3]) < 0 ||
        column(rkeys, s->readings, s->ridx, s->readings, "reading_keys", &s->rkeys,
               &s->owned[4]) < 0 ||
        column(rskels, s->readings, s->ridx, s->readings, "reading_skels", &s->rskels,
               &s->owned[5]) < 0)
        return -1;
    s->rstart = (Py_ssize_t *)PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(s->n ? s->n : 1));
    if (s->rstart == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < s->n; k++) {
        if (s->rcounts[k] < 1) {
            PyErr_SetString(PyExc_ValueError, "every unit has at least one reading");
            return -1;
        }
        s->rstart[k] = at;
        at += s->rcounts[k];
    }
    if (at != s->readings) {
        PyErr_SetString(PyExc_ValueError, "reading counts do not add up to the readings");
        return -1;
    }
    return 0;
}

/* ---- Side: one UnitTable's arguments, read once --------------------------------- */

typedef struct {
    PyObject_HEAD
    Side side;
    PyObject *source; /* an indexed side's tuple: keeps the block's columns alive */
    char *block;      /* a side of its own strings: all of it, copied into one block */
    const double *weights; /* per word, in the block; NULL when not given */
    Py_ssize_t words;
} SideObject;

static PyObject *side_type = NULL;

static void side_dealloc(SideObject *self) {
    if (self->block != NULL)
        PyMem_Free(self->block);
    else
        side_free(&self->side);
    Py_XDECREF(self->source);
    PyTypeObject *type = Py_TYPE(self);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

static size_t up8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Copy a side that holds its own strings, and ``words`` weights, into one block: a
 * comparison then reads a few adjacent cache lines instead of a dozen objects spread
 * over the heap. ``to`` points into the block and owns nothing else. */
static char *pack(const Side *from, const double *weights, Py_ssize_t words, Side *to,
                  const double **weights_at) {
    Py_ssize_t n = from->n, readings = from->readings;
    const Str *columns[6] = {from->keys, from->vowels, from->skels,
                             from->bare, from->rkeys, from->rskels};
    Py_ssize_t lengths[6] = {n, n, n, n, readings, readings};
    size_t text = 0;
    for (int k = 0; k < 6; k++)
        for (Py_ssize_t x = 0; x < lengths[k]; x++)
            text += up8((size_t)columns[k][x].len * (size_t)columns[k][x].kind);
    size_t sizes[8] = {
        sizeof(int64_t) * (size_t)(n * N_INTS), /* ints */
        sizeof(int64_t) * (size_t)n,            /* reading counts */
        sizeof(int64_t) * (size_t)(2 * readings), /* reading lengths */
        sizeof(Py_ssize_t) * (size_t)n,         /* reading starts */
        sizeof(double) * (size_t)words,         /* weights */
        sizeof(Str) * (size_t)(4 * n + 2 * readings),
        up8((size_t)(n * N_FLAGS)),             /* flags */
        text,
    };
    size_t total = 0;
    for (int k = 0; k < 8; k++) total += up8(sizes[k]);
    char *block = (char *)PyMem_Malloc(total ? total : 1);
    if (block == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    char *at = block;
    memset(to, 0, sizeof(*to));
    to->n = n;
    to->readings = readings;
    memcpy(at, from->ints, sizes[0]);
    to->ints = (const int64_t *)at;
    at += up8(sizes[0]);
    memcpy(at, from->rcounts, sizes[1]);
    to->rcounts = (const int64_t *)at;
    at += up8(sizes[1]);
    memcpy(at, from->rlens, sizes[2]);
    to->rlens = (const int64_t *)at;
    at += up8(sizes[2]);
    memcpy(at, from->rstart, sizes[3]);
    to->rstart = (Py_ssize_t *)at;
    at += up8(sizes[3]);
    if (words) memcpy(at, weights, sizes[4]);
    double *w = (double *)at;
    at += up8(sizes[4]);
    Str *strs = (Str *)at;
    at += up8(sizes[5]);
    memcpy(at, from->flags, (size_t)(n * N_FLAGS));
    to->flags = (const uint8_t *)at;
    at += up8(sizes[6]);
    Str **targets[6] = {&to->keys, &to->vowels, &to->skels, &to->bare, &to->rkeys, &to->rskels};
    for (int k = 0; k < 6; k++) {
        *targets[k] = strs;
        for (Py_ssize_t x = 0; x < lengths[k]; x++) {
            Str str = columns[k][x];
            size_t bytes = (size_t)str.len * (size_t)str.kind;
            if (bytes) memcpy(at, str.data, bytes);
            str.data = at;
            at += up8(bytes);
            *strs++ = str;
        }
    }
    *weights_at = w;
    return block;
}

static int spans_ok(const int64_t *ints, Py_ssize_t n, Py_ssize_t tokens, const char *what) {
    for (Py_ssize_t k = 0; k < n; k++) {
        int64_t start = ints[k * N_INTS + START], end = ints[k * N_INTS + END];
        if (start < 0 || end <= start || end > tokens) {
            PyErr_Format(PyExc_ValueError, "%s: unit %zd spans words %lld..%lld of %zd", what,
                         k, (long long)start, (long long)end, tokens);
            return 0;
        }
    }
    return 1;
}

/* Whether ``view`` holds 8-byte values of ``kind`` ('d' float64, 'q' int64); else an
 * error naming argument ``position`` of ``function``. */
static int typed(const Py_buffer *view, char kind, const char *function, int position) {
    const char *format = view->format ? view->format : "B";
    int ok = kind == 'd' ? strcmp(format, "d") == 0
                         : strcmp(format, "q") == 0 || strcmp(format, "l") == 0;
    if (view->itemsize == 8 && ok) return 1;
    PyErr_Format(PyExc_ValueError, "%s: argument %d must hold 8-byte %s", function, position,
                 kind == 'd' ? "floats (float64)" : "integers (int64)");
    return 0;
}

static PyObject *side_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    (void)kwargs;
    PyObject *tuple, *weights_obj = Py_None;
    if (!PyArg_ParseTuple(args, "O!|O", &PyTuple_Type, &tuple, &weights_obj)) return NULL;
    SideObject *self = (SideObject *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    /* tp_alloc zeroes the object: side_dealloc frees only what was taken. The side is
     * read in place (its buffer views are not moved), then packed or kept as read. */
    Side *read = &self->side;
    Py_buffer weights;
    int weights_held = 0;
    if (side_of(tuple, read) < 0) goto fail;
    if (weights_obj != Py_None) {
        if (PyObject_GetBuffer(weights_obj, &weights, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
            goto fail;
        weights_held = 1;
        if (!typed(&weights, 'd', "Side", 2)) goto fail;
        if (read->uidx != NULL) {
            PyErr_SetString(PyExc_ValueError, "Side: a side with word weights holds its own "
                                              "strings (no indexes)");
            goto fail;
        }
        if (!spans_ok(read->ints, read->n, weights.len / 8, "Side")) goto fail;
    }
    if (read->uidx != NULL) {
        /* A cut of a block: its strings stay in the block's columns. */
        Py_INCREF(tuple);
        self->source = tuple;
        return (PyObject *)self;
    }
    Side packed;
    const double *weights_at = NULL;
    Py_ssize_t words = weights_held ? weights.len / 8 : 0;
    char *block = pack(read, weights_held ? (const double *)weights.buf : NULL, words, &packed,
                       &weights_at);
    if (block == NULL) goto fail;
    side_free(read);
    self->side = packed; /* holds no views and owns nothing but the block */
    self->block = block;
    self->words = words;
    if (weights_held) {
        self->weights = weights_at;
        PyBuffer_Release(&weights);
    }
    return (PyObject *)self;
fail:
    if (weights_held) PyBuffer_Release(&weights);
    Py_DECREF(self); /* frees what the side took (side_dealloc) */
    return NULL;
}

static PyType_Slot side_slots[] = {
    {Py_tp_new, side_new},
    {Py_tp_dealloc, side_dealloc},
    {Py_tp_doc, "Side(side_tuple[, token_weights]): one UnitTable as unit_similarity and "
                "compare take it, read once and kept; compare needs the word weights."},
    {0, NULL},
};

static PyType_Spec side_spec = {"redline.matching._kernel.Side", sizeof(SideObject), 0,
                                Py_TPFLAGS_DEFAULT, side_slots};

/* A side argument: a Side object (borrowed) or a side tuple, read into ``tmp`` (which
 * the caller frees with side_free whether or not this succeeds). */
static const Side *side_arg(PyObject *obj, Side *tmp, const char *what) {
    if (PyObject_TypeCheck(obj, (PyTypeObject *)side_type)) return &((SideObject *)obj)->side;
    if (!PyTuple_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s: a Side or a side tuple is expected", what);
        return NULL;
    }
    return side_of(obj, tmp) < 0 ? NULL : tmp;
}

/* ``count`` floats from a tuple of Python floats (quicker than PyArg_ParseTuple, which
 * compare pays on every pair). */
static int floats(PyObject *tuple, double *out, Py_ssize_t count, const char *what) {
    if (!PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != count) {
        PyErr_Format(PyExc_TypeError, "%s: a tuple of %zd floats is expected", what, count);
        return -1;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = PyTuple_GET_ITEM(tuple, k);
        out[k] = PyFloat_Check(item) ? PyFloat_AS_DOUBLE(item) : PyFloat_AsDouble(item);
        if (out[k] == -1.0 && PyErr_Occurred()) return -1;
    }
    return 0;
}

static int rules_of(PyObject *tuple, Rules *r) {
    double v[12];
    if (floats(tuple, v, 12, "rules") < 0) return -1;
    r->cliff_factor = v[0];
    r->vowel_only = v[1];
    r->same_concept = v[2];
    r->same_reading = v[3];
    r->initial = v[4];
    r->cross_bonus = v[5];
    for (int k = 0; k < 5; k++) r->skeleton_equal[k] = v[6 + k];
    r->min_pair = v[11];
    return 0;
}

/* Room for the query's patterns, kept between calls (the GIL is held throughout): a
 * fresh block per call is memory the cache has not seen, and most calls are small. */
static Pattern *scratch = NULL;
static Py_ssize_t scratch_size = 0;

/* Every cell of ``q`` x ``c`` into ``out`` (row-major). The query's edit-distance
 * patterns are made here, each at its first use. */
static int fill(const Rules *r, const Side *q, const Side *c, double *out) {
    Py_ssize_t count = 4 * q->n + 2 * q->readings;
    if (count > scratch_size) {
        Pattern *grown = (Pattern *)PyMem_Realloc(scratch, sizeof(Pattern) * (size_t)count);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        scratch = grown;
        scratch_size = count;
    }
    Pattern *all = scratch;
    for (Py_ssize_t k = 0; k < count; k++) all[k].ok = -1;
    QueryPatterns qp = {all, all + q->n, all + 2 * q->n, all + 3 * q->n, all + 4 * q->n,
                        all + 4 * q->n + q->readings};
    for (Py_ssize_t i = 0; i < q->n; i++)
        for (Py_ssize_t j = 0; j < c->n; j++) out[i * c->n + j] = cell(r, q, &qp, i, c, j);
    return 0;
}

/* Room for a matrix of ``cells``: ``stack`` when it fits (STACK_CELLS), else a new
 * block the caller frees with room_free; NULL with an error set when memory runs out. */
enum { STACK_CELLS = 64 };

static double *room(double *stack, Py_ssize_t cells) {
    if (cells <= STACK_CELLS) return stack;
    double *out = (double *)PyMem_Malloc(sizeof(double) * (size_t)cells);
    if (out == NULL) PyErr_NoMemory();
    return out;
}

static void room_free(double *room, const double *stack) {
    if (room != stack) PyMem_Free(room);
}

static PyObject *unit_similarity(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *q_obj, *c_obj, *out_obj, *rules_tuple;
    if (!PyArg_ParseTuple(args, "OOOO", &q_obj, &c_obj, &out_obj, &rules_tuple)) return NULL;
    Rules r;
    if (rules_of(rules_tuple, &r) < 0) return NULL;
    Side q_tmp, c_tmp;
    memset(&q_tmp, 0, sizeof(q_tmp));
    memset(&c_tmp, 0, sizeof(c_tmp));
    Py_buffer out_view;
    int out_held = 0;
    PyObject *result = NULL;
    const Side *q = side_arg(q_obj, &q_tmp, "query side");
    const Side *c = q == NULL ? NULL : side_arg(c_obj, &c_tmp, "candidate side");
    if (q == NULL || c == NULL) goto done;
    if (q->uidx != NULL) {
        PyErr_SetString(PyExc_ValueError, "the query side holds its own strings (no indexes)");
        goto done;
    }
    if (buffer(out_obj, &out_view, 8, q->n * c->n, 1, "out") < 0) goto done;
    out_held = 1;
    if (fill(&r, q, c, (double *)out_view.buf) < 0) goto done;
    Py_INCREF(Py_None);
    result = Py_None;
done:
    if (out_held) PyBuffer_Release(&out_view);
    side_free(&q_tmp); /* a side that failed part way holds only what it took */
    side_free(&c_tmp);
    return result;
}

/* ---- alignment (compare.py, align) ---------------------------------------------- */

typedef struct {
    double value, weight, drift;
    Py_ssize_t i, j, order;
} Candidate;

typedef struct {
    double min_pair, extra_query, extra_candidate, left_over;
} Knobs;

/* Best similarity first, heavier words first, words at the same place in their names
 * first; between equals, row-major order (the stable sort of compare.py). */
static int candidate_cmp(const void *pa, const void *pb) {
    const Candidate *a = (const Candidate *)pa, *b = (const Candidate *)pb;
    if (a->value != b->value) return a->value > b->value ? -1 : 1;
    if (a->weight != b->weight) return a->weight > b->weight ? -1 : 1;
    if (a->drift != b->drift) return a->drift < b->drift ? -1 : 1;
    return a->order < b->order ? -1 : (a->order > b->order);
}

static double span_weight(const double *weights, int64_t start, int64_t end) {
    double sum = 0.0; /* as Python's sum(), left to right from 0 */
    for (int64_t k = start; k < end; k++) sum += weights[k];
    return sum;
}

/* Room for one alignment: the candidate pairs and the words used on each side. */
typedef struct {
    Candidate *cands;
    char *q_used, *c_used;
    Py_ssize_t chosen; /* the first ``chosen`` of cands are the aligned pairs, best first */
    double matched, total;
} Alignment;

static void alignment_free(Alignment *a) {
    PyMem_Free(a->cands);
    PyMem_Free(a->q_used);
    PyMem_Free(a->c_used);
}

/* The alignment of ``nq`` query units and ``nc`` candidate units (spans checked by the
 * caller) given their similarities, into ``a`` (freed by the caller either way); -1
 * with an error set when memory runs out. */
static int align_core(const double *sim, Py_ssize_t nq, Py_ssize_t nc, const int64_t *qi,
                      const int64_t *ci, const double *qw, Py_ssize_t q_len, const double *cw,
                      Py_ssize_t c_len, const Knobs *k, Alignment *a) {
    memset(a, 0, sizeof(*a));
    Py_ssize_t n = 0;
    for (Py_ssize_t x = 0; x < nq * nc; x++) n += sim[x] >= k->min_pair;
    a->cands = (Candidate *)PyMem_Malloc(sizeof(Candidate) * (size_t)(n ? n : 1));
    a->q_used = (char *)PyMem_Calloc((size_t)(q_len ? q_len : 1), 1);
    a->c_used = (char *)PyMem_Calloc((size_t)(c_len ? c_len : 1), 1);
    if (a->cands == NULL || a->q_used == NULL || a->c_used == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Candidate *cands = a->cands;
    char *q_used = a->q_used, *c_used = a->c_used;
    n = 0;
    for (Py_ssize_t i = 0; i < nq; i++) {
        const int64_t *qu = qi + i * N_INTS;
        for (Py_ssize_t j = 0; j < nc; j++) {
            double value = sim[i * nc + j];
            if (!(value >= k->min_pair)) continue;
            const int64_t *cu = ci + j * N_INTS;
            Candidate *c = &cands[n];
            c->value = value;
            c->weight = span_weight(qw, qu[START], qu[END]) + span_weight(cw, cu[START], cu[END]);
            double qd = (double)(qu[START] + qu[END]) / (double)q_len;
            double cd = (double)(cu[START] + cu[END]) / (double)c_len;
            c->drift = qd >= cd ? qd - cd : cd - qd;
            c->i = i;
            c->j = j;
            c->order = n++;
        }
    }
    if (n > 1) qsort(cands, (size_t)n, sizeof(Candidate), candidate_cmp);
    double matched = 0.0, total = 0.0;
    for (Py_ssize_t x = 0; x < n; x++) {
        const Candidate c = cands[x];
        const int64_t *qu = qi + c.i * N_INTS, *cu = ci + c.j * N_INTS;
        int taken = 0;
        for (int64_t t = qu[START]; t < qu[END] && !taken; t++) taken = q_used[t];
        for (int64_t t = cu[START]; t < cu[END] && !taken; t++) taken = c_used[t];
        if (taken) continue;
        for (int64_t t = qu[START]; t < qu[END]; t++) q_used[t] = 1;
        for (int64_t t = cu[START]; t < cu[END]; t++) c_used[t] = 1;
        matched += c.value * c.weight;
        total += c.weight;
        cands[a->chosen++] = c; /* x >= chosen: nothing unread is overwritten */
    }
    /* Words left over (compare.py): on both sides, each at least ``left_over``; on one
     * side only, by extra_query or extra_candidate. */
    int q_extra = 0, c_extra = 0;
    for (Py_ssize_t t = 0; t < q_len; t++) q_extra |= !q_used[t];
    for (Py_ssize_t t = 0; t < c_len; t++) c_extra |= !c_used[t];
    if (q_extra && c_extra) {
        double sum = 0.0;
        for (Py_ssize_t t = 0; t < q_len; t++)
            if (!q_used[t]) sum += qw[t] >= k->left_over ? qw[t] : k->left_over;
        for (Py_ssize_t t = 0; t < c_len; t++)
            if (!c_used[t]) sum += cw[t] >= k->left_over ? cw[t] : k->left_over;
        total += sum;
    } else {
        double sum = 0.0;
        for (Py_ssize_t t = 0; t < q_len; t++)
            if (!q_used[t]) sum += qw[t];
        total += sum * k->extra_query;
        sum = 0.0;
        for (Py_ssize_t t = 0; t < c_len; t++)
            if (!c_used[t]) sum += cw[t];
        total += sum * k->extra_candidate;
    }
    a->matched = matched;
    a->total = total;
    return 0;
}

/* align_core's result as Python takes it: (matched, total, [(unit, unit, value)...],
 * query words used, candidate words used), or NULL with an error set. */
static PyObject *align_units(const double *sim, Py_ssize_t nq, Py_ssize_t nc, const int64_t *qi,
                             const int64_t *ci, const double *qw, Py_ssize_t q_len,
                             const double *cw, Py_ssize_t c_len, const Knobs *k) {
    Alignment a;
    PyObject *result = NULL, *pairs = NULL;
    if (align_core(sim, nq, nc, qi, ci, qw, q_len, cw, c_len, k, &a) < 0) goto done;
    pairs = PyList_New(a.chosen);
    if (pairs == NULL) goto done;
    for (Py_ssize_t x = 0; x < a.chosen; x++) {
        PyObject *pair = Py_BuildValue("(nnd)", a.cands[x].i, a.cands[x].j, a.cands[x].value);
        if (pair == NULL) goto done;
        PyList_SET_ITEM(pairs, x, pair);
    }
    result = Py_BuildValue("(ddOy#y#)", a.matched, a.total, pairs, a.q_used, q_len, a.c_used,
                           c_len);
done:
    Py_XDECREF(pairs);
    alignment_free(&a);
    return result;
}

static int knobs_of(PyObject *tuple, Knobs *k) {
    double v[4];
    if (floats(tuple, v, 4, "knobs") < 0) return -1;
    k->min_pair = v[0];
    k->extra_query = v[1];
    k->extra_candidate = v[2];
    k->left_over = v[3];
    return 0;
}

static PyObject *align(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *sim_obj, *qi_obj, *ci_obj, *qw_obj, *cw_obj, *knobs_obj;
    if (!PyArg_ParseTuple(args, "OOOOOO", &sim_obj, &qi_obj, &ci_obj, &qw_obj, &cw_obj,
                          &knobs_obj))
        return NULL;
    Knobs knobs;
    if (knobs_of(knobs_obj, &knobs) < 0) return NULL;
    Py_buffer views[5];
    int held = 0;
    PyObject *result = NULL;
    /* Sizes: the weights give the words, ints (N_INTS per unit) the units, sim both. */
    PyObject *objs[5] = {qw_obj, cw_obj, qi_obj, ci_obj, sim_obj};
    const char *kinds = "ddqqd"; /* float64 weights, int64 units, float64 sim */
    const int position[5] = {4, 5, 2, 3, 1}; /* of each in the call, for errors */
    for (; held < 5; held++)
        if (PyObject_GetBuffer(objs[held], &views[held], PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
            goto done;
    for (int k = 0; k < 5; k++)
        if (!typed(&views[k], kinds[k], "align", position[k])) goto done;
    Py_ssize_t q_len = views[0].len / 8, c_len = views[1].len / 8;
    Py_ssize_t nq = views[2].len / (8 * N_INTS), nc = views[3].len / (8 * N_INTS);
    if (views[2].len != nq * 8 * N_INTS || views[3].len != nc * 8 * N_INTS ||
        views[4].len != nq * nc * 8) {
        PyErr_SetString(PyExc_ValueError, "align: sim must be query units x candidate units");
        goto done;
    }
    const int64_t *qi = (const int64_t *)views[2].buf, *ci = (const int64_t *)views[3].buf;
    if (!spans_ok(qi, nq, q_len, "query") || !spans_ok(ci, nc, c_len, "candidate")) goto done;
    result = align_units((const double *)views[4].buf, nq, nc, qi, ci,
                         (const double *)views[0].buf, q_len, (const double *)views[1].buf,
                         c_len, &knobs);
done:
    for (int k = 0; k < held; k++) PyBuffer_Release(&views[k]);
    return result;
}

/* The arguments of compare and best_name: two objects of ``type``, the rules and the
 * knobs. */
static int two_of(PyObject *args, PyObject *type, PyObject **q, PyObject **c, Rules *r,
                  Knobs *k) {
    PyObject *rules_tuple, *knobs_tuple;
    if (!PyArg_ParseTuple(args, "O!O!OO", (PyTypeObject *)type, q, (PyTypeObject *)type, c,
                          &rules_tuple, &knobs_tuple))
        return -1;
    return rules_of(rules_tuple, r) < 0 || knobs_of(knobs_tuple, k) < 0 ? -1 : 0;
}

/* ---- both at once --------------------------------------------------------------- */

static PyObject *compare(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *q_obj, *c_obj;
    Rules r;
    Knobs knobs;
    if (two_of(args, side_type, &q_obj, &c_obj, &r, &knobs) < 0) return NULL;
    const SideObject *qs = (const SideObject *)q_obj, *cs = (const SideObject *)c_obj;
    if (qs->weights == NULL || cs->weights == NULL) {
        PyErr_SetString(PyExc_ValueError, "compare: both sides need their word weights");
        return NULL;
    }
    const Side *q = &qs->side, *c = &cs->side;
    double stack[STACK_CELLS];
    double *sim = room(stack, q->n * c->n);
    if (sim == NULL) return NULL;
    PyObject *result = NULL;
    if (fill(&r, q, c, sim) == 0)
        result = align_units(sim, q->n, c->n, q->ints, c->ints, qs->weights, qs->words,
                             cs->weights, cs->words, &knobs);
    room_free(sim, stack);
    return result;
}

/* ---- upper bounds (compare.py, upper_bounds) ----------------------------------- */

/* Per name of a block, the most compare_names could score it against the query (before
 * names run together, which compare.py adds): each word brings at most its weight times
 * its best similarity with any unit of the other side; left-over words add at least
 * their weight times min(1, extra) to the total. Sums run left to right; the result
 * may differ from numpy's in the last bit, which callers allow for (BOUND_SLACK). */
static PyObject *upper_bounds(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *objs[8], *knobs_tuple;
    if (!PyArg_ParseTuple(args, "OOOOOOOOO", &objs[0], &objs[1], &objs[2], &objs[3], &objs[4],
                          &objs[5], &objs[6], &objs[7], &knobs_tuple))
        return NULL;
    double extra[2];
    if (floats(knobs_tuple, extra, 2, "upper_bounds") < 0) return NULL;
    double extra_q = extra[0] < 1.0 ? extra[0] : 1.0, extra_c = extra[1] < 1.0 ? extra[1] : 1.0;
    /* sim, query ints, query weights, block ints, block weights, unit counts, token
     * counts, out */
    const char kinds[8] = {'d', 'q', 'd', 'q', 'd', 'q', 'q', 'd'};
    Py_buffer views[8];
    int held = 0;
    PyObject *result = NULL;
    double *best_q = NULL, *best_c = NULL, *col_best = NULL;
    for (; held < 8; held++) {
        int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (held == 7 ? PyBUF_WRITABLE : 0);
        if (PyObject_GetBuffer(objs[held], &views[held], flags) < 0) goto done;
    }
    for (int k = 0; k < 8; k++)
        if (!typed(&views[k], kinds[k], "upper_bounds", k + 1)) goto done;
    const double *sim = (const double *)views[0].buf;
    const int64_t *qi = (const int64_t *)views[1].buf, *bi = (const int64_t *)views[3].buf;
    const double *qw = (const double *)views[2].buf, *bw = (const double *)views[4].buf;
    const int64_t *unit_counts = (const int64_t *)views[5].buf;
    const int64_t *token_counts = (const int64_t *)views[6].buf;
    Py_ssize_t nq = views[1].len / (8 * N_INTS), q_words = views[2].len / 8;
    Py_ssize_t nb = views[3].len / (8 * N_INTS), b_words = views[4].len / 8;
    Py_ssize_t names = views[5].len / 8;
    if (views[1].len != nq * 8 * N_INTS || views[3].len != nb * 8 * N_INTS ||
        views[0].len != nq * nb * 8 || views[6].len != names * 8 || views[7].len != names * 8) {
        PyErr_SetString(PyExc_ValueError,
                        "upper_bounds: sim must be query units x block units, and the counts "
                        "and out one per name");
        goto done;
    }
    Py_ssize_t units_seen = 0, words_seen = 0;
    for (Py_ssize_t n = 0; n < names; n++) {
        if (unit_counts[n] < 1 || token_counts[n] < 1) {
            PyErr_SetString(PyExc_ValueError, "upper_bounds: every name has units and words");
            goto done;
        }
        if (unit_counts[n] > nb - units_seen || token_counts[n] > b_words - words_seen) {
            PyErr_SetString(PyExc_ValueError, "upper_bounds: the counts do not add up to the block");
            goto done;
        }
        if (!spans_ok(bi + units_seen * N_INTS, unit_counts[n], token_counts[n], "block"))
            goto done;
        units_seen += unit_counts[n];
        words_seen += token_counts[n];
    }
    if (units_seen != nb || words_seen != b_words) {
        PyErr_SetString(PyExc_ValueError, "upper_bounds: the counts do not add up to the block");
        goto done;
    }
    if (!spans_ok(qi, nq, q_words, "query")) goto done;
    best_q = (double *)PyMem_Malloc(sizeof(double) * (size_t)(q_words ? q_words : 1));
    best_c = (double *)PyMem_Malloc(sizeof(double) * (size_t)(b_words ? b_words : 1));
    col_best = (double *)PyMem_Malloc(sizeof(double) * (size_t)(nb ? nb : 1));
    if (best_q == NULL || best_c == NULL || col_best == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    /* Each block unit's best similarity with any query unit; each block word's best over
     * the units holding it. */
    for (Py_ssize_t j = 0; j < nb; j++) {
        double best = nq ? sim[j] : 0.0;
        for (Py_ssize_t i = 1; i < nq; i++) best = dmax(best, sim[i * nb + j]);
        col_best[j] = best;
    }
    double q_total = 0.0;
    for (Py_ssize_t k = 0; k < q_words; k++) q_total += qw[k];
    double *bounds = (double *)views[7].buf;
    Py_ssize_t u0 = 0, t0 = 0;
    for (Py_ssize_t n = 0; n < names; n++) {
        Py_ssize_t u1 = u0 + unit_counts[n], t1 = t0 + token_counts[n];
        /* query words: the best similarity of a unit holding the word with this name */
        for (Py_ssize_t k = 0; k < q_words; k++) best_q[k] = 0.0;
        for (Py_ssize_t i = 0; i < nq; i++) {
            double best = 0.0;
            for (Py_ssize_t j = u0; j < u1; j++) best = dmax(best, sim[i * nb + j]);
            const int64_t *q = qi + i * N_INTS;
            for (int64_t k = q[START]; k < q[END]; k++) best_q[k] = dmax(best_q[k], best);
        }
        double aligned = 0.0;
        for (Py_ssize_t k = 0; k < q_words; k++) aligned += qw[k] * best_q[k];
        for (Py_ssize_t t = t0; t < t1; t++) best_c[t] = 0.0;
        for (Py_ssize_t j = u0; j < u1; j++) {
            const int64_t *b = bi + j * N_INTS;
            for (int64_t t = b[START]; t < b[END]; t++)
                best_c[t0 + t] = dmax(best_c[t0 + t], col_best[j]);
        }
        double words = 0.0, name_total = 0.0;
        for (Py_ssize_t t = t0; t < t1; t++) {
            words += bw[t] * best_c[t];
            name_total += bw[t];
        }
        aligned += words;
        double total = q_total * extra_q + name_total * extra_c;
        bounds[n] = total > 0 ? aligned / total : 0.0;
        u0 = u1;
        t0 = t1;
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    for (int k = 0; k < held; k++) PyBuffer_Release(&views[k]);
    PyMem_Free(best_q);
    PyMem_Free(best_c);
    PyMem_Free(col_best);
    return result;
}

/* ---- Names: a profile's names, each with its forms, for best_name ---------------- */

typedef struct {
    Side side; /* a copy of its Side object's (which the Names object's items hold), read
                * here without visiting that object */
    const double *weights;
    Py_ssize_t words;
    Str joined; /* the token keys run together (compare.py, _joined_strings) */
} Form;

typedef struct {
    PyObject_HEAD
    PyObject *items; /* the argument as a tuple: keeps the sides and strings alive */
    Py_ssize_t names;
    char *block;       /* the arrays below, in one allocation */
    Py_ssize_t *first; /* per name, its first form; first[names] is the number of forms */
    double *factor;    /* per name, what a match on it counts (algorithms.py) */
    PyObject **text, **kind; /* per name, given back by best_name (borrowed from items) */
    Form *forms;
} NamesObject;

static PyObject *names_type = NULL;

static void names_dealloc(NamesObject *self) {
    PyMem_Free(self->block);
    Py_XDECREF(self->items);
    PyTypeObject *type = Py_TYPE(self);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

/* Names([(factor, ((side, joined), ...), text, kind), ...]): sides with word weights. */
static PyObject *names_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    (void)kwargs;
    PyObject *list;
    if (!PyArg_ParseTuple(args, "O", &list)) return NULL;
    NamesObject *self = (NamesObject *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->items = PySequence_Tuple(list);
    if (self->items == NULL) goto fail;
    self->names = PyTuple_GET_SIZE(self->items);
    Py_ssize_t forms = 0;
    for (Py_ssize_t k = 0; k < self->names; k++) {
        PyObject *name = PyTuple_GET_ITEM(self->items, k);
        if (!PyTuple_Check(name) || PyTuple_GET_SIZE(name) != 4 ||
            !PyFloat_Check(PyTuple_GET_ITEM(name, 0)) || !PyTuple_Check(PyTuple_GET_ITEM(name, 1))) {
            PyErr_Format(PyExc_TypeError, "Names: name %zd is not (factor, forms, text, kind)",
                         k);
            goto fail;
        }
        forms += PyTuple_GET_SIZE(PyTuple_GET_ITEM(name, 1));
    }
    size_t n = (size_t)self->names;
    size_t size = sizeof(Py_ssize_t) * (n + 1) + sizeof(double) * n +
                  2 * sizeof(PyObject *) * n + sizeof(Form) * (size_t)forms;
    self->block = (char *)PyMem_Malloc(size);
    if (self->block == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    /* Every part is a multiple of 8 bytes long, so each starts aligned. */
    self->first = (Py_ssize_t *)self->block;
    self->factor = (double *)(self->first + n + 1);
    self->text = (PyObject **)(self->factor + n);
    self->kind = self->text + n;
    self->forms = (Form *)(self->kind + n);
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < self->names; k++) {
        PyObject *name = PyTuple_GET_ITEM(self->items, k);
        PyObject *its_forms = PyTuple_GET_ITEM(name, 1);
        self->factor[k] = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(name, 0));
        self->text[k] = PyTuple_GET_ITEM(name, 2);
        self->kind[k] = PyTuple_GET_ITEM(name, 3);
        self->first[k] = at;
        for (Py_ssize_t f = 0; f < PyTuple_GET_SIZE(its_forms); f++) {
            PyObject *form = PyTuple_GET_ITEM(its_forms, f), *side, *joined;
            if (!PyTuple_Check(form) || PyTuple_GET_SIZE(form) != 2 ||
                !PyObject_TypeCheck(side = PyTuple_GET_ITEM(form, 0), (PyTypeObject *)side_type) ||
                !PyUnicode_Check(joined = PyTuple_GET_ITEM(form, 1))) {
                PyErr_Format(PyExc_TypeError, "Names: form %zd of name %zd is not (Side, str)", f,
                             k);
                goto fail;
            }
            const SideObject *so = (const SideObject *)side;
            if (so->weights == NULL) {
                PyErr_Format(PyExc_ValueError, "Names: form %zd of name %zd has no word weights",
                             f, k);
                goto fail;
            }
            Form *out = &self->forms[at++];
            out->side = so->side;
            out->weights = so->weights;
            out->words = so->words;
            out->joined.data = PyUnicode_DATA(joined);
            out->joined.len = (int32_t)PyUnicode_GET_LENGTH(joined);
            out->joined.kind = PyUnicode_KIND(joined);
            out->joined.letters = 0;
        }
    }
    self->first[self->names] = at;
    return (PyObject *)self;
fail:
    Py_DECREF(self);
    return NULL;
}

static PyType_Slot names_slots[] = {
    {Py_tp_new, names_new},
    {Py_tp_dealloc, names_dealloc},
    {Py_tp_doc, "Names([(factor, ((side, joined), ...), text, kind), ...]): a profile's "
                "names for best_name: per name what a match on it counts, its forms (a Side "
                "with word weights and the token keys run together), and its text and kind, "
                "which best_name gives back."},
    {0, NULL},
};

static PyType_Spec names_spec = {"redline.matching._kernel.Names", sizeof(NamesObject), 0,
                                 Py_TPFLAGS_DEFAULT, names_slots};

/* compare.py's _joined_strings: names run together, nearly equal. */
static double joined_strings(const Str *a, const Str *b) {
    if (a->len == 0 || b->len == 0) return 0.0;
    int64_t longest = a->len > b->len ? a->len : b->len;
    int64_t limit = longest / 8 < 2 ? longest / 8 : 2;
    int64_t apart = a->len > b->len ? a->len - b->len : b->len - a->len;
    if (apart > limit) return 0.0; /* the distance is at least the difference in length */
    int64_t distance;
    if (a->kind == PyUnicode_1BYTE_KIND && a->len <= 64) {
        Pattern p;
        pattern_of(a, &p);
        distance = osa(&p, a, b);
    } else {
        distance = osa_dp(a, b);
    }
    if (distance < 0) return -1.0; /* out of memory */
    if (distance > limit) return 0.0;
    return 1.0 - 0.5 * (double)distance / (double)longest - 0.02;
}

/* The score of two forms of plain names (no numbers, legal forms or former names):
 * compare.py's compare_names up to _finish, which has nothing more to apply. -1 with an
 * error set when memory runs out. */
static double form_score(const Rules *r, const Knobs *k, const Form *qf, const Form *cf) {
    const Side *q = &qf->side, *c = &cf->side;
    double stack[STACK_CELLS];
    double *sim = room(stack, q->n * c->n);
    if (sim == NULL) return -1.0;
    double score = -1.0;
    Alignment a;
    memset(&a, 0, sizeof(a));
    if (fill(r, q, c, sim) == 0 &&
        align_core(sim, q->n, c->n, q->ints, c->ints, qf->weights, qf->words, cf->weights,
                   cf->words, k, &a) == 0) {
        score = a.total != 0.0 ? a.matched / a.total : 0.0;
        if (qf->words != cf->words) {
            double spaced = joined_strings(&qf->joined, &cf->joined);
            if (spaced < 0) {
                PyErr_NoMemory();
                score = -1.0;
            } else if (spaced > score) {
                score = spaced;
            }
        }
        if (score > 1.0) score = 1.0;
    }
    alignment_free(&a);
    room_free(sim, stack);
    return score;
}

static PyObject *best_name(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *q_obj, *c_obj;
    Rules r;
    Knobs knobs;
    if (two_of(args, names_type, &q_obj, &c_obj, &r, &knobs) < 0) return NULL;
    const NamesObject *q = (const NamesObject *)q_obj, *c = (const NamesObject *)c_obj;
    double best = 0.0;
    Py_ssize_t at[4] = {-1, -1, -1, -1};
    for (Py_ssize_t qn = 0; qn < q->names; qn++) {
        for (Py_ssize_t cn = 0; cn < c->names; cn++) {
            /* algorithms.py: the first best pair of forms, then the first best pair of
             * names once weighed by the candidate name's kind. */
            double name = 0.0;
            Py_ssize_t qf_best = -1, cf_best = -1;
            for (Py_ssize_t qf = q->first[qn]; qf < q->first[qn + 1]; qf++) {
                for (Py_ssize_t cf = c->first[cn]; cf < c->first[cn + 1]; cf++) {
                    double score = form_score(&r, &knobs, &q->forms[qf], &c->forms[cf]);
                    if (score < 0) return NULL;
                    if (qf_best < 0 || score > name) {
                        name = score;
                        qf_best = qf;
                        cf_best = cf;
                    }
                }
            }
            if (qf_best < 0) continue;
            double value = name * c->factor[cn];
            if (value > best) {
                best = value;
                at[0] = qn;
                at[1] = cn;
                at[2] = qf_best - q->first[qn];
                at[3] = cf_best - c->first[cn];
            }
        }
    }
    /* Built by hand: Py_BuildValue's format parsing costs as much as a cell. */
    PyObject *out = PyTuple_New(8);
    if (out == NULL) return NULL;
    PyObject *items[8] = {PyFloat_FromDouble(best), PyLong_FromSsize_t(at[0]),
                          PyLong_FromSsize_t(at[1]), PyLong_FromSsize_t(at[2]),
                          PyLong_FromSsize_t(at[3]), at[0] < 0 ? Py_None : q->text[at[0]],
                          at[0] < 0 ? Py_None : c->text[at[1]],
                          at[0] < 0 ? Py_None : c->kind[at[1]]};
    for (int k = 5; k < 8; k++) Py_INCREF(items[k]);
    for (int k = 0; k < 8; k++) {
        if (items[k] == NULL) {
            for (int j = k; j < 8; j++) Py_XDECREF(items[j]);
            Py_DECREF(out);
            return NULL;
        }
        PyTuple_SET_ITEM(out, k, items[k]);
    }
    return out;
}

static PyObject *osa_distance(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "UU", &a, &b)) return NULL;
    if (PyUnicode_GET_LENGTH(a) > INT32_MAX || PyUnicode_GET_LENGTH(b) > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "string too long");
        return NULL;
    }
    Str sa = {PyUnicode_DATA(a), (int32_t)PyUnicode_GET_LENGTH(a), PyUnicode_KIND(a), 0};
    Str sb = {PyUnicode_DATA(b), (int32_t)PyUnicode_GET_LENGTH(b), PyUnicode_KIND(b), 0};
    Pattern p;
    pattern_of(&sa, &p);
    int64_t d = osa(&p, &sa, &sb);
    if (d < 0) return PyErr_NoMemory();
    return PyLong_FromLongLong(d);
}

static PyMethodDef methods[] = {
    {"unit_similarity", unit_similarity, METH_VARARGS,
     "unit_similarity(query_side, candidate_side, out, rules): fill ``out`` (float64, "
     "query units x candidate units) with the word similarities of similarity.py."},
    {"align", align, METH_VARARGS,
     "align(sim, query_ints, candidate_ints, query_token_weights, candidate_token_weights, "
     "(min_pair, extra_query, extra_candidate, left_over)): compare.py's alignment; "
     "(matched, total, [(unit, unit, value)...], query words used, candidate words used)."},
    {"compare", compare, METH_VARARGS,
     "compare(query_side, candidate_side, rules, (min_pair, extra_query, extra_candidate, "
     "left_over)): unit_similarity then align, for two Side objects with word weights; "
     "align's result."},
    {"upper_bounds", upper_bounds, METH_VARARGS,
     "upper_bounds(sim, query_ints, query_token_weights, block_ints, block_token_weights, "
     "unit_counts, token_counts, out, (extra_query, extra_candidate)): fill ``out`` (float64, "
     "one per name) with compare.py's upper_bounds before names run together."},
    {"best_name", best_name, METH_VARARGS,
     "best_name(query_names, candidate_names, rules, knobs): the best weighed score of any "
     "pair of plain names, as algorithms.py's best_name, and where it is: (value, query "
     "name, candidate name, query form, candidate form, query text, candidate text, "
     "candidate kind); -1s and Nones when no pair scores above 0."},
    {"osa_distance", osa_distance, METH_VARARGS,
     "osa_distance(a, b): optimal string alignment distance (for tests)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel",
                                    "Word similarity in C (see similarity.py).", -1, methods,
                                    NULL, NULL, NULL, NULL};

/* Make a type from ``spec`` into ``*type`` and add it to the module as ``name``: the
 * static pointer keeps one reference, the module another. */
static int add_type(PyObject *m, const char *name, PyType_Spec *spec, PyObject **type) {
    *type = PyType_FromSpec(spec);
    if (*type == NULL) return -1;
    Py_INCREF(*type);
    if (PyModule_AddObject(m, name, *type) < 0) {
        Py_DECREF(*type);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC PyInit__kernel(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (add_type(m, "Strings", &strings_spec, &strings_type) < 0 ||
        add_type(m, "Names", &names_spec, &names_type) < 0 ||
        add_type(m, "Side", &side_spec, &side_type) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
