# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, infer_types=False
"""The token aligner, compiled: the screener's hot path (issue #14).

Every screening compares a query name with about fifteen candidate names, and every comparison
aligns their tokens: the edit distances, phonetic keys and joins `score.py` describes (token
similarity is in `_distance.pyx`). Written in Python this cost about 50 µs per candidate; here the
same rules run on C arrays. The rules and the arithmetic are exactly those of the documented scorer
(the same operations in the same order on doubles), so alerts, scores and the token-by-token
explanation do not change: `make eval` checks the alert set and every score against the baseline.

Only the final alignment becomes Python objects (`TokenPair`, `NameComparison`), and only for the
names that could alert; everything before it stays in C.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.math cimport pow as c_pow

from watchkeeper.match._distance cimport (
    EXACT,
    JOINED,
    PHONETIC,
    SPELLING,
    VARIANT,
    _compact,
    _variants,
    variant_pattern,
    _mask,
    _similarity,
)

from watchkeeper.match._distance import allowed_edits, compact_similarity, similarity
from watchkeeper.match.names import chinese_syllables

#: Token pairs less similar than this are never aligned.
cdef double TOKEN_FLOOR = 0.6
#: How much the listed name's uncovered tokens count (0: not at all, 1: like the query's).
cdef double LISTED_COVERAGE_POWER = 0.4
#: Joined tokens must be this similar to the single token they stand for.
cdef double JOIN_FLOOR = 0.85
#: Share of its weight a person's query name left unmatched counts when it follows names that
#: matched: a father's name the other list leaves out.
cdef double EXTRA_QUERY_NAME_SHARE = 0.5
#: A word this short is one typing error from many others.
cdef Py_ssize_t SHORT_WORD = 5

HOW_NAMES = ("exact", "spelling", "phonetic", "joined", "variant")
#: Similarity of two spellings of one name that differ in how they write its vowels.
cdef double VARIANT_SIMILARITY = 0.9


cdef tuple _joined_forms(tuple a, tuple b):
    cdef dict seen = {}
    cdef str x, y
    for x in a[:4]:
        for y in b[:4]:
            seen[x + y] = None
    return tuple(seen)


cdef struct Candidate:
    double sim
    int q0, q1  # query token positions (q1 = -1: one token)
    int l0, l1  # listed token positions (l1 = -1: one token)
    int how


cdef class _Tokens:
    """One side's tokens as the aligner reads them, each attribute fetched once."""

    cdef list forms, keys, texts
    cdef list patterns  # vowel-variant pattern of each Latin token's spelling ("" when none)
    cdef bint *latin
    cdef bint *optional
    cdef unsigned long long *masks  # every form's letter buckets, token after token
    cdef Py_ssize_t *first_mask  # where each token's forms start in `masks`
    cdef Py_UCS4 *initial  # first letter of each token's first spelling
    cdef Py_ssize_t *length  # length of each token's first spelling
    cdef Py_ssize_t *pattern_length  # length of each token's vowel-variant pattern (0: none)
    cdef Py_ssize_t n

    def __cinit__(self, tuple tokens):
        cdef Py_ssize_t i, k, total = 0
        cdef tuple forms
        self.n = len(tokens)
        self.forms, self.keys, self.texts, self.patterns = [], [], [], []
        self.latin = <bint *> PyMem_Malloc((self.n + 1) * sizeof(bint))
        self.optional = <bint *> PyMem_Malloc((self.n + 1) * sizeof(bint))
        self.first_mask = <Py_ssize_t *> PyMem_Malloc((self.n + 1) * sizeof(Py_ssize_t))
        self.initial = <Py_UCS4 *> PyMem_Malloc((self.n + 1) * sizeof(Py_UCS4))
        self.length = <Py_ssize_t *> PyMem_Malloc((self.n + 1) * sizeof(Py_ssize_t))
        self.pattern_length = <Py_ssize_t *> PyMem_Malloc((self.n + 1) * sizeof(Py_ssize_t))
        if (
            self.latin == NULL
            or self.optional == NULL
            or self.first_mask == NULL
            or self.initial == NULL
            or self.length == NULL
            or self.pattern_length == NULL
        ):
            raise MemoryError()
        for i in range(self.n):
            token = tokens[i]
            self.forms.append(token.forms)
            self.keys.append(token.keys)
            self.texts.append(token.text)
            self.latin[i] = token.latin
            self.optional[i] = token.optional
            self.first_mask[i] = total
            total += len(token.forms)
            first = token.forms[0] if token.forms else ""
            pattern = variant_pattern(first) if token.latin and first else ""
            self.patterns.append(pattern)
            self.pattern_length[i] = len(pattern)
            self.length[i] = len(first)
            self.initial[i] = first[0] if first else 0
        self.first_mask[self.n] = total
        self.masks = <unsigned long long *> PyMem_Malloc((total + 1) * sizeof(unsigned long long))
        if self.masks == NULL:
            raise MemoryError()
        for i in range(self.n):
            forms = self.forms[i]
            for k in range(len(forms)):
                self.masks[self.first_mask[i] + k] = _mask(forms[k])

    def __dealloc__(self):
        PyMem_Free(self.latin)
        PyMem_Free(self.optional)
        PyMem_Free(self.first_mask)
        PyMem_Free(self.masks)
        PyMem_Free(self.initial)
        PyMem_Free(self.length)
        PyMem_Free(self.pattern_length)


