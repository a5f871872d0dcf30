# Tests of the local broker and mock cluster.
