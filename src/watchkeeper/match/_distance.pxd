"""What `_align.pyx` uses of `_distance.pyx` (cimported: C calls, no Python in between)."""

# How a pair was aligned; the names are those of the explanation.
cdef enum How:
    EXACT = 0
    SPELLING = 1
    PHONETIC = 2
    JOINED = 3
    VARIANT = 4

cdef unsigned long long _mask(str text)
cpdef int allowed_edits(Py_ssize_t length)
cdef double _similarity(
    tuple a_forms,
    const unsigned long long *a_masks,
    tuple b_forms,
    const unsigned long long *b_masks,
    tuple a_keys,
    tuple b_keys,
    bint both_latin,
    int *how,
) except -1.0
cdef double _compact(str a, str b, bint both_latin, Py_ssize_t nq, Py_ssize_t nl) except -1.0
cpdef str variant_pattern(str token)
cdef bint _variants(str a, str b)