cdef class CompiledName:
    """A name as the aligner reads it, with its tokens' weights: built once per listed name (the
    index keeps it) and once per query."""

    cdef readonly object name
    cdef _Tokens tokens
    cdef double *weights
    cdef str compact
    cdef bint latin_written, vessel, organization, person
    cdef int syllabic

    def __cinit__(self, object name, object weights):
        cdef Py_ssize_t i
        self.name = name
        self.tokens = _Tokens(name.tokens)
        if len(weights) != self.tokens.n:
            raise ValueError(f"{len(weights)} weights for {self.tokens.n} tokens")
        self.weights = <double *> PyMem_Malloc((self.tokens.n + 1) * sizeof(double))
        if self.weights == NULL:
            raise MemoryError()
        for i in range(self.tokens.n):
            self.weights[i] = weights[i]
        self.compact = name.compact
        self.latin_written = name.latin_written
        self.vessel = name.schema == "Vessel"
        self.organization = name.schema in ("Organization", "Company")
        self.syllabic = -1  # made on first use (`_syllabic`)
        self.person = name.schema == "Person"

    def __dealloc__(self):
        PyMem_Free(self.weights)

    def __reduce__(self):
        return (CompiledName, (self.name, tuple([self.weights[i] for i in range(self.tokens.n)])))


cdef bint _may_join(_Tokens side, Py_ssize_t a, _Tokens other_side, Py_ssize_t other) except -1:
    """Cheap test before comparing a join: Latin spellings must start alike and be of like length."""
    cdef Py_ssize_t gap
    if not (side.latin[a] and side.latin[a + 1] and other_side.latin[other]):
        return True
    if side.initial[a] != other_side.initial[other]:
        return False
    gap = side.length[a] + side.length[a + 1] - other_side.length[other]
    return -2 <= gap <= 2


cdef double _join_similarity(_Tokens side, Py_ssize_t a, _Tokens other_side, Py_ssize_t other) except -1.0:
    """How alike two adjacent tokens written together are to one token."""
    cdef int how = SPELLING
    cdef tuple forms = _joined_forms(side.forms[a], side.forms[a + 1])
    return _similarity(
        forms,
        NULL,
        other_side.forms[other],
        &other_side.masks[other_side.first_mask[other]],
        (),
        other_side.keys[other],
        side.latin[a] and side.latin[a + 1] and other_side.latin[other],
        &how,
    )


