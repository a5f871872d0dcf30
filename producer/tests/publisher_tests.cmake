# Tests of the Publisher, ledger publish and ledger tail.
