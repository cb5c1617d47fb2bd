# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, infer_types=False
"""The token aligner, compiled: the screener's hot path (issue #14).

Every screening compares a query name with about fifteen candidate names, and every comparison
aligns their tokens: the edit distances, phonetic keys and joins `score.py` describes. Written in
Python this cost about 50 µs per candidate; here the same rules run on C arrays. The rules and the
arithmetic are exactly those of the documented scorer (the same operations in the same order on
doubles), so alerts, scores and the token-by-token explanation do not change: `make eval` checks
the alert set and every score against the committed baseline.

Only the final alignment becomes Python objects (`TokenPair`, `NameComparison`); everything
before it (similarities, candidates, the greedy choice) stays in C.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.math cimport pow as c_pow

#: Token pairs less similar than this are never aligned.
cdef double TOKEN_FLOOR = 0.6
#: Similarity credited to tokens that differ in spelling but share a phonetic key.
cdef double PHONETIC_SIMILARITY = 0.8
#: Share of a mistyped letter's weight that a typing error costs.
cdef double TYPO_COST = 0.7
#: How much the listed name's uncovered tokens count (0: not at all, 1: like the query's).
cdef double LISTED_COVERAGE_POWER = 0.4
#: Joined tokens must be this similar to the single token they stand for.
cdef double JOIN_FLOOR = 0.85

# How a pair was aligned; the names are those of the explanation.
cdef enum How:
    EXACT = 0
    SPELLING = 1
    PHONETIC = 2
    JOINED = 3

HOW_NAMES = ("exact", "spelling", "phonetic", "joined")

# Edit distances on code points. Tokens are short (a name word), so the rows live on the stack.
cdef enum:
    MAX_ROW = 96


cdef int _osa(str a, str b) except -1:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps)."""
    cdef Py_ssize_t n = len(a), m = len(b), i, j
    cdef int cost, best
    cdef int two[MAX_ROW]
    cdef int one[MAX_ROW]
    cdef int row[MAX_ROW]
    cdef int *prev2
    cdef int *prev
    cdef int *cur
    cdef int *swap
    if m + 1 > MAX_ROW:
        return _osa_long(a, b)
    prev2, prev, cur = &two[0], &one[0], &row[0]
    for j in range(m + 1):
        prev[j] = j
    for i in range(1, n + 1):
        cur[0] = i
        for j in range(1, m + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = prev[j] + 1
            if cur[j - 1] + 1 < best:
                best = cur[j - 1] + 1
            if prev[j - 1] + cost < best:
                best = prev[j - 1] + cost
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                if prev2[j - 2] + 1 < best:
                    best = prev2[j - 2] + 1
            cur[j] = best
        swap = prev2
        prev2 = prev
        prev = cur
        cur = swap
    return prev[m]


cdef int _osa_long(str a, str b) except -1:
    cdef Py_ssize_t n = len(a), m = len(b), i, j
    cdef int cost, best
    cdef int *table = <int *> PyMem_Malloc((n + 1) * (m + 1) * sizeof(int))
    if table == NULL:
        raise MemoryError()
    try:
        for j in range(m + 1):
            table[j] = j
        for i in range(1, n + 1):
            table[i * (m + 1)] = i
            for j in range(1, m + 1):
                cost = 0 if a[i - 1] == b[j - 1] else 1
                best = table[(i - 1) * (m + 1) + j] + 1
                if table[i * (m + 1) + j - 1] + 1 < best:
                    best = table[i * (m + 1) + j - 1] + 1
                if table[(i - 1) * (m + 1) + j - 1] + cost < best:
                    best = table[(i - 1) * (m + 1) + j - 1] + cost
                if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                    if table[(i - 2) * (m + 1) + j - 2] + 1 < best:
                        best = table[(i - 2) * (m + 1) + j - 2] + 1
                table[i * (m + 1) + j] = best
        return table[n * (m + 1) + m]
    finally:
        PyMem_Free(table)


cdef int _levenshtein(str a, str b) except -1:
    cdef Py_ssize_t n = len(a), m = len(b), i, j
    cdef int cost, best, diagonal, above
    cdef int *row
    cdef int stack[MAX_ROW]
    if m + 1 <= MAX_ROW:
        row = &stack[0]
    else:
        row = <int *> PyMem_Malloc((m + 1) * sizeof(int))
    if row == NULL:
        raise MemoryError()
    try:
        for j in range(m + 1):
            row[j] = j
        for i in range(1, n + 1):
            diagonal = row[0]
            row[0] = i
            for j in range(1, m + 1):
                above = row[j]
                cost = 0 if a[i - 1] == b[j - 1] else 1
                best = above + 1
                if row[j - 1] + 1 < best:
                    best = row[j - 1] + 1
                if diagonal + cost < best:
                    best = diagonal + cost
                row[j] = best
                diagonal = above
        return row[m]
    finally:
        if row != &stack[0]:
            PyMem_Free(row)


cpdef int allowed_edits(Py_ssize_t length):
    """Typing errors tolerated in a token of this length.

    Elasticsearch's AUTO fuzziness allows two from six letters; names are
    mistyped more than words and are rarely one letter from another name,
    so two are allowed from five (measured on eval-dev: typo2 recall 0.84 →
    0.88, false alerts 0.40 % → 0.47 %).
    """
    if length <= 2:
        return 0
    return 1 if length <= 4 else 2


cdef double _similarity(
    tuple a_forms, tuple b_forms, tuple a_keys, tuple b_keys, bint both_latin, int *how
) except -1.0:
    # A transliterated token already stands for every usual spelling; letting
    # each of those be mistyped too would match Korean syllables at random.
    cdef bint transliterated = not both_latin
    cdef double best = 0.0, cost, candidate
    cdef Py_ssize_t lx, ly, longest
    cdef int edits, distance, swaps
    cdef str x, y, key
    for x in a_forms:
        lx = len(x)
        for y in b_forms:
            if x == y:
                how[0] = EXACT
                return 1.0
            ly = len(y)
            longest = lx if lx > ly else ly
            if transliterated:
                edits = 1 if longest >= 6 else 0
            else:
                edits = allowed_edits(longest)
            if not edits or (lx - ly if lx > ly else ly - lx) > edits:
                continue
            distance = _osa(x, y)
            if distance <= edits:
                # A typing error costs less than the share of letters it touches; two
                # letters swapped ("ARSAHM") is the commonest error and costs half.
                swaps = (_levenshtein(x, y) - distance) if distance else 0
                cost = TYPO_COST * (distance - 0.5 * (swaps if swaps < distance else distance))
                candidate = 1.0 - cost / longest
                if candidate > best:
                    best = candidate
    how[0] = SPELLING
    if best < PHONETIC_SIMILARITY and not transliterated:
        for key in a_keys:
            if len(key) >= 3 and key in b_keys:
                how[0] = PHONETIC
                return PHONETIC_SIMILARITY
    return best


def similarity(tuple a_forms, tuple b_forms, tuple a_keys, tuple b_keys, bint both_latin):
    """How alike two tokens are, given their Latin spellings and phonetic keys: (similarity, how)."""
    cdef int how = SPELLING
    cdef double found = _similarity(a_forms, b_forms, a_keys, b_keys, both_latin, &how)
    return found, HOW_NAMES[how]


cdef tuple _joined_forms(tuple a, tuple b):
    cdef dict seen = {}
    cdef str x, y
    for x in a[:4]:
        for y in b[:4]:
            seen[x + y] = None
    return tuple(seen)


cpdef double compact_similarity(object query, object listed) except -1.0:
    """The names compared with their spaces removed, allowing a typing error or two."""
    cdef str a = query.compact, b = listed.compact
    cdef Py_ssize_t longest
    cdef int edits, distance
    if not a or not b or not (query.latin_written and listed.latin_written):
        return 0.0
    if a == b:
        return 1.0
    if len(query.tokens) == len(listed.tokens):
        return 0.0  # split the same way: the token alignment already saw every difference
    longest = len(a) if len(a) > len(b) else len(b)
    edits = 0 if longest < 8 else 1
    if (len(a) - len(b) if len(a) > len(b) else len(b) - len(a)) > edits:
        return 0.0
    distance = _osa(a, b)
    return 1.0 - TYPO_COST * distance / longest if distance <= edits else 0.0


cdef struct Candidate:
    double sim
    int q0, q1  # query token positions (q1 = -1: one token)
    int l0, l1  # listed token positions (l1 = -1: one token)
    int how


cdef class _Tokens:
    """One side's tokens as the aligner reads them, each attribute fetched once."""

    cdef list forms, keys, texts
    cdef bint *latin
    cdef bint *optional
    cdef Py_ssize_t n

    def __cinit__(self, tuple tokens):
        cdef Py_ssize_t i
        self.n = len(tokens)
        self.forms, self.keys, self.texts = [], [], []
        self.latin = <bint *> PyMem_Malloc((self.n + 1) * sizeof(bint))
        self.optional = <bint *> PyMem_Malloc((self.n + 1) * sizeof(bint))
        if self.latin == NULL or self.optional == NULL:
            raise MemoryError()
        for i in range(self.n):
            token = tokens[i]
            self.forms.append(token.forms)
            self.keys.append(token.keys)
            self.texts.append(token.text)
            self.latin[i] = token.latin
            self.optional[i] = token.optional

    def __dealloc__(self):
        PyMem_Free(self.latin)
        PyMem_Free(self.optional)


cdef bint _may_join(_Tokens side, Py_ssize_t a, _Tokens other_side, Py_ssize_t other) except -1:
    """Cheap test before comparing a join: Latin spellings must start alike and be of like length."""
    cdef str x, y, second
    if not (side.latin[a] and side.latin[a + 1] and other_side.latin[other]):
        return True
    x = side.forms[a][0]
    y = other_side.forms[other][0]
    second = side.forms[a + 1][0]
    return x[0] == y[0] and abs(len(x) + len(second) - len(y)) <= 2


cdef double _join_similarity(_Tokens side, Py_ssize_t a, _Tokens other_side, Py_ssize_t other) except -1.0:
    """How alike two adjacent tokens written together are to one token."""
    cdef int how = SPELLING
    cdef tuple forms = _joined_forms(side.forms[a], side.forms[a + 1])
    return _similarity(
        forms,
        other_side.forms[other],
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
                sim = _similarity(q.forms[i], l.forms[j], q.keys[i], l.keys[j], q.latin[i] and l.latin[j], &how)
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


def compare_weighted(object query, object listed, object q_weights, object l_weights, object pair_type, object comparison_type):
    """Align two names' tokens and score them (see `score.compare_weighted`, which calls this)."""
    cdef _Tokens q = _Tokens(query.tokens)
    cdef _Tokens l = _Tokens(listed.tokens)
    cdef Py_ssize_t nq = q.n, nl = l.n, k, i, j, count
    cdef Candidate *found = NULL
    cdef Candidate c
    cdef double *qw
    cdef double *lw
    cdef bint *used_q
    cdef bint *used_l
    cdef double sim, w, matched_q = 0.0, matched_l = 0.0, total_q = 0.0, total_l = 0.0
    cdef double q_cov, l_cov, power, score, compact, total
    cdef list pairs = []
    if nq == 0 or nl == 0:
        return comparison_type(0.0, (), tuple(q.texts), tuple(l.texts))
    qw = <double *> PyMem_Malloc(nq * sizeof(double))
    lw = <double *> PyMem_Malloc(nl * sizeof(double))
    used_q = <bint *> PyMem_Malloc(nq * sizeof(bint))
    used_l = <bint *> PyMem_Malloc(nl * sizeof(bint))
    try:
        if qw == NULL or lw == NULL or used_q == NULL or used_l == NULL:
            raise MemoryError()
        for i in range(nq):
            qw[i] = q_weights[i]
            used_q[i] = False
        for j in range(nl):
            lw[j] = l_weights[j]
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
        # An unmatched optional token (patronymic, article) counts a fifth of its weight.
        for i in range(nq):
            total_q += qw[i] if (used_q[i] or not q.optional[i]) else qw[i] * 0.2
        for j in range(nl):
            total_l += lw[j] if (used_l[j] or not l.optional[j]) else lw[j] * 0.2
        q_cov = matched_q / total_q if total_q else 0.0
        l_cov = matched_l / total_l if total_l else 0.0
        # A ship's name is short and every word of it counts: ORION is not ORION STAR.
        power = 1.0 if listed.schema == "Vessel" else LISTED_COVERAGE_POWER
        score = q_cov * c_pow(l_cov, power)
        compact = compact_similarity(query, listed) if score < 1.0 else 0.0
        if compact > score:
            # Written together or apart ("MIRIM2" / "MI RIM 2", "DAIHONGDAN" / "DAI HONG DAN").
            total = 0.0
            for j in range(nl):
                total += lw[j]
            return comparison_type(
                compact, (pair_type(query.compact, listed.compact, compact, "compact", total),), (), ()
            )
        return comparison_type(
            score if score < 1.0 else 1.0,
            tuple(pairs),
            tuple([q.texts[i] for i in range(nq) if not used_q[i]]),
            tuple([l.texts[j] for j in range(nl) if not used_l[j]]),
        )
    finally:
        PyMem_Free(found)
        PyMem_Free(qw)
        PyMem_Free(lw)
        PyMem_Free(used_q)
        PyMem_Free(used_l)