cdef Py_ssize_t _candidates(_Tokens q, _Tokens l, Candidate **out) except -1:
    """Every pair worth aligning, best first (a stable order: at equal similarity, found first)."""
    cdef Py_ssize_t nq = q.n, nl = l.n, i, j, k, count = 0
    cdef Py_ssize_t capacity = nq * nl + (nq - 1 if nq > 1 else 0) * nl + (nl - 1 if nl > 1 else 0) * nq + 1
    cdef Candidate *found = <Candidate *> PyMem_Malloc(capacity * sizeof(Candidate))
    cdef bint *exact_q = <bint *> PyMem_Malloc((nq + 1) * sizeof(bint))
    cdef bint *exact_l = <bint *> PyMem_Malloc((nl + 1) * sizeof(bint))
    cdef double sim
    cdef int how
    cdef bint any_open_l = False, any_open_q = False
    cdef Candidate moving
    if found == NULL or exact_q == NULL or exact_l == NULL:
        PyMem_Free(found)
        PyMem_Free(exact_q)
        PyMem_Free(exact_l)
        raise MemoryError()
    try:
        for i in range(nq):
            exact_q[i] = False
        for j in range(nl):
            exact_l[j] = False
        for i in range(nq):
            for j in range(nl):
                sim = _similarity(
                    q.forms[i],
                    &q.masks[q.first_mask[i]],
                    l.forms[j],
                    &l.masks[l.first_mask[j]],
                    q.keys[i],
                    l.keys[j],
                    q.latin[i] and l.latin[j],
                    &how,
                )
                if (
                    sim < VARIANT_SIMILARITY
                    and q.pattern_length[i] != 0
                    and q.pattern_length[i] == l.pattern_length[j]
                    and _variants(q.patterns[i], l.patterns[j])
                ):
                    sim = VARIANT_SIMILARITY
                    how = VARIANT
                if sim >= TOKEN_FLOOR:
                    found[count].sim = sim
                    found[count].q0, found[count].q1 = <int> i, -1
                    found[count].l0, found[count].l1 = <int> j, -1
                    found[count].how = how
                    count += 1
                    if sim == 1.0:
                        exact_q[i] = True
                        exact_l[j] = True
        # Split or joined name parts: "Abd ullah" / "Abdullah", "Yongil" / "Yong Il". A token
        # with an exact partner is already explained; only the others may be part of a join.
        for j in range(nl):
            if not exact_l[j]:
                any_open_l = True
        for i in range(nq):
            if not exact_q[i]:
                any_open_q = True
        if any_open_l:
            for i in range(nq - 1):
                for j in range(nl):
                    if exact_l[j]:
                        continue
                    if _may_join(q, i, l, j):
                        sim = _join_similarity(q, i, l, j)
                        if sim >= JOIN_FLOOR:
                            found[count].sim = sim + 0.001
                            found[count].q0, found[count].q1 = <int> i, <int> (i + 1)
                            found[count].l0, found[count].l1 = <int> j, -1
                            found[count].how = JOINED
                            count += 1
        if any_open_q:
            for j in range(nl - 1):
                for i in range(nq):
                    if exact_q[i]:
                        continue
                    if _may_join(l, j, q, i):
                        sim = _join_similarity(l, j, q, i)
                        if sim >= JOIN_FLOOR:
                            found[count].sim = sim + 0.001
                            found[count].q0, found[count].q1 = <int> i, -1
                            found[count].l0, found[count].l1 = <int> j, <int> (j + 1)
                            found[count].how = JOINED
                            count += 1
        # Best first; at equal similarity a join (two tokens explained) wins. Insertion sort:
        # stable, and the lists are short.
        for k in range(1, count):
            moving = found[k]
            i = k - 1
            while i >= 0 and found[i].sim < moving.sim:
                found[i + 1] = found[i]
                i -= 1
            found[i + 1] = moving
    except BaseException:
        PyMem_Free(found)
        raise
    finally:
        PyMem_Free(exact_q)
        PyMem_Free(exact_l)
    out[0] = found
    return count


