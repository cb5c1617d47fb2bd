# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, infer_types=False
"""How alike two tokens are, compiled: edit distances with swaps, the typing-error rule, phonetic keys.

`_align.pyx` aligns whole names with these. The rules are those documented in `score.py`; the
arithmetic is done in the same order on doubles as the Python it replaced, so every similarity is
bit-for-bit the same (tests/match/test_align.py checks it against rapidfuzz's distances).
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc

#: Similarity credited to tokens that differ in spelling but share a phonetic key.
cdef double PHONETIC_SIMILARITY = 0.8
#: Share of a mistyped letter's weight that a typing error costs.
cdef double TYPO_COST = 0.7


cdef extern from *:
    int popcount "__builtin_popcountll"(unsigned long long)


cdef unsigned long long _mask(str text):
    """The letters of a spelling as a set of 64 buckets: a lower bound on edits without the table.

    A letter of one spelling that the other lacks costs at least one edit (no swap removes it),
    and buckets only merge letters, so the count of unshared buckets never exceeds the distance.
    """
    cdef unsigned long long found = 0
    cdef Py_ssize_t i
    cdef Py_UCS4 letter
    for i in range(len(text)):
        letter = text[i]
        found |= (<unsigned long long> 1) << (<unsigned int> letter & 63)
    return found


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
    tuple a_forms,
    const unsigned long long *a_masks,
    tuple b_forms,
    const unsigned long long *b_masks,
    tuple a_keys,
    tuple b_keys,
    bint both_latin,
    int *how,
) except -1.0:
    # A transliterated token already stands for every usual spelling; letting
    # each of those be mistyped too would match Korean syllables at random.
    cdef bint transliterated = not both_latin
    cdef double best = 0.0, cost, candidate
    cdef Py_ssize_t lx, ly, longest
    cdef int edits, distance, swaps
    cdef str x, y, key
    cdef Py_ssize_t ia, ib
    cdef unsigned long long ma, mb
    cdef int unshared_a, unshared_b
    for ia in range(len(a_forms)):
        x = a_forms[ia]
        lx = len(x)
        ma = a_masks[ia] if a_masks != NULL else _mask(x)
        for ib in range(len(b_forms)):
            y = b_forms[ib]
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
            mb = b_masks[ib] if b_masks != NULL else _mask(y)
            unshared_a = popcount(ma & ~mb)
            unshared_b = popcount(mb & ~ma)
            if unshared_a > edits or unshared_b > edits:
                continue  # more letters unshared than typing errors allowed
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
    cdef double found = _similarity(a_forms, NULL, b_forms, NULL, a_keys, b_keys, both_latin, &how)
    return found, ("exact", "spelling", "phonetic", "joined", "variant")[how]


cdef double _compact(str a, str b, bint both_latin, Py_ssize_t nq, Py_ssize_t nl) except -1.0:
    cdef Py_ssize_t longest
    cdef int edits, distance
    if not a or not b or not both_latin:
        return 0.0
    if a == b:
        return 1.0
    if nq == nl:
        return 0.0  # split the same way: the token alignment already saw every difference
    longest = len(a) if len(a) > len(b) else len(b)
    edits = 0 if longest < 8 else 1
    if (len(a) - len(b) if len(a) > len(b) else len(b) - len(a)) > edits:
        return 0.0
    distance = _osa(a, b)
    return 1.0 - TYPO_COST * distance / longest if distance <= edits else 0.0


def compact_similarity(object query, object listed):
    """The names compared with their spaces removed, allowing a typing error or two."""
    return _compact(
        query.compact,
        listed.compact,
        query.latin_written and listed.latin_written,
        len(query.tokens),
        len(listed.tokens),
    )


# -- vowel variants of one name (phonetic.py says why) -------------------------------------

cdef int _A = 1, _I = 2, _U = 4, _AY = 8, _AW = 16
#: A vowel is written as one character from here (its set of Arabic vowels added): never a letter.
cdef int VOWEL = 0x100


cdef inline bint _is_vowel(Py_UCS4 c):
    return c == u'a' or c == u'e' or c == u'i' or c == u'o' or c == u'u'


cdef int _pair_vowels(Py_UCS4 a, Py_UCS4 b):
    """The Arabic vowels a two-letter spelling stands for, 0 when it is not one (doubled
    letters are already one: aa, ee, oo never reach here)."""
    if a == u'o' and b == u'u':
        return _U | _AW
    if a == u'a' and (b == u'u' or b == u'w'):
        return _AW
    if a == u'o' and b == u'w':
        return _AW | _U
    if (a == u'a' or a == u'e') and (b == u'y' or b == u'i'):
        return _AY
    return 0


cdef int _one_vowel(Py_UCS4 a):
    if a == u'a':
        return _A
    if a == u'e':
        return _A | _I
    if a == u'i':
        return _I
    if a == u'o' or a == u'u':
        return _U
    return 0


#: Patterns made, by spelling: the same few thousand name words recur in every list and query.
cdef dict _PATTERNS = {}
#: The memo is cleared when it holds this many (a list of a million synthetic names).
cdef Py_ssize_t MAX_PATTERNS = 1 << 20


cpdef str variant_pattern(str token):
    """The token's consonants, and its vowels as the Arabic vowels they may stand for ("" for a
    token too short to tell). A final h after a vowel is dropped (Zayniyah / Zeiniye), doubled
    letters are one (Hussein / Husein), and dj, ph, dh, th are j, f, d, t (Djamel / Jamel)."""
    cdef object found = _PATTERNS.get(token)
    if found is not None:
        return <str> found
    if len(_PATTERNS) >= MAX_PATTERNS:
        _PATTERNS.clear()
    found = _make_pattern(token)
    _PATTERNS[token] = found
    return <str> found


cdef str _make_pattern(str token):
    cdef str text = token.replace("dj", "j").replace("ph", "f").replace("dh", "d").replace("th", "t")
    cdef Py_ssize_t n = len(text), i = 0, consonants = 0
    cdef Py_UCS4 c, nxt
    cdef int vowels
    cdef list letters = []
    cdef list out = []
    if n > 2 and text[n - 1] == u'h' and _is_vowel(text[n - 2]):
        n -= 1
    for i in range(n):
        c = text[i]
        if not letters or letters[len(letters) - 1] != c:
            letters.append(c)
    n = len(letters)
    i = 0
    while i < n:
        c = letters[i]
        if i + 1 < n:
            nxt = letters[i + 1]
            vowels = _pair_vowels(c, nxt) if _is_vowel(c) else 0
            # y and w are consonants before a vowel (Ziyad, Awad), vowels after one (Zayd).
            if vowels and (nxt == u'y' or nxt == u'w') and i + 2 < n and _is_vowel(letters[i + 2]):
                vowels = 0
            if vowels:
                out.append(chr(VOWEL + vowels))
                i += 2
                continue
        vowels = _one_vowel(c)
        if vowels:
            out.append(chr(VOWEL + vowels))
        else:
            out.append(c)
            consonants += 1
        i += 1
    # Three letters are too few to tell a variant from another name (Ali / Eli; Ben / Bin are
    # particles with their own spellings); Ouni / Auni is the shortest kept.
    if consonants and len(out) >= 3 and len(token) >= 4:
        return "".join(out)
    return ""


cdef bint _variants(str a, str b):
    """Same consonants in the same places, and each vowel of one could be the vowel of the other."""
    cdef Py_ssize_t k, n = len(a)
    cdef int x, y
    if n == 0 or n != len(b):
        return False
    for k in range(n):
        x = <int> (<Py_UCS4> a[k])
        y = <int> (<Py_UCS4> b[k])
        if x == y:
            continue
        if x < VOWEL or y < VOWEL or not ((x - VOWEL) & (y - VOWEL)):
            return False
    return True


def variant_patterns_agree(str a, str b):
    """Whether two patterns (`variant_pattern`) are spellings of one name."""
    return _variants(a, b)
