# cython: language_level=3, boundscheck=False, wraparound=False, infer_types=False
"""Candidate search, compiled: a query token's credit added to every listed name it reaches.

A query token reaches names under its spelling (credit 1), its phonetic key (0.8) and its
one-deletion variants (0.6); each name counts once, at its best credit. The postings are visited
best credit first and a name already credited for this token is skipped (a per-query stamp), which
gives what sorting, uniquing and subtracting the sets did, without building them. The sums are
float32 like the score array they were made in, added in the same order, so the same names are
found with the same evidence.
"""


def add_token_credit(
    float[::1] scores,
    int[::1] stamp,
    int token_number,
    list postings,
    double weight,
    int first_number,
    int[::1] touched,
    Py_ssize_t count,
):
    """Add `weight × credit` to each name of `postings` ((names, credit), best credit first) once.

    Token numbers only grow within a thread, so a name whose stamp is below the query's first
    token number (`first_number`) is credited for the first time in this query: it is appended to
    `touched` after the `count` already there, once, and the new count is returned. The caller
    then reads and clears only those names instead of arrays the size of the index.
    """
    cdef Py_ssize_t k, i, n
    cdef int[::1] names
    cdef float amount
    cdef int name
    for k in range(len(postings)):
        names = postings[k][0]
        amount = <float> (weight * <double> postings[k][1])
        n = names.shape[0]
        for i in range(n):
            name = names[i]
            if stamp[name] != token_number:
                if stamp[name] < first_number:
                    touched[count] = name
                    count += 1
                stamp[name] = token_number
                scores[name] = scores[name] + amount
    return count