cdef str _joined_text(list texts, int first, int second):
    if second < 0:
        return texts[first]
    return texts[first] + " " + texts[second]


cdef Py_ssize_t _required(_Tokens side):
    """Tokens that are not optional (patronymics, articles)."""
    cdef Py_ssize_t i, n = 0
    for i in range(side.n):
        if not side.optional[i]:
            n += 1
    return n


cdef bint _one_word_partial(_Tokens q, _Tokens l):
    """A one-word query against a listed name of more words, or against one short word."""
    cdef Py_ssize_t j, required = 0, only = -1
    if _required(q) != 1:
        return False
    for j in range(l.n):
        if not l.optional[j]:
            required += 1
            only = j
    return required > 1 or (required == 1 and l.length[only] <= SHORT_WORD)


cdef bint _syllabic(CompiledName name):
    """A name written as Chinese syllables (names.chinese_syllables), found out once."""
    if name.syllabic < 0:
        name.syllabic = 1 if chinese_syllables(name.name) else 0
    return name.syllabic == 1


cdef object _compare(CompiledName qn, CompiledName ln, bint explain, object pair_type, object comparison_type):
    cdef _Tokens q = qn.tokens
    cdef _Tokens l = ln.tokens
    cdef Py_ssize_t nq = q.n, nl = l.n, k, i, j, count
    cdef Candidate *found = NULL
    cdef Candidate c
    cdef double *qw = qn.weights
    cdef double *lw = ln.weights
    cdef bint *used_q
    cdef bint *used_l
    cdef double sim, w, matched_q = 0.0, matched_l = 0.0, total_q = 0.0, total_l = 0.0
    cdef double q_cov, l_cov, power, score, compact, total
    cdef Py_ssize_t first_used, last_used, used_count
    cdef list pairs = []
    if nq == 0 or nl == 0:
        if not explain:
            return 0.0
        return comparison_type(0.0, (), tuple(q.texts), tuple(l.texts))
    used_q = <bint *> PyMem_Malloc(nq * sizeof(bint))
    used_l = <bint *> PyMem_Malloc(nl * sizeof(bint))
    try:
        if used_q == NULL or used_l == NULL:
            raise MemoryError()
        for i in range(nq):
            used_q[i] = False
        for j in range(nl):
            used_l[j] = False
        count = _candidates(q, l, &found)
        for k in range(count):
            c = found[k]
            if used_q[c.q0] or (c.q1 >= 0 and used_q[c.q1]) or used_l[c.l0] or (c.l1 >= 0 and used_l[c.l1]):
                continue
            sim = c.sim if c.sim < 1.0 else 1.0
            used_q[c.q0] = True
            if c.q1 >= 0:
                used_q[c.q1] = True
            used_l[c.l0] = True
            if c.l1 >= 0:
                used_l[c.l1] = True
            w = lw[c.l0]
            if c.l1 >= 0:
                w = w + lw[c.l1]
            if explain:
                pairs.append(
                    pair_type(
                        _joined_text(q.texts, c.q0, c.q1),
                        _joined_text(l.texts, c.l0, c.l1),
                        sim,
                        HOW_NAMES[c.how],
                        w,
                    )
                )
            matched_q += sim * (qw[c.q0] + qw[c.q1] if c.q1 >= 0 else qw[c.q0])
            matched_l += sim * w
        first_used = nq
        last_used = -1
        used_count = 0
        for i in range(nq):
            if used_q[i]:
                used_count += 1
                if first_used == nq:
                    first_used = i
                last_used = i
        for i in range(nq):
            if used_q[i]:
                total_q += qw[i]
            elif q.optional[i]:
                # An unmatched optional token (patronymic, article) counts a fifth of its weight.
                total_q += qw[i] * 0.2
            elif qn.person and (first_used < i < last_used or (used_count >= 3 and i > last_used)):
                # A father's or grandfather's name one list gives and the other leaves out: in
                # between the names both give (JAMAL HUSSEIN HASSAN ZEINIYE / Jamal Husayn
                # ZAYNIYAH) or after three or more of them (AHMED SHAH NOORZAI OBAIDULLAH /
                # Ahmed Shah NOORZAI). A name before them all is a different first name.
                total_q += qw[i] * EXTRA_QUERY_NAME_SHARE
            else:
                total_q += qw[i]
        for j in range(nl):
            total_l += lw[j] if (used_l[j] or not l.optional[j]) else lw[j] * 0.2
        q_cov = matched_q / total_q if total_q else 0.0
        l_cov = matched_l / total_l if total_l else 0.0
        # A ship's name is short and every word of it counts: ORION is not ORION STAR. So does
        # every word a one-word company name leaves out, and every letter of a short one:
        # ROSE is not ROSE GROUP, KOCH is not KACH (a person known by one name, or a middle name
        # left out, is the mild case the small power is for).
        # In a Chinese name every syllable is part of it: CHEN PING is not GUO PING CHEN, LIANG YU
        # not YU LIANG PAO. A middle syllable left out (YU PAO) is the mild case of any name.
        power = (
            1.0
            if ln.vessel
            or (qn.organization and _one_word_partial(q, l))
            or (not (used_l[0] and used_l[nl - 1]) and _syllabic(qn) and _syllabic(ln))
            else LISTED_COVERAGE_POWER
        )
        score = q_cov * c_pow(l_cov, power)
        if score < 1.0:
            compact = _compact(qn.compact, ln.compact, qn.latin_written and ln.latin_written, nq, nl)
        else:
            compact = 0.0
        if compact > score:
            # Written together or apart ("MIRIM2" / "MI RIM 2", "DAIHONGDAN" / "DAI HONG DAN").
            if not explain:
                return compact
            total = 0.0
            for j in range(nl):
                total += lw[j]
            return comparison_type(
                compact, (pair_type(qn.compact, ln.compact, compact, "compact", total),), (), ()
            )
        if not explain:
            return score if score < 1.0 else 1.0
        return comparison_type(
            score if score < 1.0 else 1.0,
            tuple(pairs),
            tuple([q.texts[i] for i in range(nq) if not used_q[i]]),
            tuple([l.texts[j] for j in range(nl) if not used_l[j]]),
        )
    finally:
        PyMem_Free(found)
        PyMem_Free(used_q)
        PyMem_Free(used_l)


def could_alert(CompiledName query, list listed, double floor, double bonus, double margin):
    """The positions in `listed` (compiled names) whose score the evidence could still lift to
    `floor`, with that name score: min(score + bonus, 1) + margin ≥ floor, `bonus` counted from
    a score of 0.5 as the screener's features are."""
    cdef Py_ssize_t k
    cdef double score, ceiling
    cdef list found = []
    for k in range(len(listed)):
        score = _compare(query, <CompiledName> listed[k], False, None, None)
        ceiling = score + (bonus if score >= 0.5 else 0.0)
        if ceiling > 1.0:
            ceiling = 1.0
        if ceiling + margin >= floor:
            found.append((k, score))
    return found


def name_score(CompiledName query, CompiledName listed):
    """The score alone: no alignment objects are made (most candidates never alert)."""
    return _compare(query, listed, False, None, None)


def explain(CompiledName query, CompiledName listed, object pair_type, object comparison_type):
    """The score with the alignment that explains it, as `comparison_type(score, pairs, …)`."""
    return _compare(query, listed, True, pair_type, comparison_type)


def compare_weighted(object query, object listed, object q_weights, object l_weights, object pair_type, object comparison_type):
    """Align two names' tokens and score them (see `score.compare_weighted`, which calls this)."""
    return _compare(
        CompiledName(query, q_weights), CompiledName(listed, l_weights), True, pair_type, comparison_type
    )
